/**
 * Reuses GPU buffers between calls: same-shaped calls allocate nothing after the first. Buffers are
 * keyed by exact size and usage; a few spares per key are kept, the rest destroyed.
 */
export class BufferPool {
  private readonly spares = new Map<string, GPUBuffer[]>();
  private readonly live = new Set<GPUBuffer>();

  constructor(
    private readonly device: GPUDevice,
    private readonly sparesPerKey = 4,
  ) {}

  acquire(size: number, usage: GPUBufferUsageFlags, label: string): GPUBuffer {
    const reused = this.spares.get(key(size, usage))?.pop();
    if (reused) return reused;
    const buffer = this.device.createBuffer({ size, usage, label });
    this.live.add(buffer);
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    if (!this.live.has(buffer)) return;
    const k = key(buffer.size, buffer.usage);
    const list = this.spares.get(k) ?? [];
    if (list.length >= this.sparesPerKey) {
      this.live.delete(buffer);
      buffer.destroy();
      return;
    }
    list.push(buffer);
    this.spares.set(k, list);
  }

  /** Buffers this pool created and has not destroyed, whether in use or spare. */
  get liveBuffers(): number {
    return this.live.size;
  }

  destroy(): void {
    for (const buffer of this.live) buffer.destroy();
    this.live.clear();
    this.spares.clear();
  }
}

const key = (size: number, usage: number) => `${usage}:${size}`;
