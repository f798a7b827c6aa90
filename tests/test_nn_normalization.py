"""Batch normalization: batch_norm's values and gradients in both modes of
the engine, the hand-written backward pass the chapter's exercise asks
for, and the BatchNorm layer's modes and state."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradbook import dual, nn
from gradbook.backprop import Tape, backprop, grad_bp
from gradbook.numerical import check_grad


def objective(weights, eps=1e-5):
    """A scalar of batch_norm's output: a weighted sum (a plain sum would
    be constant, since each column of x_hat sums to 0)."""

    def f(args):
        x, gamma, beta = args
        return (nn.batch_norm(x, gamma, beta, eps) * weights).sum()

    return f


def arguments(rng, n, features):
    x = rng.normal(size=(n, features)) * rng.uniform(0.5, 3.0, features)
    gamma = rng.normal(size=features)
    beta = rng.normal(size=features)
    return [x + rng.normal(size=features), gamma, beta]


def test_batch_norm_normalizes_each_column_then_scales_and_shifts():
    rng = np.random.default_rng(0)
    x, gamma, beta = arguments(rng, 20, 3)
    out = nn.batch_norm(x, gamma, beta)
    x_hat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-5)
    np.testing.assert_allclose(out, gamma * x_hat + beta, rtol=1e-12)
    plain = nn.batch_norm(x, 1.0, 0.0, eps=1e-12)  # numbers broadcast
    np.testing.assert_allclose(plain.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(plain.std(axis=0), 1.0, rtol=1e-9)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(2, 64),
    features=st.integers(1, 32),
    seed=st.integers(0, 2**32 - 1),
)
def test_reverse_mode_gradient_matches_finite_differences(n, features, seed):
    rng = np.random.default_rng(seed)
    args = arguments(rng, n, features)
    f = objective(rng.normal(size=(n, features)))
    grads = grad_bp(f, args)
    assert [g.shape for g in grads] == [a.shape for a in args]
    # raises, naming the element, where the two disagree
    check_grad(f, args, grads, rtol=1e-5, atol=1e-6)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(2, 64),
    features=st.integers(1, 32),
    seed=st.integers(0, 2**32 - 1),
)
def test_forward_mode_agrees_with_finite_differences_and_reverse_mode(
    n, features, seed
):
    rng = np.random.default_rng(seed)
    args = arguments(rng, n, features)
    f = objective(rng.normal(size=(n, features)))
    direction = [rng.normal(size=a.shape) for a in args]
    _, slope = dual.jvp(f, args, direction)  # one forward pass
    h = 1e-6
    ahead = f([a + h * d for a, d in zip(args, direction, strict=True)])
    behind = f([a - h * d for a, d in zip(args, direction, strict=True)])
    assert slope == pytest.approx((ahead - behind) / (2 * h), rel=1e-5)
    grads = grad_bp(f, args)
    dot = sum(
        float((g * d).sum()) for g, d in zip(grads, direction, strict=True)
    )
    assert slope == pytest.approx(dot, rel=1e-9, abs=1e-9)


def test_forward_mode_gives_every_partial_derivative_on_a_small_batch():
    rng = np.random.default_rng(1)
    args = arguments(rng, 4, 2)
    f = objective(rng.normal(size=(4, 2)))
    forward = dual.gradient(f, args)
    check_grad(f, args, forward, rtol=1e-5, atol=1e-7)
    for a, b in zip(forward, grad_bp(f, args), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("n", [2, 7, 64])
def test_a_constant_feature_stays_finite_thanks_to_eps(n):
    rng = np.random.default_rng(2)
    x, gamma, beta = arguments(rng, n, 3)
    x[:, 1] = 4.0  # variance 0: only eps keeps the division finite
    out = nn.batch_norm(x, gamma, beta)
    np.testing.assert_array_equal(out[:, 1], beta[1])  # x_hat is 0 there
    f = objective(rng.normal(size=(n, 3)))
    grads = grad_bp(f, [x, gamma, beta])
    assert all(np.isfinite(g).all() for g in grads)
    check_grad(f, [x, gamma, beta], grads, rtol=1e-4, atol=1e-6)
    forward = dual.gradient(f, [x, gamma, beta])  # forward mode, too
    check_grad(f, [x, gamma, beta], forward, rtol=1e-4, atol=1e-6)
    _, slope = dual.jvp(f, [x, gamma, beta], [np.ones_like(x), 0.0, 0.0])
    assert np.isfinite(slope)
    # moving a constant column all together does not change its x_hat
    moved = [np.where(np.arange(3) == 1, 1.0, 0.0) * np.ones_like(x), 0, 0]
    _, along_column = dual.jvp(f, [x, gamma, beta], moved)
    assert along_column == pytest.approx(0.0, abs=1e-9)


def backward_by_hand(g, x, gamma, eps=1e-5):
    """The reference solution of the chapter's exercise: batch_norm's
    backward pass written by hand, in plain numpy.

    x_hat = (x - mean) / std is used by every example through the mean
    and the variance, so each example's cotangent gets, besides its own
    share ``gamma * g / std``, minus the column's average share and minus
    x_hat times the average of ``share * x_hat``.
    """
    std = np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) / std
    share = g * gamma
    gx = share - share.mean(axis=0) - x_hat * (share * x_hat).mean(axis=0)
    return gx / std, (g * x_hat).sum(axis=0), g.sum(axis=0)


@pytest.mark.parametrize(("n", "features"), [(2, 1), (5, 3), (32, 10)])
def test_the_exercise_can_be_done_a_backward_pass_by_hand(n, features):
    rng = np.random.default_rng(3)
    x, gamma, beta = arguments(rng, n, features)
    g = rng.normal(size=(n, features))
    engine = grad_bp(objective(g), [x, gamma, beta])
    by_hand = backward_by_hand(g, x, gamma)
    for a, b in zip(by_hand, engine, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_batch_norm_runs_as_a_few_operations_with_no_rule_of_its_own():
    tape = Tape()
    x = tape.var(np.ones((3, 2)))
    nn.batch_norm(x, 1.0, 0.0)
    ops = [node.op for node in tape.nodes]
    assert "batch_norm" not in ops
    assert {"sum", "-", "**", "sqrt", "/"} <= set(ops)


def test_the_layer_trains_on_batch_statistics_and_keeps_running_ones():
    rng = np.random.default_rng(4)
    layer = nn.BatchNorm(3, momentum=0.25)
    gamma, beta = layer.init(rng)
    np.testing.assert_array_equal(gamma, 1.0)
    np.testing.assert_array_equal(beta, 0.0)
    x = rng.normal(2.0, 3.0, size=(16, 3))
    out = layer(x, gamma, beta)
    np.testing.assert_allclose(out, nn.batch_norm(x, gamma, beta))
    np.testing.assert_allclose(layer.running_mean, 0.25 * x.mean(axis=0))
    np.testing.assert_allclose(layer.running_var, 0.75 + 0.25 * x.var(axis=0))
    layer.training = False
    mean, var = layer.running_mean.copy(), layer.running_var.copy()
    evaluated = layer(x, gamma, beta)
    np.testing.assert_allclose(evaluated, (x - mean) / np.sqrt(var + 1e-5))
    np.testing.assert_array_equal(layer.running_mean, mean)  # no change
    # one example alone gets the same output as inside the batch
    np.testing.assert_allclose(layer(x[:1], gamma, beta), evaluated[:1])


def test_a_batch_of_one_in_training_mode_loses_its_input():
    layer = nn.BatchNorm(2)
    gamma, beta = np.array([2.0, 3.0]), np.array([0.5, -1.0])
    out = layer(np.array([[7.0, -4.0]]), gamma, beta)
    np.testing.assert_array_equal(out, [[0.5, -1.0]])  # beta, whatever x
    layer.training = False
    assert not np.allclose(layer(np.array([[7.0, -4.0]]), gamma, beta), beta)


def test_running_statistics_are_state_not_parameters():
    network = nn.Network([nn.Dense(2, 3), nn.BatchNorm(3), nn.Dense(3, 2)])
    assert [p.shape for p in network.params] == [
        (2, 3),
        (3,),
        (3,),  # gamma
        (3,),  # beta
        (3, 2),
        (2,),
    ]
    norm = network.layers[1]
    x = np.random.default_rng(5).normal(size=(8, 2))

    def f(params):
        return network.with_params(params)(x).sum()

    before = norm.running_mean.copy()
    _, grads = backprop(f, network.params)
    assert len(grads) == len(network.params)  # no gradient for the state
    assert not np.array_equal(norm.running_mean, before)  # it moved
    assert isinstance(norm.running_mean, np.ndarray)  # plain numbers


def test_train_and_eval_switch_the_mode_of_every_layer():
    network = nn.Network([nn.Dense(2, 3), nn.BatchNorm(3), nn.Dense(3, 2)])
    norm = network.layers[1]
    network.eval()
    assert not norm.training
    x = np.ones((4, 2))
    kept = norm.running_mean.copy()
    network(x)
    np.testing.assert_array_equal(norm.running_mean, kept)
    network.train()
    assert norm.training
    network(x)
    assert not np.array_equal(norm.running_mean, kept)
