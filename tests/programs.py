"""Random differentiable programs for property tests, shared by the test modules.

A program is a list of instructions over a growing list of values: the
inputs first, then one value per instruction, each made from earlier values.
Any value may be used many times, so programs have shared sub-expressions.
Every operation keeps values bounded, so finite differences stay meaningful.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from gradbook import functions as fn

UNARY = {
    "neg": lambda a: -a,
    "sin": fn.sin,
    "cos": fn.cos,
    "tanh": fn.tanh,
    "sigmoid": fn.sigmoid,
    "exp": lambda a: fn.exp(fn.tanh(a)),
    "log": lambda a: fn.log(2.0 + fn.sin(a)),
    "sqrt": lambda a: fn.sqrt(1.0 + a * a),
    "square": lambda a: a**2,
    "scale": lambda a: 0.5 * a - 0.25,
}
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * fn.tanh(b),
    "mul_raw": lambda a, b: fn.tanh(a) * fn.tanh(b),
    "div": lambda a, b: a / (1.5 + fn.sin(b)),
}


@st.composite
def programs(draw: Any, n_inputs: int = 3, max_steps: int = 12) -> list[tuple]:
    steps = []
    for k in range(draw(st.integers(1, max_steps))):
        available = n_inputs + k
        if draw(st.booleans()):
            name = draw(st.sampled_from(sorted(UNARY)))
            steps.append((name, draw(st.integers(0, available - 1))))
        else:
            name = draw(st.sampled_from(sorted(BINARY)))
            steps.append((name, draw(st.integers(0, available - 1)), draw(st.integers(0, available - 1))))
    return steps


def run(program: list[tuple], inputs: Any) -> Any:
    """Run ``program`` on ``inputs`` (any number type) and return its last value."""
    values = list(inputs)
    for name, *args in program:
        op = UNARY.get(name) or BINARY[name]
        values.append(op(*(values[i] for i in args)))
    return values[-1]


inputs = st.lists(st.floats(-2.0, 2.0, allow_nan=False), min_size=3, max_size=3)
