import math

import numpy as np
import pytest

from gradbook import data, functions, nn
from gradbook.backprop import eval_bp, grad_bp
from gradbook.dual import Dual
from gradbook.numerical import check_grad

RNG = np.random.default_rng(0)
X = RNG.normal(size=(6, 4))
LABELS = np.array([0, 2, 1, 2, 0, 1])
TARGETS = nn.one_hot(LABELS, 3)
WEIGHTS = RNG.normal(size=(6, 3))


def test_one_hot():
    np.testing.assert_array_equal(
        nn.one_hot([2, 0, 2], 3), [[0, 0, 1], [1, 0, 0], [0, 0, 1]]
    )
    assert nn.one_hot(np.array([], dtype=int), 4).shape == (0, 4)


@pytest.mark.parametrize(
    ("labels", "classes", "error", "message"),
    [
        ([0, 3], 3, ValueError, r"labels must lie in 0..2, got 0..3"),
        ([-1], 3, ValueError, r"0..2, got -1..-1"),
        (
            [0.0, 1.0],
            3,
            TypeError,
            "labels must be integers, got dtype float64",
        ),
        (
            [True, False],
            3,
            TypeError,
            "labels must be integers, got dtype bool",
        ),
        (
            [[0, 1]],
            3,
            ValueError,
            r"labels must be a 1-D array \(one label per example\), "
            r"got shape \(1, 2\)",
        ),
        ([0], 0, ValueError, "classes must be at least 1, got 0"),
        ([0], 3.0, TypeError, "classes must be a whole number, got float 3.0"),
    ],
)
def test_one_hot_rejects_bad_labels(labels, classes, error, message):
    with pytest.raises(error, match=message):
        nn.one_hot(np.array(labels), classes)


def test_init_mlp_shapes_scale_and_seed():
    params = nn.init_mlp([64, 32, 10], rng=1)
    assert [p.shape for p in params] == [(64, 32), (32,), (32, 10), (10,)]
    assert params[0].std() == pytest.approx(64**-0.5, rel=0.05)
    assert params[2].std() == pytest.approx(32**-0.5, rel=0.1)
    assert not params[1].any() and not params[3].any()
    np.testing.assert_array_equal(
        params[0], nn.init_mlp([64, 32, 10], rng=1)[0]
    )
    np.testing.assert_array_equal(
        params[0], nn.init_mlp([64, 32, 10], rng=np.random.default_rng(1))[0]
    )
    assert not np.array_equal(params[0], nn.init_mlp([64, 32, 10], rng=2)[0])


@pytest.mark.parametrize(
    ("sizes", "error", "message"),
    [
        ([5], ValueError, "at least two positive layer widths"),
        ([2, 0], ValueError, "every layer width must be at least 1, got 0"),
        (
            [2, 2.5],
            TypeError,
            "every layer width must be a whole number, got float 2.5",
        ),
    ],
)
def test_init_mlp_rejects_bad_sizes(sizes, error, message):
    with pytest.raises(error, match=message):
        nn.init_mlp(sizes)


# Each operation the network uses, differentiated by reverse mode and checked
# against central finite differences.
PRIMITIVE_CASES = {
    "matmul": lambda w: (X @ w).sum(),
    "matmul of two Vars": lambda w: (w.T @ w).sum(),
    "bias broadcast": lambda b: ((X[:, :3] + b) ** 2).sum(),
    "sum over axis 1": lambda w: ((X @ w).sum(axis=1) ** 2).mean(),
    "sum with keepdims": lambda w: (
        ((X @ w) - (X @ w).sum(axis=1, keepdims=True)) ** 2
    ).sum(),
    "mean over axis 0": lambda w: ((X @ w).mean(axis=0) ** 2).sum(),
    "tanh": lambda w: functions.tanh(X @ w).sum(),
    "relu": lambda w: (functions.relu(X @ w) ** 2).sum(),
    "log_softmax": lambda w: (functions.log_softmax(X @ w) * WEIGHTS).sum(),
    "cross_entropy with one-hot targets": lambda w: nn.cross_entropy(
        X @ w, TARGETS
    ),
}


@pytest.mark.parametrize("name", sorted(PRIMITIVE_CASES))
def test_each_operation_of_the_network_against_finite_differences(name):
    f = PRIMITIVE_CASES[name]
    w = np.random.default_rng(1).normal(
        size=(3,) if name == "bias broadcast" else (4, 3)
    )
    assert check_grad(f, w, grad_bp(f, w), rtol=1e-6, atol=1e-8) < 1e-6


def test_cross_entropy_value():
    scores = np.array([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    expected = (-np.log(np.exp(2) / (np.exp(2) + 2)) - np.log(1 / 3)) / 2
    assert nn.cross_entropy(scores, nn.one_hot([0, 1], 3)) == pytest.approx(
        expected, rel=1e-15
    )


def test_cross_entropy_gradient_is_softmax_minus_targets_over_n():
    scores = RNG.normal(size=(6, 3))
    softmax = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    gradient = grad_bp(lambda s: nn.cross_entropy(s, TARGETS), scores)
    np.testing.assert_allclose(
        gradient, (softmax - TARGETS) / 6, rtol=1e-12, atol=1e-15
    )


def test_cross_entropy_is_finite_for_huge_scores():
    scores = np.array([[1000.0, 0.0], [1000.0, 0.0]])
    assert nn.cross_entropy(scores, nn.one_hot([0, 1], 2)) == pytest.approx(
        500.0
    )
    gradient = grad_bp(
        lambda s: nn.cross_entropy(s, nn.one_hot([0, 1], 2)), scores
    )
    np.testing.assert_allclose(gradient, [[0.0, 0.0], [0.5, -0.5]], atol=1e-15)


def test_cross_entropy_rejects_scores_and_targets_of_different_shapes():
    message = r"targets has shape \(3,\), but scores has shape \(6, 3\)"
    with pytest.raises(ValueError, match=message):
        nn.cross_entropy(X[:, :3], np.array([1.0, 0.0, 0.0]))
    message = r"scores must be a 2-D array \(examples x classes\)"
    with pytest.raises(ValueError, match=message):
        nn.cross_entropy(np.ones(3), np.ones(3))


@pytest.mark.parametrize(
    "activation", [functions.tanh, functions.relu], ids=["tanh", "relu"]
)
def test_whole_network_gradient_matches_finite_differences_and_forward_mode(
    activation,
):
    params = nn.init_mlp([4, 5, 4, 3], rng=2)
    biases = np.random.default_rng(3)
    params[1], params[3] = (
        biases.normal(size=5),
        biases.normal(size=4),
    )  # every path carries a gradient

    def f(p):
        return nn.loss(p, X, TARGETS, activation)

    reverse = grad_bp(f, params)
    assert check_grad(f, params, reverse, rtol=1e-6, atol=1e-9) < 1e-5
    # Forward mode along one random direction gives <gradient, direction>.
    direction = [np.random.default_rng(4).normal(size=p.shape) for p in params]
    jvp = f(
        [Dual(p, d) for p, d in zip(params, direction, strict=True)]
    ).tangent
    expected = sum(
        float((g * d).sum()) for g, d in zip(reverse, direction, strict=True)
    )
    assert jvp == pytest.approx(expected, rel=1e-10)


def test_one_model_gives_the_same_loss_on_arrays_vars_and_duals():
    params = nn.init_mlp([4, 5, 3], rng=0)
    on_arrays = nn.loss(params, X, TARGETS)
    # Var's mean multiplies by 1/n where numpy divides by n: the last bit
    # may differ.
    assert eval_bp(lambda p: nn.loss(p, X, TARGETS), params) == pytest.approx(
        on_arrays, rel=1e-15
    )
    assert nn.loss(
        [Dual(p, 0.0 * p) for p in params], X, TARGETS
    ).primal == pytest.approx(on_arrays, rel=1e-15)
    assert on_arrays == pytest.approx(
        math.log(3), rel=0.2
    )  # small initial weights: near-uniform guesses


def test_minibatches_cover_every_example_once_in_a_seeded_order():
    batches = list(nn.minibatches(10, 4, 0))
    assert [len(b) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate(batches)) == list(range(10))
    np.testing.assert_array_equal(
        np.concatenate(batches), np.random.default_rng(0).permutation(10)
    )
    with pytest.raises(
        ValueError, match="batch_size must be at least 1, got 0"
    ):
        list(nn.minibatches(10, 0, 0))


def test_drop_last_leaves_out_the_smaller_last_batch():
    batches = list(nn.minibatches(10, 4, 0, drop_last=True))
    assert [len(b) for b in batches] == [4, 4]
    np.testing.assert_array_equal(
        np.concatenate(batches), np.random.default_rng(0).permutation(10)[:8]
    )
    assert len(list(nn.minibatches(8, 4, 0, drop_last=True))) == 2
    x, labels = data.spirals(10, classes=2, rng=0)
    history = nn.train(
        nn.init_mlp([2, 3, 2], rng=0),
        x,
        labels,
        epochs=3,
        batch_size=8,
        drop_last=True,
    )
    assert len(history.losses) == 3 * 2  # 20 examples: 2 batches of 8
    message = "4 examples make no full batch of 8"
    with pytest.raises(ValueError, match=message):
        nn.train(
            nn.init_mlp([2, 3, 2], rng=0),
            x[:4],
            labels[:4],
            batch_size=8,
            drop_last=True,
        )


def test_sgd_step_moves_against_the_gradient():
    (w,) = nn.sgd_step([np.array([1.0, 2.0])], [np.array([0.5, -1.0])], 0.1)
    np.testing.assert_allclose(w, [0.95, 2.1])


def test_predict_and_accuracy_on_a_network_without_hidden_layer():
    params = [
        np.eye(2),
        np.array([0.0, 0.5]),
    ]  # scores are x plus a bias towards class 1
    x = np.array([[2.0, 1.0], [0.0, 3.0], [5.0, 4.0], [1.0, 0.75]])
    np.testing.assert_array_equal(nn.predict(params, x), [0, 1, 0, 1])
    assert nn.accuracy(params, x, [0, 1, 1, 1]) == 0.75


def test_train_counts_one_evaluation_per_step_and_leaves_the_start_alone():
    x, labels = data.spirals(20, classes=2, rng=0)
    start = nn.init_mlp([2, 4, 2], rng=0)
    kept = [p.copy() for p in start]
    history = nn.train(
        start, x, labels, learning_rate=0.5, epochs=3, batch_size=16, rng=1
    )
    assert history.evaluations == list(
        range(1, 10)
    )  # 3 epochs of ceil(40 / 16) = 3 steps
    first = np.random.default_rng(1).permutation(40)[
        :16
    ]  # the first batch: rng=1 shuffles the data
    assert history.losses[0] == float(
        nn.loss(start, x[first], nn.one_hot(labels[first], 2))
    )
    for p, q in zip(start, kept, strict=True):
        np.testing.assert_array_equal(p, q)
    again = nn.train(
        start, x, labels, learning_rate=0.5, epochs=3, batch_size=16, rng=1
    )
    assert again.losses == history.losses


def test_a_full_batch_step_is_the_gradient_step():
    x, labels = data.spirals(10, classes=2, rng=0)
    start = nn.init_mlp([2, 3, 2], rng=0)
    targets = nn.one_hot(labels, 2)
    history = nn.train(start, x, labels, learning_rate=0.5, epochs=1)
    assert history.losses == [
        pytest.approx(float(nn.loss(start, x, targets)), rel=1e-12)
    ]
    expected = nn.sgd_step(
        start, grad_bp(lambda p: nn.loss(p, x, targets), start), 0.5
    )
    for p, q in zip(history.params, expected, strict=True):
        np.testing.assert_allclose(p, q, rtol=1e-12, atol=1e-15)


def test_training_on_spirals_reaches_a_fixed_accuracy_band():
    x, labels = data.spirals(60, classes=3, noise=0.2, rng=0)
    start = nn.init_mlp([2, 16, 3], rng=0)
    history = nn.train(start, x, labels, learning_rate=2.0, epochs=300, rng=0)
    assert history.losses[0] == pytest.approx(
        float(nn.loss(start, x, nn.one_hot(labels, 3))), rel=1e-12
    )
    assert history.losses[0] > 1.0 and history.losses[-1] < 0.2
    assert 0.93 <= nn.accuracy(history.params, x, labels) <= 0.99


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
    assert len(history.losses) == 3 * math.ceil(1348 / 32)
    assert 0.92 <= nn.accuracy(history.params, d.x_test, d.y_test) <= 0.97


def test_snapshots_every_k_steps_and_after_the_last():
    x, labels = data.spirals(20, classes=2, rng=0)
    history = nn.train(
        nn.init_mlp([2, 4, 2], rng=0), x, labels, epochs=25, snapshot_every=10
    )
    assert history.snapshot_at == [0, 10, 20, 25]
    assert history.snapshots[0][0].shape == (2, 4)
    assert history.snapshots[-1] is history.params
    assert not np.array_equal(history.snapshots[1][0], history.snapshots[2][0])
    exact = nn.train(
        nn.init_mlp([2, 4, 2], rng=0), x, labels, epochs=20, snapshot_every=10
    )
    assert exact.snapshot_at == [0, 10, 20]


def test_random_search_counts_the_start_and_keeps_only_improvements():
    x, labels = data.spirals(30, classes=2, rng=0)
    targets = nn.one_hot(labels, 2)
    start = nn.init_mlp([2, 8, 2], rng=0)
    history = nn.train_random_search(
        start, x, labels, tweak=0.05, evaluations=50, rng=0
    )
    assert history.evaluations == list(range(1, 51))
    assert history.losses[0] == float(nn.loss(start, x, targets))
    assert np.all(np.diff(history.losses) <= 0)
    assert history.losses[-1] < history.losses[0]
    assert history.losses[-1] == float(nn.loss(history.params, x, targets))


def test_gradient_descent_beats_random_search_on_the_same_budget():
    x, labels = data.spirals(60, classes=3, noise=0.2, rng=0)
    start = nn.init_mlp([2, 16, 3], rng=0)
    descent = nn.train(start, x, labels, learning_rate=2.0, epochs=300, rng=0)
    search = nn.train_random_search(
        start, x, labels, tweak=0.1, evaluations=300, rng=0
    )
    assert descent.evaluations == search.evaluations
    assert descent.losses[0] == pytest.approx(
        search.losses[0], rel=1e-12
    )  # the same start
    assert descent.losses[-1] < 0.2 < 0.6 < search.losses[-1]
    assert nn.accuracy(descent.params, x, labels) >= 0.93
    assert nn.accuracy(search.params, x, labels) <= 0.65


@pytest.mark.parametrize(
    ("x", "labels", "error", "message"),
    [
        (
            np.zeros(5),
            np.zeros(5, dtype=int),
            ValueError,
            r"x must be a 2-D numeric array .* got shape \(5,\)",
        ),
        (
            np.zeros((5, 2)),
            np.zeros(4, dtype=int),
            ValueError,
            "x has 5 examples but labels has 4",
        ),
        (
            np.zeros((2, 2)),
            np.array([0, 7]),
            ValueError,
            r"labels must lie in 0..2, got 0..7",
        ),
        (
            np.zeros((2, 2)),
            np.array([0.0, 1.0]),
            TypeError,
            "labels must be integers",
        ),
        (
            np.zeros((2, 3)),
            np.array([0, 1]),
            ValueError,
            "x has 3 features per example but the network takes 2",
        ),
        (
            np.zeros((0, 2)),
            np.array([], dtype=int),
            ValueError,
            "x has no examples",
        ),
        (
            [["a", "b"]],
            np.array([0]),
            TypeError,
            "x must hold numbers, got dtype <U1",
        ),
    ],
)
@pytest.mark.parametrize(
    "trainer", [nn.train, nn.train_random_search, nn.accuracy]
)
def test_bad_data_gets_a_clear_error(trainer, x, labels, error, message):
    with pytest.raises(error, match=message):
        trainer(nn.init_mlp([2, 3, 3], rng=0), x, labels)


@pytest.mark.parametrize(
    ("params", "error", "message"),
    [
        (
            np.zeros((2, 3)),
            TypeError,
            r"model must be a Network, or a list \[W1, b1, W2, b2, ...\]",
        ),
        (
            [np.zeros((2, 3))],
            ValueError,
            "model must be a list .* weights and biases come in pairs",
        ),
        (
            [np.zeros((2, 3)), np.zeros(4)],
            ValueError,
            r"layer 1: weights of shape \(2, 3\) and biases of shape",
        ),
        (
            [np.zeros((2, 3)), np.zeros(3), np.zeros((4, 2)), np.zeros(2)],
            ValueError,
            "layer 2: .* do not fit a previous layer of width 3",
        ),
    ],
)
def test_malformed_params_get_a_clear_error(params, error, message):
    with pytest.raises(error, match=message):
        nn.predict(params, np.zeros((1, 2)))


@pytest.mark.parametrize(
    ("settings", "error", "message"),
    [
        (
            {"learning_rate": 0.0},
            ValueError,
            "learning_rate must be a positive finite number, got 0.0",
        ),
        (
            {"learning_rate": math.nan},
            ValueError,
            "learning_rate must be a positive finite number",
        ),
        (
            {"learning_rate": "0.1"},
            TypeError,
            "learning_rate must be a positive number, got str",
        ),
        ({"epochs": -1}, ValueError, "epochs must be at least 0, got -1"),
        ({"epochs": 2.0}, TypeError, "epochs must be a whole number"),
        (
            {"batch_size": 0},
            ValueError,
            "batch_size must be at least 1, got 0",
        ),
        (
            {"snapshot_every": 0},
            ValueError,
            "snapshot_every must be at least 1, got 0",
        ),
    ],
)
def test_bad_training_settings_get_a_clear_error(settings, error, message):
    with pytest.raises(error, match=message):
        nn.train(
            nn.init_mlp([2, 3, 2], rng=0),
            np.zeros((2, 2)),
            np.array([0, 1]),
            **settings,
        )


@pytest.mark.parametrize(
    ("settings", "error", "message"),
    [
        (
            {"tweak": -0.1},
            ValueError,
            "tweak must be a positive finite number, got -0.1",
        ),
        (
            {"evaluations": 0},
            ValueError,
            "evaluations must be at least 1, got 0",
        ),
    ],
)
def test_bad_search_settings_get_a_clear_error(settings, error, message):
    with pytest.raises(error, match=message):
        nn.train_random_search(
            nn.init_mlp([2, 3, 2], rng=0),
            np.zeros((2, 2)),
            np.array([0, 1]),
            **settings,
        )


def test_confusion_counts_pairs():
    matrix = nn.confusion(np.array([0, 1, 1, 2]), np.array([0, 1, 2, 2]), 3)
    np.testing.assert_array_equal(matrix, [[1, 0, 0], [0, 1, 0], [0, 1, 1]])
    with pytest.raises(ValueError, match="3 predictions for 4 labels"):
        nn.confusion(np.array([0, 1, 1]), np.array([0, 1, 2, 2]), 3)


def test_sgd_step_refuses_a_gradient_of_the_wrong_shape():
    # it once broadcast a (1,) gradient over every weight
    message = r"sgd_step: grads\[0\] has shape \(1,\), but params\[0\]"
    with pytest.raises(ValueError, match=message):
        nn.sgd_step([np.zeros(2)], [np.ones(1)], 0.1)
    message = (
        r"^sgd_step: grads must hold one gradient per parameter \(2\), "
        r"got a list of 1$"
    )
    with pytest.raises(ValueError, match=message):
        nn.sgd_step([np.zeros(2), np.zeros(2)], [np.ones(2)], 0.1)
    # not a list is the wrong kind of thing; an array is described by its
    # shape, not by its numbers
    message = (
        r"^sgd_step: grads must be a list of one gradient per parameter "
        r"\(2\), got an array of shape \(30, 30\) \(float64\)$"
    )
    with pytest.raises(TypeError, match=message):
        nn.sgd_step([np.zeros(2), np.zeros(2)], np.ones((30, 30)), 0.1)
    message = r"^sgd_step: grads must be a list .*, got NoneType None$"
    with pytest.raises(TypeError, match=message):
        nn.sgd_step([np.zeros(2), np.zeros(2)], None, 0.1)


def test_mlp_and_loss_name_the_shapes_that_do_not_fit():
    params = nn.init_mlp([4, 5, 3], rng=0)
    message = r"mlp: x has shape \(6, 5\), but the first layer's"
    with pytest.raises(ValueError, match=message):
        nn.mlp(params, np.zeros((6, 5)))
    message = r"loss: the network's scores have shape \(6, 3\) but"
    with pytest.raises(ValueError, match=message):
        nn.loss(params, X, np.zeros((6, 2)))
    with pytest.raises(ValueError, match="mlp: layer 2: weights of shape"):
        nn.mlp([*params[:2], np.zeros((4, 3)), np.zeros(3)], X)


def test_a_parameter_list_comes_in_pairs():
    params = nn.init_mlp([4, 5, 3], rng=0)
    what = r"a list \[W1, b1, W2, b2, \.\.\.\] such as init_mlp returns"
    message = (
        rf"^mlp: params must be {what}; it holds 3 arrays, an odd number, "
        r"but weights and biases come in pairs$"
    )
    with pytest.raises(ValueError, match=message):
        nn.mlp(params[:3], X)
    message = rf"^loss: model must be {what}; it holds 1 array, an odd"
    with pytest.raises(ValueError, match=message):
        nn.loss(params[:1], X, np.zeros((6, 3)))
    message = rf"^mlp: params must be {what}, got an empty list$"
    with pytest.raises(ValueError, match=message):
        nn.mlp([], X)
    message = rf"^mlp: params must be {what}, got int 3$"
    with pytest.raises(TypeError, match=message):
        nn.mlp(3, X)


def test_mlp_takes_one_example_or_a_matrix_of_them():
    params = nn.init_mlp([2, 3, 2], rng=0)
    assert nn.mlp(params, np.zeros(2)).shape == (2,)
    message = (
        r"^mlp: x must be 1-D \(one example\) or 2-D \(one example per "
        r"row\), got shape \(4, 2, 2\)$"
    )
    with pytest.raises(ValueError, match=message):
        nn.mlp(params, np.zeros((4, 2, 2)))  # its last axis fits, even so


def test_training_loops_are_bounded():
    params, x = nn.init_mlp([2, 3, 2], rng=0), np.zeros((4, 2))
    labels = np.array([0, 1, 0, 1])
    message = "train: epochs must be at most 1000000"
    with pytest.raises(ValueError, match=message):
        nn.train(params, x, labels, epochs=10**7)
    message = "train: 500000 epochs of 4 batches are 2000000 steps"
    message = f"{message}, above the bound on iterations"
    with pytest.raises(ValueError, match=message):
        nn.train(params, x, labels, epochs=500_000, batch_size=1)
    message = "train_random_search: evaluations must be at most 1000000"
    with pytest.raises(ValueError, match=message):
        nn.train_random_search(params, x, labels, evaluations=10**7)
