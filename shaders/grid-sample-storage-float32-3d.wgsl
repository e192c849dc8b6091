// float32 storage of grid-sample-3d.wgsl (the default): input and grid as they are in memory, and
// their loads. grid-sample-storage-float16-3d.wgsl is its float16 twin; the kernel record picks one.

@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read> grid: array<f32>;

fn load_input(i: u32) -> f32 {
  return input[i];
}

// grid point `i`: (x, y, z)
fn load_grid(i: u32) -> vec3<f32> {
  return vec3<f32>(grid[i * 3u], grid[i * 3u + 1u], grid[i * 3u + 2u]);
}
