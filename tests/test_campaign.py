"""The property campaign: random programs, three ways to differentiate.

Every generated program runs on plain numbers (its value), on ``Dual``
(forward mode, one pass per input element) and on ``Var`` (reverse mode,
one backward pass); finite differences referee the gradients.  The profile
is seeded (``derandomize=True``) and uses no example database, so every run
draws the same programs.  Together the tests below run at least 2,000
programs.
"""

import math

import numpy as np
import pytest
from hypothesis import Phase, assume, given, settings
from programs import (
    ARRAY_SHAPES,
    BATCHED,
    OPS,
    SCALAR_SHAPES,
    STACK_SHAPES,
    run_typed,
    typed_inputs,
    typed_programs,
)

from gradbook import dual, numerical
from gradbook import functions as fn
from gradbook.backprop import backprop, grad_bp

# Sample points this close to a kink (of relu, abs, where) are rejected.
KINK = 1e-3

# Values: the same operations on the same floats, up to how a mean is taken.
VALUE_TOLERANCE = {"rtol": 1e-12, "atol": 1e-13}
# Forward against reverse: the same rules, summed in a different order.
MODES_TOLERANCE = {"rtol": 1e-9, "atol": 1e-10}
# Against central differences (h = 1e-6): truncation and rounding error.
NUMERIC_TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}


def campaign(examples: int):
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        # no "explain" phase: it adds seconds to a failure and no insight
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )


def forward_gradient(f, xs):
    """The value and gradient of ``f`` at the list ``xs`` by forward mode.

    One ``jvp`` per input element, its tangent 1 and every other 0: the
    gradient has the shape of ``xs`` (floats for scalars).
    """
    zeros = [0.0 if np.ndim(x) == 0 else np.zeros(np.shape(x)) for x in xs]
    value, grads = None, []
    for i, x in enumerate(xs):
        grad = np.zeros(np.shape(x))
        for index in np.ndindex(np.shape(x)):
            tangents = list(zeros)
            if index:
                tangents[i] = np.zeros(np.shape(x))
                tangents[i][index] = 1.0
            else:
                tangents[i] = 1.0
            value, grad[index] = dual.jvp(f, xs, tangents)
        grads.append(grad if np.ndim(x) else float(grad))
    return value, grads


def check_program(program, xs):
    """The campaign's assertions for one program at one point."""
    kinks = []
    plain = run_typed(program, xs, kinks)
    assume(min(kinks, default=math.inf) > KINK)

    def f(values):
        return run_typed(program, values)

    var_value, reverse = backprop(f, xs)
    dual_value, forward = forward_gradient(f, xs)
    numeric = numerical.gradient(f, xs)
    assert np.ndim(plain) == 0
    assert type(var_value) is float
    np.testing.assert_allclose(dual_value, plain, **VALUE_TOLERANCE)
    np.testing.assert_allclose(var_value, plain, **VALUE_TOLERANCE)
    assert len(reverse) == len(forward) == len(xs)
    for i, x in enumerate(xs):
        assert np.shape(reverse[i]) == np.shape(x), f"input {i}"
        np.testing.assert_allclose(
            reverse[i],
            forward[i],
            **MODES_TOLERANCE,
            err_msg=f"input {i}: reverse against forward",
        )
        np.testing.assert_allclose(
            reverse[i],
            numeric[i],
            **NUMERIC_TOLERANCE,
            err_msg=f"input {i}: reverse against finite differences",
        )
    return f


@campaign(700)
@given(
    program=typed_programs(SCALAR_SHAPES, max_steps=12),
    xs=typed_inputs(SCALAR_SHAPES),
)
def test_scalar_programs(program, xs):
    f = check_program(program, xs)
    # on scalars, dual.gradient (one pass per input) is the forward mode
    np.testing.assert_allclose(
        dual.gradient(f, xs),
        grad_bp(f, xs),
        **MODES_TOLERANCE,
    )


@campaign(700)
@given(
    program=typed_programs(ARRAY_SHAPES, exclude=frozenset({BATCHED})),
    xs=typed_inputs(ARRAY_SHAPES),
)
def test_array_programs(program, xs):
    """Broadcasting, reductions, and ``@`` on vectors and matrices."""
    check_program(program, xs)


@campaign(700)
@given(program=typed_programs(STACK_SHAPES), xs=typed_inputs(STACK_SHAPES))
def test_array_programs_with_batched_matmul(program, xs):
    """Every operation, ``@`` on stacks of matrices included."""
    check_program(program, xs)


def _features(shapes, exclude=frozenset()):
    """What 700 generated programs over ``shapes`` contain."""
    seen = set()

    @settings(max_examples=700, derandomize=True, database=None)
    @given(program=typed_programs(shapes, exclude=exclude))
    def collect(program):
        value_shapes = list(shapes)
        uses = set()
        for name, args, param in program:
            seen.add(name)
            if len(set(args)) < len(args) or uses & set(args):
                seen.add("shared value")
            uses.update(args)
            if name in ("sum", "mean"):
                axis, keepdims = param
                seen.add(("reduce", type(axis).__name__, keepdims))
            a = value_shapes[args[0]]
            pair = {
                "matmul": (a, value_shapes[args[-1]]),
                "matmul_const": (a, param),
                "const_matmul": (param, a),
            }.get(name)
            if pair:
                seen.add(("@", len(pair[0]), len(pair[1])))
            value_shapes.append(_shape_after(name, args, param, value_shapes))

    collect()
    return seen


def test_the_generator_covers_every_operation():
    """The harness itself: the programs use every operation, every kind
    of reduction, ``@`` on vectors, matrices and stacks, and shared values."""
    seen = _features(ARRAY_SHAPES, exclude=frozenset({BATCHED}))
    assert set(OPS) <= seen
    assert "shared value" in seen
    for axis in ("NoneType", "int", "tuple"):
        for keepdims in (False, True):
            assert ("reduce", axis, keepdims) in seen
    for ndims in [(1, 1), (2, 1), (1, 2), (2, 2)]:
        assert ("@", *ndims) in seen, ndims
    assert not any(k[0] == "@" and 3 in k for k in seen if type(k) is tuple)
    seen = _features(STACK_SHAPES)
    assert set(OPS) <= seen
    for ndims in [(3, 1), (1, 3), (3, 2), (2, 3)]:
        assert ("@", *ndims) in seen, ndims
    assert not _features(SCALAR_SHAPES) & {"matmul", "log_softmax"}


def _shape_after(name, args, param, shapes):
    """The shape of an instruction's value, by running it on zeros."""
    zeros = [np.zeros(shapes[i]) if shapes[i] else 0.0 for i in args]
    return np.shape(fn.primal(OPS[name].apply(*zeros, param)))


# Extreme inputs, one primitive at a time
# ---------------------------------------
#
# ``(name, function, x, value, derivative)``: the exact value and
# derivative, rounded to float.  Points where the math is undefined are
# left out (log and sqrt of negative numbers, log of 0), and so are the
# points whose exact value or derivative is too large for a float:
# exp(1e6), and log at 5e-324 (whose derivative is 2e323).

TINY = 1e-300
SUB = 5e-324  # the smallest subnormal
BIG = 1e6


def _extreme_rows():
    rows = []
    for x in (0.0, TINY, -TINY, SUB, -SUB):
        rows += [
            ("exp", fn.exp, x, 1.0, 1.0),
            ("sin", fn.sin, x, x, 1.0),
            ("cos", fn.cos, x, 1.0, -x),
            ("tanh", fn.tanh, x, x, 1.0),
            ("sigmoid", fn.sigmoid, x, 0.5, 0.25),
        ]
    rows += [
        ("exp", fn.exp, -BIG, 0.0, 0.0),
        ("sin", fn.sin, BIG, math.sin(BIG), math.cos(BIG)),
        ("sin", fn.sin, -BIG, -math.sin(BIG), math.cos(BIG)),
        ("cos", fn.cos, BIG, math.cos(BIG), -math.sin(BIG)),
        ("cos", fn.cos, -BIG, math.cos(BIG), math.sin(BIG)),
        ("tanh", fn.tanh, BIG, 1.0, 0.0),
        ("tanh", fn.tanh, -BIG, -1.0, 0.0),
        ("sigmoid", fn.sigmoid, BIG, 1.0, 0.0),
        ("sigmoid", fn.sigmoid, -BIG, 0.0, 0.0),
        ("log", fn.log, TINY, math.log(TINY), 1e300),
        ("log", fn.log, BIG, math.log(BIG), 1e-6),
        ("log", fn.log, 1.0, 0.0, 1.0),
        ("sqrt", fn.sqrt, TINY, 1e-150, 5e149),
        ("sqrt", fn.sqrt, SUB, math.sqrt(SUB), 0.5 / math.sqrt(SUB)),
        ("sqrt", fn.sqrt, BIG, 1e3, 5e-4),
        ("square", lambda x: x**2, TINY, 0.0, 2e-300),
        ("square", lambda x: x**2, BIG, 1e12, 2e6),
        ("square", lambda x: x**2, -BIG, 1e12, -2e6),
        ("half power", lambda x: x**0.5, BIG, 1e3, 5e-4),
    ]
    for x in (TINY, SUB, BIG):
        rows += [
            ("relu", fn.relu, x, x, 1.0),
            ("relu", fn.relu, -x, 0.0, 0.0),
            ("abs", abs, x, x, 1.0),
            ("abs", abs, -x, x, -1.0),
            ("where", lambda v: fn.where(v > 0, v, -v), x, x, 1.0),
            ("where", lambda v: fn.where(v > 0, v, -v), -x, x, -1.0),
        ]
    # the conventions at a kink: the derivative of relu and abs at 0 is 0
    rows += [("relu", fn.relu, 0.0, 0.0, 0.0), ("abs", abs, 0.0, 0.0, 0.0)]
    return rows


EXTREME_ROWS = _extreme_rows()


@pytest.mark.parametrize(
    ("name", "f", "x", "value", "slope"),
    EXTREME_ROWS,
    ids=[f"{row[0]}({row[2]!r})" for row in EXTREME_ROWS],
)
def test_extreme_inputs(name, f, x, value, slope):
    assert f(x) == pytest.approx(value, rel=1e-15, abs=0.0)
    forward = dual.derivative(f, x)
    var_value, reverse = backprop(f, x)
    assert var_value == pytest.approx(value, rel=1e-15, abs=0.0)
    assert math.isfinite(forward) and math.isfinite(reverse)
    assert forward == pytest.approx(slope, rel=1e-14, abs=0.0)
    assert reverse == pytest.approx(slope, rel=1e-14, abs=0.0)
    assert forward == pytest.approx(reverse, rel=1e-15, abs=0.0)


@pytest.mark.parametrize(
    ("name", "f", "x", "value", "slope"),
    EXTREME_ROWS,
    ids=[f"{row[0]}({row[2]!r})" for row in EXTREME_ROWS],
)
def test_extreme_inputs_in_arrays(name, f, x, value, slope):
    """The same points inside an array, where numpy computes, not math."""
    xs = np.array([x, 0.5, x])
    np.testing.assert_allclose(f(xs)[[0, 2]], value, rtol=1e-15, atol=0)
    forward = dual.derivative(f, xs)
    reverse = grad_bp(lambda v: f(v).sum(), xs)
    assert np.all(np.isfinite(forward)) and np.all(np.isfinite(reverse))
    np.testing.assert_allclose(forward[[0, 2]], slope, rtol=1e-14, atol=0)
    np.testing.assert_allclose(reverse, forward, rtol=1e-15, atol=0)


def test_sqrt_at_zero_has_an_infinite_slope_in_both_modes():
    # The math says +inf.  Not an error: a where() whose untaken branch
    # holds sqrt(0) must still be differentiable (see test_bad_inputs).
    assert fn.sqrt(0.0) == 0.0
    assert dual.derivative(fn.sqrt, 0.0) == math.inf
    assert grad_bp(fn.sqrt, 0.0) == math.inf


LOG_SOFTMAX_POINTS = [
    np.array([0.0, TINY, -TINY]),
    np.array([SUB, 0.0, -SUB]),
    np.array([BIG, -BIG, 0.0]),
    np.array([BIG, BIG, -BIG]),
]


@pytest.mark.parametrize("x", LOG_SOFTMAX_POINTS, ids=repr)
def test_extreme_inputs_to_log_softmax(x):
    weights = np.array([1.0, 2.0, -0.5])
    shifted = x - x.max()
    probabilities = np.exp(shifted) / np.exp(shifted).sum()
    value = shifted - np.log(np.exp(shifted).sum())
    slope = weights - probabilities * weights.sum()

    def f(v):
        return (fn.log_softmax(v) * weights).sum()

    np.testing.assert_allclose(fn.log_softmax(x), value, rtol=1e-15)
    reverse = grad_bp(f, x)
    forward = np.array(
        [dual.jvp(f, x, np.eye(3)[i])[1] for i in range(3)],
    )
    assert np.all(np.isfinite(reverse)) and np.all(np.isfinite(forward))
    np.testing.assert_allclose(reverse, slope, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(forward, reverse, rtol=1e-14, atol=1e-15)
