// grid_sample of a channels-last 4-D input with C a multiple of 4 (`layout: 'nhwc'`): each tap loads 4
// channels at once, and each pixel's output channels are stored 4 at a time: a second entry point of
// grid-sample-2d.wgsl, whose taps, weights and masks it shares.

// #import grid-sample-2d.wgsl (and what it imports)

// The input again, 4 floats at a time (one resource, bound at the same binding as `input`).
@group(0) @binding(0) var<storage, read> input4: array<vec4<f32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn grid_sample_2d_vec4(@builtin(global_invocation_id) gid: vec3<u32>) {
  let index = gid.x + gid.y * params.row_pitch;
  let out_plane = params.out_h * params.out_w;
  if (index >= params.n * out_plane) {
    return;
  }
  let p = pixel_at(index, out_plane);
  let w = f32(params.in_w);
  let h = f32(params.in_h);
  if (MODE == 0u) {
    sample_bilinear4(p, w, h);
  } else if (MODE == 1u) {
    sample_nearest4(p, w, h);
  } else {
    sample_bicubic4(p, w, h);
  }
}

// Stores channels 4k .. 4k + 3 of one output pixel (channels last).
fn store4(p: Pixel, k: u32, v: vec4<f32>) {
  let value = select(vec4<f32>(0.0), v, p.sampled);
  let c = p.dst + 4u * k;
  output[c] = value.x;
  output[c + 1u] = value.y;
  output[c + 2u] = value.z;
  output[c + 3u] = value.w;
}

// Groups of 4 channels (C is a multiple of 4).
fn channel_groups() -> u32 {
  return params.c / 4u;
}

fn sample_bilinear4(p: Pixel, w: f32, h: f32) {
  let t = bilinear_taps(p, w, h);
  // in vec4 units: pixel offsets are multiples of C, itself a multiple of 4
  let o = t.offsets / 4u;
  let src = p.src / 4u;
  for (var k = 0u; k < channel_groups(); k++) {
    let s = src + k;
    let v_nw = select(vec4<f32>(0.0), input4[s + o.x], t.inside.x);
    let v_ne = select(vec4<f32>(0.0), input4[s + o.y], t.inside.y);
    let v_sw = select(vec4<f32>(0.0), input4[s + o.z], t.inside.z);
    let v_se = select(vec4<f32>(0.0), input4[s + o.w], t.inside.w);
    store4(p, k, v_nw * t.weights.x + v_ne * t.weights.y + v_sw * t.weights.z + v_se * t.weights.w);
  }
}

fn sample_nearest4(p: Pixel, w: f32, h: f32) {
  let t = nearest_tap(p, w, h);
  let src = (p.src + t.offset) / 4u;
  for (var k = 0u; k < channel_groups(); k++) {
    store4(p, k, select(vec4<f32>(0.0), input4[src + k], t.valid));
  }
}

fn bicubic_tap4(group: u32, row: i32, col: i32) -> vec4<f32> {
  let v = input4[group + tap_offset(row, col) / 4u];
  if (PADDING == 0u) {
    return select(v, vec4<f32>(0.0), tap_outside(row, col));
  }
  return v;
}

fn bicubic_tap_row4(group: u32, row: i32, col: i32, cx: vec4<f32>) -> vec4<f32> {
  return cx.x * bicubic_tap4(group, row, col - 1) + cx.y * bicubic_tap4(group, row, col) +
    cx.z * bicubic_tap4(group, row, col + 1) + cx.w * bicubic_tap4(group, row, col + 2);
}

fn bicubic_row4(row: u32, cols: vec4<u32>, cx: vec4<f32>) -> vec4<f32> {
  return cx.x * input4[row + cols.x] + cx.y * input4[row + cols.y] + cx.z * input4[row + cols.z] + cx.w * input4[row + cols.w];
}

fn sample_bicubic4(p: Pixel, w: f32, h: f32) {
  let x = grid_sampler_unnormalize(p.g.x, w);
  let y = grid_sampler_unnormalize(p.g.y, h);
  let x0 = floor(x);
  let y0 = floor(y);
  let cx = cubic_coefficients(x - x0);
  let cy = cubic_coefficients(y - y0);
  let src = p.src / 4u;
  if (PADDING == 0u) {
    let ix = i32(x0);
    let iy = i32(y0);
    for (var k = 0u; k < channel_groups(); k++) {
      // rows in a loop, as grid-sample-2d.wgsl (16 unrolled taps compile slowly on SwiftShader)
      var rows: mat4x4<f32>;
      for (var j = 0; j < 4; j++) {
        rows[j] = bicubic_tap_row4(src + k, iy - 1 + j, ix, cx);
      }
      store4(p, k, cy.x * rows[0] + cy.y * rows[1] + cy.z * rows[2] + cy.w * rows[3]);
    }
    return;
  }
  let t = bicubic_padded(x0, y0, w, h);
  let cols = t.cols / 4u;
  let rows = t.rows / 4u;
  for (var k = 0u; k < channel_groups(); k++) {
    var sum = vec4<f32>(0.0);
    for (var j = 0; j < 4; j++) {
      sum += cy[j] * bicubic_row4(src + k + rows[j], cols, cx);
    }
    store4(p, k, sum);
  }
}
