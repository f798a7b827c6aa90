import numpy as np
import pytest
from article import GRADIENT, POINT, VALUE
from hypothesis import given, settings
from programs import inputs, programs, run

from gradbook import functions as fn
from gradbook.backprop import Tape, Var, backprop, eval_bp, grad_bp, sequence_var
from gradbook.circuits import neuron, sum_of_squares
from gradbook.dual import gradient
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
    from_array = grad_bp(lambda v: neuron(sequence_var(v)), np.array(POINT, dtype=float))
    assert isinstance(from_array, np.ndarray)
    assert from_array.tolist() == GRADIENT


def test_reverse_equals_forward_and_finite_differences_on_the_neuron():
    assert grad_bp(neuron, POINT) == gradient(neuron, POINT)
    check_grad(neuron, [float(p) for p in POINT], grad_bp(neuron, POINT))


@settings(max_examples=150, deadline=None)
@given(program=programs(), xs=inputs)
def test_random_programs_reverse_matches_forward_and_finite_differences(program, xs):
    def f(values):
        return run(program, values)

    reverse = grad_bp(f, xs)
    np.testing.assert_allclose(reverse, gradient(f, xs), rtol=1e-10, atol=1e-12)
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
    assert grad_bp(shared, [a, b]) == pytest.approx([ds * b, ds * a], rel=1e-14)


def test_a_chain_of_100000_operations_needs_no_recursion():
    def chain(x):
        for _ in range(100_000):
            x = x * 1.0001 - 0.0001
        return x

    assert grad_bp(chain, 0.5) == pytest.approx(1.0001**100_000, rel=1e-9)


@pytest.mark.parametrize(
    "column", [lambda x: x[:, None], lambda x: x.reshape(3, 1)], ids=["x[:, None]", "reshape"]
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
    np.testing.assert_allclose(gradient(lambda x: f([x, w]), x), gx, rtol=1e-12)


def test_scalar_times_array_and_bias_broadcast():
    rng = np.random.default_rng(2)
    X, W, b = rng.normal(size=(5, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)

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
    np.testing.assert_array_equal(grad_bp(lambda v: v[np.array([0, 0, 2])].sum(), x), [2.0, 0.0, 1.0])
    np.testing.assert_allclose(
        grad_bp(lambda v: (v**3).sum() + (2.0**v).sum(), x), 3 * x**2 + np.log(2) * 2**x
    )
    assert grad_bp(lambda ab: ab[0] ** ab[1], [2.0, 3.0]) == pytest.approx([12.0, 8 * np.log(2.0)])


def test_one_forward_pass_records_each_operation_once():
    tape = Tape()
    inputs = [tape.var(p) for p in POINT]
    out = neuron(inputs)
    # 5 inputs; a*x, b*y, +, +c; sigmoid at z >= 0: -z, exp, 1 + e, 1 / (1 + e)
    assert len(tape) == 5 + 4 + 4
    assert [node.op for node in tape.nodes[5:]] == ["*", "*", "+", "+", "neg", "exp", "+", "c/"]
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

    tape.nodes = [
        node._replace(inputs=tuple((j, counted(i, r)) for j, r in node.inputs))
        for i, node in enumerate(tape.nodes)
    ]
    cotangents = tape.backward(out)
    edges = sum(len(node.inputs) for node in tape.nodes)
    assert len(calls) == edges  # one rule call per edge of the graph
    assert calls == sorted(calls, reverse=True)  # output first, then towards the inputs
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
    with pytest.raises(ValueError, match=r"grad_bp: f must return a scalar, but it returned an array of shape \(3,\)"):
        grad_bp(lambda v: v * 2.0, np.ones(3))


@pytest.mark.parametrize("bad", [["a", 1.0], [None], "abc", [{"x": 1}]])
def test_non_numeric_inputs(bad):
    with pytest.raises(TypeError, match=r"grad_bp: xs(\[0\])? must be a real number or a numeric array"):
        grad_bp(lambda v: 0.0, bad)


def test_ragged_input():
    with pytest.raises(ValueError, match=r"grad_bp: xs\[0\] is ragged"):
        grad_bp(lambda v: 0.0, [[[1.0, 2.0], [3.0]]])


def test_shapes_that_do_not_fit():
    with pytest.raises(ValueError, match=r"cannot matrix-multiply shapes \(2, 3\) and \(2, 3\)"):
        grad_bp(lambda w: (w @ w).sum(), np.ones((2, 3)))
    with pytest.raises(
        ValueError,
        match=r"grad_bp: f combined arrays whose shapes do not fit together \(.*\(3,\) \(4,\).*\); "
        r"the inputs have shapes \(3,\), \(4,\)",
    ):
        grad_bp(lambda p: (p[0] + p[1]).sum(), [np.ones(3), np.ones(4)])


def test_powers_at_zero():
    assert grad_bp(lambda v: v**0, 0.0) == 0.0
    assert grad_bp(lambda v: v**2, 0.0) == 0.0
    assert grad_bp(lambda v: v[0] ** v[1], [0.5, 0.0]) == pytest.approx([0.0, np.log(0.5)], rel=1e-15)


def test_vars_from_two_tapes_do_not_mix():
    with pytest.raises(ValueError, match="Var: this Var belongs to another tape"):
        Var(1.0) + Var(2.0)


def test_sequence_var_needs_a_sequence():
    with pytest.raises(TypeError, match="sequence_var: v must be a Var holding a sequence, got float 1.0"):
        sequence_var(1.0)


@pytest.mark.parametrize("who", [grad_bp, backprop, eval_bp])
def test_needs_a_function(who):
    with pytest.raises(TypeError, match=rf"{who.__name__}: f must be a function, got list \[1.0\]"):
        who([1.0], [1.0])


@pytest.mark.parametrize("who", [grad_bp, backprop])
def test_needs_a_scalar_output_and_says_who(who):
    with pytest.raises(ValueError, match=f"{who.__name__}: f must return a scalar"):
        who(lambda v: v * 2.0, np.ones(3))
