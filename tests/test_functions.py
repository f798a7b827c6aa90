import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from programs import inputs, programs, run

from gradbook import functions as fn
from gradbook.backprop import eval_bp, grad_bp
from gradbook.dual import Dual, derivative, jvp
from gradbook.numerical import central_difference, check_grad

# Each primitive with the points where it is smooth and its exact derivative.
PRIMITIVES = {
    "exp": (fn.exp, np.linspace(-5, 5, 41), np.exp),
    "log": (fn.log, np.linspace(0.1, 5, 41), lambda x: 1 / x),
    "sin": (fn.sin, np.linspace(-5, 5, 41), np.cos),
    "cos": (fn.cos, np.linspace(-5, 5, 41), lambda x: -np.sin(x)),
    "tanh": (fn.tanh, np.linspace(-5, 5, 41), lambda x: 1 - np.tanh(x) ** 2),
    "sqrt": (fn.sqrt, np.linspace(0.1, 5, 41), lambda x: 0.5 / np.sqrt(x)),
    "sigmoid": (
        fn.sigmoid,
        np.linspace(-8, 8, 41),
        lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2,
    ),
    "relu": (
        fn.relu,
        np.array([-3, -1, -0.5, 0.5, 1, 3.0]),
        lambda x: (x > 0).astype(float),
    ),
}
REFERENCE = {
    "exp": np.exp,
    "log": np.log,
    "sin": np.sin,
    "cos": np.cos,
    "tanh": np.tanh,
    "sqrt": np.sqrt,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "relu": lambda x: np.maximum(x, 0),
}


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_values_match_numpy_on_every_number_type(name):
    f, points, _ = PRIMITIVES[name]
    expected = REFERENCE[name](points)
    np.testing.assert_allclose(f(points), expected, rtol=1e-15)
    np.testing.assert_allclose(
        [f(float(p)) for p in points], expected, rtol=1e-15
    )
    np.testing.assert_allclose(
        f(Dual(points, 1.0)).primal, expected, rtol=1e-15
    )
    for p in points:
        assert isinstance(f(float(p)), float)
        assert fn.primal(f(Dual(float(p), 1.0))) == f(float(p))


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_derivatives_match_calculus_and_finite_differences(name):
    f, points, exact = PRIMITIVES[name]
    forward = derivative(f, points)  # every point in one pass
    np.testing.assert_allclose(forward, exact(points), rtol=1e-12, atol=1e-15)
    for p in points:
        reverse = grad_bp(f, float(p))
        assert reverse == pytest.approx(float(exact(p)), rel=1e-12, abs=1e-15)
        assert reverse == pytest.approx(
            central_difference(f, float(p)), rel=1e-6, abs=1e-8
        )


def test_the_sigmoid_quotient_rule_gives_the_articles_digits():
    # d/dz sigmoid(z) at z = 2, the neuron's pre-activation at the
    # article's point.
    assert derivative(fn.sigmoid, 2.0) == 0.1049935854035065
    assert grad_bp(fn.sigmoid, 2.0) == 0.1049935854035065
    # The fused rule s * (1 - s) is equal in exact arithmetic but not in
    # floats.
    s = fn.sigmoid(2.0)
    assert s * (1 - s) == 0.10499358540350662


LARGE = [1000.0, -1000.0, 1e6, -1e6, 710.0, -710.0]


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_large_inputs_neither_overflow_nor_warn(name):
    f = getattr(fn, name)
    limit = {"sigmoid": lambda x: float(x > 0), "tanh": math.copysign}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for x in LARGE:
            expected = (
                limit[name](1.0, x) if name == "tanh" else limit[name](x)
            )
            assert f(x) == pytest.approx(expected, abs=1e-300)
            assert f(Dual(x, 1.0)).primal == f(x)
            # The true slopes are below 1e-300 (exp(-710) is subnormal).
            assert abs(derivative(f, x)) < 1e-300
            assert abs(grad_bp(f, x)) < 1e-300
        array = np.array(LARGE)
        assert np.all(np.isfinite(f(array)))
        assert np.all(np.abs(derivative(f, array)) < 1e-300)
        assert np.all(np.abs(grad_bp(lambda v: f(v).sum(), array)) < 1e-300)


def test_sigmoid_stays_accurate_far_into_the_negative_tail():
    # exp(-40) is representable; 1 / (1 + exp(40)) would lose nothing here, but
    # at -750 the naive form overflows.  Both value and slope follow exp(x).
    for x in (-40.0, -300.0, -700.0):
        assert fn.sigmoid(x) == pytest.approx(math.exp(x), rel=1e-12)
        assert derivative(fn.sigmoid, x) == pytest.approx(
            math.exp(x), rel=1e-12
        )
        assert grad_bp(fn.sigmoid, x) == pytest.approx(math.exp(x), rel=1e-12)


def test_log_softmax_is_stable_and_normalised():
    scores = np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = fn.log_softmax(scores)
    np.testing.assert_allclose(np.exp(out).sum(axis=1), [1.0, 1.0])
    np.testing.assert_allclose(
        out[0], scores[0] - np.log(np.exp(scores[0]).sum())
    )
    assert out[1, 0] == 0.0


def test_log_softmax_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(4, 5))
    weights = rng.normal(size=(4, 5))

    def loss(s):
        return (fn.log_softmax(s) * weights).sum()

    check_grad(loss, scores, grad_bp(loss, scores), rtol=1e-6)
    forward = np.array(
        [
            derivative(
                lambda s, i=i: loss(scores + s * np.eye(20)[i].reshape(4, 5)),
                0.0,
            )
            for i in range(20)
        ]
    )
    np.testing.assert_allclose(
        forward.reshape(4, 5), grad_bp(loss, scores), rtol=1e-10, atol=1e-14
    )


def test_where_picks_elementwise_and_routes_the_derivative():
    x = np.array([-1.0, 2.0])
    np.testing.assert_array_equal(fn.where(x > 0, x, 0.0), [0.0, 2.0])
    assert fn.where(True, 1.0, 2.0) == 1.0
    np.testing.assert_array_equal(
        derivative(lambda v: fn.where(v > 0, v * v, -v), x), [-1.0, 4.0]
    )
    np.testing.assert_array_equal(
        grad_bp(lambda v: fn.where(v > 0, v * v, -v).sum(), x), [-1.0, 4.0]
    )


def test_primal_unwraps_any_number():
    assert fn.primal(Dual(2.0, 1.0)) == 2.0
    assert fn.primal(3.0) == 3.0


@pytest.mark.parametrize("name", ["exp", "log", "sin", "cos", "tanh", "sqrt"])
def test_non_numbers_get_a_clear_type_error(name):
    message = f"{name}: x must be a real number or a numeric array, got str"
    with pytest.raises(TypeError, match=message):
        getattr(fn, name)("x")


@pytest.mark.parametrize("name", ["sigmoid", "relu"])
@pytest.mark.parametrize("bad", ["x", None, True, 1j, ["a"]])
def test_composite_functions_name_themselves_on_bad_input(name, bad):
    message = f"{name}: x must be a real number or a numeric array"
    with pytest.raises(TypeError, match=message):
        getattr(fn, name)(bad)


def test_power_slope_at_zero_exponent_and_zero_base():
    assert fn.power_slope(0.0, 0) == 0.0
    assert fn.power_slope(3.0, 2) == 6.0
    np.testing.assert_array_equal(
        fn.power_slope(np.array([0.0, 2.0]), 0), [0.0, 0.0]
    )


@settings(max_examples=150, deadline=None)
@given(program=programs(), xs=inputs)
def test_random_programs_forward_mode_matches_finite_differences(program, xs):
    def f(values):
        return run(program, values)

    grad = [
        derivative(
            lambda v, i=i: f([v if j == i else x for j, x in enumerate(xs)]),
            xs[i],
        )
        for i in range(3)
    ]
    check_grad(f, xs, grad, rtol=1e-5, atol=1e-6)


# Regressions: the policy for numbers (gradbook.checks), in every function.


@pytest.mark.parametrize(
    ("bad", "word"),
    [
        (True, "bool"),
        (np.bool_(False), "bool"),
        (1 + 2j, "complex"),
        (np.complex128(1j), "complex"),
        ("1.0", "str"),
        (None, "None"),
        ([1.0, "a"], "str"),
        (np.array([True]), "bool"),
    ],
)
def test_bools_complex_numbers_and_strings_are_refused(bad, word):
    # exp(True) once gave 2.71875 (float16), exp(1+2j) the real part
    message = f"exp: x must be a real number or a numeric array, got .*{word}"
    with pytest.raises(TypeError, match=message):
        fn.exp(bad)


def test_ints_and_lists_become_float64():
    assert fn.exp(1) == math.e and type(fn.exp(1)) is float
    assert type(fn.exp(np.int8(1))) is float
    assert fn.exp(np.array([0, 1], dtype=np.int8)).dtype == np.float64
    np.testing.assert_array_equal(fn.sigmoid([0.0, 0.0]), [0.5, 0.5])


def test_ragged_lists_are_a_value_error():
    with pytest.raises(ValueError, match="sin: x is ragged"):
        fn.sin([[1.0, 2.0], [3.0]])


NAN_CASES = [
    ("exp", fn.exp),
    ("log", fn.log),
    ("sin", fn.sin),
    ("cos", fn.cos),
    ("tanh", fn.tanh),
    ("sqrt", fn.sqrt),
    ("sigmoid", fn.sigmoid),
    ("relu", fn.relu),  # once 0.0: nan is not "below 0"
    ("abs", abs),
    ("square", lambda x: x**2),
]


@pytest.mark.parametrize(
    ("name", "f"), NAN_CASES, ids=[n for n, _ in NAN_CASES]
)
def test_nan_in_gives_nan_out_on_every_number_type(name, f):
    assert math.isnan(f(math.nan))
    assert np.isnan(f(np.array([math.nan, 0.5]))[0])
    assert not np.isnan(f(np.array([math.nan, 0.5]))[1])
    assert math.isnan(jvp(f, math.nan, 1.0)[0])
    assert math.isnan(eval_bp(f, math.nan))


def test_nan_in_log_softmax_gives_nan_out():
    assert np.all(np.isnan(fn.log_softmax(np.array([math.nan, 1.0]))))
    assert fn.relu(0.0) == 0.0 and derivative(fn.relu, 0.0) == 0.0


def test_sigmoid_keeps_the_articles_digits_and_saturates():
    assert fn.sigmoid(2.0) == 0.8807970779778823
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fn.sigmoid(1000.0) == 1.0 and fn.sigmoid(-1000.0) == 0.0
        assert grad_bp(fn.sigmoid, -1000.0) == 0.0
        assert derivative(fn.sigmoid, 1000.0) == 0.0


def test_helpers_for_the_rules():
    assert fn.times(0.0, math.inf) == 0.0 and fn.times(2.0, 3.0) == 6.0
    t, local = np.array([0.0, 2.0]), np.array([math.inf, 3.0])
    np.testing.assert_array_equal(fn.times(t, local), [0.0, 6.0])
    assert fn.divide(1.0, 0.0) == math.inf
    assert fn.over_square(1e-170, 1e-170) == 1e170
    assert fn.power_slope(0.0, 0.5) == math.inf
    assert fn.plain(Dual(2.0, 1.0)) == 2.0 and fn.plain(3.0) == 3.0
