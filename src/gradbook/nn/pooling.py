"""Pooling: each block of ``size`` x ``size`` pixels of a channel becomes
one number, its largest (``max_pool``) or its mean (``avg_pool``).

Both are written with the engine's operations (slices, ``where``,
``reshape``, ``mean``), so every mode differentiates them with no rule of
its own.  Blocks do not overlap; rows and columns left over at the bottom
and the right are dropped, as the frameworks do.
"""

from __future__ import annotations

import itertools

import numpy as np

from gradbook import checks
from gradbook.functions import Operand, plain, where

__all__ = ["avg_pool", "max_pool"]


def max_pool(x: Operand, size: int = 2) -> Operand:
    """The largest value of each block: (N, C, H, W) becomes
    (N, C, H // size, W // size).

    The gradient goes to the element that was chosen.  Where several
    elements of a block tie for the largest, the first of them in reading
    order (row by row) is chosen, as PyTorch does, and it gets the whole
    cotangent: the others get 0, so the cotangent is never split or
    counted twice.  (At a tie the maximum has no derivative; this one is
    its slope as that element alone rises.)  A nan in a block is chosen,
    so it is not hidden.
    """
    x, size, (h, w) = _check(x, size, "max_pool")
    best = x[:, :, 0:h:size, 0:w:size]
    for di, dj in itertools.product(range(size), repeat=2):
        if di or dj:  # every other element of each block, in reading order
            other = x[:, :, di:h:size, dj:w:size]
            best = where(_beats(other, best), other, best)
    return best


def _beats(other: Operand, best: Operand) -> np.ndarray:
    """Where ``other`` takes the place of ``best``: strictly larger (a tie
    keeps the earlier element), or nan."""
    return (other > best) | np.isnan(plain(other))


def avg_pool(x: Operand, size: int = 2) -> Operand:
    """The mean of each block: (N, C, H, W) becomes
    (N, C, H // size, W // size).  Each element of a block gets
    ``1 / size**2`` of the block's cotangent."""
    x, size, (h, w) = _check(x, size, "avg_pool")
    n, c = np.shape(x)[:2]
    blocks = x[:, :, :h, :w].reshape(n, c, h // size, size, w // size, size)
    return blocks.mean(axis=(3, 5))


def _check(x: object, size: object, who: str) -> tuple:
    """Images (N, C, H, W) with at least one block, and a block size; the
    height and width the blocks cover."""
    x = checks.as_operand(x, who, "x")
    size = checks.whole(size, who, "size", minimum=1)
    if np.ndim(x) != 4:
        what = "images of shape (N, C, H, W)"
        raise ValueError(f"{who}: x must be {what}, got {np.shape(x)}")
    h, w = np.shape(x)[2:]
    if size > min(h, w):
        image = f"images of {h}x{w}"
        raise ValueError(f"{who}: size {size} is larger than {image}")
    return x, size, (h // size * size, w // size * size)
