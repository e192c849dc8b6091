"""PyTorch's grid_sample for the benchmark, driven over stdin/stdout (one JSON command a line).

load {input, grid: raw float32 file paths, input_shape, grid_shape, mode, padding_mode, align_corners,
      device: "cpu" (default) or "cuda"}
run  -> {"ms": wall milliseconds of one F.grid_sample call; on the CPU also "cpu_ms", its thread's CPU
         milliseconds; on CUDA "gpu_ms", the time between two CUDA events around it, and "ms" includes
         the synchronize}
output {path} -> writes the result as raw float32
Single-threaded on the CPU side (torch.set_num_threads(1)), like the other CPU peers.
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
state = {}


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def tensor(path, shape, device):
    return torch.from_numpy(np.fromfile(path, dtype=np.float32).reshape(shape)).to(device)


def sample():
    return F.grid_sample(state["input"], state["grid"], mode=state["mode"], padding_mode=state["padding_mode"],
                         align_corners=state["align_corners"])


reply({"ready": True, "torch": torch.__version__,
       "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None})
for line in sys.stdin:
    cmd = json.loads(line)
    if cmd["cmd"] == "load":
        device = cmd.get("device", "cpu")
        state = {
            "device": device,
            "input": tensor(cmd["input"], cmd["input_shape"], device),
            "grid": tensor(cmd["grid"], cmd["grid_shape"], device),
            "mode": cmd["mode"],
            "padding_mode": cmd["padding_mode"],
            "align_corners": cmd["align_corners"],
        }
        reply({"ok": True})
    elif cmd["cmd"] == "run" and state["device"] == "cuda":
        begin, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start = time.perf_counter()
        begin.record()
        sample()
        end.record()
        torch.cuda.synchronize()
        reply({"ms": (time.perf_counter() - start) * 1000, "gpu_ms": begin.elapsed_time(end)})
    elif cmd["cmd"] == "run":
        start, start_cpu = time.perf_counter(), time.thread_time()
        sample()
        reply({"ms": (time.perf_counter() - start) * 1000, "cpu_ms": (time.thread_time() - start_cpu) * 1000})
    elif cmd["cmd"] == "output":
        sample().cpu().numpy().astype(np.float32).tofile(cmd["path"])
        reply({"ok": True})
    elif cmd["cmd"] == "quit":
        break
