import numpy as np
import pytest

from gradbook.article import POINT, VALUE
from gradbook.backprop import eval_bp, grad_bp
from gradbook.circuits import multiply_gate, neuron, sum_of_squares
from gradbook.dual import Dual, gradient


def test_multiply_gate_at_the_article_point():
    assert multiply_gate(-2, 3) == -6


def test_multiply_gate_on_arrays_is_elementwise():
    np.testing.assert_array_equal(
        multiply_gate(np.array([1.0, -2.0]), np.array([3.0, 4.0])), [3.0, -8.0]
    )


def test_neuron_value_is_the_articles_on_every_number_type():
    assert neuron(POINT) == VALUE
    assert neuron([Dual(p, 0.0) for p in POINT]).primal == VALUE
    assert eval_bp(neuron, POINT) == VALUE
    column = np.array(POINT, dtype=float)[:, None] * np.ones((1, 3))
    np.testing.assert_array_equal(neuron(column), [VALUE] * 3)


def test_neuron_gradient_is_the_same_in_both_modes():
    assert gradient(neuron, POINT) == grad_bp(neuron, POINT)


@pytest.mark.parametrize("params", [[1, 2, -3, -1], [1, 2, -3, -1, 3, 0], []])
def test_neuron_names_its_five_inputs_when_given_another_number(params):
    with pytest.raises(
        ValueError, match=rf"five numbers \[a, b, c, x, y\], got {len(params)}"
    ):
        neuron(params)


def test_neuron_rejects_a_single_number():
    with pytest.raises(
        TypeError, match=r"list of five numbers \[a, b, c, x, y\], got float"
    ):
        neuron(1.0)


def test_sum_of_squares():
    assert sum_of_squares([1.0, 2.0, 3.0]) == 14.0
    assert grad_bp(sum_of_squares, [1.0, 2.0, 3.0]) == [2.0, 4.0, 6.0]
