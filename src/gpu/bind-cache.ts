// The uniform buffers, constant tables and bind groups of one context, cached: same-shaped calls create
// none of them.
import { BufferUsage } from './flags.js';
import type { Kernel } from './kernel.js';
import { bindGroupLayout } from './pipelines.js';

/** A buffer bound from offset 0, and how many bytes of it. */
export type BufferBinding = readonly [buffer: GPUBuffer, bytes: number];
/** What a binding receives: a buffer range, or a texture (bound through a view of it). */
export type Resource = BufferBinding | GPUTexture;

const CAPACITY = 256;

export class BindCache {
  // Immutable and keyed by content, so any number of recorded calls may share one. An evicted buffer is
  // dropped, not destroyed: an encoder not yet submitted may still use it (WebGPU frees it once unused).
  private readonly uniforms = new LruMap<string, GPUBuffer>(CAPACITY);
  private readonly groups = new LruMap<string, GPUBindGroup>(CAPACITY);
  // objects named by a number in cache keys; a new buffer gets a new number, never a stale group
  private readonly ids = new WeakMap<object, number>();
  private nextId = 0;

  constructor(private readonly device: GPUDevice) {}

  /** The uniform buffer holding `bytes`, made once per content. */
  uniform(bytes: Uint8Array): GPUBuffer {
    return this.constant(bytes, BufferUsage.UNIFORM, 'params');
  }

  /**
   * A read-only storage buffer holding `bytes` (a multiple of 4), made once per content: a small table
   * a kernel indexes (deformable attention's level shapes). Cached and dropped as uniforms are.
   */
  table(bytes: Uint8Array, label: string): GPUBuffer {
    return this.constant(bytes, BufferUsage.STORAGE, label);
  }

  private constant(bytes: Uint8Array, usage: number, label: string): GPUBuffer {
    const key = `${usage}:${new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).join(',')}`;
    let buffer = this.uniforms.get(key);
    if (!buffer) {
      buffer = this.device.createBuffer({
        label: `${label} ${key}`,
        size: bytes.byteLength,
        usage,
        mappedAtCreation: true,
      });
      new Uint8Array(buffer.getMappedRange()).set(bytes);
      buffer.unmap();
      this.uniforms.set(key, buffer);
    }
    return buffer;
  }

  /** The bind group of `kernel` over `bindings` (by name) and its uniform buffer. */
  bindGroup(kernel: Kernel, bindings: Readonly<Record<string, Resource>>, uniform: GPUBuffer): GPUBindGroup {
    const resources = kernel.bindingOrder.map((name) =>
      name === 'params' ? ([uniform, uniform.size] as const) : bindings[name],
    );
    const key = `${this.id(kernel)}|${resources.map((r) => (Array.isArray(r) ? `${this.id(r[0])}:${r[1]}` : this.id(r as GPUTexture))).join(',')}`;
    let group = this.groups.get(key);
    if (!group) {
      group = this.device.createBindGroup({
        label: `${kernel.name} bind group`,
        layout: bindGroupLayout(this.device, kernel),
        entries: resources.map((r, binding) => ({
          binding,
          resource: Array.isArray(r) ? { buffer: r[0], size: r[1] } : (r as GPUTexture).createView(),
        })),
      });
      this.groups.set(key, group);
    }
    return group;
  }

  get sizes(): { uniformBuffers: number; bindGroups: number } {
    return { uniformBuffers: this.uniforms.size, bindGroups: this.groups.size };
  }

  /** Destroys the cached uniform buffers and forgets every entry. */
  release(): void {
    for (const buffer of this.uniforms.values()) buffer.destroy();
    this.uniforms.clear();
    this.groups.clear();
  }

  private id(object: object): number {
    let id = this.ids.get(object);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(object, id);
    }
    return id;
  }
}

/** A small least-recently-used map. */
class LruMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value as K);
    }
  }

  values(): IterableIterator<V> {
    return this.entries.values();
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
