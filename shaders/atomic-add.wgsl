// The scatter of the grid_sample backward kernels into grad_input: WGSL has no float atomics, so the
// f32 sum is kept as bits in an atomic<u32> and added by compare-exchange. The order of the adds, hence
// the last bits of a sum, can change from run to run. Uses the importing kernel's GRAD_INPUT override
// and its grad_input binding (WGSL has no pointers to storage in function parameters without an
// extension), so each backward kernel imports it.

// grad_input[index] += value, as a compare-exchange loop on the bits (retries while others add)
fn atomic_add_f32(index: u32, value: f32) {
  if (!GRAD_INPUT || value == 0.0) {
    return;
  }
  var old = atomicLoad(&grad_input[index]);
  loop {
    let swap = atomicCompareExchangeWeak(&grad_input[index], old, bitcast<u32>(bitcast<f32>(old) + value));
    if (swap.exchanged) {
      break;
    }
    old = swap.old_value;
  }
}
