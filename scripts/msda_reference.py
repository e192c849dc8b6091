"""Multi-scale deformable attention (MSDeformAttn) in pure PyTorch: the oracle of msDeformAttnCpu.

The formulation of Deformable-DETR's and mmcv's `multi_scale_deformable_attn_pytorch`, written from
its description: split the value per level, sample each level with
`grid_sample(bilinear, zeros, align_corners=False)` at `2 * loc - 1`, stack the levels, multiply by
the attention weights and sum over levels * points. The operations, and so the float32 roundings,
are those of that reference: the goldens (make_golden_msda.py) and the ONNX exports
(export_msda_onnx.py) both come from this function.

Shapes:
  value               [bs, S, heads, d], S = sum(H_l * W_l), levels concatenated, each row-major H_l x W_l
  spatial_shapes      [(H_0, W_0), ...] as Python ints (L levels)
  sampling_locations  [bs, Nq, heads, L, P, 2], (x, y) in [0, 1] over each level's map
  attention_weights   [bs, Nq, heads, L, P]
  result              [bs, Nq, heads * d]
"""
import torch
import torch.nn.functional as F


def ms_deform_attn(value, spatial_shapes, sampling_locations, attention_weights):
    bs, _, heads, d = value.shape
    _, queries, _, levels, points, _ = sampling_locations.shape
    per_level = value.split([h * w for h, w in spatial_shapes], dim=1)
    grids = 2 * sampling_locations - 1  # [0, 1] -> grid_sample's [-1, 1]
    sampled = []
    for level, (h, w) in enumerate(spatial_shapes):
        # [bs, h*w, heads, d] -> [bs, h*w, heads*d] -> [bs, heads*d, h*w] -> [bs*heads, d, h, w]
        level_value = per_level[level].flatten(2).transpose(1, 2).reshape(bs * heads, d, h, w)
        # [bs, Nq, heads, P, 2] -> [bs, heads, Nq, P, 2] -> [bs*heads, Nq, P, 2]
        level_grid = grids[:, :, :, level].transpose(1, 2).flatten(0, 1)
        # [bs*heads, d, Nq, P]
        sampled.append(F.grid_sample(level_value, level_grid, mode='bilinear', padding_mode='zeros',
                                     align_corners=False))
    # [bs, Nq, heads, L, P] -> [bs, heads, Nq, L, P] -> [bs*heads, 1, Nq, L*P]
    weights = attention_weights.transpose(1, 2).reshape(bs * heads, 1, queries, levels * points)
    # [bs*heads, d, Nq, L, P] -> [bs*heads, d, Nq, L*P]; weighted, summed over L*P -> [bs*heads, d, Nq]
    out = (torch.stack(sampled, dim=-2).flatten(-2) * weights).sum(-1)
    return out.view(bs, heads * d, queries).transpose(1, 2).contiguous()


class MsDeformAttn(torch.nn.Module):
    """The attention for fixed level shapes, as a module (for torch.onnx.export)."""

    def __init__(self, spatial_shapes):
        super().__init__()
        self.spatial_shapes = [(int(h), int(w)) for h, w in spatial_shapes]

    def forward(self, value, sampling_locations, attention_weights):
        return ms_deform_attn(value, self.spatial_shapes, sampling_locations, attention_weights)
