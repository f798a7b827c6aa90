"""A network made of layers: chapter 5's network built from layers gives
the same numbers, one training loop trains every kind of network, the
network given to it is not changed, and errors name the layer."""

import itertools

import numpy as np
import pytest

from gradbook import data, dual, functions, nn
from gradbook.backprop import grad_bp
from gradbook.numerical import check_grad


def as_layers(sizes, rng=0):
    """Chapter 5's init_mlp(sizes) as a Network of Dense and tanh."""
    layers = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        layers += [nn.Dense(fan_in, fan_out), functions.tanh]
    return nn.Network(layers[:-1], rng=rng)


def test_dense_and_tanh_layers_are_chapter_5s_network_exactly():
    network = as_layers([64, 32, 10])
    for a, b in zip(network.params, nn.init_mlp([64, 32, 10]), strict=True):
        np.testing.assert_array_equal(a, b)
    assert repr(network) == "Network([Dense(64, 32), tanh, Dense(32, 10)])"
    d = data.digits()
    np.testing.assert_array_equal(
        network(d.x_test), nn.mlp(network.params, d.x_test)
    )


def test_one_training_loop_gives_the_mlp_list_and_the_network_one_result():
    d = data.digits()
    settings = dict(learning_rate=0.5, epochs=2, batch_size=64, rng=3)
    as_list = nn.train(
        nn.init_mlp([64, 16, 10], rng=1), d.x_train, d.y_train, **settings
    )
    as_network = nn.train(
        as_layers([64, 16, 10], rng=1), d.x_train, d.y_train, **settings
    )
    assert as_network.losses == as_list.losses  # bit for bit
    assert isinstance(as_network.params, nn.Network)
    for a, b in zip(as_network.params.params, as_list.params, strict=True):
        np.testing.assert_array_equal(a, b)
    assert nn.accuracy(as_network.params, d.x_test, d.y_test) == (
        nn.accuracy(as_list.params, d.x_test, d.y_test)
    )


def small_convnet(rng=0, norm=False):
    layers = [nn.Conv2d(1, 4, 3, padding=1), functions.relu, nn.max_pool]
    layers += [nn.flatten, nn.Dense(64, 16)]
    if norm:
        layers += [nn.BatchNorm(16)]
    return nn.Network([*layers, functions.tanh, nn.Dense(16, 10)], rng=rng)


def test_the_gradient_of_a_whole_network_of_layers_is_right():
    network = small_convnet(norm=True)
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(5, 1, 8, 8))
    targets = nn.one_hot(np.arange(5), 10)
    network.params[1] = rng.normal(size=4)  # every path carries a gradient

    def f(params):
        return nn.loss(network.with_params(params), x, targets)

    reverse = grad_bp(f, network.params)
    check_grad(f, network.params, reverse, rtol=1e-5, atol=1e-8)
    direction = [rng.normal(size=np.shape(p)) for p in network.params]
    _, slope = dual.jvp(f, network.params, direction)
    dot = sum(
        float((g * v).sum()) for g, v in zip(reverse, direction, strict=True)
    )
    assert slope == pytest.approx(dot, rel=1e-9)


@pytest.mark.parametrize("norm", [False, True], ids=["plain", "batch norm"])
def test_a_convnet_learns_the_digits(norm):
    d = data.digits()
    x, y = d.x_train[:300].reshape(-1, 1, 8, 8), d.y_train[:300]
    start = small_convnet(rng=1, norm=norm)
    history = nn.train(
        start, x, y, learning_rate=0.3, epochs=8, batch_size=30, rng=0
    )
    first, last = np.mean(history.losses[:10]), np.mean(history.losses[-10:])
    assert first > 1.5 and last < 0.5 * first
    trained = history.params
    trained.eval()
    x_test = d.x_test.reshape(-1, 1, 8, 8)
    assert nn.accuracy(trained, x_test, d.y_test) > 0.75


def test_training_leaves_the_network_given_alone():
    network = small_convnet(norm=True)
    norm = network.layers[5]
    network.eval()
    params = [p.copy() for p in network.params]
    d = data.digits()
    x, y = d.x_train[:60].reshape(-1, 1, 8, 8), d.y_train[:60]
    history = nn.train(
        network, x, y, epochs=2, batch_size=20, snapshot_every=2
    )
    for a, b in zip(network.params, params, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(norm.running_mean, 0.0)
    assert not norm.training  # its mode too
    trained = history.params.layers[5]
    assert trained.training  # the copy trained in training mode
    assert np.abs(trained.running_mean).sum() > 0
    # each snapshot keeps its own state, as it was then
    first, middle = history.snapshots[0], history.snapshots[1]
    np.testing.assert_array_equal(first.layers[5].running_mean, 0.0)
    assert not np.array_equal(
        middle.layers[5].running_mean, trained.running_mean
    )
    assert history.snapshot_at == [0, 2, 4, 6]


def test_random_search_takes_a_network_too():
    d = data.digits()
    x, y = d.x_train[:100].reshape(-1, 1, 8, 8), d.y_train[:100]
    history = nn.train_random_search(
        small_convnet(), x, y, tweak=0.05, evaluations=20, rng=0
    )
    assert np.all(np.diff(history.losses) <= 0)
    assert history.losses[-1] < history.losses[0]
    targets = nn.one_hot(y, 10)
    assert history.losses[-1] == float(nn.loss(history.params, x, targets))


def test_with_params_shares_the_layers_and_checks_the_shapes():
    network = small_convnet()
    doubled = network.with_params([2 * p for p in network.params])
    assert doubled.layers is network.layers
    np.testing.assert_array_equal(doubled.params[0], 2 * network.params[0])
    message = r"params\[0\] has shape \(3,\), but the network's params\[0\]"
    with pytest.raises(ValueError, match=message):
        network.with_params([np.ones(3), *network.params[1:]])
    with pytest.raises(ValueError, match="a list of 6 parameters"):
        network.with_params(network.params[:2])


def test_an_error_inside_the_network_names_the_layer():
    network = small_convnet()
    message = (
        r"Network: layer 1, Conv2d\(1, 4, 3, padding=1\): conv2d: x must "
        r"be images of shape \(N, C, H, W\), got \(2, 64\)"
    )
    with pytest.raises(ValueError, match=message):
        network(np.ones((2, 64)))
    flat = nn.Network([nn.Dense(64, 10)])
    message = r"layer 1, Dense\(64, 10\): Dense: x has shape \(2, 8\)"
    with pytest.raises(ValueError, match=message):
        nn.predict(flat, np.ones((2, 8)))


def test_a_network_has_its_activations_among_its_layers():
    flat = nn.Network([nn.Dense(4, 3)])
    message = "activation is for an mlp list"
    with pytest.raises(ValueError, match=message):
        nn.predict(flat, np.ones((2, 4)), activation=functions.relu)
    with pytest.raises(ValueError, match="the network has no parameters"):
        nn.predict(nn.Network([functions.tanh]), np.ones((2, 4)))
