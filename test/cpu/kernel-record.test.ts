// The pieces of a kernel record that need no GPU: composing WGSL parts with a map back to their files,
// and the uniform's byte layout by WGSL's rules (offsets checked against the WGSL spec's alignment
// table: scalars 4, vec2 8, vec3 and vec4 16; the struct rounded up to 16 bytes for a uniform).
import { describe, expect, it } from 'vitest';
import { defineKernel, packUniform } from '../../src/gpu/kernel.js';
import { composeWgsl, mapCompilerMessage, sourceLine, wgslPart } from '../../src/gpu/wgsl.js';

const a = wgslPart('shaders/a.wgsl', 'line a1\nline a2\nline a3');
const b = wgslPart('shaders/b.wgsl', 'line b1\nline b2');
const c = wgslPart('shaders/c.wgsl', 'line c1\n');

describe('composeWgsl', () => {
  it('joins parts in order and maps each composed line back to its file and line', () => {
    const composed = composeWgsl([a, b, c]);
    expect(composed.code).toBe('line a1\nline a2\nline a3\nline b1\nline b2\nline c1\n');
    const lines = composed.code.split('\n');
    lines.forEach((text, i) => {
      const source = sourceLine(composed, i + 1);
      const part = [a, b, c].find((p) => p.path === source?.path);
      expect(part?.code.split('\n')[(source?.line ?? 0) - 1], `composed line ${i + 1}`).toBe(text);
    });
    expect(sourceLine(composed, lines.length + 1)).toBeUndefined();
  });

  it("rewrites Dawn's :line:col positions, and leaves other numbers alone", () => {
    const composed = composeWgsl([a, b]);
    expect(mapCompilerMessage(composed, 'Error while parsing WGSL: :5:3 error: x at 12:30, 1:2\n  :4:1 note: y')).toBe(
      'Error while parsing WGSL: shaders/b.wgsl:2:3 error: x at 12:30, 1:2\n  shaders/b.wgsl:1:1 note: y',
    );
    expect(mapCompilerMessage(composed, ':9:1 error: past the end')).toBe(':9:1 error: past the end');
  });
});

describe('uniform layout', () => {
  const kernel = (uniform: Record<string, 'u32' | 'f32' | 'i32' | 'vec2<f32>' | 'vec3<f32>' | 'vec4<u32>'>) =>
    defineKernel({
      name: 'k',
      parts: [a],
      entryPoint: 'main',
      bindings: { params: 'uniform' },
      uniform,
      workgroup: [8, 8],
    });

  it('places fields at their WGSL offsets and pads the struct to 16 bytes', () => {
    const k = kernel({
      n: 'u32',
      scale: 'f32',
      aspect: 'vec2<f32>',
      shift: 'i32',
      origin: 'vec3<f32>',
      box: 'vec4<u32>',
    });
    expect(k.uniformLayout).toEqual({
      offsets: { n: 0, scale: 4, aspect: 8, shift: 16, origin: 32, box: 48 },
      size: 64,
    });
    expect(kernel({ n: 'u32', m: 'u32', k: 'u32', row_pitch: 'u32', x: 'u32' }).uniformLayout.size).toBe(32);
    const bytes = packUniform(k, {
      n: 7,
      scale: 0.5,
      aspect: [2, -3],
      shift: -4,
      origin: [1, 2, 3],
      box: [9, 8, 7, 6],
    });
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(0, true)).toBe(7);
    expect(view.getFloat32(4, true)).toBe(0.5);
    expect([view.getFloat32(8, true), view.getFloat32(12, true)]).toEqual([2, -3]);
    expect(view.getInt32(16, true)).toBe(-4);
    expect([32, 36, 40].map((o) => view.getFloat32(o, true))).toEqual([1, 2, 3]);
    expect([48, 52, 56, 60].map((o) => view.getUint32(o, true))).toEqual([9, 8, 7, 6]);
  });

  it('refuses a missing, unknown or mis-sized field', () => {
    const k = kernel({ n: 'u32', aspect: 'vec2<f32>' });
    expect(() => packUniform(k, { n: 1 } as never)).toThrow(/missing \[aspect\]/);
    expect(() => packUniform(k, { n: 1, aspect: [1, 2], extra: 3 } as never)).toThrow(/unknown \[extra\]/);
    expect(() => packUniform(k, { n: 1, aspect: [1, 2, 3] })).toThrow(/aspect is vec2<f32>/);
  });
});
