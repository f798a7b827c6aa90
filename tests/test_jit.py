"""gradbook.jit: the recorded program computes what backprop computes.

The compiled gradient is compared with ``backprop`` on the property-test
programs of ``tests/programs.py`` (scalars, broadcast arrays, stacks of
matrices), at the arguments it was recorded with and at new ones; the
article's neuron and the digits network agree to the last digit.  New
arguments of other shapes, or that take another branch, are refused.
"""

import math
import warnings

import numpy as np
import pytest
from hypothesis import Phase, given, settings
from programs import (
    ARRAY_SHAPES,
    SCALAR_SHAPES,
    STACK_SHAPES,
    inputs,
    programs,
    run,
    run_typed,
    typed_inputs,
    typed_programs,
)

from gradbook import functions as fn
from gradbook import jit, nn
from gradbook.article import GRADIENT, POINT, VALUE
from gradbook.backprop import Var, backprop, grad_bp, hvp, sequence_var
from gradbook.circuits import neuron
from gradbook.dual import Dual, derivative
from gradbook.jit import MismatchError

# The same operations in a different order (a where the tape records and
# plain backprop resolves at once): the last bits may differ.
SAME = {"rtol": 1e-12, "atol": 1e-300}


def campaign(examples: int):
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )


def assert_same(got, expected, tolerance=SAME):
    """Value and gradient agree, with the same types and shapes."""
    (value, grads), (value_bp, grads_bp) = got, expected
    assert type(value) is float and type(value_bp) is float
    np.testing.assert_allclose(value, value_bp, **tolerance)
    if not isinstance(grads_bp, (list, tuple)):
        grads, grads_bp = [grads], [grads_bp]
    assert type(grads) is type(grads_bp) and len(grads) == len(grads_bp)
    for g, g_bp in zip(grads, grads_bp, strict=True):
        assert type(g) is type(g_bp) and np.shape(g) == np.shape(g_bp)
        np.testing.assert_allclose(g, g_bp, **tolerance)


def quietly(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return call()


def check_compiled(f, xs, new_xs):
    """compile_grad agrees with backprop at ``xs`` and at ``new_xs``, with
    and without optimizing, and so does the replay of its program."""
    expected = quietly(lambda: backprop(f, xs))
    for optimize in (True, False):
        compiled = jit.compile_grad(f, xs, optimize=optimize)
        assert_same(quietly(lambda c=compiled: c(xs)), expected)
        replayed = quietly(lambda c=compiled: c.program.run(*xs))
        np.testing.assert_allclose(replayed[0], expected[0], **SAME)
    try:
        got = quietly(lambda: compiled(new_xs))
    except MismatchError:  # another branch: refused, never a wrong number
        return
    assert_same(got, quietly(lambda: backprop(f, new_xs)))


@campaign(150)
@given(
    program=typed_programs(SCALAR_SHAPES, max_steps=12),
    xs=typed_inputs(SCALAR_SHAPES),
    new_xs=typed_inputs(SCALAR_SHAPES),
)
def test_scalar_programs(program, xs, new_xs):
    check_compiled(lambda v: run_typed(program, v), xs, new_xs)


@campaign(150)
@given(
    program=typed_programs(ARRAY_SHAPES),
    xs=typed_inputs(ARRAY_SHAPES),
    new_xs=typed_inputs(ARRAY_SHAPES),
)
def test_array_programs(program, xs, new_xs):
    check_compiled(lambda v: run_typed(program, v), xs, new_xs)


@campaign(100)
@given(
    program=typed_programs(STACK_SHAPES),
    xs=typed_inputs(STACK_SHAPES),
    new_xs=typed_inputs(STACK_SHAPES),
)
def test_programs_with_stacks_of_matrices(program, xs, new_xs):
    check_compiled(lambda v: run_typed(program, v), xs, new_xs)


@campaign(100)
@given(program=programs(), xs=inputs, new_xs=inputs)
def test_programs_of_shared_scalar_steps(program, xs, new_xs):
    check_compiled(lambda v: run(program, v), xs, new_xs)


def test_the_compiled_neuron_gives_the_articles_digits():
    compiled = jit.compile_grad(neuron, POINT)
    value, grads = compiled(POINT)
    assert value == VALUE and grads == GRADIENT  # to the last digit
    # at a point where the sigmoid takes its other branch, as backprop
    other = [-1.0, 0.5, 2.0, 0.7, -0.3]
    assert compiled(other) == backprop(neuron, other)
    assert compiled(tuple(POINT)) == (VALUE, tuple(GRADIENT))
    assert compiled([1, 2, -3, -1, 3]) == (VALUE, GRADIENT)  # ints: floats


def test_the_digits_networks_gradient_to_the_last_digit():
    rng = np.random.default_rng(0)
    x, labels = rng.normal(size=(40, 8)), rng.integers(0, 3, size=40)
    targets = nn.one_hot(labels, 3)
    params = nn.init_mlp([8, 16, 3], rng=1)

    def loss(p):
        return nn.loss(p, x, targets)

    compiled = jit.compile_grad(loss, params)
    for p in (params, nn.init_mlp([8, 16, 3], rng=2)):
        value, grads = compiled(p)
        value_bp, grads_bp = backprop(loss, p)
        assert value == value_bp
        for g, g_bp in zip(grads, grads_bp, strict=True):
            np.testing.assert_array_equal(g, g_bp)


@pytest.mark.parametrize(
    "f, xs",
    [
        (lambda x: (x[1] * x[[0, 0, 2]]).sum(), np.arange(1.0, 4.0)),
        (lambda x: (x.reshape(2, 3) @ x[:3]).sum(), np.linspace(-1, 1, 6)),
        (lambda x: (x.T * x[:, 0]).sum(), np.linspace(-1, 1, 6).reshape(2, 3)),
        (
            lambda x: (x.transpose(2, 0, 1) ** 2).mean(),
            np.linspace(-1, 1, 24).reshape(2, 3, 4),
        ),
        (lambda x: fn.relu(x - 0.1).sum(), np.linspace(-1, 1, 7)),
        (lambda x: fn.log_softmax(x, axis=0).sum(), np.ones((3, 2))),
        (lambda x: (fn.where(x > 0, x, -x) * 2.0).sum(), np.array([-1.0, 2])),
        (lambda x: abs(x).sum() + (x @ x) ** 0.5, np.array([3.0, -4.0])),
        (lambda p: p[0] ** p[1], [1.5, 2.5]),
        (lambda p: 2.0 ** p[0] / p[1] - 1.0 / p[0], [1.5, 2.5]),
        (lambda p: sum(sequence_var(p[0])) * p[1], [np.ones(3), 2.0]),
        (lambda p: fn.sqrt(fn.exp(p) + fn.cos(p) ** 2).sum(), np.ones(2)),
        (lambda p: p * 0.0 + 3.0, 1.0),  # a gradient of zero
        (lambda p: 3.0, [1.0, np.ones(2)]),  # a constant function
    ],
)
def test_operations_the_generators_do_not_draw(f, xs):
    expected = backprop(f, xs)
    compiled = jit.compile_grad(f, xs)
    assert_same(compiled(xs), expected)


def test_a_branch_taken_by_if_is_checked():
    def f(x):
        return x * x if x > 0 else -x

    compiled = jit.compile_grad(f, 2.0)
    assert "check" in str(compiled.program)
    assert compiled(3.0) == backprop(f, 3.0)  # the same branch
    message = (
        r"compile_grad: these arguments take a different branch from the "
        r"recorded one: step 2"
    )
    with pytest.raises(MismatchError, match=message):
        compiled(-1.0)
    replay = compiled.program.run
    assert replay(3.0) == (9.0, 6.0)
    with pytest.raises(MismatchError, match="was True when the program"):
        replay(-1.0)


def test_where_is_not_frozen():
    def f(x):
        return fn.where(x > 0, x * x, -x)

    compiled = jit.compile_grad(f, 2.0)
    assert "check" not in str(compiled.program)
    for x in (3.0, -1.0, 0.0):
        assert compiled(x) == backprop(f, x)


def test_new_shapes_are_refused():
    compiled = jit.compile_grad(lambda p: (p[0] * p[1]).sum(), [np.ones(3), 2])
    message = r"compile_grad: argument x0 is a f64\[4\], but the program was"
    with pytest.raises(MismatchError, match=message):
        compiled([np.ones(4), 2.0])
    with pytest.raises(MismatchError, match="x1 is a f64"):
        compiled([np.ones(3), np.ones(3)])
    with pytest.raises(MismatchError, match="recorded for 2 arguments, got 3"):
        compiled([np.ones(3), 2.0, 1.0])
    with pytest.raises(TypeError, match="compile_grad: xs must be a list"):
        compiled(np.ones(3))
    single = jit.compile_grad(lambda x: x * x, 3.0)
    with pytest.raises(MismatchError, match="argument x is a f64"):
        single(np.ones(2))


def test_the_gradient_is_fresh_and_writable():
    compiled = jit.compile_grad(lambda x: (x * 2.0).sum(), np.ones(3))
    _, grad = compiled(np.ones(3))
    grad[0] = 99.0
    np.testing.assert_array_equal(compiled(np.ones(3))[1], [2.0, 2.0, 2.0])


def test_a_compiled_program_is_not_differentiated_again():
    compiled = jit.compile_grad(lambda x: x * x, 3.0)
    message = "compile_grad: the compiled program computes with plain"
    with pytest.raises(TypeError, match=message):
        grad_bp(lambda x: compiled(x)[0], 3.0)
    with pytest.raises(TypeError, match=message):
        derivative(lambda x: compiled(x)[0], 3.0)


def test_a_number_of_an_outer_derivative_is_refused_inside():
    message = "compile_grad: f uses a Var of a derivative taken outside"
    with pytest.raises(TypeError, match=message):
        grad_bp(lambda v: jit.compile_grad(lambda x: x * v, 1.0)(1.0)[0], 2)


def test_the_neuron_program_reads_like_the_function():
    program = jit.trace(neuron, POINT, names="a b c x y")
    assert str(program) == "\n".join(
        [
            "in   a b c x y",
            "     v1 = mul a x           float",
            "     v2 = mul b y           float",
            "     v3 = add v1 v2         float",
            "     v4 = add v3 c          float",
            "     v5 = ge v4 0.0         bool",
            "     v6 = neg v4            float",
            "     v7 = where v5 v6 v4    float",
            "     v8 = exp v7            float",
            "     v9 = where v5 1.0 v8   float",
            "     v10 = add 1.0 v8       float",
            "     v11 = div v9 v10       float",
            "out  v11",
        ]
    )
    assert program.run(*POINT) == (VALUE,)
    other = [-1.0, 0.5, 2.0, 0.7, -0.3]
    assert program.run(*other) == (neuron(other),)


def test_the_gradient_program_checks_the_quotient_rules_range():
    compiled = jit.compile_grad(neuron, POINT, names="a b c x y")
    lines = str(compiled.program).splitlines()
    assert sum(line.strip().startswith("check") for line in lines) == 2
    assert len(compiled.program) == 30
    assert all(len(line) <= 79 for line in compiled.source.splitlines())


def test_simplifying_drops_repeated_and_dead_steps():
    def f(p):
        x, y = p
        unused = fn.exp(x) * 3.0  # noqa: F841 (dead code, on purpose)
        return fn.sin(x) * y + fn.sin(x) / 2.0

    recorded = jit.trace_grad(f, [0.5, 2.0])
    repeated = jit.common_subexpressions(recorded)
    assert len(repeated) < len(recorded)
    simplified = jit.simplify(recorded)
    assert len(simplified) < len(repeated)
    assert simplified.run(0.5, 2.0) == recorded.run(0.5, 2.0)
    ops = [step.op for step in simplified.steps]
    assert ops.count("sin") == 1 and "exp" not in ops
    assert jit.dead_code(simplified).steps == simplified.steps


def test_inlining_writes_each_value_used_once_into_its_use():
    inlined = jit.compile_grad(neuron, POINT)
    plain = jit.compile_grad(neuron, POINT, optimize=False)
    assert len(inlined.source.splitlines()) < len(plain.source.splitlines())
    other = [0.3, -0.2, 0.1, 2.0, -1.5]
    assert inlined(other) == plain(other) == backprop(neuron, other)


def test_compile_program_runs_the_value_program():
    program = jit.trace(neuron, POINT)
    compiled = jit.compile_program(program, "neuron")
    assert compiled(*POINT) == (VALUE,)
    assert "def neuron(x0, x1, x2, x3, x4):" in compiled.__source__


@campaign(100)
@given(
    program=typed_programs(ARRAY_SHAPES),
    xs=typed_inputs(ARRAY_SHAPES),
)
def test_linearize_then_transpose_is_reverse_mode(program, xs):
    def f(v):
        return run_typed(program, v)

    expected = quietly(lambda: backprop(f, xs))
    value, grads = quietly(lambda: jit.grad_by_transpose(f, xs))
    np.testing.assert_allclose(value, expected[0], **SAME)
    for g, g_bp in zip(grads, expected[1], strict=True):
        assert np.shape(g) == np.shape(g_bp)
        np.testing.assert_allclose(g, g_bp, rtol=1e-9, atol=1e-12)


def test_the_neurons_linear_program_and_its_transpose():
    primal, linear = jit.linearize(neuron, POINT, names="a b c x y")
    assert linear.linear == ("da", "db", "dc", "dx", "dy")
    linear_ops = {"add", "sub", "neg", "mul", "div", "times", "where"}
    assert {step.op for step in linear.steps} <= linear_ops
    assert "exp" in {step.op for step in primal.steps}
    backward = jit.transpose(linear)
    value, *residuals = primal.run(*POINT)
    assert value == VALUE
    assert list(backward.run(*residuals, 1.0)) == GRADIENT
    # the linear program is forward mode: the tangent along one argument
    tangents = [1.0, 0.0, 0.0, 0.0, 0.0]
    assert linear.run(*residuals, *tangents) == (GRADIENT[0],)
    assert jit.grad_by_transpose(neuron, POINT) == (VALUE, GRADIENT)


def test_transpose_needs_a_linear_program():
    program = jit.trace(lambda x: x * x, 2.0)
    with pytest.raises(ValueError, match="transpose: give the linear"):
        jit.transpose(program)


def test_names_must_be_identifiers_one_per_argument():
    for names in ("a", "a b c", ["a", "1b"], "v1 x", ["a", "a"], 5):
        with pytest.raises(ValueError, match="compile_grad: names must be"):
            jit.compile_grad(lambda p: p[0] * p[1], [1.0, 2.0], names=names)


def test_the_engine_runs_unchanged_after_a_recording():
    jit.compile_grad(neuron, POINT)
    assert grad_bp(neuron, POINT) == GRADIENT
    assert Var(2.0) * 3.0 == 6.0 and Dual(2.0, 1.0) * 3.0 == 6.0
    assert math.isclose(derivative(lambda x: x * x, 3.0), 6.0)


@fn.numpy_function
def _cube(u):
    return np.power(u, 3)


@fn.numpy_function
def _cube_rule(g, u):
    return g * 3.0 * np.square(u)


def _cube_var(v):
    """A new primitive of reverse mode, written with numpy functions."""
    u = v.value
    return v.tape.record("cube", _cube(u), (v, lambda g: _cube_rule(g, u)))


def test_a_new_primitive_written_with_numpy_functions_compiles():
    x = np.array([0.5, -1.0, 2.0])

    def f(x):
        return (_cube_var(x) * 2.0).sum()

    expected = backprop(f, x)
    np.testing.assert_array_equal(expected[1], 6.0 * x**2)
    compiled = jit.compile_grad(f, x)
    assert_same(compiled(x), expected)
    assert_same(compiled(-x), backprop(f, -x))
    assert "_cube x" in str(compiled.program)
    message = "_cube: a numpy function of plain arrays was given a Dual"
    with pytest.raises(TypeError, match=message):
        hvp(f, x, x)


def test_a_convolution_compiles_and_its_hessian_exists():
    images = np.linspace(0.0, 1.0, 32).reshape(2, 1, 4, 4)
    kernels = np.cos(np.arange(18.0)).reshape(2, 1, 3, 3)

    def f(p):
        out = nn.conv2d(p[0], p[1], padding=1, stride=2)
        return (fn.tanh(out) ** 2).sum()

    xs = [images, kernels]
    expected = backprop(f, xs)
    compiled = jit.compile_grad(f, xs)
    value, grads = compiled(xs)
    assert value == expected[0]
    for g, g_bp in zip(grads, expected[1], strict=True):
        np.testing.assert_array_equal(g, g_bp)  # the same operations
    assert "_fold" in str(compiled.program)  # the rule for the images
    # forward over reverse runs conv2d_unfolded, which Duals can carry
    got = hvp(f, xs, xs)
    h = 1e-6
    up = grad_bp(f, [x * (1 + h) for x in xs])
    down = grad_bp(f, [x * (1 - h) for x in xs])
    for g, a, b in zip(got, up, down, strict=True):
        np.testing.assert_allclose(g, (a - b) / (2 * h), rtol=1e-5, atol=1e-7)
