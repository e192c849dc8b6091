/**
 * Reuses GPU buffers between calls: same-shaped calls allocate nothing after the first. Buffers are
 * keyed by exact size and usage. Spares are bounded (a few per key, and in count and bytes overall,
 * least recently released destroyed first), so calls of ever-changing shapes hold a fixed amount.
 */
export class BufferPool {
  private readonly spares = new Map<string, GPUBuffer[]>();
  // every spare in release order, oldest first
  private readonly spareOrder = new Set<GPUBuffer>();
  private readonly live = new Set<GPUBuffer>();
  private spareBytes = 0;
  private destroyed = false;

  constructor(
    private readonly device: GPUDevice,
    private readonly sparesPerKey = 4,
    private readonly maxSpares = 128,
    private readonly maxSpareBytes = 256 * 2 ** 20,
  ) {}

  acquire(size: number, usage: GPUBufferUsageFlags, label: string): GPUBuffer {
    const list = this.spares.get(key(size, usage));
    const reused = list?.pop();
    if (list?.length === 0) this.spares.delete(key(size, usage)); // no empty lists left behind
    if (reused) {
      this.spareOrder.delete(reused);
      this.spareBytes -= reused.size;
      return reused;
    }
    const buffer = this.device.createBuffer({ size, usage, label });
    this.live.add(buffer);
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    if (!this.live.has(buffer)) return;
    const list = this.spares.get(key(buffer.size, buffer.usage)) ?? [];
    if (this.destroyed || list.length >= this.sparesPerKey || buffer.size > this.maxSpareBytes) {
      this.discard(buffer);
      return;
    }
    list.push(buffer);
    this.spares.set(key(buffer.size, buffer.usage), list);
    this.spareOrder.add(buffer);
    this.spareBytes += buffer.size;
    while (this.spareOrder.size > this.maxSpares || this.spareBytes > this.maxSpareBytes) {
      const oldest = this.spareOrder.values().next().value as GPUBuffer;
      const same = this.spares.get(key(oldest.size, oldest.usage)) ?? [];
      same.splice(same.indexOf(oldest), 1);
      if (same.length === 0) this.spares.delete(key(oldest.size, oldest.usage));
      this.spareOrder.delete(oldest);
      this.spareBytes -= oldest.size;
      this.discard(oldest);
    }
  }

  /** Destroys a buffer instead of keeping it (a failed call's buffers may be invalid). */
  discard(buffer: GPUBuffer): void {
    if (this.live.delete(buffer)) buffer.destroy();
  }

  /** Buffers this pool created and has not destroyed, whether in use or spare. */
  get liveBuffers(): number {
    return this.live.size;
  }

  /** Destroys every buffer, in use or spare; buffers released later are destroyed too. */
  destroy(): void {
    this.destroyed = true;
    for (const buffer of this.live) buffer.destroy();
    this.live.clear();
    this.spares.clear();
    this.spareOrder.clear();
    this.spareBytes = 0;
  }
}

/** The buffers of one call: released to the pool together, or discarded when the call failed. */
export class BufferLease {
  private readonly held = new Set<GPUBuffer>();

  constructor(private readonly pool: BufferPool) {}

  acquire(size: number, usage: GPUBufferUsageFlags, label: string): GPUBuffer {
    const buffer = this.pool.acquire(size, usage, label);
    this.held.add(buffer);
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    if (this.held.delete(buffer)) this.pool.release(buffer);
  }

  end(failed: boolean): void {
    for (const buffer of this.held) failed ? this.pool.discard(buffer) : this.pool.release(buffer);
    this.held.clear();
  }
}

const key = (size: number, usage: number) => `${usage}:${size}`;
