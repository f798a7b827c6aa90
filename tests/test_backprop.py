import gc
import math
import re

import numpy as np
import pytest
from hypothesis import Phase, assume, given, settings
from programs import (
    ARRAY_SHAPES,
    SCALAR_SHAPES,
    inputs,
    programs,
    run,
    run_typed,
    typed_inputs,
    typed_programs,
)

from gradbook import functions as fn
from gradbook.article import GRADIENT, POINT, VALUE
from gradbook.backprop import (
    Node,
    Tape,
    Var,
    backprop,
    eval_bp,
    grad_bp,
    hvp,
    sequence_var,
)
from gradbook.circuits import neuron, sum_of_squares
from gradbook.dual import Dual, derivative, gradient, jvp
from gradbook.numerical import check_grad


def test_the_articles_numbers_exactly():
    assert eval_bp(neuron, POINT) == VALUE
    grads = grad_bp(neuron, POINT)
    assert grads == GRADIENT
    assert type(grads) is list and all(type(g) is float for g in grads)
    assert backprop(neuron, POINT) == (VALUE, GRADIENT)


def test_neuron_after_sequence_var_reads_like_the_article():
    assert grad_bp(lambda v: neuron(sequence_var(v)), POINT) == GRADIENT
    # a Var holding an array is split into one Var per element
    from_array = grad_bp(
        lambda v: neuron(sequence_var(v)), np.array(POINT, dtype=float)
    )
    assert isinstance(from_array, np.ndarray)
    assert from_array.tolist() == GRADIENT


def test_reverse_equals_forward_and_finite_differences_on_the_neuron():
    assert grad_bp(neuron, POINT) == gradient(neuron, POINT)
    check_grad(neuron, [float(p) for p in POINT], grad_bp(neuron, POINT))


@settings(max_examples=150, deadline=None)
@given(program=programs(), xs=inputs)
def test_random_programs_reverse_matches_forward_and_finite_differences(
    program, xs
):
    def f(values):
        return run(program, values)

    reverse = grad_bp(f, xs)
    np.testing.assert_allclose(
        reverse, gradient(f, xs), rtol=1e-10, atol=1e-12
    )
    check_grad(f, xs, reverse, rtol=1e-5, atol=1e-6)


def test_fan_out_accumulates():
    assert grad_bp(lambda x: x * x, 3.0) == 6.0
    assert grad_bp(lambda x: x + x, 3.0) == 2.0
    assert grad_bp(lambda x: x * x * x, 2.0) == 12.0

    def shared(xs):
        a, b = xs
        s = a * b  # used three times
        return s * s + fn.sin(s) - s

    a, b = 0.7, -1.3
    s = a * b
    ds = 2 * s + np.cos(s) - 1
    assert grad_bp(shared, [a, b]) == pytest.approx(
        [ds * b, ds * a], rel=1e-14
    )


def test_a_chain_of_100000_operations_needs_no_recursion():
    def chain(x):
        for _ in range(100_000):
            x = x * 1.0001 - 0.0001
        return x

    assert grad_bp(chain, 0.5) == pytest.approx(1.0001**100_000, rel=1e-9)


@pytest.mark.parametrize(
    "column",
    [lambda x: x[:, None], lambda x: x.reshape(3, 1)],
    ids=["x[:, None]", "reshape"],
)
def test_broadcasting_sums_the_gradient_back_to_each_input_shape(column):
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=3), rng.normal(size=(3, 4))

    def f(params):
        x, w = params
        return (fn.tanh(column(x) * w) + w[0]).sum()

    gx, gw = grad_bp(f, [x, w])
    assert gx.shape == (3,) and gw.shape == (3, 4)
    check_grad(f, [x, w], [gx, gw], rtol=1e-6)
    forward = gradient(lambda x: f([x, w]), x)
    np.testing.assert_allclose(forward, gx, rtol=1e-12)


def test_scalar_times_array_and_bias_broadcast():
    rng = np.random.default_rng(2)
    X, W, b = (
        rng.normal(size=(5, 3)),
        rng.normal(size=(3, 2)),
        rng.normal(size=2),
    )

    def f(params):
        W, b, scale = params
        return (scale * fn.tanh(X @ W + b)).mean()

    grads = grad_bp(f, [W, b, 0.5])
    assert [np.shape(g) for g in grads] == [(3, 2), (2,), ()]
    assert isinstance(grads[2], float)
    check_grad(f, [W, b, 0.5], grads, rtol=1e-6)


def test_matmul_vectors_and_transpose():
    rng = np.random.default_rng(3)
    A, v = rng.normal(size=(3, 3)), rng.normal(size=3)

    def f(params):
        A, v = params
        return (v @ A.T @ v) + (A @ v).sum()

    check_grad(f, [A, v], grad_bp(f, [A, v]), rtol=1e-6)


def test_indexing_with_repeats_and_powers():
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(
        grad_bp(lambda v: v[np.array([0, 0, 2])].sum(), x), [2.0, 0.0, 1.0]
    )
    np.testing.assert_allclose(
        grad_bp(lambda v: (v**3).sum() + (2.0**v).sum(), x),
        3 * x**2 + np.log(2) * 2**x,
    )
    assert grad_bp(lambda ab: ab[0] ** ab[1], [2.0, 3.0]) == pytest.approx(
        [12.0, 8 * np.log(2.0)]
    )


def test_one_forward_pass_records_each_operation_once():
    tape = Tape()
    inputs = [tape.var(p) for p in POINT]
    out = neuron(inputs)
    # 5 inputs; a*x, b*y, +, +c; sigmoid at z >= 0: -z, exp, 1 + e, 1 / (1 + e)
    assert len(tape) == 5 + 4 + 4
    ops = [node.op for node in tape.nodes[5:]]
    assert ops == ["*", "*", "+", "+", "neg", "exp", "+", "c/"]
    assert out.index == len(tape) - 1


def test_the_backward_pass_visits_each_node_once():
    tape = Tape()
    out = neuron([tape.var(p) for p in POINT])
    calls = []

    def counted(i, partial):
        def rule(g):
            calls.append(i)
            return partial(g) if callable(partial) else g * partial

        return rule

    for i, node in enumerate(tape.nodes):
        node.inputs = tuple((j, counted(i, r)) for j, r in node.inputs)
    cotangents = tape.backward(out)
    edges = sum(len(node.inputs) for node in tape.nodes)
    assert len(calls) == edges  # one rule call per edge of the graph
    assert calls == sorted(
        calls, reverse=True
    )  # output first, then towards the inputs
    assert [cotangents[i] for i in range(5)] == GRADIENT


def test_forward_needs_n_passes_and_reverse_one():
    calls = {"forward": 0, "reverse": 0}

    def counted(mode):
        def f(xs):
            calls[mode] += 1
            return sum_of_squares(xs)

        return f

    xs = [float(i) for i in range(50)]
    assert gradient(counted("forward"), xs) == grad_bp(counted("reverse"), xs)
    assert calls == {"forward": 50, "reverse": 1}


def test_constants_and_inputs_that_do_not_matter():
    assert grad_bp(lambda xs: xs[0] * 2.0, [3.0, 4.0]) == [2.0, 0.0]
    assert grad_bp(lambda x: 5.0, 1.0) == 0.0
    assert grad_bp(fn.relu, -1.0) == 0.0
    assert grad_bp(lambda xs: xs[0], (1.0, 2.0)) == (1.0, 0.0)


def test_var_constructor_and_repr():
    v = Var(2.0)
    assert repr(v) == "Var(2.0)" and v.primal == 2.0 and len(v.tape) == 1
    assert (v * 3.0).value == 6.0


def test_a_function_that_does_not_return_a_scalar():
    message = r"grad_bp: f must return a scalar, but it returned an array"
    with pytest.raises(ValueError, match=message + r" of shape \(3,\)"):
        grad_bp(lambda v: v * 2.0, np.ones(3))


@pytest.mark.parametrize("bad", [["a", 1.0], [None], "abc", [{"x": 1}]])
def test_non_numeric_inputs(bad):
    message = r"grad_bp: xs(\[0\])? must be a real number or a numeric array"
    with pytest.raises(TypeError, match=message):
        grad_bp(lambda v: 0.0, bad)


def test_ragged_input():
    with pytest.raises(ValueError, match=r"grad_bp: xs\[0\] is ragged"):
        grad_bp(lambda v: 0.0, [[[1.0, 2.0], [3.0]]])


def test_shapes_that_do_not_fit():
    with pytest.raises(
        ValueError,
        match=r"cannot matrix-multiply shapes \(2, 3\) and \(2, 3\)",
    ):
        grad_bp(lambda w: (w @ w).sum(), np.ones((2, 3)))
    with pytest.raises(
        ValueError,
        match=r"grad_bp: f combined arrays whose shapes do not fit together "
        r"\(.*\(3,\) \(4,\).*\); the arguments have shapes \(3,\), \(4,\)",
    ):
        grad_bp(lambda p: (p[0] + p[1]).sum(), [np.ones(3), np.ones(4)])


def test_powers_at_zero():
    assert grad_bp(lambda v: v**0, 0.0) == 0.0
    assert grad_bp(lambda v: v**2, 0.0) == 0.0
    assert grad_bp(lambda v: v[0] ** v[1], [0.5, 0.0]) == pytest.approx(
        [0.0, np.log(0.5)], rel=1e-15
    )


def test_vars_from_two_tapes_do_not_mix():
    message = "Var: the two operands are on different tapes"
    with pytest.raises(ValueError, match=message):
        Var(1.0) + Var(2.0)


def test_the_message_for_two_tapes_holds_on_either_side():
    # the Var made by hand may be either operand: the message names neither
    w = Var(3.0)
    message = (
        "Var: the two operands are on different tapes (one made by hand, "
        "or of a forward pass that has finished); use Vars of one tape "
        "only: in grad_bp, those made from f's argument in this call"
    )
    for f in (lambda v: w * v[0], lambda v: v[0] * w):
        with pytest.raises(ValueError) as error:
            grad_bp(f, [1.0])
        assert str(error.value) == message


def test_a_var_of_an_outer_tape_is_a_constant_inside():
    def outer(v):
        return grad_bp(lambda w: w[0] * v[0], [1.0])[0]

    assert grad_bp(outer, [2.0]) == [1.0]


def test_sequence_var_needs_a_sequence():
    message = "sequence_var: v must be a Var holding a sequence, got float 1.0"
    with pytest.raises(TypeError, match=message):
        sequence_var(1.0)


@pytest.mark.parametrize("who", [grad_bp, backprop, eval_bp])
def test_needs_a_function(who):
    message = rf"{who.__name__}: f must be a function, got list \[1.0\]"
    with pytest.raises(TypeError, match=message):
        who([1.0], [1.0])


@pytest.mark.parametrize("who", [grad_bp, backprop])
def test_needs_a_scalar_output_and_says_who(who):
    message = f"{who.__name__}: f must return a scalar"
    with pytest.raises(ValueError, match=message):
        who(lambda v: v * 2.0, np.ones(3))


# Regressions: each was a silently wrong number or an unclear error.


def test_a_var_from_another_tape_is_refused_every_time():
    w = Var(3.0)
    for _ in range(2):  # once gave [0.0, 1.0], then an IndexError
        message = "grad_bp: f returned a Var that belongs to another tape"
        with pytest.raises(ValueError, match=message):
            grad_bp(lambda v: w * w, [1.0, 2.0])
    message = "Var: the two operands are on different tapes"
    with pytest.raises(ValueError, match=message):
        grad_bp(lambda v: v[0] * w, [1.0, 2.0])
    message = "Tape.backward: output belongs to another tape"
    with pytest.raises(ValueError, match=message):
        Tape().backward(w * 2.0)


def test_where_checks_the_tapes_of_both_branches():
    other = Var(np.array([1.0, 2.0]))
    message = "Var: the two operands are on different tapes"
    with pytest.raises(ValueError, match=message):
        grad_bp(lambda x: fn.where(x > 1.5, x, other).sum(), other.value)


def test_the_branch_of_where_not_taken_contributes_nothing():
    def f(x):
        return fn.where(x > 0.1, fn.sqrt(x), 0.0)

    with np.errstate(invalid="ignore"):  # sqrt(-1): nan, in the other branch
        g = grad_bp(lambda x: f(x).sum(), np.array([4.0, -1.0]))
    np.testing.assert_array_equal(g, [0.25, 0.0])
    # the float path: sqrt's slope at 0 is inf, and no ZeroDivisionError
    assert grad_bp(lambda v: f(v[0]), [0.0]) == [0.0]
    assert grad_bp(f, 0.0) == 0.0

    def g(x):
        return fn.where(x > 0.1, fn.log(x), 0.0).sum()

    with np.errstate(divide="ignore"):  # log(0) is -inf, its slope inf
        np.testing.assert_array_equal(grad_bp(g, np.array([0.0, 1.0])), [0, 1])


def test_an_infinite_slope_in_an_array_is_no_warning():
    # sqrt's local derivative at 0 is 0.5 / 0, inf: numpy would warn
    # "divide by zero" (an error in this suite) about a number the untaken
    # branch never uses
    def f(x):
        return fn.where(x > 0, fn.sqrt(x), 0.0).sum()

    x = np.array([0.0, 1.0, 4.0])
    np.testing.assert_array_equal(grad_bp(f, x), [0.0, 0.5, 0.25])
    np.testing.assert_array_equal(gradient(f, x), [0.0, 0.5, 0.25])


@pytest.mark.parametrize(
    ("a_shape", "b_shape"),
    [
        ((3,), (4, 3, 2)),
        ((4, 2, 3), (3,)),
        ((5, 1, 2, 3), (4, 3, 2)),
        ((3,), (3,)),
        ((2, 3), (3, 4)),
    ],
)
def test_batched_matmul_follows_numpys_rules(a_shape, b_shape):
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=a_shape), rng.normal(size=b_shape)
    weights = rng.normal(size=np.shape(a @ b))

    def f(p):
        return ((p[0] @ p[1]) * weights).sum()

    ga, gb = grad_bp(f, [a, b])
    assert ga.shape == a_shape and gb.shape == b_shape
    check_grad(f, [a, b], [ga, gb], rtol=1e-6, atol=1e-9)
    forward = gradient(f, [a, b])
    np.testing.assert_allclose(forward[0], ga, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(forward[1], gb, rtol=1e-12, atol=1e-14)
    # a constant on either side
    ga_alone = grad_bp(lambda x: f([x, b]), a)
    gb_alone = grad_bp(lambda y: f([a, y]), b)
    np.testing.assert_allclose(ga_alone, ga, rtol=1e-14)
    np.testing.assert_allclose(gb_alone, gb, rtol=1e-14)


def test_matmul_shapes_that_do_not_broadcast():
    message = r"Var: cannot matrix-multiply shapes \(2, 2, 3\) and \(3, 3, 2\)"
    with pytest.raises(ValueError, match=message):
        grad_bp(lambda w: (w @ np.ones((3, 3, 2))).sum(), np.ones((2, 2, 3)))


def test_the_quotient_rule_does_not_overflow_or_underflow():
    value, grads = backprop(lambda p: p[0] / p[1], [1e-170, 1e-170])
    assert (value, grads) == (1.0, [1e170, -1e170])
    assert grad_bp(lambda p: p[0] / p[1], [1e160, 1e160]) == [1e-160, -1e-160]
    assert grad_bp(lambda v: 1.0 / v, 1e160) == -1e-320  # subnormal, but there
    x = np.array([1e-170, 3.0, 1e160])
    gu, gv = grad_bp(lambda p: (p[0] / p[1]).sum(), [x, x])
    np.testing.assert_array_equal(gu, [1e170, 1 / 3.0, 1e-160])
    np.testing.assert_array_equal(gv, [-1e170, -3.0 / 9.0, -1e-160])
    # the ordinary range keeps the article's order of operations, bit for bit
    ordinary = grad_bp(lambda p: p[0] / p[1], [3.0, 7.0])
    assert ordinary == [1 / 7.0, -3.0 / (7.0 * 7.0)]


@pytest.mark.parametrize(
    ("result", "message"),
    [
        (None, "grad_bp: f returned None; it must return a number"),
        ("1.5", "grad_bp: f returned str '1.5'"),
        (True, "grad_bp: f returned bool True"),
        (1 + 2j, "grad_bp: f returned complex"),
    ],
)
def test_f_must_return_a_number(result, message):
    with pytest.raises(TypeError, match=re.escape(message)):
        grad_bp(lambda v: result, 1.0)


@pytest.mark.parametrize(
    ("bad", "word"),
    [
        (True, "bool"),
        (np.bool_(False), "bool"),
        (1 + 2j, "complex"),
        ([True, False], "bool"),
    ],
)
def test_bools_and_complex_numbers_are_not_inputs(bad, word):
    message = r"grad_bp: xs(\[0\])? must be a real number or a numeric array"
    with pytest.raises(TypeError, match=f"{message}, got .*{word}"):
        grad_bp(lambda v: v * 1.0, bad)


def test_ints_become_floats():
    assert grad_bp(lambda x: x * x, 3) == 6.0
    assert type(grad_bp(lambda x: x * x, np.int64(3))) is float
    g = grad_bp(lambda x: x[0] * x[0] + x[1] * x[1], [1, 2])
    assert g == [2.0, 4.0] and all(type(v) is float for v in g)
    g = grad_bp(lambda x: (x * x).sum(), np.array([1, 2]))
    assert g.dtype == np.float64


def test_dual_and_var_do_not_mix():
    message = "Var: a Var and a Dual cannot be mixed"
    with pytest.raises(TypeError, match=message):
        grad_bp(lambda v: v * Dual(1.0, 1.0), 1.0)
    message = "where: a Dual and a Var cannot be mixed"
    with pytest.raises(TypeError, match=message):
        grad_bp(lambda v: fn.where(v > 0, Dual(1.0, 1.0), v), np.ones(1))
    message = "grad_bp: a Var and a Dual cannot be mixed"
    with pytest.raises(TypeError, match=message):
        grad_bp(lambda v: v * v, Dual(2.0, 1.0))  # a Dual made by hand


def test_nodes_are_named():
    tape = Tape()
    u, v = tape.var(3.0), tape.var(2.0)
    q = 1.0 / (u / v)
    node = tape.nodes[q.index]
    assert isinstance(node, Node) and node is q  # a Var is its own node
    assert (node.op, node.constant, node.value) == ("c/", 1.0, 2 / 3)
    first = tape.nodes[u.index]
    assert (first.op, first.constant, first.value) == ("input", None, 3.0)
    assert first.inputs == ()
    division = tape.nodes[q.index - 1]
    assert division.inputs == ((0, 0.5), (1, -0.75))


def test_grad_bp_pauses_the_collector_for_one_pass_and_restores_it():
    seen = []

    def f(v):
        seen.append(gc.isenabled())
        return v[0] * v[1]

    assert gc.isenabled()
    assert grad_bp(f, [2.0, 3.0]) == [3.0, 2.0]
    assert seen == [False] and gc.isenabled()
    with pytest.raises(ZeroDivisionError):
        grad_bp(lambda v: v[0] / 0, [1.0])
    assert gc.isenabled()  # restored after an error too
    gc.disable()
    try:
        grad_bp(f, [2.0, 3.0])
        assert not gc.isenabled()  # left off, as the caller had it
    finally:
        gc.enable()


# Regressions of the campaign of unusual inputs (issue 24).

TINY = 5e-324  # the smallest subnormal


def test_x_to_the_x_at_a_subnormal_x_is_right_in_both_modes():
    # d/dx x**x = x**x (log x + 1); x**(x - 1) alone overflows there
    expected = TINY**TINY * (math.log(TINY) + 1)
    assert grad_bp(lambda x: x**x, TINY) == pytest.approx(expected, rel=1e-15)
    assert derivative(lambda x: x**x, TINY) == grad_bp(lambda x: x**x, TINY)


def test_x_over_x_at_a_subnormal_x_is_nan_in_reverse_mode():
    # Both partials, 1/x and -x/x**2, are beyond the largest float; their
    # sum, 0, is not.  Forward mode adds before it divides; reverse mode
    # cannot, and says nan, never a finite wrong number.
    assert derivative(lambda x: x / x, TINY) == 0.0
    assert math.isnan(grad_bp(lambda x: x / x, TINY))


def test_a_fractional_power_of_a_negative_number_is_nan_in_both_modes():
    with pytest.warns(RuntimeWarning, match="invalid value"):
        value, slope = backprop(lambda x: x ** (1 / 3), -8.0)
    assert math.isnan(value) and math.isnan(slope)
    with pytest.warns(RuntimeWarning, match="invalid value"):
        value, slope = jvp(lambda x: x ** (1 / 3), -8.0, 1.0)
    assert math.isnan(value) and math.isnan(slope)
    # a whole exponent is fine for any base
    assert grad_bp(lambda x: x**3.0, -2.0) == 12.0


def test_the_slope_along_the_exponent_is_0_where_the_power_is_0():
    # 0**v is 0 for every v > 0: moving v changes nothing
    assert grad_bp(lambda p: p[0] ** p[1], [0.0, 2.0]) == [0.0, 0.0]
    assert gradient(lambda p: p[0] ** p[1], [0.0, 2.0]) == [0.0, 0.0]
    assert grad_bp(lambda v: 0.0**v, 3.0) == 0.0


def test_if_len_and_indexing_of_a_var():
    assert bool(Var(2.0)) and not bool(Var(0.0))
    assert (lambda v: 1.0 if v else -1.0)(Var(0.0)) == -1.0
    with pytest.raises(ValueError, match="Var: a Var of an array is"):
        bool(Var(np.ones(2)))
    with pytest.raises(TypeError, match="Var: a Var of one number has no"):
        len(Var(1.0))
    assert len(Var(np.ones((3, 2)))) == 3
    assert [v.value for v in Var(np.array([1.0, 2.0]))] == [1.0, 2.0]
    v = Var(2.0)
    assert v.T is v  # one number is its own transpose


def test_a_var_needs_a_tape():
    with pytest.raises(TypeError, match="Var: tape must be a Tape, got int"):
        Var(1.0, tape=5)
    tape = Tape()
    assert Var(1.0, tape).tape is tape and len(tape) == 1


def test_tanh_of_an_array_records_a_rule_for_any_cotangent():
    tape = Tape()
    x = np.array([0.5, -1.0])
    out = fn.tanh(tape.var(x))
    ((_, rule),) = tape.nodes[out.index].inputs
    slope = 1 - np.tanh(x) ** 2
    np.testing.assert_allclose(rule(np.ones(2)), slope, rtol=1e-15)
    np.testing.assert_allclose(rule(2.0), 2 * slope, rtol=1e-15)
    nested = rule(Dual(np.ones(2), 1.0))  # forward over reverse
    np.testing.assert_allclose(nested.tangent, slope, rtol=1e-15)
    assert isinstance(
        tape.nodes[fn.tanh(tape.var(0.5)).index].inputs[0][1], float
    )


# Second derivatives: the Hessian times a vector, and nesting.


def _hvp_by_differences(f, xs, v, h=1e-5):
    """``(grad f(xs + h v) - grad f(xs - h v)) / 2h``, leaf by leaf."""
    up = [x + h * d for x, d in zip(xs, v, strict=True)]
    down = [x - h * d for x, d in zip(xs, v, strict=True)]
    return [
        (g_up - g_down) / (2 * h)
        for g_up, g_down in zip(grad_bp(f, up), grad_bp(f, down), strict=True)
    ]


def _directions(xs, seed):
    rng = np.random.default_rng(seed)
    return [
        float(rng.normal())
        if np.ndim(x) == 0
        else rng.normal(size=np.shape(x))
        for x in xs
    ]


def _second_order_campaign(examples):
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )


def _check_hvp(program, xs):
    kinks = []
    run_typed(program, xs, kinks)
    assume(min(kinks, default=math.inf) > 1e-2)

    def f(values):
        return run_typed(program, values)

    v = _directions(xs, len(program))
    got = hvp(f, xs, v)
    assert type(got) is list and len(got) == len(xs)
    differences = _hvp_by_differences(f, xs, v)
    for g, x, expected in zip(got, xs, differences, strict=True):
        assert np.shape(g) == np.shape(x)
        assert type(g) is (float if np.ndim(x) == 0 else np.ndarray)
        np.testing.assert_allclose(g, expected, rtol=1e-5, atol=1e-6)

    # reverse over reverse: the gradient of (gradient . v)
    def along(values):
        grads = grad_bp(f, values)
        return sum(
            (g * d).sum() if np.ndim(d) else g * d
            for g, d in zip(grads, v, strict=True)
        )

    for g, expected in zip(grad_bp(along, xs), got, strict=True):
        np.testing.assert_allclose(g, expected, rtol=1e-9, atol=1e-10)


@_second_order_campaign(100)
@given(
    program=typed_programs(SCALAR_SHAPES, max_steps=8),
    xs=typed_inputs(SCALAR_SHAPES),
)
def test_hvp_matches_differences_of_gradients_on_scalar_programs(program, xs):
    _check_hvp(program, xs)


@_second_order_campaign(100)
@given(
    program=typed_programs(ARRAY_SHAPES, max_steps=8),
    xs=typed_inputs(ARRAY_SHAPES),
)
def test_hvp_matches_differences_of_gradients_on_array_programs(program, xs):
    _check_hvp(program, xs)


def test_hvp_of_a_quadratic_is_the_matrix_times_v():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(3, 3))
    x0, v = rng.normal(size=3), rng.normal(size=3)

    def f(x):
        return 0.5 * (x @ a @ x) + fn.sin(x).sum()

    hessian = 0.5 * (a + a.T) - np.diag(np.sin(x0))
    np.testing.assert_allclose(hvp(f, x0, v), hessian @ v, rtol=1e-13)
    # the neuron: the Hessian's column for a, from five hvps
    columns = [hvp(neuron, POINT, list(e)) for e in np.eye(5)]
    hessian = np.array(columns)
    np.testing.assert_allclose(hessian, hessian.T, rtol=1e-12, atol=1e-15)
    assert hvp(neuron, tuple(POINT), (1.0, 0, 0, 0, 0)) == tuple(columns[0])


def test_hvp_wants_one_direction_per_argument():
    message = "hvp: v must hold one direction per argument: 2 arguments"
    with pytest.raises(ValueError, match=message):
        hvp(lambda p: p[0] * p[1], [1.0, 2.0], 1.0)
    with pytest.raises(ValueError, match=r"hvp: v has shape \(2,\), but xs"):
        hvp(lambda x: (x * x).sum(), np.ones(3), np.ones(2))
    with pytest.raises(TypeError, match="hvp: f must be a function"):
        hvp(5, 1.0, 1.0)


def test_hvp_refuses_a_number_as_the_direction_of_an_array():
    # v is a direction shaped like xs: a number is not broadcast
    cases = [
        (lambda x: (x * x).sum(), np.ones(3), 1.0, ""),
        (lambda p: (p[0] * p[1]).sum(), [1.0, np.ones(3)], [1.0, 1.0], "[1]"),
    ]
    for f, xs, v, at in cases:
        with pytest.raises(ValueError) as error:
            hvp(f, xs, v)
        assert str(error.value) == (
            f"hvp: v{at} has shape (), but xs{at} has shape (3,); v is a "
            "direction, shaped like xs"
        )


def test_reverse_over_reverse():
    assert grad_bp(lambda x: grad_bp(lambda y: y * y * y, x), 2.0) == 12.0
    # an outer Var on either side of an inner one
    assert grad_bp(lambda x: grad_bp(lambda y: x * y, 2.0), 3.0) == 1.0
    assert grad_bp(lambda x: grad_bp(lambda y: y * x * x, 2.0), 3.0) == 6.0
    s = 1 / (1 + math.exp(-0.3))
    second = grad_bp(lambda x: grad_bp(fn.sigmoid, x), 0.3)
    assert second == pytest.approx(s * (1 - s) * (1 - 2 * s), rel=1e-12)
    # arrays: indexing, matmul, sums, reshapes, transposes
    w = np.arange(6.0).reshape(2, 3)

    def inner(x):
        return grad_bp(lambda y: ((y @ x.T) ** 2).sum() * y[0, 1], w)

    def outer(x):
        return (inner(x) * w).sum()

    x0 = np.linspace(-1.0, 1.0, 6).reshape(2, 3)
    check_grad(outer, x0, grad_bp(outer, x0), rtol=1e-6)


def test_a_var_kept_from_an_inner_derivative_is_refused():
    kept = []

    def inner(y):
        kept.append(y)
        return y * y

    def outer(x):
        grad_bp(inner, 1.0)
        return x * kept[-1]

    message = "Var: the two operands are on different tapes"
    with pytest.raises(ValueError, match=message):
        grad_bp(outer, 2.0)
