// A kernel is declared once, as a record: its WGSL files, entry point, named bindings and the fields
// of its uniform. Host code binds buffers and fills uniforms by those names; the byte offsets are
// computed here, from the declared types, by WGSL's uniform layout rules. test/gpu/kernels.test.ts
// checks every record against its WGSL, so the two cannot drift.
import { ShaderStageCompute } from './flags.js';
import { type ComposedWgsl, composeWgsl, type WgslPart } from './wgsl.js';

/** Invocations per workgroup of the flat kernels (the `WORKGROUP_SIZE` override). */
export const WORKGROUP_SIZE = 128;

/** What a binding holds: a storage buffer read or written, the uniform, or an rgba8unorm texture. */
export type BindingKind = 'read-only-storage' | 'storage' | 'uniform' | 'texture' | 'rgba8unorm-storage';

/** The WGSL type of a uniform field. */
export type UniformType = 'u32' | 'i32' | 'f32' | `vec${2 | 3 | 4}<${'u32' | 'i32' | 'f32'}>`;

/** The uniform binding of every kernel is named `params`. */
export type UniformBinding = 'params';

/** Field that a flat dispatch fills: invocations per dispatch row (see GpuContext.dispatch). */
export type RowPitch = 'row_pitch';

export interface KernelSpec<B extends string, U extends string> {
  /** Label of its GPU objects, e.g. `grid-sample-2d`. */
  name: string;
  /** Its WGSL files, each after the files it uses (`// #import` lines at the top of each file). */
  parts: readonly WgslPart[];
  entryPoint: string;
  /** Group 0 in `@binding` order: name (as in WGSL) to kind; the uniform is `params`. */
  bindings: { readonly [K in B | UniformBinding]: BindingKind };
  /** The fields of the uniform struct, in order, with their WGSL types. */
  uniform: { readonly [K in U]: UniformType };
  /**
   * `'flat'` (default): `@workgroup_size(WORKGROUP_SIZE)`, one invocation per item, folded past
   * 65,535 workgroups into a second dimension; the uniform needs `row_pitch: u32`. `[x, y]`: a fixed
   * 2-D workgroup size, for kernels over an image.
   */
  workgroup?: 'flat' | readonly [number, number];
}

/**
 * A declared kernel: its spec, the composed WGSL, and the uniform's byte layout.
 *
 * @example
 * const KERNEL = defineKernel({ name: 'scale', parts, entryPoint: 'scale', bindings, uniform });
 */
export interface Kernel<B extends string = string, U extends string = string> extends KernelSpec<B, U> {
  readonly wgsl: ComposedWgsl;
  readonly workgroup: 'flat' | readonly [number, number];
  /** Binding names in `@binding` order. */
  readonly bindingOrder: readonly (B | UniformBinding)[];
  /** Byte offset of each uniform field, and the struct's size rounded up to 16 bytes. */
  readonly uniformLayout: { readonly offsets: Readonly<Record<U, number>>; readonly size: number };
}

/** Override constants of one pipeline variant (mode, padding, ...). */
export type OverrideConstants = Record<string, number>;

/**
 * A kernel with its override constants: one compiled pipeline.
 *
 * @example
 * const variant: Variant = { kernel: AFFINE_GRID, constants: { SPATIAL_DIMS: 2, ALIGN_CORNERS: 0 } };
 */
export interface Variant<B extends string = string, U extends string = string> {
  kernel: Kernel<B, U>;
  constants: OverrideConstants;
}

const SIZES: Record<string, [size: number, align: number]> = { 1: [4, 4], 2: [8, 8], 3: [12, 16], 4: [16, 16] };

/** Size and alignment of a uniform field in WGSL's uniform address space. */
function sizeAndAlign(type: UniformType): [number, number] {
  const lanes = type.startsWith('vec') ? type[3] : '1';
  return SIZES[lanes];
}

/** The lanes of a field: 1 for a scalar, N for vecN. */
export const lanesOf = (type: UniformType) => (type.startsWith('vec') ? Number(type[3]) : 1);

/**
 * Declares a kernel. Throws where the record contradicts itself (no `params` binding, a flat kernel
 * without `row_pitch`); test/gpu/kernels.test.ts checks it against the WGSL.
 *
 * @example
 * const AFFINE_GRID = defineKernel({
 *   name: 'affine-grid',
 *   parts: [wgslPart('shaders/affine-base.wgsl', affineBaseWgsl), wgslPart('shaders/affine-grid.wgsl', affineGridWgsl)],
 *   entryPoint: 'affine_grid',
 *   bindings: { theta: 'read-only-storage', grid: 'storage', params: 'uniform' },
 *   uniform: { n: 'u32', d: 'u32', h: 'u32', w: 'u32', row_pitch: 'u32', point_offset: 'u32', point_count: 'u32' },
 * });
 */
export function defineKernel<B extends string, U extends string>(spec: KernelSpec<B, U>): Kernel<B, U> {
  const bindingOrder = Object.keys(spec.bindings) as (B | UniformBinding)[];
  if (spec.bindings.params !== 'uniform')
    throw new Error(`kernel ${spec.name}: the binding 'params' must be 'uniform'`);
  const workgroup = spec.workgroup ?? 'flat';
  if (workgroup === 'flat' && !('row_pitch' in spec.uniform)) {
    throw new Error(`kernel ${spec.name}: a flat kernel's uniform needs row_pitch: u32`);
  }
  let offset = 0;
  const offsets = {} as Record<U, number>;
  for (const [name, type] of Object.entries(spec.uniform) as [U, UniformType][]) {
    const [size, align] = sizeAndAlign(type);
    offset = Math.ceil(offset / align) * align;
    offsets[name] = offset;
    offset += size;
  }
  const size = Math.max(16, Math.ceil(offset / 16) * 16);
  return { ...spec, workgroup, wgsl: composeWgsl(spec.parts), bindingOrder, uniformLayout: { offsets, size } };
}

/** The uniform's bytes, each field written by name; a missing or extra field is an error. */
export function packUniform<U extends string>(
  kernel: Kernel<string, U>,
  values: Readonly<Record<U, number | readonly number[]>>,
): Uint8Array {
  const bytes = new Uint8Array(kernel.uniformLayout.size);
  const view = new DataView(bytes.buffer);
  const fields = Object.entries(kernel.uniform) as [U, UniformType][];
  if (Object.keys(values).length !== fields.length) {
    const extra = Object.keys(values).filter((k) => !(k in kernel.uniform));
    const missing = fields.map(([k]) => k).filter((k) => !(k in values));
    throw new Error(`kernel ${kernel.name}: uniform fields missing [${missing}] or unknown [${extra}]`);
  }
  for (const [name, type] of fields) {
    const value = values[name] as number | readonly number[] | undefined;
    const lanes: readonly number[] | undefined = typeof value === 'number' ? [value] : value;
    if (lanes === undefined || lanes.length !== lanesOf(type)) {
      throw new Error(`kernel ${kernel.name}: uniform field ${name} is ${type}, got ${String(value)}`);
    }
    const at = kernel.uniformLayout.offsets[name];
    lanes.forEach((v, i) => {
      if (type.includes('f32')) view.setFloat32(at + 4 * i, v, true);
      else if (type.includes('i32')) view.setInt32(at + 4 * i, v, true);
      else view.setUint32(at + 4 * i, v, true);
    });
  }
  return bytes;
}

/** The bind group layout entry of a binding. */
export function layoutEntry(kind: BindingKind, binding: number): GPUBindGroupLayoutEntry {
  const visibility = ShaderStageCompute;
  if (kind === 'texture') return { binding, visibility, texture: { sampleType: 'unfilterable-float' } };
  if (kind === 'rgba8unorm-storage') {
    return { binding, visibility, storageTexture: { access: 'write-only', format: 'rgba8unorm' } };
  }
  return { binding, visibility, buffer: { type: kind } };
}
