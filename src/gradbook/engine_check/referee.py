"""The referee of :mod:`gradbook.engine_check`: a program run on plain
floats, finite differences of it, and the comparison of what an engine
gave with them, in words that never give the expected number away.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from gradbook import numerical
from gradbook.checks import Number
from gradbook.engine_check.engines import NotANumberError, as_number
from gradbook.engine_check.program import Program, Ref

__all__ = ["compare", "evaluate", "node_cotangent", "reference_gradients"]


def _sigmoid(x: Number) -> Number:
    e = np.exp(-np.abs(x))  # never overflows
    return np.where(np.asarray(x) >= 0, 1.0, e) / (1.0 + e)


_FLOAT: dict[str, Callable[..., Number]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.divide,
    "**": np.power,
    "neg": np.negative,
    "exp": np.exp,
    "log": np.log,
    "tanh": np.tanh,
    "relu": lambda x: np.maximum(x, 0.0),
    "sigmoid": _sigmoid,
    "sum": np.sum,
}


def evaluate(
    program: Program, replace: Mapping[int, Number] | None = None
) -> list[Number]:
    """Every node's value on floats (numpy), with the values of the nodes
    in ``replace`` set by hand: what comes after them follows."""
    replace = {} if replace is None else replace
    values = list(program.arguments)
    for i, v in replace.items():
        if i < len(values):
            values[i] = v
    with np.errstate(all="ignore"):
        for k, step in enumerate(program.steps):
            i = len(program.arguments) + k
            if i in replace:
                values.append(replace[i])
                continue
            operands = [
                values[o.index] if isinstance(o, Ref) else o
                for o in step.operands
            ]
            out = _FLOAT[step.op](*operands)
            values.append(out if np.ndim(out) else float(out))
    return values


def reference_gradients(program: Program) -> list[Number]:
    """The output's derivative with respect to each argument, by central
    differences."""
    return numerical.gradient(
        lambda xs: evaluate(program, dict(enumerate(xs)))[-1],
        list(program.arguments),
    )


def node_cotangent(program: Program, i: int) -> Number:
    """d(output)/d(node ``i``), by central differences: node ``i`` moves and
    everything after it follows."""
    value = evaluate(program)[i]
    return numerical.gradient(lambda v: evaluate(program, {i: v})[-1], value)


# Judging what the engine gave against the referee.

# Derivatives must agree with finite differences as numerical.check_grad
# asks; values, which need no differencing, much more closely.
RTOL, ATOL = 1e-5, 1e-7
VALUE_RTOL, VALUE_ATOL = 1e-9, 1e-12


def compare(
    raw: object, expected: Number, what: str, value: bool = False
) -> str | None:
    """None if ``raw`` (from the engine) agrees with ``expected``; else
    what is wrong, in words, never with the expected number."""
    rtol, atol = (VALUE_RTOL, VALUE_ATOL) if value else (RTOL, ATOL)
    try:
        got = as_number(raw)
    except NotANumberError as kind:
        return f"{what} is {kind}"
    if np.shape(got) != np.shape(expected):
        return f"{what} has shape {np.shape(got)}"
    got, expected = np.asarray(got), np.asarray(expected, dtype=float)
    if np.any(np.isnan(got)):
        return f"{what} is nan"
    with np.errstate(all="ignore"):  # inf - inf is nan: not close
        close = np.abs(got - expected) <= atol + rtol * np.abs(expected)
    if np.all(close):
        return None
    if np.any(np.isinf(got)):
        return f"{what} is infinite"
    if np.all(got == 0):
        return f"{what} is wrong (it is 0: nothing reached it)"
    return f"{what} is wrong"
