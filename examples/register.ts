// Affine image registration on the GPU, in Node with Dawn:
//
//   npx vite-node examples/register.ts
//
// A transformed copy of a picture is made with a known theta; gradient descent through grid_sample
// and affine_grid (their backward passes on the GPU) then recovers that theta from the picture and
// the copy alone. Without a GPU, Dawn runs on SwiftShader (Debian's chromium package), picked here
// when VK_ICD_FILENAMES is unset.
import { existsSync } from 'node:fs';
import { GridSampler } from '../src/index.js';
import { AffineRegistration, affineTheta, syntheticImage } from './register-core.js';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
const { create, globals } = await import('webgpu');
Object.assign(globalThis, globals); // GPUBufferUsage, GPUMapMode, GPUShaderStage
const gpu = create([]); // keep this reference: Dawn tears its instance down when it is collected
const adapter = await gpu.requestAdapter();
if (!adapter) throw new Error('No WebGPU adapter: install Debian chromium (SwiftShader) and libvulkan1');
const device = await adapter.requestDevice();
const sampler = await GridSampler.create({ device });

const image = syntheticImage(64);
const trueTheta = affineTheta(12, [1.1, 0.92], [0.12, -0.08]);
const target = await sampler.gridSample(
  image,
  await sampler.affineGrid({ data: trueTheta, shape: [1, 2, 3] }, image.shape),
);

const registration = AffineRegistration.create({ sampler, image, target });
const format = (t: ArrayLike<number>) => Array.from(t, (v) => v.toFixed(4).padStart(8)).join(' ');
let theta: Float32Array = new Float32Array([1, 0, 0, 0, 1, 0]);
const started = performance.now();
for (let round = 0; round < 6; round++) {
  const progress = await registration.run(50);
  theta = progress.theta;
  const loss = progress.losses.at(-1)?.toExponential(3);
  console.log(`step ${String(progress.steps).padStart(3)}  loss ${loss}  theta ${format(theta)}`);
}
const error = Math.max(...theta.map((v, i) => Math.abs(v - trueTheta[i])));
console.log(`\ntrue theta      ${format(trueTheta)}\nrecovered theta ${format(theta)}`);
const seconds = ((performance.now() - started) / 1000).toFixed(2);
console.log(`max |error| ${error.toExponential(2)} after 300 steps in ${seconds} s`);
registration.destroy();
sampler.destroy();
device.destroy();
