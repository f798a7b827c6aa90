"""The argument policy's own helpers (gradbook.checks); every public
function's use of them is in test_bad_inputs.py."""

import inspect
import math

import numpy as np
import pytest

from gradbook import checks
from gradbook.backprop import Var
from gradbook.dual import Dual


@checks.arguments(x=checks.positive, n=checks.iterations)
def _stepped(x, n=3, label="a"):
    """A function with checked arguments, for the tests below."""
    return x, n, label


def test_arguments_checks_each_named_argument_and_passes_what_it_returns():
    assert _stepped(2) == (2.0, 3, "a")  # the int became a float
    assert type(_stepped(2)[0]) is float
    assert _stepped(x=0.5, n=0, label="b") == (0.5, 0, "b")
    with pytest.raises(ValueError, match="_stepped: x must be a positive"):
        _stepped(-1.0)
    with pytest.raises(TypeError, match="_stepped: n must be a whole number"):
        _stepped(1.0, n=2.5)


def test_arguments_checks_defaults_and_names_a_bad_call():
    @checks.arguments(n=checks.iterations)
    def bad_default(n=-1):
        return n

    with pytest.raises(ValueError, match="bad_default: n must be at least 0"):
        bad_default()
    with pytest.raises(TypeError, match="_stepped: missing a required"):
        _stepped()
    with pytest.raises(TypeError, match="_stepped: got an unexpected"):
        _stepped(1.0, y=2)


def test_arguments_refuses_a_check_of_an_argument_that_does_not_exist():
    with pytest.raises(TypeError, match="arguments: f has no argument"):

        @checks.arguments(y=checks.positive)
        def f(x):
            return x


def test_a_checked_function_keeps_its_name_signature_and_source():
    assert _stepped.__name__ == "_stepped"
    assert list(inspect.signature(_stepped).parameters) == ["x", "n", "label"]
    source = inspect.getsource(_stepped)
    assert source.startswith("@checks.arguments(x=checks.positive")


def test_numbers_names_the_item():
    assert checks.numbers([1, 2.5], "f", "xs") == [1.0, 2.5]
    with pytest.raises(TypeError, match=r"f: xs\[1\] must be a real number"):
        checks.numbers([1.0, True], "f", "xs")


@pytest.mark.parametrize(
    "values",
    [[1.0, 2, np.float64(3.0)], (1.0, 2.0), [Var(1.0), 2.0], [np.ones(2)]],
)
def test_operands_pass_every_number_kind_unchanged(values):
    assert checks.operands(values, "f", "xs") == list(values)


@pytest.mark.parametrize(
    ("values", "error", "word"),
    [
        ([1.0, 2.0, True], TypeError, "bool"),
        ([1.0, 2.0, np.True_], TypeError, "bool"),
        ([1.0, 2.0, 1j], TypeError, "complex"),
        ([1.0, 2.0, None], TypeError, "None"),
        ([1.0, 2.0], ValueError, "three numbers"),
        (1.0, TypeError, "list"),
    ],
)
def test_operands_refuse_what_is_not_a_number_and_a_wrong_count(
    values, error, word
):
    with pytest.raises(error, match=f"f: .*{word}"):
        checks.operands(values, "f", "xs", ("a", "b", "c"))


def test_finite_names_the_first_element_that_is_not():
    assert checks.finite(1.0, "f", "x") == 1.0
    with pytest.raises(ValueError, match="f: x must be finite, got nan"):
        checks.finite(math.nan, "f", "x")
    message = r"f: x must be finite, got inf at index \(1, 0\)"
    with pytest.raises(ValueError, match=message):
        checks.finite(np.array([[1.0, 2.0], [np.inf, np.nan]]), "f", "x")


def test_calling_names_the_function_in_numpys_errors():
    assert checks.calling("f", np.sum, np.ones(3)) == 3.0
    with pytest.raises(ValueError, match="f: axis 1 is out of bounds"):
        checks.calling("f", np.sum, np.ones(3), axis=1)
    with pytest.raises(ValueError, match="f: cannot reshape"):
        checks.calling("f", np.reshape, np.ones(3), 4)


def test_mixing_is_one_message_for_both_orders():
    message = str(checks.mixing("f", Dual(1.0), Var(1.0)))
    assert message == (
        "f: a Dual and a Var cannot be mixed: they belong to derivatives "
        "that are not nested (one was made by hand, or kept from a "
        "derivative that has finished); take the inner derivative inside "
        "the function the outer one differentiates"
    )
    assert "a Var and a Dual" in str(checks.mixing("f", Var, Dual(1.0)))


def test_flag_condition_and_broadcast():
    assert checks.flag(np.True_, "f", "on") is True
    with pytest.raises(TypeError, match="f: on must be True or False"):
        checks.flag(1, "f", "on")
    assert checks.condition(np.bool_(False), "where") is False
    assert checks.condition(2.0, "where") is True
    np.testing.assert_array_equal(
        checks.condition([0.0, 3.0], "where"), [False, True]
    )
    with pytest.raises(TypeError, match="where: condition must be a bool"):
        checks.condition("yes", "where")
    checks.broadcast(np.ones((2, 1)), np.ones(3), "f")  # fits
    checks.broadcast(1.0, np.ones(3), "f")
    with pytest.raises(ValueError, match=r"f: operands with shapes \(2,\)"):
        checks.broadcast(np.ones(2), np.ones(3), "f")
