#!/usr/bin/env python3
"""Writes test/fixtures/golden-backward.json: gradients of grid_sample and affine_grid from PyTorch autograd.

Run with Debian's PyTorch:  /usr/bin/python3 scripts/make_golden_backward.py  (make_golden.py runs it too).
It draws from its own random streams, so the forward goldens (golden.json) do not change.
Tensors are stored as base64 of little-endian float32, as in golden.json.

Nearest ties: PyTorch 1.13's 3-D kernels, backward included, round half away from zero where the 2-D
kernels and PyTorch >= 2.1 round half to even, so no nearest golden here has a grid point near a tie:
every point whose pick changes when any of its coordinates moves by 1e-3 is redrawn
(avoid_nearest_ties). Ties themselves are covered by the forward goldens.
"""
import base64
import itertools
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'golden-backward.json')
MODES_2D = ['bilinear', 'nearest', 'bicubic']
MODES_3D = ['bilinear', 'nearest']
PADDINGS = ['zeros', 'border', 'reflection']
TIE_EPS = 1e-3
rng = np.random.default_rng(20261125)


def enc(t):
    a = np.ascontiguousarray(t.detach().cpu().numpy().astype('<f4'))
    return {'shape': list(a.shape), 'data': base64.b64encode(a.tobytes()).decode('ascii')}


def randn(*shape):
    return torch.from_numpy(rng.standard_normal(shape).astype(np.float32))


def rand(*shape, lo=-1.0, hi=1.0):
    return torch.from_numpy(rng.uniform(lo, hi, shape).astype(np.float32))


def nearest_pick(inp_shape, grid, padding, align):
    """Which input pixel (1-based; 0 = outside) nearest mode picks for each grid point."""
    n, spatial = inp_shape[0], inp_shape[2:]
    index = (torch.arange(int(np.prod(spatial)), dtype=torch.float32) + 1).view(1, 1, *spatial).expand(n, 1, *spatial)
    return F.grid_sample(index, grid, mode='nearest', padding_mode=padding, align_corners=align)[:, 0]


def avoid_nearest_ties(inp_shape, grid, padding, align, lo, hi):
    """Redraws grid points whose nearest pick is not stable under a +-TIE_EPS nudge of any coordinate."""
    grid = grid.clone()
    for _ in range(100):
        base = nearest_pick(inp_shape, grid, padding, align)
        unstable = torch.zeros_like(base, dtype=torch.bool)
        for axis, delta in itertools.product(range(grid.shape[-1]), [TIE_EPS, -TIE_EPS]):
            nudged = grid.clone()
            nudged[..., axis] += delta
            unstable |= nearest_pick(inp_shape, nudged, padding, align) != base
        count = int(unstable.sum())
        if count == 0:
            return grid
        grid[unstable] = rand(count, grid.shape[-1], lo=lo, hi=hi)
    raise RuntimeError('could not draw a grid away from nearest ties')


def backward(inp, grid, grad_out, mode, padding, align):
    inp = inp.clone().requires_grad_(True)
    grid = grid.clone().requires_grad_(True)
    out = F.grid_sample(inp, grid, mode=mode, padding_mode=padding, align_corners=align)
    out.backward(grad_out)
    return inp.grad, grid.grad


cases = []


def add_backward(name, inp, grid, mode, padding, align, lo, hi):
    if mode == 'nearest':
        grid = avoid_nearest_ties(inp.shape, grid, padding, align, lo, hi)
    out_shape = list(inp.shape[:2]) + list(grid.shape[1:-1])
    grad_out = randn(*out_shape)
    grad_inp, grad_grid = backward(inp, grid, grad_out, mode, padding, align)
    cases.append({'op': 'grid_sample_backward', 'name': name,
                  'options': {'mode': mode, 'paddingMode': padding, 'alignCorners': align},
                  'gradOutput': enc(grad_out), 'input': enc(inp), 'grid': enc(grid),
                  'expectedGradInput': enc(grad_inp), 'expectedGradGrid': enc(grad_grid)})


def crowd(n, out_shape, dims, spread):
    """A grid whose points all lie within `spread` of one random point: many land on the same pixels."""
    centre = rng.uniform(-0.8, 0.8, (n,) + (1,) * len(out_shape) + (dims,))
    offsets = rng.uniform(-spread, spread, (n,) + tuple(out_shape) + (dims,))
    return torch.from_numpy((centre + offsets).astype(np.float32))


# 1. Every mode x padding x alignCorners, on random, far, size-1 and crowded grids.
for align, padding in itertools.product([False, True], PADDINGS):
    for mode in MODES_2D:
        tag = f'2d {mode} {padding} align={align}'
        add_backward(f'{tag} random', randn(2, 3, 5, 7), rand(2, 4, 6, 2, lo=-1.2, hi=1.2), mode, padding, align, -1.2, 1.2)
        add_backward(f'{tag} far', randn(1, 2, 6, 5), rand(1, 5, 5, 2, lo=-5.5, hi=5.5), mode, padding, align, -5.5, 5.5)
        add_backward(f'{tag} size-1 height', randn(1, 2, 1, 6), rand(1, 3, 4, 2, lo=-1.5, hi=1.5), mode, padding, align, -1.5, 1.5)
        add_backward(f'{tag} size-1 width', randn(2, 1, 5, 1), rand(2, 2, 3, 2, lo=-1.5, hi=1.5), mode, padding, align, -1.5, 1.5)
        add_backward(f'{tag} crowded', randn(1, 2, 4, 4), crowd(1, (16, 16), 2, 0.05), mode, padding, align, -0.9, 0.9)
    for mode in MODES_3D:
        tag = f'3d {mode} {padding} align={align}'
        add_backward(f'{tag} random', randn(2, 2, 4, 5, 3), rand(2, 3, 2, 4, 3, lo=-1.2, hi=1.2), mode, padding, align, -1.2, 1.2)
        add_backward(f'{tag} far', randn(1, 2, 3, 4, 5), rand(1, 2, 3, 3, 3, lo=-5.5, hi=5.5), mode, padding, align, -5.5, 5.5)
        add_backward(f'{tag} size-1 depth', randn(1, 2, 1, 3, 4), rand(1, 2, 2, 3, 3, lo=-1.5, hi=1.5), mode, padding, align, -1.5, 1.5)
        add_backward(f'{tag} crowded', randn(1, 2, 3, 3, 3), crowd(1, (4, 8, 8), 3, 0.05), mode, padding, align, -0.9, 0.9)

# 2. affine_grid: d loss / d theta for a random d loss / d grid.
for align in [False, True]:
    for size in [[2, 3, 5, 7], [1, 1, 1, 4], [1, 2, 6, 1], [3, 1, 8, 8], [2, 1, 5, 4, 3], [1, 2, 1, 1, 6], [1, 1, 7, 2, 3]]:
        dims = len(size) - 2
        theta = rand(size[0], dims, dims + 1, lo=-1.5, hi=1.5).requires_grad_(True)
        grid = F.affine_grid(theta, size, align_corners=align)
        grad_grid = randn(*grid.shape)
        grid.backward(grad_grid)
        cases.append({'op': 'affine_grid_backward', 'name': f'affine_grid {dims}d {size} align={align}',
                      'options': {'alignCorners': align}, 'size': size, 'gradGrid': enc(grad_grid),
                      'expectedGradTheta': enc(theta.grad)})

# 3. A whole spatial transformer: theta -> affine_grid -> grid_sample, gradients of theta and input.
for align, padding in itertools.product([False, True], PADDINGS):
    for mode, size in [('bilinear', [2, 3, 6, 7]), ('bicubic', [1, 2, 5, 6]), ('bilinear', [1, 2, 4, 5, 3])]:
        dims = len(size) - 2
        identity = torch.eye(dims, dims + 1).expand(size[0], dims, dims + 1)
        theta = (identity + rand(size[0], dims, dims + 1, lo=-0.3, hi=0.3)).requires_grad_(True)
        inp = randn(*size).requires_grad_(True)
        out = F.grid_sample(inp, F.affine_grid(theta, size, align_corners=align), mode=mode,
                            padding_mode=padding, align_corners=align)
        grad_out = randn(*out.shape)
        out.backward(grad_out)
        cases.append({'op': 'spatial_transformer', 'name': f'spatial transformer {dims}d {mode} {padding} align={align}',
                      'options': {'mode': mode, 'paddingMode': padding, 'alignCorners': align},
                      'theta': enc(theta), 'input': enc(inp), 'gradOutput': enc(grad_out),
                      'expectedGradTheta': enc(theta.grad), 'expectedGradInput': enc(inp.grad)})

# 4. The README's backward example, as written there.
theta = torch.tensor([[[0.9, -0.2, 0.1], [0.2, 0.9, -0.1]]], requires_grad=True)
inp = torch.arange(16.).view(1, 1, 4, 4).requires_grad_()
out = F.grid_sample(inp, F.affine_grid(theta, [1, 1, 3, 3], align_corners=False), align_corners=False)
out.backward(torch.ones_like(out))
cases.append({'op': 'spatial_transformer', 'name': 'README example',
              'options': {'mode': 'bilinear', 'paddingMode': 'zeros', 'alignCorners': False},
              'theta': enc(theta), 'input': enc(inp), 'gradOutput': enc(torch.ones_like(out)),
              'expectedGradTheta': enc(theta.grad), 'expectedGradInput': enc(inp.grad)})


def main():
    with open(OUT, 'w') as fh:
        json.dump({'torch': torch.__version__, 'tieEps': TIE_EPS, 'cases': cases}, fh, indent=0)
        fh.write('\n')
    print(f'wrote {len(cases)} cases to {os.path.relpath(OUT)} (torch {torch.__version__})', file=sys.stderr)


if __name__ == '__main__':
    main()
