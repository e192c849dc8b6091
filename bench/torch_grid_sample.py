"""PyTorch's CPU grid_sample for the benchmark, driven over stdin/stdout (one JSON command a line).

load {input, grid: raw float32 file paths, input_shape, grid_shape, mode, padding_mode, align_corners}
run  -> {"ms": wall milliseconds of one F.grid_sample call, "cpu_ms": its thread CPU milliseconds}
output {path} -> writes the result as raw float32
Single-threaded (torch.set_num_threads(1)), like the other CPU peers.
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


def tensor(path, shape):
    return torch.from_numpy(np.fromfile(path, dtype=np.float32).reshape(shape))


def sample():
    return F.grid_sample(state["input"], state["grid"], mode=state["mode"], padding_mode=state["padding_mode"],
                         align_corners=state["align_corners"])


reply({"ready": True, "torch": torch.__version__})
for line in sys.stdin:
    cmd = json.loads(line)
    if cmd["cmd"] == "load":
        state = {
            "input": tensor(cmd["input"], cmd["input_shape"]),
            "grid": tensor(cmd["grid"], cmd["grid_shape"]),
            "mode": cmd["mode"],
            "padding_mode": cmd["padding_mode"],
            "align_corners": cmd["align_corners"],
        }
        reply({"ok": True})
    elif cmd["cmd"] == "run":
        start, start_cpu = time.perf_counter(), time.thread_time()
        sample()
        reply({"ms": (time.perf_counter() - start) * 1000, "cpu_ms": (time.thread_time() - start_cpu) * 1000})
    elif cmd["cmd"] == "output":
        sample().numpy().astype(np.float32).tofile(cmd["path"])
        reply({"ok": True})
    elif cmd["cmd"] == "quit":
        break
