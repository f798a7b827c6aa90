"""Convolution and pooling: values against direct loops, gradients against
finite differences, the two constructions of conv2d against each other,
and what max_pool does at ties."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradbook import dual, nn
from gradbook.backprop import Tape, grad_bp
from gradbook.dual import Dual
from gradbook.numerical import check_grad


def direct_conv2d(x, w, b, stride, padding):
    """The definition, one output position at a time."""
    n, _, h, width = x.shape
    f, _, kh, kw = w.shape
    pad = (0, 0), (0, 0), (padding, padding), (padding, padding)
    padded = np.pad(x, pad)
    ho = (h + 2 * padding - kh) // stride + 1
    wo = (width + 2 * padding - kw) // stride + 1
    out = np.zeros((n, f, ho, wo))
    for image in range(n):
        for kernel in range(f):
            for i in range(ho):
                for j in range(wo):
                    top, left = stride * i, stride * j
                    patch = padded[image, :, top : top + kh, left : left + kw]
                    out[image, kernel, i, j] = np.sum(patch * w[kernel])
    return out if b is None else out + b[:, None, None]


@st.composite
def convolutions(draw):
    """Random shapes, strides and paddings, and their arrays."""
    n, c, f = (draw(st.integers(1, 3)) for _ in range(3))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride, padding = draw(st.integers(1, 3)), draw(st.integers(0, 2))
    h = draw(st.integers(max(1, kh - 2 * padding), 7))
    width = draw(st.integers(max(1, kw - 2 * padding), 7))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.normal(size=(n, c, h, width))
    w = rng.normal(size=(f, c, kh, kw))
    b = rng.normal(size=f) if draw(st.booleans()) else None
    return x, w, b, stride, padding


@settings(max_examples=60, deadline=None)
@given(case=convolutions())
def test_both_constructions_compute_the_definition(case):
    x, w, b, stride, padding = case
    expected = direct_conv2d(x, w, b, stride, padding)
    for conv in (nn.conv2d, nn.conv2d_unfolded):
        out = conv(x, w, b, stride=stride, padding=padding)
        np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


def weighted(conv, stride, padding, weights):
    """A scalar of the convolution's output, of its three arguments."""

    def f(args):
        x, w, b = args
        out = conv(x, w, b, stride=stride, padding=padding)
        return (out * weights).sum()

    return f


def _with_bias(case):
    x, w, b, stride, padding = case
    b = np.zeros(len(w)) + 0.5 if b is None else b
    out_shape = direct_conv2d(x, w, b, stride, padding).shape
    weights = np.random.default_rng(7).normal(size=out_shape)
    return [x, w, b], stride, padding, weights


@settings(max_examples=30, deadline=None)
@given(case=convolutions())
def test_the_gradient_matches_finite_differences(case):
    args, stride, padding, weights = _with_bias(case)
    f = weighted(nn.conv2d, stride, padding, weights)
    check_grad(f, args, grad_bp(f, args), rtol=1e-6, atol=1e-8)


@settings(max_examples=40, deadline=None)
@given(case=convolutions())
def test_both_constructions_give_the_same_gradient(case):
    args, stride, padding, weights = _with_bias(case)
    primitive = grad_bp(weighted(nn.conv2d, stride, padding, weights), args)
    built = grad_bp(
        weighted(nn.conv2d_unfolded, stride, padding, weights), args
    )
    for a, b in zip(primitive, built, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(case=convolutions())
def test_forward_mode_agrees_with_reverse_mode(case):
    args, stride, padding, weights = _with_bias(case)
    f = weighted(nn.conv2d, stride, padding, weights)
    rng = np.random.default_rng(8)
    direction = [rng.normal(size=a.shape) for a in args]
    _, slope = dual.jvp(f, args, direction)
    grads = grad_bp(f, args)
    dot = sum(
        float((g * d).sum()) for g, d in zip(grads, direction, strict=True)
    )
    assert slope == pytest.approx(dot, rel=1e-9, abs=1e-9)


def vjp_by_hand(g, x, w, stride, padding):
    """Exercise 7.2's solution, widened to batches, channels, strides and
    padding: conv2d's two cotangents, one output position at a time (each
    output used one patch and one kernel: both get g times the other)."""
    pad = (0, 0), (0, 0), (padding, padding), (padding, padding)
    padded = np.pad(x, pad)
    gx, gw = np.zeros_like(padded), np.zeros_like(w)
    kh, kw = w.shape[2:]
    for image in range(g.shape[0]):
        for kernel in range(g.shape[1]):
            for i in range(g.shape[2]):
                for j in range(g.shape[3]):
                    top, left = stride * i, stride * j
                    rows, cols = slice(top, top + kh), slice(left, left + kw)
                    share = g[image, kernel, i, j]
                    gw[kernel] += share * padded[image, :, rows, cols]
                    gx[image, :, rows, cols] += share * w[kernel]
    h, width = x.shape[2:]
    return gx[:, :, padding : padding + h, padding : padding + width], gw


@settings(max_examples=30, deadline=None)
@given(case=convolutions())
def test_the_exercise_can_be_done_a_vjp_by_hand(case):
    x, w, _, stride, padding = case
    out = nn.conv2d(x, w, stride=stride, padding=padding)
    g = np.random.default_rng(11).normal(size=out.shape)

    def f(args):
        return (nn.conv2d(*args, stride=stride, padding=padding) * g).sum()

    for a, b in zip(
        vjp_by_hand(g, x, w, stride, padding), grad_bp(f, [x, w]), strict=True
    ):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_the_primitive_is_one_node_with_two_rules():
    tape = Tape()
    x = tape.var(np.ones((1, 1, 4, 4)))
    w = tape.var(np.ones((2, 1, 3, 3)))
    out = nn.conv2d(x, w)
    node = tape.nodes[out.index]
    assert node.op == "conv2d"
    assert [j for j, _ in node.inputs] == [x.index, w.index]
    assert all(callable(rule) for _, rule in node.inputs)
    assert len(tape) == 3  # two inputs and the convolution


@pytest.mark.parametrize("wrt", ["x", "w"])
def test_a_constant_operand_gets_no_gradient_but_the_other_does(wrt):
    rng = np.random.default_rng(9)
    x, w = rng.normal(size=(2, 2, 5, 5)), rng.normal(size=(3, 2, 2, 2))

    def f(v):
        out = nn.conv2d(v, w) if wrt == "x" else nn.conv2d(x, v)
        return (out * out).sum()

    argument = x if wrt == "x" else w
    check_grad(f, argument, grad_bp(f, argument), rtol=1e-5, atol=1e-8)


def test_a_shared_kernel_gets_the_sum_over_every_position():
    """Weight sharing is a value used many times: a 1x1 kernel meets every
    pixel once, so the gradient of the output's sum is the pixels' sum."""
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    grad = grad_bp(lambda w: nn.conv2d(x, w).sum(), np.ones((1, 1, 1, 1)))
    assert grad.item() == x.sum()
    # a 2x2 kernel: each weight meets the 3x3 pixels it covers
    grad = grad_bp(lambda w: nn.conv2d(x, w).sum(), np.ones((1, 1, 2, 2)))
    image = x[0, 0]
    expected = [[image[:3, :3].sum(), image[:3, 1:].sum()]]
    expected += [[image[1:, :3].sum(), image[1:, 1:].sum()]]
    np.testing.assert_array_equal(grad[0, 0], expected)


def test_duals_run_the_unfolded_construction():
    rng = np.random.default_rng(10)
    x, w = rng.normal(size=(1, 1, 4, 4)), rng.normal(size=(1, 1, 2, 2))
    out = nn.conv2d(Dual(x, 0.0), Dual(w, np.ones_like(w)), padding=1)
    assert isinstance(out, Dual)
    tangent = nn.conv2d(x, np.ones_like(w), padding=1)  # linear in w
    np.testing.assert_allclose(out.tangent, tangent, rtol=1e-12)


def test_a_conv_layer_draws_its_kernels_and_calls_conv2d():
    layer = nn.Conv2d(2, 4, 3, stride=2, padding=1)
    assert repr(layer) == "Conv2d(2, 4, 3, stride=2, padding=1)"
    w, b = layer.init(np.random.default_rng(0))
    assert w.shape == (4, 2, 3, 3) and b.shape == (4,)
    assert w.std() == pytest.approx(18**-0.5, rel=0.3)
    x = np.random.default_rng(1).normal(size=(2, 2, 5, 5))
    np.testing.assert_array_equal(layer(x, w, b), nn.conv2d(x, w, b, 2, 1))


def direct_pool(x, size, reduce):
    n, c, h, w = x.shape
    h, w = h // size * size, w // size * size
    blocks = x[:, :, :h, :w].reshape(n, c, h // size, size, w // size, size)
    return reduce(blocks, axis=(3, 5))


@settings(max_examples=40, deadline=None)
@given(
    shape=st.tuples(
        st.integers(1, 3),
        st.integers(1, 3),
        st.integers(3, 7),
        st.integers(3, 7),
    ),
    size=st.integers(1, 3),
    seed=st.integers(0, 2**32 - 1),
)
def test_pooling_values_and_gradients(shape, size, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)  # no ties, almost surely
    for pool, reduce in ((nn.max_pool, np.max), (nn.avg_pool, np.mean)):
        out = pool(x, size)
        np.testing.assert_allclose(
            out, direct_pool(x, size, reduce), rtol=1e-14
        )
        weights = rng.normal(size=out.shape)

        def f(v, pool=pool, weights=weights):
            return (pool(v, size) * weights).sum()

        check_grad(f, x, grad_bp(f, x), rtol=1e-6, atol=1e-8)


def test_max_pool_sends_the_cotangent_to_the_first_of_tied_elements():
    x = np.array([[5.0, 5.0, 1.0, 2.0], [5.0, 0.0, 2.0, 2.0]])[None, None]
    out = nn.max_pool(x)
    np.testing.assert_array_equal(out, [[[[5.0, 2.0]]]])
    grad = grad_bp(lambda v: (nn.max_pool(v) * [[[[1.0, 3.0]]]]).sum(), x)
    # first in reading order: top left in the left block, top right in
    # the right block; each block's cotangent arrives once, whole
    np.testing.assert_array_equal(
        grad[0, 0], [[1.0, 0.0, 0.0, 3.0], [0.0, 0.0, 0.0, 0.0]]
    )
    # that is the slope as the chosen element alone rises
    h = 1e-3
    x_up = x.copy()
    x_up[0, 0, 0, 0] += h
    assert nn.max_pool(x_up)[0, 0, 0, 0] - out[0, 0, 0, 0] == pytest.approx(h)
    forward = dual.gradient(
        lambda v: (nn.max_pool(v) * [[[[1.0, 3.0]]]]).sum(), x
    )
    np.testing.assert_array_equal(forward, grad)  # both modes agree


def test_max_pool_does_not_hide_a_nan():
    x = np.array([[1.0, np.nan], [3.0, 2.0]])[None, None]
    assert np.isnan(nn.max_pool(x)).all()
    x = np.array([[np.nan, 1.0], [3.0, 2.0]])[None, None]
    assert np.isnan(nn.max_pool(x)).all()


def test_pooling_drops_the_rows_and_columns_left_over():
    x = np.arange(35.0).reshape(1, 1, 5, 7)
    assert nn.max_pool(x).shape == (1, 1, 2, 3)
    assert nn.avg_pool(x, 3).shape == (1, 1, 1, 2)
    grad = grad_bp(lambda v: nn.avg_pool(v).sum(), x)
    assert grad[0, 0, 4].sum() == 0.0 and grad[0, 0, :, 6].sum() == 0.0


def test_flatten_keeps_one_row_per_example():
    x = np.arange(24.0).reshape(2, 3, 2, 2)
    np.testing.assert_array_equal(nn.flatten(x), x.reshape(2, 12))
    grad = grad_bp(lambda v: (nn.flatten(v) * np.arange(12.0)).sum(), x)
    np.testing.assert_array_equal(grad[1], np.arange(12.0).reshape(3, 2, 2))
