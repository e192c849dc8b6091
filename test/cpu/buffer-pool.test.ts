// BufferPool on a stand-in device that counts live buffers: reuse, and the bounds on what it keeps.
import { describe, expect, it } from 'vitest';
import { BufferLease, BufferPool } from '../../src/gpu/buffer-pool.js';

function countingDevice() {
  const alive = new Set<object>();
  const device = {
    createBuffer({ size, usage }: GPUBufferDescriptor) {
      const buffer = { size, usage, destroy: () => alive.delete(buffer) };
      alive.add(buffer);
      return buffer;
    },
  } as unknown as GPUDevice;
  return { device, alive };
}

describe('BufferPool', () => {
  it('reuses a released buffer of the same size and usage', () => {
    const { device, alive } = countingDevice();
    const pool = new BufferPool(device);
    const a = pool.acquire(64, 0x80, 'a');
    pool.release(a);
    expect(pool.acquire(64, 0x80, 'b')).toBe(a);
    expect(pool.acquire(64, 0x81, 'c')).not.toBe(a);
    expect(alive.size).toBe(2);
  });

  it('keeps at most 4 spares per key, 128 in all and 256 MiB in all, destroying the oldest', () => {
    const { device, alive } = countingDevice();
    const pool = new BufferPool(device);
    const same = Array.from({ length: 6 }, () => pool.acquire(16, 0x80, 's'));
    for (const b of same) pool.release(b);
    expect(pool.liveBuffers).toBe(4);
    const many = Array.from({ length: 300 }, (_, i) => pool.acquire(16 * (i + 2), 0x80, 'm'));
    for (const b of many) pool.release(b);
    expect(pool.liveBuffers).toBe(128);
    expect(alive.size).toBe(128);
    // the most recently released stay
    expect(pool.acquire(16 * 301, 0x80, 'x')).toBe(many[299]);
    const big = Array.from({ length: 3 }, () => pool.acquire(100 * 2 ** 20, 0x80, 'big'));
    for (const b of big) pool.release(b);
    expect([...alive].filter((b) => (b as GPUBuffer).size === 100 * 2 ** 20)).toHaveLength(2);
    const huge = pool.acquire(300 * 2 ** 20, 0x80, 'huge');
    pool.release(huge);
    expect(alive.has(huge)).toBe(false); // larger than all the spares may hold
  });

  it('a lease releases its buffers together, or destroys them when its call failed; destroy() frees all', () => {
    const { device, alive } = countingDevice();
    const pool = new BufferPool(device);
    const ok = new BufferLease(pool);
    ok.acquire(32, 0x80, 'a');
    ok.acquire(32, 0x80, 'b');
    ok.end(false);
    expect(pool.liveBuffers).toBe(2);
    const failed = new BufferLease(pool);
    const reused = failed.acquire(32, 0x80, 'c');
    failed.end(true);
    expect(alive.has(reused)).toBe(false);
    expect(pool.liveBuffers).toBe(1);
    const late = pool.acquire(48, 0x80, 'd');
    pool.destroy();
    expect(alive.size).toBe(0);
    pool.release(late);
    expect(alive.size).toBe(0);
  });
});
