// float32 storage of grid-sample-2d.wgsl (the default): input and grid as they are in memory, and
// their loads. grid-sample-storage-float16-2d.wgsl is its float16 twin; the kernel record picks one.

@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read> grid: array<vec2<f32>>;

fn load_input(i: u32) -> f32 {
  return input[i];
}

// grid point `i`: (x, y)
fn load_grid(i: u32) -> vec2<f32> {
  return grid[i];
}
