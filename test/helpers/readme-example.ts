// The README's quick start, as written there.
export function readmeExample() {
  const input = { data: new Float32Array(128 * 4 * 4).fill(1), shape: [1, 128, 4, 4] };
  const d = Array.from({ length: 20 }, (_, i) => -1 + (2 * i) / 19); // torch.linspace(-1, 1, 20)
  const grid = { data: new Float32Array(20 * 20 * 2), shape: [1, 20, 20, 2] };
  for (let i = 0; i < 20; i++) {
    for (let j = 0; j < 20; j++) grid.data.set([d[j], d[i]], (i * 20 + j) * 2); // (x, y): x runs along a row
  }
  return { input, grid, options: { mode: 'nearest', alignCorners: true } as const };
}
