// The pictures of docs/guide/images-and-warps.md: the demo's photograph warped by each warp of
// webgpu-grid-sample/warps at its starting parameters (warpParameters, the demo's and the CLI's
// defaults), on the CPU reference, so the same code makes the same bytes anywhere.
// scripts/render-warp-images.ts writes them; test/tooling/docs-images.test.ts checks the committed ones.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { type GridSampleOptions, gridSampleCpu, imageFromTensor, tensorFromImage } from '../src/index.js';
import { initialCorners, type WarpName, type WarpOptions, warpGrid, warpParameters } from '../src/warps.js';

export const IMAGES_DIR = resolve(import.meta.dirname, '../docs/guide/images');
const PHOTO = resolve(import.meta.dirname, '../demo/assets/coffee.jpg');
const WIDTH = 200;

export interface WarpImage {
  /** File name under docs/guide/images/. */
  file: string;
  /** The warp, or undefined for the photograph itself (an identity grid). */
  warp: WarpName | undefined;
  paddingMode: NonNullable<GridSampleOptions['paddingMode']>;
}

// zeros where the image's outline is the point (transparent outside it), reflection where it fills the frame
export const WARP_IMAGES: WarpImage[] = [
  { file: 'photo.png', warp: undefined, paddingMode: 'zeros' },
  { file: 'affine.png', warp: 'affine', paddingMode: 'zeros' },
  { file: 'perspective.png', warp: 'perspective', paddingMode: 'zeros' },
  { file: 'lens.png', warp: 'lens', paddingMode: 'reflection' },
  { file: 'swirl.png', warp: 'swirl', paddingMode: 'reflection' },
  { file: 'ripple.png', warp: 'ripple', paddingMode: 'reflection' },
];

/** The options a picture uses: the starting value of every parameter, at the picture's size. */
export function optionsOf(warp: WarpName, width: number, height: number): WarpOptions[WarpName] {
  const initial = Object.fromEntries(warpParameters[warp].map((p) => [p.name, p.initial]));
  return { width, height, ...initial, ...(warp === 'perspective' ? { corners: initialCorners } : {}) } as never;
}

/** The picture as PNG bytes (RGBA8, bilinear). */
export function renderWarpImage(image: WarpImage): Buffer {
  const decoded = jpeg.decode(readFileSync(PHOTO), { useTArray: true, formatAsRGBA: true });
  const photo = { data: new Uint8ClampedArray(decoded.data), width: decoded.width, height: decoded.height };
  const height = Math.round((WIDTH * photo.height) / photo.width);
  const grid = warpGrid(
    image.warp ?? 'affine',
    image.warp ? optionsOf(image.warp, WIDTH, height) : { width: WIDTH, height },
  );
  const out = imageFromTensor(gridSampleCpu(tensorFromImage(photo), grid, { paddingMode: image.paddingMode }));
  const png = new PNG({ width: out.width, height: out.height });
  png.data = Buffer.from(out.data.buffer, out.data.byteOffset, out.data.length);
  return PNG.sync.write(png, { deflateLevel: 9 });
}
