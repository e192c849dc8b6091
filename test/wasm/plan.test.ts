// The host's memory plan against the kernels' own numbers, and the split of work over threads.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleGeometry } from '../../src/options.js';
import { kernelBytes } from '../../src/wasm/binary.js';
import { planMemory, scratchBytesOf, splitRange } from '../../src/wasm/plan.js';

describe('memory plan', () => {
  it("gives each thread the scratch the kernels say they need (assembly/tile.ts's scratchBytes)", async () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const { instance } = await WebAssembly.instantiate(await kernelBytes(false), { env: { memory } });
    const { scratchBytes } = instance.exports as { scratchBytes(pixelStride: number): number };
    for (const stride of [4, 8, 64, 1024])
      expect(scratchBytesOf(stride), `pixelStride ${stride}`).toBe(scratchBytes(stride));
  });

  it('keeps every region apart, on 64-byte lines, inside the planned bytes', () => {
    for (const [input, grid, layout, threads] of [
      [[4, 64, 64, 64], [4, 64, 64, 2], 'nchw', 2],
      [[1, 3, 1024, 1024], [1, 1024, 1024, 2], 'nchw', 1],
      [[2, 5, 6, 7, 3], [2, 4, 4, 4, 3], 'nhwc', 3],
      [[1, 7, 7, 8], [1, 3, 3, 2], 'nhwc', 2],
    ] as const) {
      const geo = sampleGeometry(input, grid, layout);
      const plan = planMemory(geo, threads);
      const regions: [string, number, number][] = [
        ['params', plan.params, 80],
        ['counter', plan.counter, 4],
        ['scratch', plan.scratch, plan.scratchBytes * threads],
        ['zero', plan.zero, 4 * plan.pixelStride],
        ['input', plan.input, 4 * (plan.stagePixels || plan.pixels) * geo.c],
        ['packed', plan.packed, plan.packedBytes * threads],
        ['grid', plan.grid, 4 * plan.points * geo.spatialDims],
        ['output', plan.output, 4 * plan.points * geo.c],
      ];
      if (plan.source !== plan.input && plan.split === 'points') {
        regions.push(['source', plan.source, 4 * plan.pixels * plan.pixelStride]);
      }
      const used = regions.filter(([, , size]) => size > 0).sort((a, b) => a[1] - b[1]);
      for (const [name, start] of used) expect(start % 64, name).toBe(0);
      for (let i = 1; i < used.length; i++) {
        expect(used[i][1], `${used[i - 1][0]} runs into ${used[i][0]}`).toBeGreaterThanOrEqual(
          used[i - 1][1] + used[i - 1][2],
        );
      }
      const last = used[used.length - 1];
      expect(plan.bytes).toBeGreaterThanOrEqual(last[1] + last[2]);
    }
  });
});

describe('splitRange', () => {
  it('covers [0, total) in order, without overlap, cutting at multiples of align', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.integer({ min: 1, max: 16 }), fc.constantFrom(1, 4), (total, parts, align) => {
        const ranges = splitRange(total, parts, align);
        expect(ranges.length).toBeLessThanOrEqual(parts);
        let next = 0;
        for (const [start, end] of ranges) {
          expect(start).toBe(next);
          expect(end).toBeGreaterThan(start);
          if (end !== total) expect(end % align).toBe(0);
          next = end;
        }
        expect(next).toBe(total);
      }),
    );
  });
});
