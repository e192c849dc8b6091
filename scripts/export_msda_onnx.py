#!/usr/bin/env python3
"""Exports the multi-scale deformable attention of scripts/msda_reference.py to ONNX (opset 16, one
GridSample per level plus the splits, transposes, concat, multiply and reduction PyTorch's exporter
makes of it) for the benchmark's D1 and D2 workloads: bench/models/msda-d1.onnx and msda-d2.onnx.
The attention has no weights, so the files are small. Shapes are static (the level shapes are part of
the graph; onnxruntime then folds the shape arithmetic).

Run with Debian's PyTorch and onnx:  /usr/bin/python3 scripts/export_msda_onnx.py
"""
import os
import sys

import onnx
import torch

sys.path.insert(0, os.path.dirname(__file__))
from msda_reference import MsDeformAttn  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', 'bench', 'models')

# The workloads of bench/msda/workloads.ts (issue 15): id -> (levels, queries, heads, channels, points).
WORKLOADS = {
    # RT-DETR decoder at 640x640
    'd1': ([(80, 80), (40, 40), (20, 20)], 300, 8, 32, 4),
    # Deformable-DETR encoder at ~800x800: every position is a query
    'd2': ([(100, 100), (50, 50), (25, 25), (13, 13)], 13294, 8, 32, 4),
}


def export(name, shapes, queries, heads, d, points):
    s = sum(h * w for h, w in shapes)
    levels = len(shapes)
    value = torch.zeros(1, s, heads, d)
    locations = torch.full((1, queries, heads, levels, points, 2), 0.5)
    weights = torch.full((1, queries, heads, levels, points), 1.0 / (levels * points))
    path = os.path.join(OUT, f'msda-{name}.onnx')
    torch.onnx.export(MsDeformAttn(shapes), (value, locations, weights), path, opset_version=16,
                      input_names=['value', 'sampling_locations', 'attention_weights'], output_names=['output'],
                      do_constant_folding=True)
    model = onnx.load(path)
    onnx.checker.check_model(model)
    ops = sorted({node.op_type for node in model.graph.node})
    print(f'wrote {os.path.relpath(path)}: {len(model.graph.node)} nodes ({", ".join(ops)}), '
          f'{os.path.getsize(path)} bytes', file=sys.stderr)


os.makedirs(OUT, exist_ok=True)
for key, spec in WORKLOADS.items():
    export(key, *spec)
