// Each entry point's options type accepts only what that entry point supports (the runtime checks for
// JavaScript callers are in errors.test.ts, layout.test.ts and float16.test.ts). Checked by tsc
// (test/tooling/lint.test.ts type-checks the tests).
import { describe, expectTypeOf, it } from 'vitest';
import type {
  EncodeGridSampleOptions,
  encodeWarpImage,
  GridSampleBackwardOptions,
  GridSampler,
  gridSample,
  gridSampleBackwardCpu,
  gridSampleCpu,
  warpImage,
} from '../../src/index.js';

type OptionsOf<F extends (...args: never[]) => unknown, K extends number> = NonNullable<Parameters<F>[K]>;

describe('option types', () => {
  it('offer dtype on encodeGridSample only', () => {
    expectTypeOf<OptionsOf<GridSampler['encodeGridSample'], 2>>().toEqualTypeOf<EncodeGridSampleOptions>();
    expectTypeOf<EncodeGridSampleOptions>().toHaveProperty('dtype');
    expectTypeOf<OptionsOf<typeof gridSampleCpu, 2>>().not.toHaveProperty('dtype');
    expectTypeOf<OptionsOf<typeof gridSample, 2>>().not.toHaveProperty('dtype');
    expectTypeOf<OptionsOf<GridSampler['gridSample'], 2>>().not.toHaveProperty('dtype');
    expectTypeOf<OptionsOf<GridSampler['gridSampleBackward'], 3>>().not.toHaveProperty('dtype');
    expectTypeOf<OptionsOf<GridSampler['encodeGridSampleBackward'], 2>>().not.toHaveProperty('dtype');
    expectTypeOf<OptionsOf<typeof gridSampleBackwardCpu, 3>>().not.toHaveProperty('dtype');
    expectTypeOf<OptionsOf<typeof warpImage, 3>>().not.toHaveProperty('dtype');
    expectTypeOf<OptionsOf<typeof encodeWarpImage, 3>>().not.toHaveProperty('dtype');
  });

  it("take layout 'nhwc' in the forward and backward passes, none for images", () => {
    expectTypeOf<{ layout: 'nhwc' }>().toExtend<OptionsOf<typeof gridSampleCpu, 2>>();
    expectTypeOf<{ layout: 'nhwc' }>().toExtend<OptionsOf<GridSampler['encodeGridSample'], 2>>();
    for (const backward of [
      expectTypeOf<OptionsOf<typeof gridSampleBackwardCpu, 3>>(),
      expectTypeOf<OptionsOf<GridSampler['gridSampleBackward'], 3>>(),
      expectTypeOf<OptionsOf<GridSampler['encodeGridSampleBackward'], 2>>(),
    ]) {
      backward.toEqualTypeOf<GridSampleBackwardOptions>();
    }
    expectTypeOf<{ layout: 'nhwc' }>().toExtend<GridSampleBackwardOptions>();
    expectTypeOf<{ layout: 'nchw' }>().toExtend<GridSampleBackwardOptions>();
    expectTypeOf<GridSampleBackwardOptions>().not.toHaveProperty('dtype');
    expectTypeOf<OptionsOf<typeof encodeWarpImage, 3>>().not.toHaveProperty('layout');
  });
});
