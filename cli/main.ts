// webgpu-grid-sample warp <inputs...> <output>: warps PNG/JPEG files with the library's warps.
import { mkdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { imageFromTensor, tensorFromImage } from '../src/index.js';
import { type WarpName, type WarpOptions, warpGrid } from '../src/warps.js';
import { parseWarpArguments, USAGE, UsageError, type WarpJob } from './arguments.js';
import { type Backend, openBackend } from './backend.js';
import { readImageFile, writeImageFile } from './images.js';

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** Input/output pairs: several inputs (or an existing folder) mean one <name>.png per input there. */
async function plan(job: WarpJob): Promise<[string, string][]> {
  if (job.inputs.length === 1 && !(await isDirectory(job.output))) return [[job.inputs[0], job.output]];
  await mkdir(job.output, { recursive: true });
  const names = new Set<string>();
  return job.inputs.map((input) => {
    const name = `${basename(input, extname(input))}.png`;
    if (names.has(name)) throw new UsageError(`two inputs would both be written to ${join(job.output, name)}`);
    names.add(name);
    return [input, join(job.output, name)];
  });
}

/** Output [width, height]: `size` pixels along the image's longer side, the image's aspect ratio. */
function outputSize(imageWidth: number, imageHeight: number, size: number): [number, number] {
  const longer = Math.max(imageWidth, imageHeight);
  const scaled = (side: number) => Math.max(1, Math.round((size * side) / longer));
  return [scaled(imageWidth), scaled(imageHeight)];
}

async function warpFile(backend: Backend, job: WarpJob, input: string, output: string): Promise<void> {
  const image = await readImageFile(input, job.maxPixels);
  const [width, height] = outputSize(image.width, image.height, job.size ?? Math.max(image.width, image.height));
  const grid = warpGrid(job.warp, { ...job.params, width, height } as WarpOptions[WarpName]);
  const out = await backend.sample(tensorFromImage(image), grid, job.sampling);
  await writeImageFile(output, imageFromTensor(out));
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === undefined) {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  let job: WarpJob;
  let pairs: [string, string][];
  try {
    if (command !== 'warp') throw new UsageError(`unknown command ${command}; the command is warp`);
    job = parseWarpArguments(rest);
    pairs = await plan(job);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`webgpu-grid-sample: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  const backend = await openBackend(job.backend);
  console.error(`webgpu-grid-sample: sampling on ${backend.description}`);
  const bar = new SingleBar({
    format: 'warping [{bar}] {value}/{total} {file}',
    stream: process.stderr,
    noTTYOutput: false,
  });
  const failures: string[] = [];
  bar.start(pairs.length, 0, { file: '' });
  try {
    for (const [input, output] of pairs) {
      bar.update({ file: basename(input) });
      try {
        await warpFile(backend, job, input, output);
      } catch (error) {
        failures.push((error as Error).message);
      }
      bar.increment();
    }
  } finally {
    bar.stop();
    backend.close();
  }
  for (const failure of failures) console.error(`webgpu-grid-sample: ${failure}`);
  console.error(`webgpu-grid-sample: wrote ${pairs.length - failures.length} of ${pairs.length} file(s)`);
  return failures.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`webgpu-grid-sample: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
