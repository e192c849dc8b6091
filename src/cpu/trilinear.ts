// The eight corners of a trilinear sample, shared by the 3-D forward and backward on the CPU.
// Results go into caller-owned arrays: this runs once per output voxel, so it allocates nothing.
const f = Math.fround;

/**
 * Fills `corner` with the input offset of each corner of the cell around (x, y, z), or -1 outside a
 * D x H x W volume, and `weight` with its float32 weight; corner order t/b (z), n/s (y), w/e (x):
 * tnw, tne, tsw, tse, bnw, bne, bsw, bse (bit 0 is x, bit 1 y, bit 2 z). `faces` receives the
 * distances to the far and near faces as PyTorch forms them, (x0 + 1) - x and x - x0, then y's, z's.
 */
export function trilinearCorners(
  x: number,
  y: number,
  z: number,
  D: number,
  H: number,
  W: number,
  corner: Int32Array,
  weight: Float64Array,
  faces: Float64Array,
): void {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const z0 = Math.floor(z);
  faces[0] = f(x0 + 1 - x);
  faces[1] = f(x - x0);
  faces[2] = f(y0 + 1 - y);
  faces[3] = f(y - y0);
  faces[4] = f(z0 + 1 - z);
  faces[5] = f(z - z0);
  for (let k = 0; k < 8; k++) {
    const dx = k & 1;
    const dy = (k >> 1) & 1;
    const dz = k >> 2;
    const cx = x0 + dx;
    const cy = y0 + dy;
    const cz = z0 + dz;
    const inside = cx >= 0 && cx < W && cy >= 0 && cy < H && cz >= 0 && cz < D;
    corner[k] = inside ? (cz * H + cy) * W + cx : -1;
    weight[k] = f(f(faces[dx] * faces[2 + dy]) * faces[4 + dz]);
  }
}
