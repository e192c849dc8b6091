// The demo's own arithmetic: output sizes, the perspective handles' convexity, the state -> library
// options of a frame, and the brush on the CPU, against hand-worked values. The warps themselves are
// the library's (test/warps/).
import { describe, expect, it } from 'vitest';
import { applyBrushStep, baseCoordinate, brushGrid } from '../../demo/src/brush.js';
import { cpuGrid } from '../../demo/src/cpu-renderer.js';
import { defaultState } from '../../demo/src/state.js';
import { aspectOf, isConvexQuad, outputSize, warpFrame } from '../../demo/src/warp-math.js';
import type { DemoWarp } from '../../demo/src/warp-specs.js';
import { affineGridCpu } from '../../src/index.js';
import { rippleGrid } from '../../src/warps.js';

const close = (actual: ArrayLike<number>, expected: number[], digits = 6) =>
  expect(Array.from(actual).map((v) => Number(v.toFixed(digits)) + 0)).toEqual(
    expected.map((v) => Number(v.toFixed(digits)) + 0),
  );

function frameFor(warp: DemoWarp, params: Record<string, number>, width: number, height: number, alignCorners = false) {
  const state = defaultState();
  state.warp = warp;
  state.alignCorners = alignCorners;
  Object.assign(state.params[warp], params);
  return warpFrame(state, width, height);
}

describe('output size and aspect', () => {
  it('keeps the aspect ratio with `size` on the longer side', () => {
    expect(outputSize(512, 341, 256)).toEqual([256, 171]);
    expect(outputSize(341, 512, 256)).toEqual([171, 256]);
    expect(outputSize(100, 100, 64)).toEqual([64, 64]);
    expect(outputSize(4000, 1, 16)).toEqual([16, 1]);
    expect(aspectOf(300, 200)).toEqual([1.5, 1]);
  });

  it('base coordinates are affine_grid identity grid coordinates', () => {
    for (const alignCorners of [false, true]) {
      const identity = affineGridCpu({ data: new Float32Array([1, 0, 0, 0, 1, 0]), shape: [1, 2, 3] }, [1, 1, 3, 5], {
        alignCorners,
      });
      for (let x = 0; x < 5; x++) expect(baseCoordinate(x, 5, alignCorners)).toBeCloseTo(identity.data[2 * x], 6);
    }
    expect([0, 1, 2, 3].map((i) => baseCoordinate(i, 4, false))).toEqual([-0.75, -0.25, 0.25, 0.75]);
    expect(baseCoordinate(0, 1, true)).toBe(0);
  });
});

describe('frames', () => {
  it("passes the state's parameters to the library warp, the ripple's phase advanced by the animation", () => {
    const state = defaultState();
    Object.assign(state, { warp: 'ripple', alignCorners: true });
    Object.assign(state.params.ripple, { amplitude: 0.07, wavelength: 0.3, phase: 30, cx: 0.1, cy: -0.2 });
    const frame = warpFrame(state, 12, 8, 45);
    expect(frame.options).toEqual({
      width: 12,
      height: 8,
      alignCorners: true,
      amplitude: 0.07,
      wavelength: 0.3,
      phase: 75,
      cx: 0.1,
      cy: -0.2,
    });
    expect(cpuGrid(frame)).toEqual(rippleGrid(frame.options as Parameters<typeof rippleGrid>[0]));
  });

  it('gives the perspective the state corners', () => {
    const state = defaultState();
    state.warp = 'perspective';
    state.corners = [-0.5, -1, 1, -0.8, 0.9, 1, -1, 0.6];
    expect(warpFrame(state, 4, 4).options).toEqual({
      width: 4,
      height: 4,
      alignCorners: false,
      corners: state.corners,
    });
  });

  it('convexity: the default quad is convex; crossed or degenerate ones are not', () => {
    expect(isConvexQuad(defaultState().corners)).toBe(true);
    expect(isConvexQuad([-0.6, -0.9, 0.8, -0.6, 1.1, 0.9, -0.9, 0.7])).toBe(true);
    expect(isConvexQuad([-1, -1, 1, -1, -1, 1, 1, 1])).toBe(false); // a bow tie
    expect(isConvexQuad([-1, -1, 0, 0, 1, 1, -1, 1])).toBe(false);
  });
});

describe('the brush', () => {
  it('with no displacement is affine_grid identity', () => {
    for (const alignCorners of [false, true]) {
      const grid = brushGrid(frameFor('brush', {}, 9, 6, alignCorners), new Float32Array(9 * 6 * 2)).data;
      const expected = affineGridCpu({ data: new Float32Array([1, 0, 0, 0, 1, 0]), shape: [1, 2, 3] }, [1, 3, 6, 9], {
        alignCorners,
      }).data;
      for (let i = 0; i < grid.length; i++) expect(grid[i]).toBeCloseTo(expected[i], 6);
    }
  });

  it('a brush step pushes the pixel under the cursor by strength * delta and leaves far pixels alone', () => {
    const frame = frameFor('brush', {}, 8, 8);
    const field = new Float32Array(8 * 8 * 2);
    // pixel (2, 3) has centre (-0.375, -0.125)
    applyBrushStep(field, frame, { to: [-0.375, -0.125], delta: [0.1, -0.05], radius: 0.3, strength: 0.8 });
    const i = (3 * 8 + 2) * 2;
    close([field[i], field[i + 1]], [-0.08, 0.04]);
    const far = (7 * 8 + 7) * 2;
    expect([field[far], field[far + 1]]).toEqual([0, 0]);
    const grid = cpuGrid(frame, field).data;
    close([grid[i], grid[i + 1]], [-0.375 - 0.08, -0.125 + 0.04]);
  });
});
