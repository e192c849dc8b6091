// The demo's warp arithmetic on the CPU, against hand-worked values and geometric facts that do not
// come from the code under test (a rotation keeps lengths, a homography hits its four corners...).
import { describe, expect, it } from 'vitest';
import { applyBrushStep, baseCoordinate, cpuGrid } from '../../demo/src/cpu-grids.js';
import { defaultState } from '../../demo/src/state.js';
import { affineTheta, aspectOf, homography, isConvexQuad, outputSize, warpFrame } from '../../demo/src/warp-math.js';
import type { WarpName } from '../../demo/src/warp-specs.js';
import { affineGridCpu } from '../../src/index.js';

const close = (actual: ArrayLike<number>, expected: number[], digits = 6) =>
  expect(Array.from(actual).map((v) => Number(v.toFixed(digits)) + 0)).toEqual(
    expected.map((v) => Number(v.toFixed(digits)) + 0),
  );

const apply = (theta: ArrayLike<number>, [x, y]: [number, number]): [number, number] => [
  theta[0] * x + theta[1] * y + theta[2],
  theta[3] * x + theta[4] * y + theta[5],
];

function frameFor(warp: WarpName, params: Record<string, number>, width: number, height: number, alignCorners = false) {
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

describe('affine theta', () => {
  const identity = { angle: 0, scale: 1, shear: 0, tx: 0, ty: 0 };

  it('a 90° turn counter-clockwise on screen samples the bottom of the input at the right of the output', () => {
    close(affineTheta({ ...identity, angle: 90 }, [1, 1]), [0, -1, 0, 1, 0, 0]);
    close(apply(affineTheta({ ...identity, angle: 90 }, [1, 1]), [1, 0]), [0, 1]);
  });

  it('scale 2 halves the sampled coordinates; translating by 0.5 moves the content right', () => {
    close(affineTheta({ ...identity, scale: 2 }, [1, 1]), [0.5, 0, 0, 0, 0.5, 0]);
    close(affineTheta({ ...identity, tx: 0.5 }, [1, 1]), [1, 0, -0.5, 0, 1, 0]);
  });

  it('on a 3:2 image a rotation stays a rotation in pixels: lengths and angles are kept', () => {
    const aspect: [number, number] = [1.5, 1];
    const theta = affineTheta({ ...identity, angle: 37 }, aspect);
    const physical = ([x, y]: [number, number]) => [x * aspect[0], y * aspect[1]];
    for (const point of [
      [1, 0],
      [0, 1],
      [0.3, -0.7],
    ] as [number, number][]) {
      const [a, b] = physical(point);
      const [c, d] = physical(apply(theta, point));
      expect(Math.hypot(c, d)).toBeCloseTo(Math.hypot(a, b), 6);
      // output point -> input point turns clockwise by 37° (the inverse of the forward turn)
      expect(Math.atan2(d, c) - Math.atan2(b, a)).toBeCloseTo((37 * Math.PI) / 180, 6);
    }
  });

  it('shear, then rotate: theta inverts the forward transform', () => {
    const p = { angle: 25, scale: 1.3, shear: 0.4, tx: 0.2, ty: -0.1 };
    const theta = affineTheta(p, [1, 1]);
    // forward: scale, shear (x += shear * y), rotate counter-clockwise on screen, translate
    const forward = ([x, y]: [number, number]): [number, number] => {
      const [sx, sy] = [x * p.scale + p.shear * y * p.scale, y * p.scale];
      const a = (-p.angle * Math.PI) / 180;
      return [Math.cos(a) * sx - Math.sin(a) * sy + p.tx, Math.sin(a) * sx + Math.cos(a) * sy + p.ty];
    };
    for (const point of [
      [0.5, 0.25],
      [-0.9, 0.4],
    ] as [number, number][])
      close(apply(theta, forward(point)), point, 5);
  });
});

describe('perspective homography', () => {
  const corners = [-0.6, -0.9, 0.8, -0.6, 1.1, 0.9, -0.9, 0.7];
  const project = (m: Float32Array, x: number, y: number) => {
    const w = m[6] * x + m[7] * y + m[8];
    return { point: [(m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w], w };
  };

  it('takes each handle to its corner of the input, with w > 0 inside', () => {
    const m = homography(corners)!;
    const expected = [
      [-1, -1],
      [1, -1],
      [1, 1],
      [-1, 1],
    ];
    for (let i = 0; i < 4; i++) {
      const { point, w } = project(m, corners[2 * i], corners[2 * i + 1]);
      close(point, expected[i], 5);
      expect(w).toBeGreaterThan(0);
    }
  });

  it('is the identity for the image corners, and undefined when three handles are collinear', () => {
    close(homography([-1, -1, 1, -1, 1, 1, -1, 1])!, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(homography([-1, -1, 0, 0, 1, 1, -1, 1])).toBeUndefined();
  });

  it('convexity: the default quad is convex; crossed or degenerate ones are not', () => {
    expect(isConvexQuad(corners)).toBe(true);
    expect(isConvexQuad([-1, -1, 1, -1, -1, 1, 1, 1])).toBe(false); // a bow tie
    expect(isConvexQuad([-1, -1, 0, 0, 1, 1, -1, 1])).toBe(false);
  });

  it('a point behind the horizon gets a NaN grid point, which samples nothing', () => {
    const frame = frameFor('perspective', {}, 8, 8);
    frame.matrix = new Float32Array([1, 0, 0, 0, 1, 0, 1, 0, 0.5]); // w = x + 0.5 <= 0 for x <= -0.5
    const grid = cpuGrid(frame).data;
    expect(Number.isNaN(grid[0])).toBe(true); // x = -0.875
    expect(Number.isNaN(grid[2 * 4])).toBe(false); // x = 0.125
  });
});

describe('CPU grids', () => {
  const identityGrid = (w: number, h: number, alignCorners: boolean) =>
    affineGridCpu({ data: new Float32Array([1, 0, 0, 0, 1, 0]), shape: [1, 2, 3] }, [1, 3, h, w], { alignCorners })
      .data;

  it.each([
    ['lens', { k1: 0, k2: 0, zoom: 1, cx: 0.3 }],
    ['swirl', { strength: 0, cx: -0.2 }],
    ['ripple', { amplitude: 0 }],
    ['brush', {}],
  ] as const)('%s with neutral parameters is affine_grid identity', (warp, params) => {
    for (const alignCorners of [false, true]) {
      const grid = cpuGrid(frameFor(warp, params, 9, 6, alignCorners), new Float32Array(9 * 6 * 2)).data;
      const expected = identityGrid(9, 6, alignCorners);
      for (let i = 0; i < grid.length; i++) expect(grid[i]).toBeCloseTo(expected[i], 6);
    }
  });

  it('swirl turns a point at half the radius by strength / 4 and leaves points beyond the radius alone', () => {
    const frame = frameFor('swirl', { strength: 2, radius: 0.8, cx: 0, cy: 0 }, 64, 64);
    const grid = cpuGrid(frame).data;
    const base = identityGrid(64, 64, false);
    for (let i = 0; i < grid.length; i += 2) {
      const r = Math.hypot(base[i], base[i + 1]);
      if (r >= 0.8) {
        close([grid[i], grid[i + 1]], [base[i], base[i + 1]]);
      } else if (Math.abs(r - 0.4) < 0.01) {
        const turned = Math.atan2(grid[i + 1], grid[i]) - Math.atan2(base[i + 1], base[i]);
        expect(Math.cos(turned)).toBeCloseTo(Math.cos(2 * (1 - r / 0.8) ** 2), 5);
        expect(Math.hypot(grid[i], grid[i + 1])).toBeCloseTo(r, 5);
      }
    }
  });

  it('ripple moves points along their radius by amplitude * sin(2 pi r / wavelength - phase)', () => {
    const frame = frameFor('ripple', { amplitude: 0.05, wavelength: 0.3, phase: 90 }, 30, 20);
    const grid = cpuGrid(frame).data;
    const base = identityGrid(30, 20, false);
    const [ax, ay] = frame.aspect;
    for (let i = 0; i < grid.length; i += 2) {
      const [x, y] = [base[i] * ax, base[i + 1] * ay];
      const [u, v] = [grid[i] * ax, grid[i + 1] * ay];
      const r = Math.hypot(x, y);
      expect(Math.hypot(u, v) - r).toBeCloseTo(0.05 * Math.sin((2 * Math.PI * r) / 0.3 - Math.PI / 2), 5);
      expect(x * v - y * u).toBeCloseTo(0, 5); // parallel: a radial move
    }
  });

  it('lens: barrel distortion samples farther out at the corners, by 1 + k1 r^2 + k2 r^4', () => {
    const frame = frameFor('lens', { k1: 0.2, k2: 0.05, zoom: 1, cx: 0, cy: 0 }, 4, 4);
    const grid = cpuGrid(frame).data;
    // the top-left pixel centre is (-0.75, -0.75): r^2 = 1.125 on a square image
    const f = 1 + 0.2 * 1.125 + 0.05 * 1.125 ** 2;
    close([grid[0], grid[1]], [-0.75 * f, -0.75 * f]);
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
