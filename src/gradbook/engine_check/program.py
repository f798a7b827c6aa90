"""The small programs :mod:`gradbook.engine_check` runs: a few steps over
named arguments, such as ``t = x * y`` then ``t * t``.

A :class:`Program` is data: the checker runs it on the engine under test
(:mod:`.engines`) and on plain floats (:mod:`.referee`), and its messages
name its nodes the way a learner writes them (``mul (x * y)``,
``rsub (2.5 - x)``).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import NamedTuple

from gradbook.checks import Number

__all__ = [
    "BINARY",
    "OPERATOR",
    "Builder",
    "Program",
    "Ref",
    "Step",
    "op_name",
]

# A binary step's symbol and its name: the name of the Python method that
# computes it (``__mul__``), which is what a learner writes.
BINARY = {"+": "add", "-": "sub", "*": "mul", "/": "truediv", "**": "pow"}
OPERATOR = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
}


class Ref(NamedTuple):
    """A node of a program, by its index: the arguments come first."""

    index: int


class Step(NamedTuple):
    """One operation: a symbol of :data:`BINARY` (``"*"``) or the name of a
    function of one value (``"neg"``, ``"exp"``, ``"log"``, ``"tanh"``,
    ``"relu"``, ``"sigmoid"``, ``"sum"``), its operands (nodes, or plain
    numbers), and the node's name, if the messages need one."""

    op: str
    operands: tuple[Ref | float, ...]
    name: str | None = None


def op_name(step: Step) -> str:
    """The operation as the engine's author knows it: ``mul``, or ``rsub``
    for ``2.5 - x`` (Python's reflected method, ``__rsub__``)."""
    if step.op not in BINARY:
        return step.op
    reflected = not isinstance(step.operands[0], Ref)
    return ("r" if reflected else "") + BINARY[step.op]


@dataclass(frozen=True)
class Program:
    """Arguments (names and values) and the steps computed from them; the
    last node is the output."""

    names: tuple[str, ...]
    arguments: tuple[Number, ...]
    steps: tuple[Step, ...]

    @property
    def size(self) -> int:
        return len(self.arguments) + len(self.steps)

    def step(self, i: int) -> Step | None:
        """The step that makes node ``i``; None for an argument."""
        k = i - len(self.arguments)
        return self.steps[k] if k >= 0 else None

    def uses(self, i: int) -> list[tuple[int, int]]:
        """Where node ``i`` is used: ``(node, operand position)`` pairs."""
        n = len(self.arguments)
        return [
            (n + k, side)
            for k, step in enumerate(self.steps)
            for side, operand in enumerate(step.operands)
            if operand == Ref(i)
        ]

    def label(self, i: int) -> str:
        """How a message names node ``i``: ``x``, ``t``, ``the output``."""
        if i < len(self.arguments):
            return self.names[i]
        step = self.step(i)
        if step.name:
            return step.name
        if i == self.size - 1:
            return "the output"
        return f"the {op_name(step)} node ({self.text(i)})"

    def text(self, i: int | None = None) -> str:
        """Node ``i`` (the output by default) as an expression:
        ``t * t``, ``exp(x)``, ``2.5 - x``."""
        i = self.size - 1 if i is None else i
        step = self.step(i)
        if step is None:
            return self.names[i]
        words = [self._operand(o) for o in step.operands]
        if step.op in BINARY:
            return f"{words[0]} {step.op} {words[1]}"
        if step.op == "neg":
            return f"-{words[0]}"
        if step.op == "sum":
            return f"{words[0]}.sum()"
        return f"{step.op}({words[0]})"

    def _operand(self, operand: Ref | float) -> str:
        if not isinstance(operand, Ref):
            return f"{operand:g}"
        step = self.step(operand.index)
        if step is None or step.name:
            return self.label(operand.index)
        text = self.text(operand.index)
        return f"({text})" if step.op in BINARY else text

    def listing(self) -> str:
        """The whole program: ``t = x * y; t * t``."""
        parts = [
            f"{step.name} = {self.text(len(self.arguments) + k)}"
            for k, step in enumerate(self.steps[:-1])
            if step.name
        ]
        return "; ".join([*parts, self.text()])


class Builder:
    """Writes a program step by step::

    b = Builder(x=0.4, y=-1.3)
    x, y = b.arguments
    t = b.op("*", x, y, name="t")
    b.op("*", t, t)
    program = b.program()
    """

    def __init__(self, **arguments: Number) -> None:
        self.names = tuple(arguments)
        self.values = tuple(arguments.values())
        self.arguments = [Ref(i) for i in range(len(arguments))]
        self.steps: list[Step] = []

    def op(
        self, op: str, *operands: Ref | float, name: str | None = None
    ) -> Ref:
        operands = tuple(
            o if isinstance(o, Ref) else float(o) for o in operands
        )
        self.steps.append(Step(op, operands, name))
        return Ref(len(self.values) + len(self.steps) - 1)

    def program(self) -> Program:
        return Program(self.names, self.values, tuple(self.steps))
