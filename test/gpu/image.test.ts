// Image warping on the GPU (RGBA8 in, RGBA8 out) against the CPU reference on the float image.
import { afterAll, describe, expect, it } from 'vitest';
import {
  encodeWarpImage,
  gridSampleCpu,
  type ImageDataLike,
  imageFromTensor,
  readImage,
  tensorFromImage,
  textureFromImage,
  warpImage,
} from '../../src/index.js';
import { createTestDevice, useErrorScopes } from '../helpers/gpu.js';
import { randomTensor } from '../helpers/random.js';
import { compare, describeComparison, TOLERANCE } from '../helpers/tolerance.js';

const device = await createTestDevice();

function randomImage(width: number, height: number, seed: number): ImageDataLike {
  const values = randomTensor([width * height * 4], seed, 0, 256).data;
  return { data: Uint8ClampedArray.from(values, Math.floor), width, height };
}

/** RGBA8 results agree: nearest copies bytes exactly; other modes may round a hair apart (1 of 255). */
function expectSameBytes(actual: ImageDataLike, expected: ImageDataLike, mode: string | undefined, label = '') {
  expect([actual.width, actual.height], `${label} size`).toEqual([expected.width, expected.height]);
  const tolerance = mode === 'nearest' ? TOLERANCE.nearest : TOLERANCE.imageByte;
  const result = compare(actual.data, expected.data, tolerance, { scale: 1 });
  expect(result.ok, `${label}: ${describeComparison(result)}`).toBe(true);
}

describe('image helpers on the CPU', () => {
  it('round-trips RGBA bytes through a [1, 4, H, W] tensor', () => {
    const image = randomImage(7, 5, 1);
    const tensor = tensorFromImage(image);
    expect(tensor.shape).toEqual([1, 4, 5, 7]);
    expect(tensor.data[7 * 5 + 3]).toBeCloseTo(image.data[3 * 4 + 1] / 255, 7); // G of pixel 3
    expect(imageFromTensor(tensor).data).toEqual(image.data);
  });

  it('writes 1 and 3 channel tensors as gray and RGB with opaque alpha, rounding and clamping each byte', () => {
    // two pixels; values below 0 clamp to 0, above 1 to 255, the rest round(v * 255) (0.5 -> 127.5 -> 128)
    const gray = imageFromTensor({ data: new Float32Array([0.5, 1.5]), shape: [1, 1, 1, 2] });
    expect([gray.width, gray.height]).toEqual([2, 1]);
    expect([...gray.data]).toEqual([128, 128, 128, 255, 255, 255, 255, 255]);
    const rgb = imageFromTensor({ data: new Float32Array([0.2, -1, 1 / 255, 0.999, 0, 1]), shape: [1, 3, 1, 2] });
    // R = (0.2, -1), G = (1/255, 0.999), B = (0, 1): 0.2 * 255 = 51, 0.999 * 255 = 254.7 -> 255
    expect([...rgb.data]).toEqual([51, 1, 0, 255, 0, 255, 255, 255]);
    expect(() => imageFromTensor({ data: new Float32Array(4), shape: [1, 2, 1, 2] })).toThrow(
      /imageFromTensor: tensor must be \[1, 1 \| 3 \| 4, H, W\], got \[1, 2, 1, 2\]/,
    );
  });
});

describe.skipIf(!device)('warpImage on WebGPU', () => {
  const gpu = device as GPUDevice;
  afterAll(() => gpu.destroy());
  useErrorScopes(() => gpu);

  const image = randomImage(37, 29, 2);
  const grid = randomTensor([1, 23, 31, 2], 3, -1.2, 1.2);

  for (const mode of ['bilinear', 'nearest', 'bicubic'] as const) {
    for (const paddingMode of ['zeros', 'border', 'reflection'] as const) {
      for (const alignCorners of [false, true]) {
        const options = { mode, paddingMode, alignCorners };
        it(`${mode} ${paddingMode} alignCorners=${alignCorners} equals the CPU reference within 1/255`, async () => {
          const out = await readImage(gpu, warpImage(gpu, image, grid, options));
          const expected = imageFromTensor(gridSampleCpu(tensorFromImage(image), grid, options));
          expect([out.width, out.height]).toEqual([31, 23]);
          expectSameBytes(out, expected, mode);
        });
      }
    }
  }

  it('samples an existing texture into a caller texture', async () => {
    const source = textureFromImage(gpu, image);
    const target = gpu.createTexture({
      size: [31, 23],
      format: 'rgba8unorm',
      usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.COPY_SRC,
    });
    expect(warpImage(gpu, source, grid, { target, mode: 'nearest' })).toBe(target);
    const expected = imageFromTensor(gridSampleCpu(tensorFromImage(image), grid, { mode: 'nearest' }));
    expectSameBytes(await readImage(gpu, target), expected, 'nearest');
    source.destroy();
    target.destroy();
  });

  it('draws into a canvas target (the README example): configures it for storage writes and sizes it', async () => {
    // a canvas as warpImage sees one: getContext('webgpu') and the current texture of its configuration
    const configured: GPUCanvasConfiguration[] = [];
    let current: GPUTexture | undefined;
    const canvas = {
      width: 300,
      height: 150,
      getContext: (kind: string) =>
        kind === 'webgpu'
          ? {
              configure(configuration: GPUCanvasConfiguration) {
                configured.push(configuration);
              },
              getCurrentTexture() {
                const { format, usage } = configured[configured.length - 1];
                current ??= gpu.createTexture({ size: [canvas.width, canvas.height], format, usage: usage ?? 0 });
                return current;
              },
            }
          : null,
    };
    const options = { mode: 'bicubic', paddingMode: 'border' } as const;
    const drawn = warpImage(gpu, image, grid, { ...options, target: canvas as unknown as HTMLCanvasElement });
    expect(drawn).toBe(current);
    expect(configured).toHaveLength(1);
    expect(configured[0]).toMatchObject({ device: gpu, format: 'rgba8unorm' });
    expect((configured[0].usage ?? 0) & GPUTextureUsage.STORAGE_BINDING).toBe(GPUTextureUsage.STORAGE_BINDING);
    expect([canvas.width, canvas.height]).toEqual([31, 23]);
    const expected = imageFromTensor(gridSampleCpu(tensorFromImage(image), grid, options));
    expectSameBytes(await readImage(gpu, drawn), expected, options.mode, 'canvas');
    drawn.destroy();
  });

  it('encodeWarpImage refuses a bad grid shape, a small target and a small grid buffer with RangeErrors', () => {
    const source = textureFromImage(gpu, image);
    const target = gpu.createTexture({ size: [31, 23], format: 'rgba8unorm', usage: GPUTextureUsage.STORAGE_BINDING });
    const gridBuffer = gpu.createBuffer({ size: 31 * 23 * 8, usage: GPUBufferUsage.STORAGE });
    const smallBuffer = gpu.createBuffer({ size: 31 * 23 * 8 - 4, usage: GPUBufferUsage.STORAGE });
    const encoder = gpu.createCommandEncoder();
    const args = { source, grid: gridBuffer, gridShape: [1, 23, 31, 2], target };
    const cases: [Partial<typeof args>, RegExp][] = [
      [
        { gridShape: [2, 23, 31, 2] },
        /^warpImage: grid must be \[1, H_out, W_out, 2\] with H_out, W_out > 0, got \[2,23,31,2\]/,
      ],
      [{ gridShape: [1, 0, 31, 2] }, /^warpImage: grid must be \[1, H_out, W_out, 2\]/],
      [{ gridShape: [1, 23, 31, 3] }, /^warpImage: grid must be \[1, H_out, W_out, 2\]/],
      [{ gridShape: [1, 24, 31, 2] }, /^warpImage: target is 31 x 23, the grid needs 31 x 24$/],
      [{ grid: smallBuffer }, /^warpImage: grid buffer has 5700 bytes, \[1, 23, 31, 2\] needs 5704$/],
    ];
    for (const [change, message] of cases) {
      const call = () => encodeWarpImage(gpu, encoder, { ...args, ...change });
      expect(call, String(message)).toThrow(RangeError);
      expect(call).toThrow(message);
    }
    encodeWarpImage(gpu, encoder, args); // the same arguments, unchanged, are fine
    encoder.finish();
    for (const resource of [source, target, gridBuffer, smallBuffer]) resource.destroy();
  });

  it('rejects pixels of the wrong length', () => {
    expect(() => textureFromImage(gpu, { data: new Uint8ClampedArray(10), width: 2, height: 2 })).toThrow(
      /data has 10 bytes, 2 x 2 RGBA needs 16/,
    );
  });
});
