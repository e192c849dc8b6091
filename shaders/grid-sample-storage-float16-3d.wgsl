// float16 storage of grid-sample-3d.wgsl: input and grid hold IEEE binary16 values, two per u32 word
// (as in grid-sample-storage-float16-2d.wgsl), read with core WGSL's unpack2x16float; f32 arithmetic.
// A 3-D grid point is 3 halves, so every other point starts mid-word.

@group(0) @binding(0) var<storage, read> input: array<u32>;
@group(0) @binding(1) var<storage, read> grid: array<u32>;

fn load_input(i: u32) -> f32 {
  return unpack2x16float(input[i >> 1u])[i & 1u];
}

fn load_grid_half(i: u32) -> f32 {
  return unpack2x16float(grid[i >> 1u])[i & 1u];
}

// grid point `i`: (x, y, z)
fn load_grid(i: u32) -> vec3<f32> {
  return vec3<f32>(load_grid_half(i * 3u), load_grid_half(i * 3u + 1u), load_grid_half(i * 3u + 2u));
}
