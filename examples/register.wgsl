// Training kernels of the affine registration example (register-core.ts): the mean squared error with
// its gradient, and one Adam step on theta. Both entry points share one bind group layout.

override WORKGROUP_SIZE: u32 = 64u;
// elements per invocation of mean_squared_error
const CHUNK: u32 = 256u;
// state: [steps taken, Adam first moments (6), Adam second moments (6), loss of step 0, 1, ...]
const MOMENTS: u32 = 1u;
const SECOND_MOMENTS: u32 = 7u;
const LOSSES: u32 = 13u;

struct Params {
  count: u32,
  chunks: u32,
  max_steps: u32,
  pad: u32,
  learning_rate: f32,
  decay: f32,
  beta1: f32,
  beta2: f32,
}

@group(0) @binding(0) var<storage, read> warped: array<f32>;
@group(0) @binding(1) var<storage, read> reference: array<f32>;
@group(0) @binding(2) var<storage, read_write> grad_output: array<f32>;
@group(0) @binding(3) var<storage, read_write> partials: array<f32>;
@group(0) @binding(4) var<storage, read> grad_theta: array<f32>;
@group(0) @binding(5) var<storage, read_write> theta: array<f32>;
@group(0) @binding(6) var<storage, read_write> state: array<f32>;
@group(0) @binding(7) var<uniform> params: Params;

// loss = mean((warped - reference)^2): d loss / d warped = 2 (warped - reference) / count, and the squared
// errors of each chunk summed in order (deterministic)
@compute @workgroup_size(WORKGROUP_SIZE)
fn mean_squared_error(@builtin(global_invocation_id) gid: vec3<u32>) {
  let chunk = gid.x;
  if (chunk >= params.chunks) {
    return;
  }
  let first = chunk * CHUNK;
  let last = min(first + CHUNK, params.count);
  let scale = 2.0 / f32(params.count);
  var sum = 0.0;
  for (var i = first; i < last; i++) {
    let d = warped[i] - reference[i];
    grad_output[i] = scale * d;
    sum += d * d;
  }
  partials[chunk] = sum;
}

// Records the loss of this step, then moves theta by one Adam step with an exponentially decaying rate.
@compute @workgroup_size(1)
fn adam_step() {
  let t = state[0] + 1.0;
  state[0] = t;
  var loss = 0.0;
  for (var c = 0u; c < params.chunks; c++) {
    loss += partials[c];
  }
  let step = u32(t) - 1u;
  if (step < params.max_steps) {
    state[LOSSES + step] = loss / f32(params.count);
  }
  let rate = params.learning_rate * pow(params.decay, t - 1.0);
  let correction1 = 1.0 - pow(params.beta1, t);
  let correction2 = 1.0 - pow(params.beta2, t);
  for (var k = 0u; k < 6u; k++) {
    let g = grad_theta[k];
    let m = params.beta1 * state[MOMENTS + k] + (1.0 - params.beta1) * g;
    let v = params.beta2 * state[SECOND_MOMENTS + k] + (1.0 - params.beta2) * g * g;
    state[MOMENTS + k] = m;
    state[SECOND_MOMENTS + k] = v;
    theta[k] -= rate * (m / correction1) / (sqrt(v / correction2) + 1e-8);
  }
}
