#!/usr/bin/env python3
"""Exports the projections around one multi-scale deformable attention layer (Deformable-DETR's
MSDeformAttn module, without the attention itself) to ONNX, for examples/deformable-attention.ts:

- examples/models/deformable-projections.onnx: query [1, Nq, C], reference_points [1, Nq, L, 2] and
  input_flatten [1, S, C] -> value [1, S, heads, d] (value_proj), sampling_locations
  [1, Nq, heads, L, P, 2] (reference points + sampling_offsets / [W_l, H_l]) and attention_weights
  [1, Nq, heads, L, P] (attention_weights, softmax over L * P);
- examples/models/deformable-output-projection.onnx: the attention's [1, Nq, C] -> output_proj.

The attention between them runs in webgpu-grid-sample (encodeMsDeformAttn) on onnxruntime-web's GPU
buffers. Weights are random (seeded), shapes static; the files are small.

Run with Debian's PyTorch and onnx:  /usr/bin/python3 scripts/export_deformable_layer_onnx.py
"""
import os
import sys

import onnx
import torch
from torch import nn

OUT = os.path.join(os.path.dirname(__file__), '..', 'examples', 'models')

# The example's layer: 2 levels, 10 queries, 32 channels in 4 heads of 8, 4 points per level.
LEVELS = [(8, 8), (4, 4)]
QUERIES = 10
CHANNELS = 32
HEADS = 4
POINTS = 4


class Projections(nn.Module):
    """value_proj, sampling_offsets and attention_weights of Deformable-DETR's MSDeformAttn."""

    def __init__(self):
        super().__init__()
        levels = len(LEVELS)
        self.value_proj = nn.Linear(CHANNELS, CHANNELS)
        self.sampling_offsets = nn.Linear(CHANNELS, HEADS * levels * POINTS * 2)
        self.attention_weights = nn.Linear(CHANNELS, HEADS * levels * POINTS)
        # offsets are in pixels of each level: divided by (W_l, H_l) to normalized units
        self.register_buffer('normalizer', torch.tensor([[w, h] for h, w in LEVELS], dtype=torch.float32))

    def forward(self, query, reference_points, input_flatten):
        bs, nq, _ = query.shape
        s = input_flatten.shape[1]
        levels = len(LEVELS)
        value = self.value_proj(input_flatten).view(bs, s, HEADS, CHANNELS // HEADS)
        offsets = self.sampling_offsets(query).view(bs, nq, HEADS, levels, POINTS, 2)
        locations = reference_points[:, :, None, :, None, :] + offsets / self.normalizer[None, None, None, :, None, :]
        weights = self.attention_weights(query).view(bs, nq, HEADS, levels * POINTS).softmax(-1)
        return value, locations, weights.view(bs, nq, HEADS, levels, POINTS)


def export(module, inputs, input_names, output_names, name):
    path = os.path.join(OUT, name)
    torch.onnx.export(module, inputs, path, opset_version=16, input_names=input_names,
                      output_names=output_names, do_constant_folding=True)
    model = onnx.load(path)
    onnx.checker.check_model(model)
    ops = sorted({node.op_type for node in model.graph.node})
    print(f'wrote {os.path.relpath(path)}: {len(model.graph.node)} nodes ({", ".join(ops)}), '
          f'{os.path.getsize(path)} bytes', file=sys.stderr)


torch.manual_seed(20261130)
os.makedirs(OUT, exist_ok=True)
s = sum(h * w for h, w in LEVELS)
query = torch.zeros(1, QUERIES, CHANNELS)
reference_points = torch.full((1, QUERIES, len(LEVELS), 2), 0.5)
input_flatten = torch.zeros(1, s, CHANNELS)
export(Projections().eval(), (query, reference_points, input_flatten),
       ['query', 'reference_points', 'input_flatten'], ['value', 'sampling_locations', 'attention_weights'],
       'deformable-projections.onnx')
export(nn.Linear(CHANNELS, CHANNELS).eval(), (torch.zeros(1, QUERIES, CHANNELS),), ['attention'], ['output'],
       'deformable-output-projection.onnx')
