#!/usr/bin/env python3
"""Writes test/fixtures/golden.json: grid_sample and affine_grid results computed by real PyTorch,
then test/fixtures/golden-backward.json (their gradients, see make_golden_backward.py).

Run with Debian's PyTorch:  apt-get install python3-torch && /usr/bin/python3 scripts/make_golden.py
Tensors are stored as base64 of little-endian float32, so every value is kept to the last bit.
"""
import base64
import itertools
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'golden.json')
MODES_2D = ['bilinear', 'nearest', 'bicubic']
MODES_3D = ['bilinear', 'nearest']
PADDINGS = ['zeros', 'border', 'reflection']
rng = np.random.default_rng(20261124)
torch.manual_seed(20261124)


def version_at_least(major, minor):
    parts = torch.__version__.split('.')
    return (int(parts[0]), int(parts[1])) >= (major, minor)


# Before PyTorch 2.1 (pull request #97000) the 3-D CPU kernel rounded nearest ties half away from
# zero, unlike the 2-D kernel and CUDA (half to even). On older versions the 3-D nearest goldens
# are computed with the 2-D kernel instead (see nearest_3d_via_2d).
NEAREST_3D_DIRECT = version_at_least(2, 1)


def enc(t):
    a = np.ascontiguousarray(t.detach().cpu().numpy().astype('<f4'))
    return {'shape': list(a.shape), 'data': base64.b64encode(a.tobytes()).decode('ascii')}


def nearest_3d_via_2d(inp, grid, padding, align):
    """3-D nearest through PyTorch's 2-D kernel: sample images of (index + 1) to learn, per axis
    pair, which voxel PyTorch's nearbyint picks (0 means outside under zeros padding)."""
    n, c, d, h, w = inp.shape
    _, do, ho, wo, _ = grid.shape
    kw = dict(mode='nearest', padding_mode=padding, align_corners=align)
    yx_index = (torch.arange(h * w, dtype=torch.float32) + 1).view(1, 1, h, w).expand(n, 1, h, w)
    yx = F.grid_sample(yx_index, grid[..., :2].reshape(n, do * ho, wo, 2), **kw).view(n, do, ho, wo)
    z_index = (torch.arange(d, dtype=torch.float32) + 1).view(1, 1, d, 1).expand(n, 1, d, 1)
    zx = torch.stack([torch.zeros_like(grid[..., 2]), grid[..., 2]], dim=-1)  # x = 0 is column 0 of a width-1 image
    z = F.grid_sample(z_index, zx.reshape(n, do * ho, wo, 2), **kw).view(n, do, ho, wo)
    out = torch.zeros(n, c, do, ho, wo)
    for b in range(n):
        valid = (yx[b] > 0) & (z[b] > 0)
        iyx = (yx[b].long() - 1).clamp(min=0)
        iz = (z[b].long() - 1).clamp(min=0)
        flat = inp[b].reshape(c, d, h * w)[:, iz, iyx]
        out[b] = torch.where(valid, flat, torch.zeros_like(flat))
    return out


def grid_sample(inp, grid, mode, padding, align):
    if inp.dim() == 5 and mode == 'nearest' and not NEAREST_3D_DIRECT:
        return nearest_3d_via_2d(inp, grid, padding, align)
    return F.grid_sample(inp, grid, mode=mode, padding_mode=padding, align_corners=align)


cases = []


def add_sample(name, inp, grid, mode, padding, align):
    out = grid_sample(inp, grid, mode, padding, align)
    cases.append({'op': 'grid_sample', 'name': name,
                  'options': {'mode': mode, 'paddingMode': padding, 'alignCorners': align},
                  'input': enc(inp), 'grid': enc(grid), 'expected': enc(out)})


def rand(*shape, lo=-1.0, hi=1.0):
    return torch.from_numpy(rng.uniform(lo, hi, shape).astype(np.float32))


def tie_coordinates(size, align):
    """Grid values whose pixel coordinate is k + 0.5, inside and up to two periods outside."""
    k = np.arange(-2 * size - 2, 3 * size + 2) + 0.5
    if align:
        g = k * 2 / max(size - 1, 1) - 1
    else:
        g = (2 * k + 1) / size - 1
    return g.astype(np.float32)


def tie_grid(n, out_shape, sizes, align):
    """A grid of [n, *out_shape, len(sizes)] filled with tie coordinates of each axis (x first)."""
    count = int(np.prod(out_shape))
    axes = []
    for size in sizes:
        ties = tie_coordinates(size, align)
        axes.append(rng.choice(ties, size=(n, count)))
    g = np.stack(axes, axis=-1).reshape(n, *out_shape, len(sizes))
    return torch.from_numpy(g.astype(np.float32))


# 1. Every option combination on random shapes (size-1 dims included) and grids near and far.
for align, padding in itertools.product([False, True], PADDINGS):
    for mode in MODES_2D:
        tag = f'2d {mode} {padding} align={align}'
        add_sample(f'{tag} random', torch.randn(2, 3, 5, 7), rand(2, 4, 6, 2, lo=-1.2, hi=1.2), mode, padding, align)
        add_sample(f'{tag} far', torch.randn(1, 2, 6, 5), rand(1, 5, 5, 2, lo=-5.5, hi=5.5), mode, padding, align)
        add_sample(f'{tag} very far', torch.randn(1, 2, 4, 3), rand(1, 3, 4, 2, lo=-60, hi=60), mode, padding, align)
        add_sample(f'{tag} size-1 height', torch.randn(1, 2, 1, 6), rand(1, 3, 4, 2, lo=-1.5, hi=1.5), mode, padding, align)
        add_sample(f'{tag} size-1 width', torch.randn(2, 1, 5, 1), rand(2, 2, 3, 2, lo=-1.5, hi=1.5), mode, padding, align)
        add_sample(f'{tag} 1x1 input', torch.randn(1, 3, 1, 1), rand(1, 2, 2, 2, lo=-1.5, hi=1.5), mode, padding, align)
    for mode in MODES_3D:
        tag = f'3d {mode} {padding} align={align}'
        add_sample(f'{tag} random', torch.randn(2, 2, 4, 5, 3), rand(2, 3, 2, 4, 3, lo=-1.2, hi=1.2), mode, padding, align)
        add_sample(f'{tag} far', torch.randn(1, 2, 3, 4, 5), rand(1, 2, 3, 3, 3, lo=-5.5, hi=5.5), mode, padding, align)
        add_sample(f'{tag} size-1 depth', torch.randn(1, 2, 1, 3, 4), rand(1, 2, 2, 3, 3, lo=-1.5, hi=1.5), mode, padding, align)
        add_sample(f'{tag} 1x1x1 input', torch.randn(1, 2, 1, 1, 1), rand(1, 2, 2, 2, 3, lo=-1.5, hi=1.5), mode, padding, align)

# 2. Nearest at exact half-pixel ties (PyTorch rounds half to even), including reflected ties.
for align, padding in itertools.product([False, True], PADDINGS):
    for h, w in [(4, 6), (3, 7), (5, 10)]:
        inp = torch.randn(1, 2, h, w)
        add_sample(f'2d nearest ties {padding} align={align} {h}x{w}', inp, tie_grid(1, (6, 8), (w, h), align),
                   'nearest', padding, align)
    d, h, w = 3, 5, 6
    add_sample(f'3d nearest ties {padding} align={align}', torch.randn(1, 2, d, h, w),
               tie_grid(1, (3, 4, 5), (w, h, d), align), 'nearest', padding, align)

# 3. Identity grids from affine_grid reproduce the input.
for align in [False, True]:
    for mode in ['bilinear', 'nearest', 'bicubic']:
        inp = torch.randn(1, 3, 6, 9)
        grid = F.affine_grid(torch.tensor([[[1.0, 0, 0], [0, 1, 0]]]), [1, 3, 6, 9], align_corners=align)
        add_sample(f'2d identity {mode} align={align}', inp, grid, mode, 'zeros', align)
    for mode in MODES_3D:
        inp = torch.randn(1, 2, 4, 5, 6)
        theta = torch.tensor([[[1.0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]])
        grid = F.affine_grid(theta, [1, 2, 4, 5, 6], align_corners=align)
        add_sample(f'3d identity {mode} align={align}', inp, grid, mode, 'zeros', align)

# 4. Empty outputs.
add_sample('2d empty batch', torch.randn(0, 2, 3, 3), rand(0, 2, 2, 2), 'bilinear', 'zeros', False)
add_sample('2d empty output rows', torch.randn(1, 2, 3, 3), rand(1, 0, 4, 2), 'bilinear', 'zeros', False)
add_sample('2d zero channels', torch.randn(1, 0, 3, 3), rand(1, 2, 2, 2), 'bicubic', 'border', True)
add_sample('3d empty output depth', torch.randn(1, 2, 3, 3, 3), rand(1, 0, 2, 2, 3), 'bilinear', 'zeros', False)

# 5. affine_grid itself.
for align in [False, True]:
    for size in [[2, 3, 5, 7], [1, 1, 1, 4], [1, 2, 6, 1], [3, 1, 8, 8]]:
        theta = rand(size[0], 2, 3, lo=-1.5, hi=1.5)
        cases.append({'op': 'affine_grid', 'name': f'affine_grid 2d {size} align={align}',
                      'options': {'alignCorners': align}, 'theta': enc(theta), 'size': size,
                      'expected': enc(F.affine_grid(theta, size, align_corners=align))})
    for size in [[2, 1, 3, 4, 5], [1, 2, 1, 1, 6], [1, 1, 7, 2, 3]]:
        theta = rand(size[0], 3, 4, lo=-1.5, hi=1.5)
        cases.append({'op': 'affine_grid', 'name': f'affine_grid 3d {size} align={align}',
                      'options': {'alignCorners': align}, 'theta': enc(theta), 'size': size,
                      'expected': enc(F.affine_grid(theta, size, align_corners=align))})

with open(OUT, 'w') as fh:
    json.dump({'torch': torch.__version__, 'nearest3dDirect': NEAREST_3D_DIRECT, 'cases': cases}, fh, indent=0)
    fh.write('\n')
print(f'wrote {len(cases)} cases to {os.path.relpath(OUT)} (torch {torch.__version__})', file=sys.stderr)

# Gradient goldens (test/fixtures/golden-backward.json) come from their own random streams, so the
# forward goldens above do not change when they are added or edited.
import make_golden_backward  # noqa: E402  (scripts/ is on sys.path when this script runs)

make_golden_backward.main()
