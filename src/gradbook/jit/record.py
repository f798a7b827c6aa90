"""Recording a program: run the function once on ``Symbol``s.

A ``Symbol`` is a number being recorded.  It holds its value for the
arguments of the recording, and its name in the program; every operation
on it computes the value and writes one step.  Comparisons give Symbols
too (of bools): ``where`` on one records a choice that is made again on
new arguments.  Only where Python needs a plain ``True`` or ``False``
(``if x > 0:``) does the recording take the branch its values say, and
write a ``check``: the compiled program refuses arguments that would take
the other branch.  This is JAX's tracing, on concrete values.

``trace(f, xs)`` records ``f`` itself.  ``trace_grad(f, xs)`` records
``backprop(f, xs)``: the engine's own forward and backward pass, its local
derivatives and its chain rule, run once on Symbols, so that the program
computes exactly what ``backprop`` computes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gradbook import checks
from gradbook.backprop import _backprop
from gradbook.functions import (
    Operand,
    Tracer,
    close_level,
    defers,
    new_level,
    open_level,
)
from gradbook.jit.program import PRIMITIVES, Kind, Literal, Program, Step

__all__ = ["Recording", "Symbol", "trace", "trace_grad"]


class Recording:
    """A program being recorded: its steps so far."""

    def __init__(self, who: str, prefix: str = "v") -> None:
        self.who = who  # the public function, for messages
        self.prefix = prefix  # of the names of the steps' values
        self.level = new_level()
        self.inputs: list[str] = []
        self.steps: list[Step] = []
        self.kinds: dict[str, Kind] = {}

    def argument(self, value: object, name: str) -> Symbol:
        """An input of the program, with its value for this recording."""
        self.inputs.append(name)
        self.kinds[name] = Kind.of(value)
        return Symbol(name, value, self)

    def step(self, op: str, *args: object, **params: object) -> Symbol:
        """Compute ``op`` on the values of ``args`` and write it down."""
        values = [a.value if isinstance(a, Symbol) else a for a in args]
        value = PRIMITIVES[op](*values, **params)
        name = self._name()
        atoms = tuple(
            a.name if isinstance(a, Symbol) else Literal(a) for a in args
        )
        self.steps.append(Step(name, op, atoms, tuple(params.items())))
        self.kinds[name] = Kind.of(value)
        return Symbol(name, value, self)

    def _name(self) -> str:
        """A new name, numbered as the step (skipping the inputs' names)."""
        number = len(self.steps) + 1
        while f"{self.prefix}{number}" in self.kinds:
            number += 1
        return f"{self.prefix}{number}"

    def check(self, symbol: Symbol) -> bool:
        """The truth of ``symbol``'s value, written down as a check."""
        holds = bool(symbol.value)
        self.steps.append(
            Step(None, "check", (symbol.name,), (("holds", holds),))
        )
        return holds

    def program(self, outputs: list) -> Program:
        atoms = tuple(
            o.name if isinstance(o, Symbol) else Literal(o) for o in outputs
        )
        return Program(tuple(self.inputs), self.steps, atoms, self.kinds)


def _is_one(x: object) -> bool:
    return isinstance(x, float) and x == 1.0


class Symbol(Tracer):
    """A value of a program being recorded: its ``name`` in the program,
    and its ``value`` for the arguments of the recording."""

    __slots__ = ("name", "recording", "value")
    staged = True

    def __init__(self, name: str, value: object, recording: Recording) -> None:
        self.name, self.value, self.recording = name, value, recording

    @property
    def primal(self) -> Symbol:  # a staged number carries no derivatives
        return self

    @property
    def level(self) -> int:
        return self.recording.level

    @property
    def shape(self) -> tuple[int, ...]:
        return np.shape(self.value)

    def __repr__(self) -> str:
        return f"Symbol({self.name}: {Kind.of(self.value)})"

    def _step(self, op: str, *args: object, **params: object) -> Symbol:
        """Record ``op`` on ``args`` (Symbols of this recording, or plain
        numbers)."""
        return self.recording.step(op, *map(self._atom, args), **params)

    def _atom(self, x: object) -> object:
        if isinstance(x, Symbol) and x.recording is self.recording:
            return x
        if isinstance(x, Tracer):  # a Var or Dual of a derivative outside
            kind, who = type(x).__name__, self.recording.who
            raise TypeError(
                f"{who}: f uses a {kind} of a derivative taken outside the "
                "recording, but a recorded program computes with plain "
                "numbers; pass that number to f as an argument"
            )
        if isinstance(x, (bool, np.bool_)) or np.asarray(x).dtype == np.bool_:
            return x  # a condition
        return checks.as_number(x, self.recording.who, "a constant")

    def __bool__(self) -> bool:
        if self.shape:
            return Tracer.__bool__(self)  # the error for an array
        return self.recording.check(self)

    # Arithmetic.  A number of an inner derivative (a Var or a Dual whose
    # value is this Symbol) does the operation itself.

    def __add__(self, other: object) -> Operand:
        if defers(self, other):
            return other.__radd__(self)
        return self._step("add", self, other)

    def __radd__(self, other: object) -> Symbol:
        return self._step("add", other, self)

    def __sub__(self, other: object) -> Operand:
        if defers(self, other):
            return other.__rsub__(self)
        return self._step("sub", self, other)

    def __rsub__(self, other: object) -> Symbol:
        return self._step("sub", other, self)

    def __mul__(self, other: object) -> Operand:
        if defers(self, other):
            return other.__rmul__(self)
        if _is_one(other):  # exactly the same number
            return self
        return self._step("mul", self, other)

    def __rmul__(self, other: object) -> Symbol:
        return self if _is_one(other) else self._step("mul", other, self)

    def __truediv__(self, other: object) -> Operand:
        if defers(self, other):
            return other.__rtruediv__(self)
        return self._step("div", self, other)

    def __rtruediv__(self, other: object) -> Symbol:
        return self._step("div", other, self)

    def __pow__(self, other: object) -> Operand:
        if defers(self, other):
            return other.__rpow__(self)
        return self._step("pow", self, other)

    def __rpow__(self, other: object) -> Symbol:
        return self._step("pow", other, self)

    def __matmul__(self, other: object) -> Operand:
        if defers(self, other):
            return other.__rmatmul__(self)
        return self._step("matmul", self, other)

    def __rmatmul__(self, other: object) -> Symbol:
        return self._step("matmul", other, self)

    def __neg__(self) -> Symbol:
        return self._step("neg", self)

    def __pos__(self) -> Symbol:
        return self

    def __abs__(self) -> Symbol:
        return self._step("abs", self)

    # Comparisons and logic give Symbols of bools.

    def __lt__(self, other: object) -> Symbol:
        return self._step("lt", self, _primal_of(other))

    def __le__(self, other: object) -> Symbol:
        return self._step("le", self, _primal_of(other))

    def __gt__(self, other: object) -> Symbol:
        return self._step("gt", self, _primal_of(other))

    def __ge__(self, other: object) -> Symbol:
        return self._step("ge", self, _primal_of(other))

    def __eq__(self, other: object) -> Symbol:
        return self._step("eq", self, _primal_of(other))

    def __ne__(self, other: object) -> Symbol:
        return self._step("ne", self, _primal_of(other))

    def __and__(self, other: object) -> Symbol:
        return self._step("and", self, other)

    __rand__ = __and__

    def __or__(self, other: object) -> Symbol:
        return self._step("or", self, other)

    __ror__ = __or__

    def __invert__(self) -> Symbol:
        return self._step("invert", self)

    def any(self) -> Symbol:
        return self._step("any", self)

    def all(self) -> Symbol:
        return self._step("all", self)

    # The primitives of gradbook.functions, and arrays.

    def exp(self) -> Symbol:
        return self._step("exp", self)

    def log(self) -> Symbol:
        return self._step("log", self)

    def sin(self) -> Symbol:
        return self._step("sin", self)

    def cos(self) -> Symbol:
        return self._step("cos", self)

    def tanh(self) -> Symbol:
        return self._step("tanh", self)

    def sqrt(self) -> Symbol:
        return self._step("sqrt", self)

    def sign(self) -> Symbol:
        return self._step("sign", self)

    def isfinite(self) -> Symbol:
        return self._step("isfinite", self)

    @classmethod
    def where(cls, condition: object, x: object, y: object) -> Symbol:
        symbol = next(s for s in (condition, x, y) if isinstance(s, Symbol))
        return symbol._step("where", condition, x, y)

    def times(self, t: object, local: object) -> Operand:
        """``functions.times`` (0 times anything is 0) as one step."""
        if not isinstance(t, Symbol) and np.ndim(t) == 0:
            return 0.0 if t == 0 else t * local  # known now
        return self._step("times", t, local)

    def sum(self, axis: object = None, keepdims: bool = False) -> Symbol:
        return self._step("sum", self, axis=axis, keepdims=keepdims)

    def mean(self, axis: object = None, keepdims: bool = False) -> Symbol:
        total = self.sum(axis=axis, keepdims=keepdims)
        return total * (np.size(total.value) / np.size(self.value))

    def max(self, axis: object = None, keepdims: bool = False) -> Symbol:
        return self._step("max", self, axis=axis, keepdims=keepdims)

    def reshape(self, *shape: object) -> Symbol:
        new = shape[0] if len(shape) == 1 else shape
        new = new if isinstance(new, tuple) else (new,)
        return self._step("reshape", self, shape=tuple(new))

    def transpose(self, *axes: int) -> Symbol:
        axes = axes or tuple(reversed(range(self.ndim)))
        return self._step("transpose", self, axes=tuple(axes))

    @property
    def T(self) -> Symbol:  # noqa: N802 (numpy's name)
        return self.transpose()

    def __getitem__(self, key: object) -> Symbol:
        self._index(self.value, key)  # the error for a bad index, at once
        return self._step("getitem", self, key=key)

    def call(self, function: Callable, args: tuple, params: dict) -> Symbol:
        """``function(*args, **params)``, a numpy function of plain arrays
        (``functions.numpy_function``), as one step.  Its other arguments
        (sizes, settings) are constants as they are."""
        for a in args:
            if isinstance(a, Tracer):
                self._atom(a)  # a Symbol of this recording, or an error
        return self.recording.step("call", *args, function=function, **params)

    def scatter(self, shape: tuple[int, ...], key: object) -> Symbol:
        return self._step("scatter", self, shape=shape, key=key)


def _primal_of(x: object) -> object:
    """A comparison looks at values: a Var's or a Dual's primal."""
    while isinstance(x, Tracer) and not x.staged:
        x = x.primal
    return x


def _arguments(recording: Recording, xs: object, names: object) -> object:
    """Symbols for the arguments ``xs``, in their structure."""
    who = recording.who
    if isinstance(xs, (list, tuple)):
        values = checks.numbers(xs, who, "xs")
        names = _names(names, len(values), who)
        return [
            recording.argument(v, n)
            for v, n in zip(values, names, strict=True)
        ]
    (name,) = _names(names, 1, who) if names is not None else ("x",)
    return recording.argument(checks.as_number(xs, who, "xs"), name)


def _names(names: object, count: int, who: str) -> list[str]:
    if names is None:
        return [f"x{i}" for i in range(count)]
    if isinstance(names, str):
        names = names.split()
    if (
        not isinstance(names, (list, tuple))
        or len(names) != count
        or not all(isinstance(n, str) and n.isidentifier() for n in names)
    ):
        what = f"{count} distinct names (identifiers), one per argument"
        raise ValueError(f"{who}: names must be {what}, got {names!r}")
    if len(set(names)) != count or any(
        n.startswith("v") and n[1:].isdigit() for n in names
    ):
        what = f"{count} distinct names, not v1, v2, ... (the steps' names)"
        raise ValueError(f"{who}: names must be {what}, got {names!r}")
    return list(names)


def trace(f: Callable, xs: object, names: object = None) -> Program:
    """The program of ``f`` at the arguments ``xs``, recorded by running
    ``f`` once on Symbols; ``names`` names the arguments (``"a b c"``)."""
    who = "trace"
    checks.callable_(f, who)
    recording = Recording(who)
    open_level(recording.level)
    try:
        out = f(_arguments(recording, xs, names))
    finally:
        close_level(recording.level)
    return recording.program([_output(out, recording)])


def trace_grad(f: Callable, xs: object, names: object = None) -> Program:
    """The program of ``backprop(f, xs)``: its outputs are the value of
    ``f`` and then each argument's gradient."""
    return _trace_grad(f, xs, names, "trace_grad")


def _trace_grad(f: Callable, xs: object, names: object, who: str) -> Program:
    """``trace_grad``, with errors naming ``who``, the function called."""
    checks.callable_(f, who)
    recording = Recording(who)
    open_level(recording.level)
    try:
        arguments = _arguments(recording, xs, names)
        value, grads = _backprop(f, arguments, who)
    finally:
        close_level(recording.level)
    grads = grads if isinstance(grads, list) else [grads]
    outputs = [value, *grads]
    return recording.program([_output(o, recording) for o in outputs])


def _output(out: object, recording: Recording) -> object:
    if isinstance(out, Symbol) and out.recording is recording:
        return out
    if isinstance(out, Tracer):
        raise checks.mixing(recording.who, Symbol, out)
    return checks.returned(out, recording.who, "a number")
