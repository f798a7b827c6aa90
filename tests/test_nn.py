import numpy as np
import pytest

from gradbook import data, functions, nn
from gradbook.backprop import grad_bp
from gradbook.dual import Dual
from gradbook.numerical import check_grad, max_relative_error
from gradbook.numerical import gradient as numerical_gradient

RNG = np.random.default_rng(0)
X = RNG.normal(size=(6, 4))
LABELS = np.array([0, 2, 1, 2, 0, 1])
TARGETS = nn.one_hot(LABELS, 3)


def test_one_hot():
    np.testing.assert_array_equal(nn.one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ([0, 3], r"labels must lie in 0..2, got 0..3"),
        ([-1], r"0..2, got -1..-1"),
        ([0.5], "must be integers"),
    ],
)
def test_one_hot_rejects_bad_labels(labels, message):
    with pytest.raises(ValueError, match=message):
        nn.one_hot(np.array(labels), 3)


def test_init_mlp_shapes_scale_and_seed():
    params = nn.init_mlp([64, 32, 10], rng=1)
    assert [p.shape for p in params] == [(64, 32), (32,), (32, 10), (10,)]
    assert params[0].std() == pytest.approx(64**-0.5, rel=0.1)
    assert not params[1].any()
    np.testing.assert_array_equal(params[0], nn.init_mlp([64, 32, 10], rng=1)[0])
    with pytest.raises(ValueError, match="at least two positive layer widths"):
        nn.init_mlp([5])


# Each operation the network uses, checked against finite differences.
PRIMITIVE_CASES = {
    "matmul": lambda w: (X @ w).sum(),
    "bias broadcast": lambda b: ((X[:, :3] + b) ** 2).sum(),
    "sum over axis 1": lambda w: ((X @ w).sum(axis=1) ** 2).mean(),
    "mean over axis 0": lambda w: ((X @ w).mean(axis=0) ** 2).sum(),
    "tanh": lambda w: functions.tanh(X @ w).sum(),
    "relu": lambda w: (functions.relu(X @ w) ** 2).sum(),
    "log_softmax": lambda w: (functions.log_softmax(X @ w) * TARGETS).sum(),
    "cross_entropy": lambda w: nn.cross_entropy(X @ w, TARGETS),
}


@pytest.mark.parametrize("name", sorted(PRIMITIVE_CASES))
def test_each_operation_of_the_network_against_finite_differences(name):
    f = PRIMITIVE_CASES[name]
    w = np.random.default_rng(1).normal(size=(3,) if name == "bias broadcast" else (4, 3))
    check_grad(f, w, grad_bp(f, w), rtol=1e-6, atol=1e-8)


def test_cross_entropy_value():
    scores = np.array([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    expected = (-np.log(np.exp(2) / (np.exp(2) + 2)) - np.log(1 / 3)) / 2
    assert nn.cross_entropy(scores, nn.one_hot(np.array([0, 1]), 3)) == pytest.approx(expected)


def test_whole_network_gradient_matches_finite_differences_and_forward_mode():
    params = nn.init_mlp([4, 5, 3], rng=2)
    params[1] = np.random.default_rng(3).normal(size=5)  # non-zero biases exercise every path

    def f(p):
        return nn.loss(p, X, TARGETS)

    reverse = grad_bp(f, params)
    assert max_relative_error(reverse, numerical_gradient(f, params)) < 1e-6
    # forward mode along one random direction: the JVP equals <gradient, direction>
    direction = [np.random.default_rng(4).normal(size=p.shape) for p in params]
    jvp = f([Dual(p, d) for p, d in zip(params, direction, strict=True)]).tangent
    expected = sum(float((g * d).sum()) for g, d in zip(reverse, direction, strict=True))
    assert jvp == pytest.approx(expected, rel=1e-10)


def test_mlp_runs_unchanged_on_arrays_and_vars():
    params = nn.init_mlp([4, 5, 3], rng=0)
    scores = nn.mlp(params, X)
    assert scores.shape == (6, 3)
    value = grad_bp(lambda p: nn.mlp(p, X).sum(), params)
    assert [g.shape for g in value] == [p.shape for p in params]


def test_minibatches_cover_every_example_once():
    batches = list(nn.minibatches(10, 4, np.random.default_rng(0)))
    assert [len(b) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate(batches)) == list(range(10))
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        list(nn.minibatches(10, 0, np.random.default_rng(0)))


def test_sgd_step_moves_against_the_gradient():
    (w,) = nn.sgd_step([np.array([1.0, 2.0])], [np.array([0.5, -1.0])], 0.1)
    np.testing.assert_allclose(w, [0.95, 2.1])


def test_training_on_spirals_reaches_a_fixed_accuracy_band():
    x, labels = data.spirals(60, classes=3, noise=0.2, rng=0)
    history = nn.train(nn.init_mlp([2, 16, 3], rng=0), x, labels, learning_rate=1.0, epochs=200, rng=0)
    assert history.losses[-1] < 0.5 * history.losses[0]
    assert 0.85 <= nn.accuracy(history.params, x, labels) <= 1.0
    assert history.evaluations == list(range(1, 201))


def test_training_on_digits_small_run():
    d = data.digits()
    history = nn.train(
        nn.init_mlp([64, 32, 10], rng=0),
        d.x_train,
        d.y_train,
        learning_rate=0.5,
        epochs=3,
        batch_size=32,
        rng=0,
    )
    assert 0.90 <= nn.accuracy(history.params, d.x_test, d.y_test) <= 1.0


def test_snapshots_are_taken_every_k_steps():
    x, labels = data.spirals(20, classes=2, rng=0)
    history = nn.train(nn.init_mlp([2, 4, 2], rng=0), x, labels, epochs=25, snapshot_every=10)
    assert history.snapshot_at == [0, 10, 20]
    assert len(history.snapshots) == 3 and history.snapshots[0][0].shape == (2, 4)


def test_random_search_keeps_only_improvements():
    x, labels = data.spirals(30, classes=2, rng=0)
    history = nn.train_random_search(
        nn.init_mlp([2, 8, 2], rng=0), x, labels, tweak=0.05, evaluations=50, rng=0
    )
    assert len(history.losses) == 50
    assert np.all(np.diff(history.losses) <= 0)
    assert history.losses[-1] == pytest.approx(float(nn.loss(history.params, x, nn.one_hot(labels, 2))))


def test_gradient_descent_beats_random_search_on_the_same_budget():
    x, labels = data.spirals(50, classes=3, rng=0)
    start = nn.init_mlp([2, 16, 3], rng=0)
    descent = nn.train(start, x, labels, learning_rate=1.0, epochs=100, rng=0)
    search = nn.train_random_search(start, x, labels, tweak=0.05, evaluations=100, rng=0)
    assert descent.losses[-1] < 0.8 * search.losses[-1]


@pytest.mark.parametrize(
    ("x", "labels", "message"),
    [
        (
            np.zeros(5),
            np.zeros(5, dtype=int),
            r"x must be a 2-D numeric array \(examples x features\), got shape \(5,\)",
        ),
        (np.zeros((5, 2)), np.zeros(4, dtype=int), "x has 5 examples but labels has 4"),
        (np.zeros((2, 2)), np.array([0, 7]), r"labels must lie in 0..2, got 0..7"),
        (np.zeros((2, 2)), np.array([0.0, 1.0]), "labels must be a 1-D array of integers"),
    ],
)
def test_bad_training_data_gets_a_clear_error(x, labels, message):
    with pytest.raises(ValueError, match=message):
        nn.train(nn.init_mlp([2, 3, 3], rng=0), x, labels, epochs=1)


def test_confusion_counts_pairs():
    matrix = nn.confusion(np.array([0, 1, 1, 2]), np.array([0, 1, 2, 2]), 3)
    np.testing.assert_array_equal(matrix, [[1, 0, 0], [0, 1, 0], [0, 1, 1]])
