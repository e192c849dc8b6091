// Every declared kernel (src/gpu/ops/*, src/warps/*) against its WGSL: each part is the file it names, after the
// files it imports; the bindings are the WGSL's @binding variables in order and kind; the uniform
// fields are the WGSL struct's, in order and type; the WGSL compiles. And a compiler error in any part
// is reported at that file's own line.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { GPUExecutionError } from '../../src/errors.js';
import { GpuContext } from '../../src/gpu/context.js';
import { defineKernel, type Kernel } from '../../src/gpu/kernel.js';
import { GRID_SAMPLE_KERNELS, GRID_SAMPLE_VEC4_KERNELS } from '../../src/gpu/ops/grid-sample.js';
import { GRID_SAMPLE_BACKWARD_KERNELS } from '../../src/gpu/ops/grid-sample-backward.js';
import { GridSampler } from '../../src/index.js';
import { createTestDevice, storageBuffer, useErrorScopes } from '../helpers/gpu.js';

const root = resolve(import.meta.dirname, '../..');
const device = await createTestDevice();

const isKernel = (value: unknown): value is Kernel =>
  typeof value === 'object' && value !== null && 'wgsl' in value && 'bindingOrder' in value;

/** Every kernel exported by an op module or the warps, alone or in a table of variants. */
function declaredKernels(): Kernel[] {
  const modules = import.meta.glob(['../../src/gpu/ops/*.ts', '../../src/warps/*.ts'], { eager: true }) as Record<
    string,
    object
  >;
  const found = new Set<Kernel>();
  for (const exports of Object.values(modules)) {
    for (const value of Object.values(exports)) {
      if (isKernel(value)) found.add(value);
      else if (typeof value === 'object' && value !== null) {
        for (const inner of Object.values(value)) if (isKernel(inner)) found.add(inner);
      }
    }
  }
  return [...found];
}

const kernels = declaredKernels();
const withoutComments = (code: string) => code.replace(/\/\/[^\n]*/g, '');

/** The kind a binding has in WGSL, named as in the kernel record. */
function kindOf(addressSpace: string | undefined, type: string): string {
  if (addressSpace === 'uniform') return 'uniform';
  if (addressSpace === 'storage, read') return 'read-only-storage';
  if (addressSpace === 'storage, read_write') return 'storage';
  if (type.startsWith('texture_2d<')) return 'texture';
  if (type.replace(/\s/g, '') === 'texture_storage_2d<rgba8unorm,write>') return 'rgba8unorm-storage';
  return `unknown: var<${addressSpace}> ${type}`;
}

/** The @group(0) @binding(k) variables of a module: names and kinds at each index. */
function wgslBindings(code: string): Map<number, { names: string[]; kinds: Set<string> }> {
  const bindings = new Map<number, { names: string[]; kinds: Set<string> }>();
  const pattern = /@group\((\d+)\)\s*@binding\((\d+)\)\s*var(?:<([^>]*)>)?\s+(\w+)\s*:\s*([^;]+);/g;
  for (const [, group, binding, space, name, type] of withoutComments(code).matchAll(pattern)) {
    expect(group, `${name} is in group 0`).toBe('0');
    const entry = bindings.get(Number(binding)) ?? { names: [], kinds: new Set<string>() };
    entry.names.push(name);
    entry.kinds.add(kindOf(space?.replace(/\s+/g, ' ').trim(), type.trim()));
    bindings.set(Number(binding), entry);
  }
  return bindings;
}

/** The fields of a WGSL struct, in order, with their types. */
function structFields(code: string, struct: string): [string, string][] {
  const body = withoutComments(code).match(new RegExp(`struct\\s+${struct}\\s*\\{([^}]*)\\}`))?.[1];
  expect(body, `struct ${struct}`).toBeDefined();
  return [...(body ?? '').matchAll(/(\w+)\s*:\s*([\w<>]+)/g)].map(([, name, type]) => [name, type]);
}

describe('kernel records', () => {
  it('are found in src/gpu/ops and src/warps and cover every WGSL file under shaders/', () => {
    expect(kernels.length).toBeGreaterThanOrEqual(14);
    expect(kernels.map((k) => k.name)).toContain('warp-grid');
    const used = new Set(kernels.flatMap((k) => k.parts.map((p) => p.path)));
    const files = readdirSync(resolve(root, 'shaders'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.wgsl'))
      .map((f) => `shaders/${f}`);
    expect(files).toContain('shaders/warps/warp-grid.wgsl');
    expect(files.filter((f) => !used.has(f))).toEqual([]);
  });

  it.each(kernels.map((k) => [k.name, k] as const))(
    '%s: parts are the files they name, after what they import',
    (_, kernel) => {
      const paths = kernel.parts.map((p) => p.path);
      kernel.parts.forEach((part, i) => {
        expect(readFileSync(resolve(root, part.path), 'utf8'), part.path).toBe(part.code);
        for (const [, pattern] of part.code.matchAll(/^\/\/ #import (\S+)/gm)) {
          const glob = new RegExp(`^shaders/${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`);
          const at = paths.findIndex((p) => glob.test(p));
          expect(at, `${part.path} imports ${pattern}: listed before it in ${kernel.name}`).toBeGreaterThanOrEqual(0);
          expect(at, `${part.path} imports ${pattern}: listed before it in ${kernel.name}`).toBeLessThan(i);
        }
      });
    },
  );

  it.each(kernels.map((k) => [k.name, k] as const))(
    '%s: bindings, uniform and workgroup match the WGSL',
    (_, kernel) => {
      const code = kernel.wgsl.code;
      const bindings = wgslBindings(code);
      expect([...bindings.keys()].sort((a, b) => a - b)).toEqual(kernel.bindingOrder.map((_, i) => i));
      kernel.bindingOrder.forEach((name, i) => {
        const wgsl = bindings.get(i);
        expect(wgsl?.names, `binding ${i}`).toContain(name);
        expect([...(wgsl?.kinds ?? [])], `binding ${i} (${name})`).toEqual([kernel.bindings[name]]);
      });
      const struct = withoutComments(code).match(/var<uniform>\s+params\s*:\s*(\w+)\s*;/)?.[1] ?? '';
      expect(structFields(code, struct)).toEqual(Object.entries(kernel.uniform));
      const entry = withoutComments(code).match(
        new RegExp(`@compute\\s+@workgroup_size\\(([^)]*)\\)\\s*fn\\s+${kernel.entryPoint}\\s*\\(`),
      )?.[1];
      expect(entry, `entry point ${kernel.entryPoint}`).toBe(
        kernel.workgroup === 'flat' ? 'WORKGROUP_SIZE' : kernel.workgroup.join(', '),
      );
    },
  );

  it('refuse a record that contradicts itself', () => {
    const parts = GRID_SAMPLE_KERNELS[2].parts;
    expect(() =>
      defineKernel({
        name: 'no params',
        parts,
        entryPoint: 'x',
        bindings: { params: 'storage' },
        uniform: { row_pitch: 'u32' },
      }),
    ).toThrow(/the binding 'params' must be 'uniform'/);
    expect(() =>
      defineKernel({ name: 'flat', parts, entryPoint: 'x', bindings: { params: 'uniform' }, uniform: { n: 'u32' } }),
    ).toThrow(/needs row_pitch/);
  });
});

describe.skipIf(!device)('kernel WGSL on WebGPU', () => {
  const gpu = device as GPUDevice;
  useErrorScopes(() => gpu);

  it.each(kernels.map((k) => [k.name, k] as const))('%s compiles without errors or warnings', async (_, kernel) => {
    const module = gpu.createShaderModule({ label: kernel.name, code: kernel.wgsl.code });
    const { messages } = await module.getCompilationInfo();
    expect(messages.map((m) => `${m.type} ${m.lineNum}:${m.linePos} ${m.message}`)).toEqual([]);
  });

  /** The kernel with line `line` (1-based) of the part at `path` replaced by `text`. */
  function broken(kernel: Kernel, path: string, line: number, edit: (text: string) => string): Kernel {
    const parts = kernel.parts.map((part) => {
      if (part.path !== path) return part;
      const lines = part.code.split('\n');
      lines[line - 1] = edit(lines[line - 1]);
      return { path, code: lines.join('\n') };
    });
    return defineKernel({ ...kernel, parts });
  }

  it.each([
    // the example: line 12 of the vec4 entry point, the last of five parts
    { kernel: GRID_SAMPLE_VEC4_KERNELS[2], path: 'shaders/grid-sample-2d-vec4.wgsl', line: 12, word: 'row_pitch' },
    // the first part, and one in the middle
    { kernel: GRID_SAMPLE_KERNELS[2], path: 'shaders/coordinates.wgsl', line: 75, word: 'clamp' },
    { kernel: GRID_SAMPLE_KERNELS[3], path: 'shaders/grid-sample-3d.wgsl', line: 57, word: 'row_pitch' },
  ])('reports a compiler error in $path at its own line $line', async ({ kernel, path, line, word }) => {
    const text = kernel.parts.find((p) => p.path === path)?.code.split('\n')[line - 1] ?? '';
    expect(text).toContain(word);
    const bad = broken(kernel, path, line, (t) => t.replace(word, `${word}_misspelled`));
    const ctx = new GpuContext(gpu);
    const call = ctx.compile({ kernel: bad, constants: {} }, 'test');
    await expect(call).rejects.toThrow(GPUExecutionError);
    const error = (await call.catch((e: unknown) => e)) as Error;
    const position = new RegExp(`${path.replace(/[.]/g, '\\.')}:${line}:(\\d+)`);
    expect(error.message).toMatch(position);
    // the column points at the misspelled name, or at the expression it ends
    const column = Number(error.message.match(position)?.[1]);
    expect(column).toBeGreaterThan(0);
    expect(column).toBeLessThanOrEqual(text.indexOf(word) + 1);
    expect(error.message).toContain(`${word}_misspelled`);
    ctx.release();
  });

  it('reports a compiler error of a kernel first used by an encode* call at its own line', async () => {
    // a broken part of the backward kernel, reached through the sampler's public encode path
    const path = 'shaders/grid-sample-backward-2d.wgsl';
    const original = GRID_SAMPLE_BACKWARD_KERNELS[2];
    const lines = original.parts.find((p) => p.path === path)?.code.split('\n') ?? [];
    const at = lines.findIndex((text) => text.includes('gid.y * params.row_pitch;')) + 1;
    expect(at).toBeGreaterThan(0);
    const kernels = GRID_SAMPLE_BACKWARD_KERNELS as Record<2 | 3, Kernel>;
    kernels[2] = broken(original, path, at, (t) => t.replace('row_pitch', 'row_pitch_misspelled'));
    const sampler = await GridSampler.create({ device: gpu });
    const buffer = (count: number) => storageBuffer(gpu, new Float32Array(count));
    const args = {
      gradOutput: buffer(12),
      input: buffer(20),
      inputShape: [1, 1, 4, 5],
      grid: buffer(24),
      gridShape: [1, 3, 4, 2],
      gradInput: buffer(20),
      gradGrid: buffer(24),
    };
    try {
      // the first call cannot know yet (WebGPU reports compile errors asynchronously): its encoder
      // fails when finished, naming the kernel; the compiler's raw message stays in the library's scope
      gpu.pushErrorScope('validation');
      const encoder = gpu.createCommandEncoder();
      sampler.encodeGridSampleBackward(encoder, args);
      encoder.finish();
      const first = await gpu.popErrorScope();
      expect(first?.message).toMatch(/Invalid ComputePipeline "grid-sample-backward-2d [^"]*"/);
      expect(first?.message).not.toContain('row_pitch_misspelled');
      // later calls throw the compiler's message at the part's own line, and record nothing
      const error = await vi.waitFor(() => {
        try {
          sampler.encodeGridSampleBackward(gpu.createCommandEncoder(), args);
        } catch (thrown) {
          return thrown as Error;
        }
        throw new Error('no compile error reported yet');
      });
      expect(error).toBeInstanceOf(GPUExecutionError);
      expect(error.message).toMatch(/^grid-sample-backward-2d: the WGSL does not compile:\n/);
      const position = error.message.match(
        new RegExp(`shaders/grid-sample-backward-2d\\.wgsl:${at}:(\\d+): error: .*row_pitch_misspelled`),
      );
      expect(position, error.message).not.toBeNull();
      expect(Number(position?.[1])).toBeLessThanOrEqual(lines[at - 1].indexOf('row_pitch') + 1);
      const encoder2 = gpu.createCommandEncoder();
      expect(() => sampler.encodeGridSampleBackward(encoder2, args)).toThrow(error);
      encoder2.finish(); // the throw left the encoder valid
    } finally {
      kernels[2] = original;
      sampler.destroy();
    }
  });
});
