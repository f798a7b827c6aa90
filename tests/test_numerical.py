import math

import numpy as np
import pytest

from gradbook.circuits import multiply_gate
from gradbook.numerical import (
    central_difference,
    check_grad,
    gradient,
    max_relative_error,
)


def test_finite_differences_of_the_multiply_gate():
    gx, gy = gradient(lambda p: multiply_gate(*p), [-2.0, 3.0])
    assert abs(gx - 3.0) < 1e-8
    assert abs(gy - -2.0) < 1e-8


def test_central_difference_of_sine_is_cosine():
    for x in np.linspace(-3, 3, 13):
        assert abs(central_difference(math.sin, x) - math.cos(x)) < 1e-9


def test_gradient_keeps_the_shape_of_its_input():
    assert isinstance(gradient(lambda x: x * x, 3.0), float)
    g = gradient(lambda w: (w * w).sum(), np.array([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_allclose(g, [[2.0, 4.0], [6.0, 8.0]], rtol=1e-8)
    mixed = gradient(
        lambda p: (p[0] * p[1]).sum(), [np.array([1.0, 2.0]), 3.0]
    )
    assert isinstance(mixed, list)
    np.testing.assert_allclose(mixed[0], [3.0, 3.0], rtol=1e-8)
    assert abs(mixed[1] - 3.0) < 1e-8
    assert isinstance(gradient(lambda p: p[0] + p[1], (1.0, 2.0)), tuple)


def test_check_grad_accepts_the_true_gradient_and_returns_the_error():
    error = check_grad(lambda p: multiply_gate(*p), [-2.0, 3.0], [3.0, -2.0])
    assert 0 <= error < 1e-9


def test_check_grad_names_the_wrong_element():
    message = r"argument 1: gradient -2.5 but finite differences give -2"
    with pytest.raises(AssertionError, match=message + r"(\.0+)?$"):
        check_grad(lambda p: multiply_gate(*p), [-2.0, 3.0], [3.0, -2.5])
    with pytest.raises(AssertionError, match=r"argument 0\[1\]"):
        check_grad(
            lambda w: (w * w).sum(), np.array([1.0, 2.0]), np.array([2.0, 5.0])
        )


def test_check_grad_wants_one_entry_per_input():
    with pytest.raises(ValueError, match="2 entries for 3 arguments"):
        check_grad(lambda p: p[0] + p[1] + p[2], [1.0, 2.0, 3.0], [1.0, 1.0])


def test_max_relative_error():
    assert max_relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert max_relative_error(1.0, 3.0) == 0.5
    assert max_relative_error(0.0, 0.0) == 0.0
    with pytest.raises(ValueError, match="shapes differ"):
        max_relative_error(np.ones(2), np.ones(3))


def test_gradient_needs_a_function():
    message = "gradient: f must be a function, got int 3"
    with pytest.raises(TypeError, match=message):
        gradient(3, [1.0])


def test_the_referee_cannot_be_fooled_by_nan():
    message = "gradient nan but finite differences give 2"
    with pytest.raises(AssertionError, match=message):
        check_grad(lambda x: x * x, 1.0, float("nan"))  # once passed: 0.0
    with pytest.raises(AssertionError, match="finite differences give nan"):
        check_grad(lambda x: x * math.nan, 1.0, 0.0)
    with pytest.raises(AssertionError, match=r"argument 0\[1\]"):
        x, claimed = np.array([1.0, 2.0]), np.array([2.0, math.nan])
        check_grad(lambda w: (w * w).sum(), x, claimed)
    assert math.isnan(max_relative_error([1.0, math.nan], [1.0, 2.0]))


@pytest.mark.parametrize("h", [0, 0.0, -1e-6, math.nan, math.inf])
def test_h_must_be_a_positive_finite_number(h):
    # h = 0 once gave ZeroDivisionError
    for who in (central_difference, gradient):
        message = f"{who.__name__}: h must be a positive finite number"
        with pytest.raises(ValueError, match=message):
            who(math.sin, 1.0, h)
    with pytest.raises(ValueError, match="check_grad: h must be"):
        check_grad(math.sin, 1.0, math.cos(1.0), h=h)


def test_f_must_return_a_number():
    message = "gradient: f returned None; it must return one number"
    with pytest.raises(TypeError, match=message):
        gradient(lambda x: None, 1.0)
    with pytest.raises(TypeError, match="central_difference: f returned str"):
        central_difference(lambda x: "1.5", 1.0)
    message = "gradient: xs must be a real number or a numeric array, got bool"
    with pytest.raises(TypeError, match=message):
        gradient(math.sin, True)
    with pytest.raises(ValueError, match=r"gradient: xs\[0\] is ragged"):
        gradient(lambda x: 0.0, [[[1.0], [1.0, 2.0]]])
