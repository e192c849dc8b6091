// float16 storage of grid-sample-2d.wgsl: input and grid hold IEEE binary16 values, two per u32 word
// (element i in the low half of word i / 2 when i is even, the high half when odd: the byte layout of a
// little-endian Float16Array). Read with core WGSL's unpack2x16float, so no adapter needs `shader-f16`;
// the arithmetic stays f32. A 2-D grid point is exactly one word.

@group(0) @binding(0) var<storage, read> input: array<u32>;
@group(0) @binding(1) var<storage, read> grid: array<u32>;

fn load_input(i: u32) -> f32 {
  return unpack2x16float(input[i >> 1u])[i & 1u];
}

// grid point `i`: (x, y)
fn load_grid(i: u32) -> vec2<f32> {
  return unpack2x16float(grid[i]);
}
