// How many cases each data-driven suite must register: `it.each([])` registers nothing and passes, so
// each suite also asserts its count. Regenerating the goldens with more cases means updating these.
export const GOLDEN_COUNTS = {
  /** test/fixtures/golden.json, op grid_sample */
  sample: 194,
  /** test/fixtures/golden.json, op affine_grid */
  affine: 14,
  /** test/fixtures/golden-backward.json, op grid_sample_backward */
  backward: 138,
  /** test/fixtures/golden-backward.json, op affine_grid_backward */
  affineBackward: 14,
  /** test/fixtures/golden-backward.json, op spatial_transformer */
  transformer: 19,
  /** grid_sample goldens named "... random" with reflection padding (test/gpu/golden.test.ts) */
  randomReflection: 10,
  /** non-empty grid_sample goldens named "... random" (test/gpu/layout.test.ts) */
  randomNonEmpty: 30,
} as const;
