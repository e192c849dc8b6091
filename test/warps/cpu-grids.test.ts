// The warps' arithmetic on the CPU, against hand-worked values and geometric facts that do not come
// from the code under test (a rotation keeps lengths, a homography hits its four corners...), and
// against affine_grid's identity grid.
import { describe, expect, it } from 'vitest';
import { affineGridCpu } from '../../src/index.js';
import { affineTheta, homography } from '../../src/warps/plan.js';
import {
  affineWarpGrid,
  initialCorners,
  lensGrid,
  perspectiveGrid,
  rippleGrid,
  swirlGrid,
  type WarpName,
  type WarpOptions,
  warpGrid,
  warpParameters,
} from '../../src/warps.js';

const close = (actual: ArrayLike<number>, expected: number[], digits = 6) =>
  expect(Array.from(actual).map((v) => Number(v.toFixed(digits)) + 0)).toEqual(
    expected.map((v) => Number(v.toFixed(digits)) + 0),
  );

const apply = (theta: ArrayLike<number>, [x, y]: [number, number]): [number, number] => [
  theta[0] * x + theta[1] * y + theta[2],
  theta[3] * x + theta[4] * y + theta[5],
];

const identityGrid = (width: number, height: number, alignCorners: boolean) =>
  affineGridCpu({ data: new Float32Array([1, 0, 0, 0, 1, 0]), shape: [1, 2, 3] }, [1, 3, height, width], {
    alignCorners,
  }).data;

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

  it('affineWarpGrid turned by 180° on a 4 x 2 output samples each pixel from the opposite one', () => {
    const grid = affineWarpGrid({ width: 4, height: 2, angle: 180 }).data;
    const base = identityGrid(4, 2, false);
    close(
      grid,
      Array.from(base, (v) => -v),
    );
    // no parameters: affine_grid's identity, bit for bit
    expect(affineWarpGrid({ width: 5, height: 3, alignCorners: true }).data).toEqual(identityGrid(5, 3, true));
  });
});

describe('perspective homography', () => {
  const corners = [-0.6, -0.9, 0.8, -0.6, 1.1, 0.9, -0.9, 0.7];
  const project = (m: Float32Array, x: number, y: number) => {
    const w = m[6] * x + m[7] * y + m[8];
    return { point: [(m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w], w };
  };

  it('takes each corner to its corner of the input, with w > 0 inside', () => {
    const m = homography('test', corners);
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

  it('is the identity for the image corners; three corners on one line are a RangeError', () => {
    close(homography('test', [-1, -1, 1, -1, 1, 1, -1, 1]), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(() => perspectiveGrid({ width: 4, height: 4, corners: [-1, -1, 0, 0, 1, 1, -1, 1] })).toThrow(
      /perspectiveGrid: corners \[-1, -1, 0, 0, 1, 1, -1, 1\] have three points on one line/,
    );
  });

  it('the image corners give affine_grid identity; output points behind the horizon are NaN', () => {
    const identity = perspectiveGrid({ width: 6, height: 5, corners: [-1, -1, 1, -1, 1, 1, -1, 1] }).data;
    const expected = identityGrid(6, 5, false);
    for (let i = 0; i < identity.length; i++) expect(identity[i]).toBeCloseTo(expected[i], 6);
    // a quad whose left edge lies far beyond the output: the horizon crosses the output
    const tilted = [-0.3, -1.2, 0.9, -0.2, 1.4, 1.1, -1.5, 0.3];
    const m = homography('test', tilted);
    const grid = perspectiveGrid({ width: 100, height: 100, corners: tilted }).data;
    const base = identityGrid(100, 100, false);
    let behind = 0;
    for (let i = 0; i < grid.length; i += 2) {
      const w = m[6] * base[i] + m[7] * base[i + 1] + m[8];
      expect(Number.isNaN(grid[i]), `point ${i / 2}, w = ${w}`).toBe(!(w > 1e-6));
      if (!(w > 1e-6)) behind++;
    }
    expect(behind).toBeGreaterThan(0);
  });
});

describe('radial warps', () => {
  it.each([
    ['lens', { k1: 0, k2: 0, zoom: 1, cx: 0.3 }],
    ['swirl', { strength: 0, radius: 1, cx: -0.2 }],
    ['ripple', { amplitude: 0, wavelength: 0.2 }],
  ] as const)('%s with neutral parameters is affine_grid identity', (warp, params) => {
    for (const alignCorners of [false, true]) {
      const grid = warpGrid(
        warp as WarpName,
        { width: 9, height: 6, alignCorners, ...params } as WarpOptions[WarpName],
      ).data;
      const expected = identityGrid(9, 6, alignCorners);
      for (let i = 0; i < grid.length; i++) expect(grid[i]).toBeCloseTo(expected[i], 6);
    }
  });

  it('swirl turns a point at half the radius by strength / 4 and leaves points beyond the radius alone', () => {
    const grid = swirlGrid({ width: 64, height: 64, strength: 2, radius: 0.8 }).data;
    const base = identityGrid(64, 64, false);
    let checked = 0;
    for (let i = 0; i < grid.length; i += 2) {
      const r = Math.hypot(base[i], base[i + 1]);
      if (r >= 0.8) {
        close([grid[i], grid[i + 1]], [base[i], base[i + 1]]);
      } else if (Math.abs(r - 0.4) < 0.01) {
        const turned = Math.atan2(grid[i + 1], grid[i]) - Math.atan2(base[i + 1], base[i]);
        expect(Math.cos(turned)).toBeCloseTo(Math.cos(2 * (1 - r / 0.8) ** 2), 5);
        expect(Math.hypot(grid[i], grid[i + 1])).toBeCloseTo(r, 5);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('ripple moves points along their radius by amplitude * sin(2 pi r / wavelength - phase)', () => {
    const grid = rippleGrid({ width: 30, height: 20, amplitude: 0.05, wavelength: 0.3, phase: 90 }).data;
    const base = identityGrid(30, 20, false);
    const [ax, ay] = [1.5, 1]; // 30 x 20: isotropic units per normalized unit
    for (let i = 0; i < grid.length; i += 2) {
      const [x, y] = [base[i] * ax, base[i + 1] * ay];
      const [u, v] = [grid[i] * ax, grid[i + 1] * ay];
      const r = Math.hypot(x, y);
      expect(Math.hypot(u, v) - r).toBeCloseTo(0.05 * Math.sin((2 * Math.PI * r) / 0.3 - Math.PI / 2), 5);
      expect(x * v - y * u).toBeCloseTo(0, 5); // parallel: a radial move
    }
  });

  it('lens: barrel distortion samples farther out at the corners, by 1 + k1 r^2 + k2 r^4', () => {
    const grid = lensGrid({ width: 4, height: 4, k1: 0.2, k2: 0.05 }).data;
    // the top-left pixel centre is (-0.75, -0.75): r^2 = 1.125 on a square image
    const f = 1 + 0.2 * 1.125 + 0.05 * 1.125 ** 2;
    close([grid[0], grid[1]], [-0.75 * f, -0.75 * f]);
    // zoom 2 halves every sampled coordinate; the centre moves the fixed point
    const zoomed = lensGrid({ width: 4, height: 4, k1: 0, zoom: 2, cx: 0.25, cy: -0.25 }).data;
    close([zoomed[0], zoomed[1]], [(-0.75 - 0.25) / 2 + 0.25, (-0.75 + 0.25) / 2 - 0.25]);
  });
});

describe('options', () => {
  it('warpGrid(name) gives the named function its grid', () => {
    const size = { width: 7, height: 5, alignCorners: true };
    expect(warpGrid('swirl', { ...size, strength: 3, radius: 0.7 })).toEqual(
      swirlGrid({ ...size, strength: 3, radius: 0.7 }),
    );
    expect(warpGrid('perspective', { ...size, corners: initialCorners })).toEqual(
      perspectiveGrid({ ...size, corners: initialCorners }),
    );
  });

  it('every parameter of warpParameters is read by its warp, and its starting value is in its range', () => {
    for (const warp of Object.keys(warpParameters) as WarpName[]) {
      const initial = Object.fromEntries(warpParameters[warp].map((p) => [p.name, p.initial]));
      const options = { width: 12, height: 8, ...initial, corners: initialCorners } as WarpOptions[WarpName];
      const reference = warpGrid(warp, options).data;
      for (const p of warpParameters[warp]) {
        expect(p.initial, `${warp}.${p.name}`).toBeGreaterThanOrEqual(p.min);
        expect(p.initial, `${warp}.${p.name}`).toBeLessThanOrEqual(p.max);
        const moved = warpGrid(warp, { ...options, [p.name]: p.initial + (p.max - p.min) / 7 }).data;
        expect(moved, `${warp}.${p.name} changes the grid`).not.toEqual(reference);
      }
    }
  });

  it.each([
    [
      () => swirlGrid({ width: 0, height: 4, strength: 1, radius: 1 }),
      RangeError,
      /swirlGrid: width must be an integer from 1 to 2\^24/,
    ],
    [() => swirlGrid({ width: 2.5, height: 4, strength: 1, radius: 1 }), RangeError, /width must be an integer/],
    [
      () => swirlGrid({ width: 4, height: 4, strength: 1, radius: 0 }),
      RangeError,
      /swirlGrid: radius must be > 0, got 0/,
    ],
    [() => rippleGrid({ width: 4, height: 4, amplitude: 1, wavelength: -1 }), RangeError, /wavelength must be > 0/],
    [() => lensGrid({ width: 4, height: 4, k1: 0.1, zoom: 0 }), RangeError, /lensGrid: zoom must not be 0/],
    [() => affineWarpGrid({ width: 4, height: 4, scale: 0 }), RangeError, /affineWarpGrid: scale must not be 0/],
    [() => lensGrid({ width: 4, height: 4, k1: Number.NaN }), RangeError, /lensGrid: k1 must be finite, got NaN/],
    [() => lensGrid({ width: 4, height: 4 } as never), TypeError, /lensGrid: k1 must be a number, got undefined/],
    [
      () => swirlGrid({ width: 4, height: 4, strength: 1, radius: 1, alignCorners: 1 as never }),
      TypeError,
      /alignCorners must be a boolean/,
    ],
    [() => perspectiveGrid({ width: 4, height: 4, corners: [0, 1] }), TypeError, /corners must be 8 finite numbers/],
    [
      () => warpGrid('twirl' as never, { width: 4, height: 4 } as never),
      TypeError,
      /warpGrid: unknown warp "twirl"; expected one of affine, perspective, lens, swirl, ripple/,
    ],
    [() => swirlGrid(null as never), TypeError, /swirlGrid: options must be an object/],
  ] as const)('rejects bad options: %#', (call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});
