// A new op written as docs/guide/design.md says, from src/gpu/runtime.ts alone: one kernel record,
// one dispatch, and the Tensor-style wrapper (compile, lease, upload, read back). Checked against the
// same arithmetic on the CPU, in float32.
import { describe, expect, it } from 'vitest';
import { type BufferBinding, BufferUsage, defineKernel, GpuContext, runOf, wgslPart } from '../../src/gpu/runtime.js';
import { createTestDevice, useErrorScopes } from '../helpers/gpu.js';
import { randomTensor } from '../helpers/random.js';

const device = await createTestDevice();

const AXPY = defineKernel({
  name: 'axpy',
  parts: [
    wgslPart(
      'test/gpu/axpy.wgsl',
      `override WORKGROUP_SIZE: u32 = 64u;
struct Params { count: u32, a: f32, shift: vec2<f32>, row_pitch: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;
@compute @workgroup_size(WORKGROUP_SIZE)
fn axpy(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * params.row_pitch;
  if (i < params.count) {
    out[i] = params.a * x[i] + y[i] + params.shift[i % 2u];
  }
}`,
    ),
  ],
  entryPoint: 'axpy',
  bindings: { x: 'read-only-storage', y: 'read-only-storage', out: 'storage', params: 'uniform' },
  uniform: { count: 'u32', a: 'f32', shift: 'vec2<f32>', row_pitch: 'u32' },
});

function encodeAxpy(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  b: Record<'x' | 'y' | 'out', BufferBinding>,
  a: number,
) {
  const count = b.out[1] / 4;
  ctx.dispatch(
    encoder,
    { kernel: AXPY, constants: {} },
    {
      uniforms: { count, a, shift: [0.25, -0.5] },
      bindings: b,
      invocations: count,
    },
  );
}

describe.skipIf(!device)('an op module on the runtime', () => {
  const gpu = device as GPUDevice;
  useErrorScopes(() => gpu);

  it('runs a declared kernel through compile, lease, upload, dispatch and read back', async () => {
    const ctx = new GpuContext(gpu);
    // more than 65,535 workgroups of 128: the dispatch folds into a second dimension
    const count = 65_535 * 128 + 1000;
    const x = randomTensor([count], 81).data;
    const y = randomTensor([count], 82).data;
    await ctx.compile({ kernel: AXPY, constants: {} }, 'axpy');
    const [out] = await ctx.lease((lease) =>
      ctx.readBack('axpy', lease, (encoder) => {
        const all = runOf({ start: 0, length: count });
        const result: BufferBinding = [
          lease.acquire(count * 4, BufferUsage.STORAGE | BufferUsage.COPY_SRC, 'out'),
          count * 4,
        ];
        encodeAxpy(
          ctx,
          encoder,
          { x: ctx.upload(lease, x, all, 'x'), y: ctx.upload(lease, y, all, 'y'), out: result },
          1.5,
        );
        return [result];
      }),
    );
    const expected = x.map((v, i) => Math.fround(Math.fround(Math.fround(1.5 * v) + y[i]) + (i % 2 ? -0.5 : 0.25)));
    // WGSL may fuse a * x + y: up to 2 float32 ulps apart where |value| < 4 (2^-21 each)
    let mismatches = 0;
    for (let i = 0; i < count; i++) if (Math.abs(out[i] - expected[i]) > 2 ** -20) mismatches++;
    expect(mismatches).toBe(0);
    // everything went back to the pool: three buffers and the staging buffer, as spares
    expect(ctx.stats.liveBuffers).toBe(4);
    ctx.release();
    expect(ctx.stats).toMatchObject({ liveBuffers: 0, uniformBuffers: 0, bindGroups: 0 });
  });
});
