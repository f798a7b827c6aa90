"""A recorded program: the intermediate form of ``gradbook.jit``.

A ``Program`` is a straight list of ``Step``s, each one primitive
operation on values computed before it: ``v3 = mul v1 v2``.  Values have
names (the arguments' names, then ``v1``, ``v2``, ...); a constant is a
``Literal``.  Every value's *kind* (a float, a bool, an array of some
shape) is known, because the program was recorded by running the function
once.  A ``check`` step has no value: it says that a branch the recording
took (an ``if`` on a recorded value) must be taken again.

The same form is printed for a reader (``print(program)``, like JAX's
jaxprs), run by an interpreter (``run``: a *replay*, no Python tracing),
simplified (``optimize``), turned into Python source (``codegen``), and
linearized and transposed (``linear``).

``PRIMITIVES`` holds what each operation computes on plain numbers, in
exactly the engine's words (``gradbook.functions``), so that a program
gives the numbers the engine gives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from gradbook import functions

__all__ = ["PRIMITIVES", "Kind", "Literal", "MismatchError", "Program", "Step"]


class MismatchError(ValueError):
    """Arguments that do not fit the recorded program: another shape, or
    another branch at one of its checks."""


@dataclass(frozen=True)
class Literal:
    """A constant in a program: a number, an array, or a setting such as
    an index."""

    value: object

    def __str__(self) -> str:
        value = self.value
        if isinstance(value, np.ndarray):
            return f"const{Kind.of(value)}"
        return repr(value)


@dataclass(frozen=True)
class Kind:
    """What a value is: its Python type and its shape."""

    type: type
    shape: tuple[int, ...] = ()
    dtype: str = ""

    @staticmethod
    def of(value: object) -> Kind:
        if isinstance(value, np.ndarray):
            return Kind(np.ndarray, value.shape, value.dtype.name)
        return Kind(type(value))

    def __str__(self) -> str:
        if self.type is np.ndarray:
            kind = "f64" if self.dtype == "float64" else self.dtype
            return f"{kind}[{','.join(map(str, self.shape))}]"
        return {bool: "bool", float: "float"}.get(
            self.type, self.type.__name__
        )


@dataclass(frozen=True)
class Step:
    """One line of a program: ``out = op args params``.  A check has no
    ``out``; its one param, ``holds``, is the outcome it must see again."""

    out: str | None
    op: str
    args: tuple
    params: tuple = ()  # (name, value) pairs, such as (("axis", 1),)

    def __str__(self) -> str:
        if self.op == "check":
            ((_, holds),) = self.params
            return f"check {'' if holds else 'not '}{self.args[0]}"
        params = dict(self.params)
        op = params.pop("function").__name__ if self.op == "call" else self.op
        words = [op, *map(str, self.args)]
        words += [f"{name}={_short(value)}" for name, value in params.items()]
        return f"{self.out} = {' '.join(words)}"


def _short(value: object) -> str:
    if isinstance(value, np.ndarray):
        return f"const{Kind.of(value)}"
    return repr(value)


@dataclass
class Program:
    """Straight-line steps from named inputs to outputs (names or
    ``Literal``s), and the kind of every value."""

    inputs: tuple[str, ...]
    steps: list[Step]
    outputs: tuple
    kinds: dict[str, Kind] = field(default_factory=dict)
    linear: tuple[str, ...] = ()  # the inputs a linear program is linear in

    def __len__(self) -> int:
        return len(self.steps)

    def __str__(self) -> str:
        width = max((len(str(s)) for s in self.steps), default=0)
        lines = [f"in   {' '.join(self.inputs)}"]
        for step in self.steps:
            kind = "" if step.out is None else str(self.kinds[step.out])
            lines.append(f"     {step!s:{width}}   {kind}".rstrip())
        lines.append(f"out  {' '.join(map(str, self.outputs))}")
        return "\n".join(lines)

    def run(self, *arguments: object) -> tuple:
        """The outputs for these arguments (plain numbers, one per input),
        step by step: a replay of the recording, with no Python tracing of
        the function that was recorded."""
        if len(arguments) != len(self.inputs):
            takes = f"the program takes {len(self.inputs)} arguments"
            raise ValueError(f"Program.run: {takes}, got {len(arguments)}")
        values = dict(zip(self.inputs, arguments, strict=True))
        for number, step in enumerate(self.steps, 1):
            args = [
                a.value if isinstance(a, Literal) else values[a]
                for a in step.args
            ]
            if step.op == "check":
                _check(step, number, args[0], self)
            else:
                params = dict(step.params) if step.params else {}
                values[step.out] = PRIMITIVES[step.op](*args, **params)
        return tuple(_read(values, a) for a in self.outputs)


def _read(values: dict, atom: object) -> object:
    return atom.value if isinstance(atom, Literal) else values[atom]


def _check(step: Step, number: int, value: object, program: Program) -> None:
    """A check step: the branch it guards must be taken again."""
    ((_, holds),) = step.params
    if bool(value) is not holds:
        raise mismatch(program, number, holds)


def mismatch(program: Program, number: int, holds: bool) -> MismatchError:
    """The error for arguments that take another branch at check
    ``number`` (counted from 1 among the steps)."""
    step = program.steps[number - 1]
    origin = next((str(s) for s in program.steps if s.out == step.args[0]), "")
    return MismatchError(
        f"compile_grad: these arguments take a different branch from the "
        f"recorded one: step {number} (check {step.args[0]}, where "
        f"{origin}) was {holds} when the program was recorded and is "
        f"{not holds} now; record the program again at these arguments"
    )


# What each primitive computes on plain numbers.  Each is what the engine
# computes at that point: gradbook.functions on plain numbers, or Python's
# and numpy's own operators.


def _times(t: object, local: object) -> object:
    """``functions.times`` for a local derivative that is not a constant:
    0 times anything is 0 (an array of zeros, for an array)."""
    if not isinstance(t, np.ndarray) and not isinstance(local, np.ndarray):
        return 0.0 if t == 0 else t * local
    with np.errstate(invalid="ignore"):
        product = t * local
    if not isinstance(t, np.ndarray):
        return np.zeros(product.shape) if t == 0 else product
    return np.where(t == 0, 0.0, product)


def _where(condition: object, x: object, y: object) -> object:
    """``functions.where``, always an array where a branch is one (a choice
    by one bool would give the branch itself, whose shape the next call
    may not have)."""
    if any(isinstance(a, np.ndarray) for a in (condition, x, y)):
        return np.where(condition, x, y)
    return x if condition else y


PRIMITIVES: dict[str, Callable] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "neg": lambda a: -a,
    "abs": abs,
    "pow": functions.power,
    "matmul": lambda a, b: a @ b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
    "invert": lambda a: ~a,
    "exp": functions.exp,
    "log": functions.log,
    "sin": functions.sin,
    "cos": functions.cos,
    "tanh": functions.tanh,
    "sqrt": functions.sqrt,
    "where": _where,
    "times": _times,
    "sum": lambda a, axis=None, keepdims=False: np.sum(
        a, axis=axis, keepdims=keepdims
    ),
    "max": lambda a, axis=None, keepdims=False: a.max(
        axis=axis, keepdims=keepdims
    ),
    "any": np.any,
    "all": np.all,
    "reshape": lambda a, shape: np.reshape(a, shape),
    "transpose": lambda a, axes: np.transpose(a, axes),
    "getitem": lambda a, key: a[key],
    "scatter": lambda a, shape, key: functions._scatter(a, shape, key),
    "sign": np.sign,
    "isfinite": np.isfinite,
    "call": lambda *args, function, **params: function(*args, **params),
}
