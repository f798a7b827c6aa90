"""Two-dimensional convolution, built two ways, and its layer.

A convolution slides small kernels over images.  As the frameworks compute
it (strictly a cross-correlation: the kernel is not flipped), with ``x``
of shape ``(N, C, H, W)`` (N images of C channels, zero-padded by
``padding`` on every side) and ``w`` of shape ``(F, C, kh, kw)`` (F
kernels)::

    out[n, f, i, j] = b[f] + sum over c, di, dj of
                      x[n, c, stride*i + di, stride*j + dj] * w[f, c, di, dj]

``conv2d_unfolded`` builds it from operations the engine already
differentiates: one indexing cuts the images into patches, and one
matrix product applies every kernel to every patch.  ``conv2d`` is the
same computation as ONE operation of reverse mode, with its own two
vector-Jacobian products: faster, and a tape node a compiler can walk.
Forward mode needs no rule of its own: on Duals, ``conv2d`` runs
``conv2d_unfolded``.
"""

from __future__ import annotations

import numpy as np

from gradbook import checks
from gradbook.backprop import Constant, Var
from gradbook.dual import Dual
from gradbook.functions import Operand, Tracer, numpy_function, primal, where
from gradbook.nn.layers import Layer, check_params

__all__ = ["Conv2d", "conv2d", "conv2d_unfolded"]


def conv2d(
    x: Operand,
    w: Operand,
    b: Operand | None = None,
    stride: int = 1,
    padding: int = 0,
) -> Operand:
    """The convolution of images ``x`` (N, C, H, W) with kernels ``w``
    (F, C, kh, kw), plus one bias per kernel ``b`` (F,): shape (N, F, Ho,
    Wo), ``Ho = (H + 2 * padding - kh) // stride + 1`` (``Wo`` likewise).

    On Vars it is one operation of the tape with its own rules (see
    ``_conv2d_node``); on Duals it runs ``conv2d_unfolded``.
    """
    x, w, b, stride, padding = _check(x, w, b, stride, padding, "conv2d")
    if any(map(_forward, (x, w))):  # forward mode: no rule of its own
        return conv2d_unfolded(x, w, b, stride, padding)
    if isinstance(x, Var) or isinstance(w, Var):
        out = _conv2d_node(x, w, stride, padding)
    else:
        out = _correlate(x, w, stride, padding)
    return out if b is None else out + b.reshape(-1, 1, 1)


def _forward(x: Operand) -> bool:
    """Whether ``x`` is a Dual, or a Var whose value carries an outer
    derivative (forward over reverse, as ``hvp``): the rules of
    ``_conv2d_node`` compute on plain arrays only."""
    return isinstance(x, Dual) or (
        isinstance(x, Var)
        and isinstance(x.value, Tracer)
        and not x.value.staged
    )


def conv2d_unfolded(
    x: Operand,
    w: Operand,
    b: Operand | None = None,
    stride: int = 1,
    padding: int = 0,
) -> Operand:
    """``conv2d`` built only from operations the engine already
    differentiates: indexing, ``where`` and ``@``.

    One indexing unfolds the images into columns: one column per output
    position, holding the patch there, one row per ``(c, di, dj)`` of a
    patch.  One matrix product then applies every kernel to every column.
    The same numbers as ``conv2d`` (up to rounding), on every kind of
    number; reverse mode records a few operations instead of one, and its
    backward pass is slower.
    """
    who = "conv2d_unfolded"
    x, w, b, stride, padding = _check(x, w, b, stride, padding, who)
    (n, c, h, width), (f, _, kh, kw) = np.shape(x), np.shape(w)
    size = _out_size((h, width), (kh, kw), stride, padding)
    channel, row, column, inside = _unfold_indices(
        (c, h, width), (kh, kw), stride, padding
    )
    # where a patch reaches into the padding, its value is 0
    columns = where(inside, x[:, channel, row, column], 0.0)
    out = w.reshape(f, c * kh * kw) @ columns  # (N, F, Ho * Wo)
    out = out.reshape(n, f, *size)
    return out if b is None else out + b.reshape(-1, 1, 1)


def _unfold_indices(
    image: tuple[int, int, int],
    kernel: tuple[int, int],
    stride: int,
    padding: int,
) -> tuple[np.ndarray, ...]:
    """Where each element of the unfolded patches comes from.

    Returns the channel, row and column of ``x`` for each entry ``[(c, di,
    dj), (i, j)]``, with ``(c, di, dj)`` and ``(i, j)`` flattened, and
    whether that place lies inside the image (not in the padding).  A
    place in the padding points at a pixel inside, to be masked.
    """
    c, h, w = image
    kh, kw = kernel
    ho, wo = _out_size((h, w), kernel, stride, padding)
    channel, di, dj = np.indices((c, kh, kw)).reshape(3, -1, 1)
    i, j = np.indices((ho, wo)).reshape(2, 1, -1)
    row, column = stride * i + di - padding, stride * j + dj - padding
    inside = (row >= 0) & (row < h) & (column >= 0) & (column < w)
    row, column = np.clip(row, 0, h - 1), np.clip(column, 0, w - 1)
    return channel, row, column, inside


def _conv2d_node(x: Operand, w: Operand, stride: int, padding: int) -> Var:
    """``conv2d`` as one node of the tape, with its two rules.

    Forward, as ``conv2d_unfolded`` does on plain arrays: unfold the images
    into columns of patches, multiply by the kernels as a matrix.  Backward,
    the cotangent ``g`` flows back along the same products.  A kernel
    weight met a pixel at every position of every image, so its cotangent
    sums ``g`` times that pixel over all of them (weight sharing is a value
    used many times).  A pixel sits in every patch that covers it, so its
    cotangent adds up, over those patches, ``g`` times the weight it met:
    ``_fold`` adds the columns back onto the pixels.
    """
    images, kernels = primal(x), primal(w)
    (n, _, h, width), (f, _, kh, kw) = images.shape, kernels.shape
    ho, wo = _out_size((h, width), (kh, kw), stride, padding)
    columns = _unfold(images, (kh, kw), stride, padding)  # (N, C*kh*kw, L)
    matrix = kernels.reshape(f, -1)  # (F, C*kh*kw)

    def rule_w(g: np.ndarray) -> np.ndarray:
        g = g.reshape(n, f, ho * wo)
        by_image = g @ columns.transpose(0, 2, 1)  # (N, F, C*kh*kw)
        return by_image.sum(axis=0).reshape(kernels.shape)

    def rule_x(g: np.ndarray) -> np.ndarray:
        g = g.reshape(n, f, ho * wo)
        return _fold(matrix.T @ g, images.shape, (kh, kw), stride, padding)

    out = (matrix @ columns).reshape(n, f, ho, wo)
    var = x if isinstance(x, Var) else w
    edges = (_edge(x), rule_x), (_edge(w), rule_w)
    return var.tape.record("conv2d", out, *edges)


def _edge(operand: Operand) -> Var | Constant:
    """An operand as ``Tape.record`` takes it: a Var, or a constant."""
    return operand if isinstance(operand, Var) else Constant(operand)


def _correlate(
    images: np.ndarray, kernels: np.ndarray, stride: int, padding: int
) -> np.ndarray:
    """``conv2d`` on plain arrays: the kernels times the unfolded images."""
    (n, _, h, width), (f, _, kh, kw) = images.shape, kernels.shape
    columns = _unfold(images, (kh, kw), stride, padding)
    out = kernels.reshape(f, -1) @ columns
    return out.reshape(n, f, *_out_size((h, width), (kh, kw), stride, padding))


@numpy_function  # a compiled program (gradbook.jit) calls it as one step
def _unfold(
    images: np.ndarray, size: tuple[int, int], stride: int, padding: int
) -> np.ndarray:
    """Images (N, C, H, W) as columns of patches (N, C*kh*kw, Ho*Wo), on
    plain arrays: column ``i * Wo + j`` holds the patch that starts at row
    ``stride * i`` and column ``stride * j`` of the zero-padded images."""
    n, c, h, w = images.shape
    kh, kw = size
    ho, wo = _out_size((h, w), size, stride, padding)
    pad = (0, 0), (0, 0), (padding, padding), (padding, padding)
    padded = np.pad(images, pad)
    columns = np.empty((n, c, kh, kw, ho, wo))
    for di in range(kh):
        for dj in range(kw):
            rows = slice(di, di + stride * ho, stride)
            across = slice(dj, dj + stride * wo, stride)
            columns[:, :, di, dj] = padded[:, :, rows, across]
    return columns.reshape(n, c * kh * kw, ho * wo)


@numpy_function
def _fold(
    columns: np.ndarray,
    shape: tuple[int, ...],
    size: tuple[int, int],
    stride: int,
    padding: int,
) -> np.ndarray:
    """The reverse of ``_unfold``: add every column's values back onto the
    pixels they came from (overlapping patches add up), in images of
    ``shape``; the padding is dropped."""
    n, c, h, w = shape
    kh, kw = size
    ho, wo = _out_size((h, w), size, stride, padding)
    columns = columns.reshape(n, c, kh, kw, ho, wo)
    padded = np.zeros((n, c, h + 2 * padding, w + 2 * padding))
    for di in range(kh):
        for dj in range(kw):
            rows = slice(di, di + stride * ho, stride)
            across = slice(dj, dj + stride * wo, stride)
            padded[:, :, rows, across] += columns[:, :, di, dj]
    return padded[:, :, padding : padding + h, padding : padding + w]


def _out_size(
    image: tuple[int, int], kernel: tuple[int, int], stride: int, padding: int
) -> tuple[int, int]:
    """The output's height and width."""
    return tuple(
        (size + 2 * padding - k) // stride + 1
        for size, k in zip(image, kernel, strict=True)
    )


class Conv2d(Layer):
    """``conv2d`` as a layer: ``out_channels`` kernels of ``size`` x
    ``size`` over ``in_channels`` channels, each with a bias."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        size: int,
        stride: int = 1,
        padding: int = 0,
    ) -> None:
        who = "Conv2d"
        c = checks.whole(in_channels, who, "in_channels", minimum=1)
        f = checks.whole(out_channels, who, "out_channels", minimum=1)
        k = checks.whole(size, who, "size", minimum=1)
        self.stride = checks.whole(stride, who, "stride", minimum=1)
        self.padding = checks.whole(padding, who, "padding")
        self.shapes = ((f, c, k, k), (f,))

    def __repr__(self) -> str:
        f, c, k, _ = self.shapes[0]
        options = f", stride={self.stride}" if self.stride != 1 else ""
        options += f", padding={self.padding}" if self.padding else ""
        return f"Conv2d({c}, {f}, {k}{options})"

    def init(self, rng: np.random.Generator) -> list[np.ndarray]:
        """Kernels drawn with variance ``1 / fan_in`` (``fan_in`` = the
        ``in_channels * size * size`` weights of one kernel), biases
        zero."""
        shape, (f,) = self.shapes
        fan_in = shape[1] * shape[2] * shape[3]
        return [rng.normal(0.0, fan_in**-0.5, size=shape), np.zeros(f)]

    def __call__(self, x: Operand, w: Operand, b: Operand) -> Operand:
        w, b = check_params(self, [w, b], ("w", "b"))
        return conv2d(x, w, b, self.stride, self.padding)


def _check(
    x: object,
    w: object,
    b: object,
    stride: object,
    padding: object,
    who: str,
) -> tuple:
    """Images (N, C, H, W), kernels (F, C, kh, kw) that fit inside the
    padded images, a bias (F,) or None, a stride of at least 1 and a
    padding of at least 0; at most one kind of derivative-carrying
    number."""
    x = checks.as_operand(x, who, "x")
    w = checks.as_operand(w, who, "w")
    b = None if b is None else checks.as_operand(b, who, "b")
    stride = checks.whole(stride, who, "stride", minimum=1)
    padding = checks.whole(padding, who, "padding")
    if np.ndim(x) != 4:
        what = "images of shape (N, C, H, W)"
        raise ValueError(f"{who}: x must be {what}, got {np.shape(x)}")
    if np.ndim(w) != 4:
        what = "kernels of shape (F, C, kh, kw)"
        raise ValueError(f"{who}: w must be {what}, got {np.shape(w)}")
    (_, c, h, width), (f, c_w, kh, kw) = np.shape(x), np.shape(w)
    if c != c_w:
        shapes = f"x has shape {np.shape(x)} and w {np.shape(w)}"
        why = f"x has {c} channels but each kernel of w has {c_w}"
        raise ValueError(f"{who}: {shapes}: {why}")
    if kh > h + 2 * padding or kw > width + 2 * padding:
        kernel = f"kernels of {kh}x{kw}"
        image = f"images of {h}x{width} padded by {padding}"
        raise ValueError(f"{who}: {kernel} do not fit in {image}")
    if b is not None and np.shape(b) != (f,):
        what = f"one bias per kernel, shape ({f},)"
        raise ValueError(f"{who}: b must be {what}, got {np.shape(b)}")
    kinds = {type(v) for v in (x, w, b) if isinstance(v, Tracer)}
    if len(kinds) > 1:
        raise checks.mixing(who, *kinds)
    return x, w, b, stride, padding
