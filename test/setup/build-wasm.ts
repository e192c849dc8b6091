// Vitest global setup: compiles the wasm kernels (assembly/) when they are missing or older than
// their sources, so `npx vitest run` works from a fresh clone without `npm run build` first.
import { buildWasm } from '../../scripts/build-wasm.js';

export default async function setup(): Promise<void> {
  await buildWasm((line) => console.log(`[wasm] ${line}`));
}
