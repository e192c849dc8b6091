// Writes the pictures of docs/guide/images-and-warps.md (see scripts/warp-images.ts):
//
//   npm run docs:images
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGES_DIR, renderWarpImage, WARP_IMAGES } from './warp-images.js';

for (const image of WARP_IMAGES) {
  const bytes = renderWarpImage(image);
  writeFileSync(join(IMAGES_DIR, image.file), bytes);
  console.log(`${image.file}: ${bytes.length} bytes`);
}
