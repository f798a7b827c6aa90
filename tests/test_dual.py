import math
import re
import warnings

import numpy as np
import pytest

from gradbook import functions as fn
from gradbook.article import GRADIENT, POINT, VALUE
from gradbook.backprop import grad_bp
from gradbook.circuits import NEURON_INPUTS, neuron
from gradbook.dual import Dual, constant, derivative, gradient, jvp, variable
from gradbook.numerical import check_grad


def test_the_articles_six_numbers_exactly():
    value, da = jvp(neuron, POINT, [1, 0, 0, 0, 0])
    assert value == VALUE
    assert da == GRADIENT[0]
    assert gradient(neuron, POINT) == GRADIENT


def test_moving_the_seed_gives_each_partial():
    for i, name in enumerate(NEURON_INPUTS):
        duals = [Dual(p, 1.0 if j == i else 0.0) for j, p in enumerate(POINT)]
        out = neuron(duals)
        assert (name, out.primal, out.tangent) == (name, VALUE, GRADIENT[i])


def test_the_analytic_gradient_agrees():
    a, b, c, x, y = POINT
    s = fn.sigmoid(a * x + b * y + c)
    slope = s * (1 - s)
    analytic = [slope * x, slope * y, slope, slope * a, slope * b]
    # Equal in exact arithmetic; the fused rule is about nine ulps away.
    np.testing.assert_allclose(gradient(neuron, POINT), analytic, rtol=1e-14)
    check_grad(neuron, [float(p) for p in POINT], GRADIENT)


def test_arithmetic_rules():
    u, v = Dual(3.0, 2.0), Dual(5.0, -1.0)
    for result, expected in [
        (u + v, (8.0, 1.0)),
        (u - v, (-2.0, 3.0)),
        (u * v, (15.0, 2.0 * 5.0 + 3.0 * -1.0)),
        (u / v, (3.0 / 5.0, (2.0 * 5.0 - 3.0 * -1.0) / 25.0)),
        (-u, (-3.0, -2.0)),
        (+u, (3.0, 2.0)),
        (abs(Dual(-3.0, 2.0)), (3.0, -2.0)),
        (u**2, (9.0, 2 * 3.0 * 2.0)),
        (2.0**u, (8.0, 8.0 * math.log(2.0) * 2.0)),
    ]:
        assert (result.primal, result.tangent) == pytest.approx(
            expected, rel=1e-15
        )


def test_plain_numbers_are_constants_on_either_side():
    u = Dual(3.0, 2.0)
    for result, expected in [
        (u + 1, (4.0, 2.0)),
        (1 + u, (4.0, 2.0)),
        (u - 1, (2.0, 2.0)),
        (1 - u, (-2.0, -2.0)),
        (u * 2, (6.0, 4.0)),
        (2 * u, (6.0, 4.0)),
        (u / 2, (1.5, 1.0)),
        (6 / u, (2.0, -6.0 * 2.0 / 9.0)),
    ]:
        assert (result.primal, result.tangent) == expected
    assert constant(5.0).tangent == 0.0
    assert variable(5.0).tangent == 1.0


def test_x_to_the_x():
    # d/dx x**x = x**x (log x + 1)
    for x in (0.5, 1.0, 2.0, 3.0):
        assert derivative(lambda v: v**v, x) == pytest.approx(
            x**x * (math.log(x) + 1), rel=1e-14
        )


def test_powers_with_a_constant_exponent_need_no_positive_base():
    # A Dual exponent with tangent 0 is a constant: the power rule, not
    # exp(v log u).
    squared = Dual(-2.0, 1.0) ** Dual(2.0, 0.0)
    assert (squared.primal, squared.tangent) == (4.0, -4.0)
    at_zero = Dual(0.0, 1.0) ** Dual(2.0, 0.0)
    assert (at_zero.primal, at_zero.tangent) == (0.0, 0.0)
    for zeroth in (Dual(0.0, 1.0) ** 0, Dual(0.0, 1.0) ** Dual(0.0, 0.0)):
        assert (zeroth.primal, zeroth.tangent) == (1.0, 0.0)


def test_comparisons_look_at_the_primal():
    u = Dual(3.0, 100.0)
    assert u > 2 and u >= 3 and u < 4 and u <= 3 and u == 3 and u != 4
    assert 2 < u  # noqa: SIM300 (the reflected comparison is the point)
    assert Dual(1.0, 5.0) < Dual(2.0, -5.0)


def test_repr_names_both_parts():
    assert repr(Dual(2.0, 1.0)) == "Dual(primal=2.0, tangent=1.0)"


def test_arrays_differentiate_many_points_in_one_pass():
    xs = np.linspace(-2, 2, 9)
    np.testing.assert_allclose(
        derivative(lambda x: x * fn.sin(x), xs), np.sin(xs) + xs * np.cos(xs)
    )
    # neuron with x swept over many values, differentiated with respect to x
    params = [1.0, 2.0, -3.0, xs, 3.0]
    value, slope = jvp(neuron, params, [0.0, 0.0, 0.0, 1.0, 0.0])
    s = 1 / (1 + np.exp(-(xs + 3.0)))
    np.testing.assert_allclose(value, s)
    np.testing.assert_allclose(slope, s * (1 - s), rtol=1e-12)


def test_gradient_costs_one_pass_per_input():
    calls = []

    def f(xs):
        calls.append(1)
        return neuron(xs)

    gradient(f, POINT)
    assert len(calls) == len(POINT)


def test_a_function_that_ignores_its_input_has_derivative_zero():
    assert derivative(lambda x: 3.0, 1.0) == 0.0
    assert derivative(fn.relu, -1.0) == 0.0
    assert jvp(lambda xs: 1.0, [1.0, 2.0], [1.0, 0.0]) == (1.0, 0.0)


def test_sum_and_matmul_for_array_models():
    w = Dual(
        np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 0.0], [0.0, 0.0]])
    )
    x = np.array([1.0, 1.0])
    out = (w @ x).sum()
    assert (out.primal, out.tangent) == (10.0, 1.0)
    assert (x @ w).sum().tangent == 1.0
    assert w.shape == (2, 2)


@pytest.mark.parametrize(
    "bad", ["a", None, [1, "a"], {"x": 1}, 1j, np.complex128(1j), [1j]]
)
def test_a_dual_of_a_non_number_is_a_type_error(bad):
    message = "Dual: primal must be a real number or a numeric array"
    with pytest.raises(TypeError, match=message):
        Dual(bad, 1.0)


def test_a_bad_tangent_is_named():
    message = "Dual: tangent must be a real number or a numeric array"
    with pytest.raises(TypeError, match=f"{message}, got str 'one'"):
        Dual(1.0, "one")


def test_arithmetic_with_a_non_number_is_a_type_error():
    with pytest.raises(TypeError):
        Dual(1.0, 1.0) + "a"


def test_neuron_with_four_inputs():
    message = r"neuron: params must hold five numbers \[a, b, c, x, y\], got 4"
    with pytest.raises(ValueError, match=message):
        gradient(neuron, [1, 2, -3, -1])


@pytest.mark.parametrize("who", [derivative, gradient])
def test_differentiating_a_non_callable(who):
    message = f"{who.__name__}: f must be a function, got int 3"
    with pytest.raises(TypeError, match=message):
        who(3, [1.0])


def test_jvp_wants_one_tangent_per_primal():
    with pytest.raises(ValueError, match="one tangent per primal"):
        jvp(neuron, POINT, [1.0, 0.0])


def test_gradient_of_a_number_or_an_array_has_its_shape():
    assert gradient(fn.sin, 1.0) == math.cos(1.0)
    v = np.array([1.0, 2.0, 3.0])
    g = gradient(lambda v: (v * v).sum(), v)
    assert isinstance(g, np.ndarray)
    np.testing.assert_array_equal(g, [2.0, 4.0, 6.0])
    np.testing.assert_array_equal(g, grad_bp(lambda v: (v * v).sum(), v))
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    gw, gs = gradient(lambda p: (p[0] * p[1]).sum(), [w, 2.0])
    np.testing.assert_array_equal(gw, [[2.0, 2.0], [2.0, 2.0]])
    assert gs == 10.0


def test_division_by_a_zero_primal_follows_the_primal_type():
    with pytest.raises(ZeroDivisionError):
        Dual(1.0, 1.0) / Dual(0.0, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = Dual(np.array([1.0]), 1.0) / Dual(np.array([0.0]), 1.0)
    assert (out.primal[0], out.tangent[0]) == (np.inf, -np.inf)
    with pytest.warns(RuntimeWarning):
        Dual(np.array([1.0]), 1.0) / Dual(np.array([0.0]), 1.0)


# Nesting: every call tags its perturbation, so inner and outer never mix.


def test_nested_derivatives_do_not_confuse_their_perturbations():
    # the classic trap: this once returned 0.0
    assert derivative(lambda x: derivative(lambda y: x * y, 1.0), 2.0) == 1.0
    # an inner f that ignores its own input has derivative 0, whatever x is
    assert derivative(lambda x: derivative(lambda y: x, 1.0), 2.0) == 0.0
    outer = derivative(lambda x: x * derivative(lambda y: x + y, 1.0), 2.0)
    assert outer == 1.0


def test_second_derivatives():
    assert derivative(lambda x: derivative(lambda y: y**3, x), 2.0) == 12.0
    assert derivative(lambda x: derivative(lambda y: y * y * y, x), 2.0) == 12
    for t in (-1.0, 0.3, 2.0):
        second = derivative(lambda x: derivative(fn.sin, x), t)
        assert second == pytest.approx(-math.sin(t), rel=1e-15)
        # sigmoid'' = s (1 - s) (1 - 2 s)
        s = 1 / (1 + math.exp(-t))
        expected = s * (1 - s) * (1 - 2 * s)
        second = derivative(lambda x: derivative(fn.sigmoid, x), t)
        assert second == pytest.approx(expected, rel=1e-12)

    def slope(y):
        return derivative(lambda z: z**4, y)

    assert derivative(lambda x: derivative(slope, x), 2.0) == 48.0


def test_hessian_vector_product_forward_over_forward():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(3, 3))
    x0, v = rng.normal(size=3), rng.normal(size=3)

    def f(x):
        return 0.5 * (x @ a @ x) + fn.sin(x).sum()

    # H v = d/dx of the directional derivative of f along v
    hvp = gradient(lambda x: jvp(f, x, v)[1], x0)
    hessian = 0.5 * (a + a.T) - np.diag(np.sin(x0))
    np.testing.assert_allclose(hvp, hessian @ v, rtol=1e-12, atol=1e-14)

    # and as jvp of a gradient taken along each direction
    def along(e):
        return derivative(lambda t: jvp(f, x0 + t * v, e)[1], 0.0)

    columns = [along(e) for e in np.eye(3)]
    np.testing.assert_allclose(columns, hessian @ v, rtol=1e-12, atol=1e-14)


def test_forward_over_reverse_and_reverse_over_forward():
    # f(x) = x**3: f'' = 6 x, in both orders of the two modes
    assert derivative(lambda x: grad_bp(lambda v: v * v * v, x), 2.0) == 12.0
    assert grad_bp(lambda x: derivative(lambda v: v * v * v, x), 2.0) == 12.0
    # an outer number used inside, on either side of an inner one
    assert derivative(lambda a: grad_bp(lambda v: a * v * v, 1.0), 2.0) == 2
    assert derivative(lambda a: grad_bp(lambda v: v * a * v, 1.0), 2.0) == 2
    assert grad_bp(lambda a: derivative(lambda v: a * v * v, 1.0), 2.0) == 2
    assert grad_bp(lambda a: derivative(lambda v: v * a * v, 1.0), 2.0) == 2
    for t in (-1.0, 0.3, 2.0):  # sigmoid'' = s (1 - s) (1 - 2 s)
        s = 1 / (1 + math.exp(-t))
        expected = s * (1 - s) * (1 - 2 * s)
        for second in (
            derivative(lambda x: grad_bp(fn.sigmoid, x), t),
            grad_bp(lambda x: derivative(fn.sigmoid, x), t),
        ):
            assert second == pytest.approx(expected, rel=1e-12)


def test_nesting_keeps_the_tangent_of_each_level_apart():
    # d/dx [x * d/dy (x + y)] = 1: the classic perturbation trap, across modes
    assert derivative(lambda x: x * grad_bp(lambda y: x + y, 1.0), 2.0) == 1
    assert grad_bp(lambda x: x * derivative(lambda y: x + y, 1.0), 2.0) == 1
    # a Var of the outer tape that the inner function returns is a constant
    assert grad_bp(lambda x: derivative(lambda y: x, 1.0), 2.0) == 0.0
    assert derivative(lambda x: grad_bp(lambda y: x, 1.0), 2.0) == 0.0


def test_a_dual_of_a_finished_derivative_is_refused():
    kept = []

    def keep(y):
        kept.append(y)
        return y * y

    derivative(keep, 1.0)
    message = "derivative: a Dual kept from a derivative that has finished"
    with pytest.raises(ValueError, match=message):
        derivative(lambda x: x * derivative(lambda y: kept[0], 1.0), 2.0)
    with pytest.raises(ValueError, match="Dual: a Dual kept from"):
        derivative(lambda x: x * kept[0], 2.0)
    with pytest.raises(TypeError, match="Var: a Var and a Dual cannot be"):
        grad_bp(lambda v: v * kept[0], 1.0)


# Regressions: each was a silently wrong number or an unclear error.


def test_gradient_of_an_array_is_an_array():
    g = gradient(lambda v: (v * v).sum(), np.array([1.0, 2.0, 3.0]))  # once 12
    np.testing.assert_array_equal(g, [2.0, 4.0, 6.0])


def test_a_tangent_of_the_wrong_shape_is_refused():
    message = r"Dual: tangent has shape \(2,\), but the primal has shape"
    with pytest.raises(ValueError, match=message):
        Dual(np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="jvp: tangent has shape"):
        jvp(lambda x: x, np.ones(3), np.ones(2))
    assert Dual(np.ones(3), 1.0).tangent == 1.0  # one number for every element


def test_a_dual_made_by_hand_with_a_tangent_is_refused_as_a_result():
    def by_hand(d):  # once derivative(by_hand, 1.0) said 0.0, not cos 1
        return Dual(np.sin(d.primal), d.tangent * np.cos(d.primal))

    message = (
        "{}: f returned a Dual made by hand, with Dual(...), and its "
        "tangent is not 0. Such a Dual is not part of this derivative: "
        "its tangent would be lost. Make the result from f's argument, "
        "with its operations or its _chain(value, local derivative)"
    )
    with pytest.raises(
        ValueError, match=re.escape(message.format("derivative"))
    ):
        derivative(by_hand, 1.0)
    with pytest.raises(ValueError, match=re.escape(message.format("jvp"))):
        jvp(lambda xs: [xs[0], by_hand(xs[0])], [1.0], [1.0])
    with pytest.raises(
        ValueError, match=re.escape(message.format("gradient"))
    ):
        gradient(by_hand, np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="derivative: f returned a Dual made"):
        derivative(lambda x: Dual(1.0, math.nan), 1.0)  # nan is not 0
    # Its own rule keeps the tag; a hand-made constant is still allowed.
    chained = derivative(
        lambda d: d._chain(np.sin(d.primal), np.cos(d.primal)), 1.0
    )
    assert chained == np.cos(1.0)
    assert jvp(lambda x: Dual(3.0, 0.0), 1.0, 1.0)[1] == 0.0


@pytest.mark.parametrize(
    ("result", "word"),
    [(None, "None"), ("1.5", "str"), (True, "bool"), (1j, "complex")],
)
def test_f_must_return_a_number(result, word):
    with pytest.raises(TypeError, match=f"derivative: f returned {word}"):
        derivative(lambda x: result, 1.0)


@pytest.mark.parametrize(
    ("bad", "word"),
    [(True, "bool"), (np.bool_(True), "bool"), (1 + 2j, "complex")],
)
def test_bools_and_complex_numbers_are_not_numbers(bad, word):
    number = "must be a real number or a numeric array, got"
    message = f"Dual: primal {number} {word}"
    with pytest.raises(TypeError, match=message):
        Dual(bad, 1.0)
    with pytest.raises(TypeError, match=f"Dual: operand {number} {word}"):
        Dual(1.0, 1.0) + bad
    with pytest.raises(TypeError, match=f"derivative: x {number} {word}"):
        derivative(fn.sin, bad)


def test_ints_become_floats():
    d = Dual(2, 1)
    assert type(d.primal) is float and type(d.tangent) is float
    assert Dual(np.array([1, 2]), 1).primal.dtype == np.float64


def test_the_branch_of_where_not_taken_contributes_nothing():
    def f(x):
        return fn.where(x > 0.1, fn.sqrt(x), 0.0)

    with np.errstate(invalid="ignore"):  # sqrt(-1): nan, in the other branch
        slopes = derivative(f, np.array([4.0, -1.0]))
    np.testing.assert_array_equal(slopes, [0.25, 0.0])
    assert derivative(f, 0.0) == 0.0  # sqrt's slope at 0: no ZeroDivisionError
    # a zero tangent times an infinite local slope is 0, not nan
    along_x = jvp(lambda p: p[0] + fn.sqrt(p[1]), [1.0, 0.0], [1.0, 0.0])
    assert along_x == (1.0, 1.0)


def test_the_quotient_rule_does_not_overflow_or_underflow():
    tiny = [1e-170, 1e-170]
    assert jvp(lambda p: p[0] / p[1], tiny, [1.0, 0.0]) == (1.0, 1e170)
    assert gradient(lambda p: p[0] / p[1], [1e-170, 1e-170]) == [1e170, -1e170]
    assert gradient(lambda p: p[0] / p[1], [1e160, 1e160]) == [1e-160, -1e-160]
    # the ordinary range keeps (du v - u dv) / (v v), bit for bit
    u, v = Dual(3.0, 2.0), Dual(7.0, -1.0)
    assert (u / v).tangent == (2.0 * 7.0 - 3.0 * -1.0) / (7.0 * 7.0)
    x = np.array([1e-170, 3.0, 1e160])
    np.testing.assert_array_equal(
        jvp(lambda p: p[0] / p[1], [x, x], [0.0, 1.0])[1],
        [-1e170, -3.0 / 9.0, -1e-160],
    )


def test_dual_and_var_do_not_mix():
    from gradbook.backprop import Var

    message = "Dual: a Dual and a Var cannot be mixed"
    with pytest.raises(TypeError, match=message):
        Dual(1.0, 1.0) * Var(2.0)
    with pytest.raises(TypeError, match="where: a Dual and a Var cannot"):
        fn.where(np.ones(2) > 0, Dual(np.ones(2), 1.0), Var(np.ones(2)))
    message = "Dual: primal must be a real number or a numeric array, got Var"
    with pytest.raises(TypeError, match=message):
        Dual(Var(1.0), 1.0)


# Regressions of the campaign of unusual inputs (issue 24).


def test_if_len_and_indexing_of_a_dual():
    assert bool(Dual(2.0, 1.0)) and not bool(Dual(0.0, 1.0))
    with pytest.raises(ValueError, match="Dual: a Dual of an array is"):
        bool(Dual(np.ones(2)))
    with pytest.raises(TypeError, match="Dual: a Dual of one number has no"):
        len(Dual(1.0))
    with pytest.raises(TypeError, match="Dual: a Dual of one number has no"):
        Dual(1.0)[0]
    with pytest.raises(IndexError, match="Dual: index 5 is out of bounds"):
        Dual(np.ones(3))[5]
    assert Dual(np.ones(3), 1.0)[1].tangent == 1.0
    d = Dual(2.0, 1.0)
    assert d.T is d  # one number is its own transpose


def test_array_methods_name_the_dual_in_numpys_errors():
    with pytest.raises(
        ValueError, match=r"Dual\.sum: axis 1 is out of bounds"
    ):
        Dual(np.ones(3)).sum(axis=1)
    with pytest.raises(ValueError, match=r"Dual\.reshape: cannot reshape"):
        Dual(np.ones(3)).reshape(4)
