"""How :mod:`gradbook.engine_check` drives an engine: a program (see
:mod:`.program`) run on the engine under test.

An engine comes in one of two shapes:

- a class like micrograd's ``Value`` (:class:`ClassEngine`): ``Value(x)``,
  ``.data``, ``.grad``, ``.backward()``, operators, and methods such as
  ``.exp()``;
- a function ``grad(f, xs)`` like :func:`gradbook.backprop.grad_bp`
  (:class:`GradEngine`): it calls ``f`` with one engine number per
  argument and returns one gradient per argument.

Every call into the engine is bounded in time (:func:`bounded`), and
whatever it raises or returns is caught and described, never passed on.
"""

from __future__ import annotations

import contextlib
import gc
import signal
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from types import FrameType
from typing import NamedTuple

import numpy as np

from gradbook.checks import Number
from gradbook.engine_check.program import (
    BINARY,
    OPERATOR,
    Program,
    Ref,
    Step,
    op_name,
)

__all__ = [
    "ABSENT",
    "ClassEngine",
    "EngineError",
    "GradEngine",
    "MissingError",
    "NotANumberError",
    "TimedOut",
    "Trace",
    "as_number",
    "attribute",
    "bounded",
    "raised",
]


# What the engine hands back, read as numbers.


class _Absent:
    """What a node holds where the engine keeps no value or gradient."""

    def __repr__(self) -> str:
        return "nothing"


ABSENT = _Absent()


class _Unreadable:
    """An attribute whose reading raised: what it raised."""

    def __init__(self, error: Exception) -> None:
        self.said = raised(error)


def attribute(node: object, name: str) -> object:
    """``node.name``; ABSENT if there is none, an unreadable marker if
    reading it raised (a property may)."""
    try:
        return getattr(node, name, ABSENT)
    except Exception as error:
        return _Unreadable(error)


class NotANumberError(Exception):
    """What the engine returned is not a number; the message says what it
    is (``None``, ``a str 'abc'``, ``a Value``)."""


def as_number(raw: object) -> Number:
    """A float, or a float array, from what the engine returned: ints and
    numpy numbers count, 0-d arrays become floats.  NaN is a number here
    (the comparisons catch it); None, text or an object is not."""
    if isinstance(raw, (int, float, np.integer, np.floating, np.bool_)):
        return float(raw)
    if isinstance(raw, np.ndarray) and raw.dtype.kind in "biuf":
        return raw.astype(float) if raw.ndim else float(raw)
    if raw is None:
        raise NotANumberError("None")
    if raw is ABSENT:
        raise NotANumberError("missing (the engine keeps no such attribute)")
    if isinstance(raw, _Unreadable):
        raise NotANumberError(f"unreadable: reading it {raw.said}")
    kind = _kind(raw)
    text = repr(raw)
    if text.startswith("<"):  # object's own repr, with a memory address
        raise NotANumberError(kind)
    text = text if len(text) <= 40 else text[:37] + "..."
    raise NotANumberError(f"{kind}: {text}")


# Bounding the engine's time.


class TimedOut(BaseException):
    """The engine ran past its time limit.  A BaseException, so that an
    engine's own ``except Exception`` cannot swallow it."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise TimedOut


def _can_alarm() -> bool:
    """Whether SIGALRM can interrupt the engine: CPython's main thread, no
    other handler or timer in use (Pyodide has no working timer)."""
    try:
        return (
            sys.platform != "emscripten"
            and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
            and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        )
    except (AttributeError, ValueError):  # no SIGALRM, or not main thread
        return False


@contextlib.contextmanager
def bounded(seconds: float, watch_calls: bool = True) -> Iterator[None]:
    """Raise :class:`TimedOut` inside the block after ``seconds``.

    Where a timer signal works, it interrupts any Python loop.  Elsewhere
    (Pyodide, threads), a profile hook looks at the clock every thousand
    calls (unless ``watch_calls`` is False): that stops any loop that
    calls a function, including the built-in ones (``list.append``), which
    is every loop a backward pass has, at about three times the cost.  The
    cyclic garbage collector is paused too: building 100,000 micrograd
    nodes took 3.7 s with it and 0.66 s without (measured).
    """
    collecting = gc.isenabled()
    gc.disable()
    alarm = _can_alarm()
    hooked = watch_calls and not alarm
    previous = sys.getprofile()
    if alarm:
        handler = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    elif hooked:
        deadline = time.monotonic() + seconds
        count = 0

        def hook(frame: FrameType, event: str, arg: object) -> None:
            nonlocal count
            count += 1
            if count % 1000 == 0 and time.monotonic() > deadline:
                raise TimedOut

        sys.setprofile(hook)
    try:
        yield
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, handler)
        elif hooked:
            sys.setprofile(previous)
        if collecting:
            gc.enable()


# Errors, with where in the run they happened.


class MissingError(Exception):
    """The engine does not have this operation, or refuses it; the message
    says which (``the engine has no __rpow__``)."""


class EngineError(Exception):
    """The engine raised, hung, or returned what is not a number.

    ``stage`` is ``"make"`` (making an argument), ``"forward"`` (a step)
    or ``"backward"``; the message says what happened, in words, and
    ``detail`` the same without naming the step.
    """

    def __init__(
        self, stage: str, message: str, detail: str | None = None
    ) -> None:
        super().__init__(message)
        self.stage = stage
        self.detail = message if detail is None else detail


def raised(error: BaseException) -> str:
    """``"raised OverflowError: math range error"``, for a message."""
    if isinstance(error, TimedOut):
        return "did not finish in time (it may loop forever)"
    if isinstance(error, RecursionError):  # its text differs by version
        return "raised RecursionError: maximum recursion depth exceeded"
    text = str(error).splitlines()[0] if str(error) else ""
    text = text if len(text) <= 70 else text[:67] + "..."
    name = type(error).__name__
    return f"raised {name}: {text}" if text else f"raised {name}"


class Trace(NamedTuple):
    """One run of a program on the engine: each node's value and gradient
    as the engine gave them (:data:`ABSENT` where it keeps none); read
    them with :func:`as_number`."""

    values: list[object]
    grads: list[object]


class _Engine:
    """What both shapes share: applying one step to engine numbers."""

    functions: Mapping[str, Callable]

    def apply(self, program: Program, i: int, nodes: list) -> object:
        """The engine's result for node ``i`` (a step), from the earlier
        nodes; :class:`MissingError` if it lacks the operation."""
        step = program.step(i)
        operands = [  # engine numbers marked, so none passes for a number
            _Carried(nodes[o.index]) if isinstance(o, Ref) else o
            for o in step.operands
        ]
        name = op_name(step)
        call = self._callable(step, name, operands)
        try:
            return call()
        except (TimedOut, MissingError):
            raise
        except Exception as error:
            if self._refused(step, name, operands, error):
                refusal = raised(error).removeprefix("raised ")
                raise MissingError(
                    f"the engine refuses it: {refusal}"
                ) from None
            said = raised(error)
            message = f"{name} ({program.text(i)}) {said}"
            raise EngineError("forward", message, said) from None

    def _callable(
        self, step: Step, name: str, operands: list
    ) -> Callable[[], object]:
        if step.op in BINARY:
            carrier = next(o for o in operands if isinstance(o, _Carried))
            dunder = f"__{name}__"
            if not hasattr(type(carrier.value), dunder):
                raise MissingError(f"the engine has no {dunder}")
            a, b = (
                o.value if isinstance(o, _Carried) else o for o in operands
            )
            return lambda: OPERATOR[step.op](a, b)
        (x,) = (o.value for o in operands)
        if name in self.functions:
            return lambda: self.functions[name](x)
        if name == "neg":
            if not hasattr(type(x), "__neg__"):
                raise MissingError("the engine has no __neg__")
            return lambda: -x
        method = getattr(x, name, None)
        if not callable(method):
            raise MissingError(f"the engine has no {name}()")
        return method

    @staticmethod
    def _refused(
        step: Step, name: str, operands: list, error: Exception
    ) -> bool:
        """Whether an error means "not supported" rather than a bug:
        Python's own "unsupported operand", or an engine that refuses a
        Value as an exponent (micrograd asserts the exponent is a number).
        """
        if isinstance(error, TypeError) and "unsupported operand" in str(
            error
        ):
            return True
        exponent = step.op == "**" and isinstance(operands[1], _Carried)
        refusals = (AssertionError, TypeError, NotImplementedError)
        return exponent and isinstance(error, refusals)


class _Carried(NamedTuple):
    """An engine number among a step's operands (plain numbers are not
    wrapped), so that a number is never mistaken for a node."""

    value: object


class ClassEngine(_Engine):
    """An engine with micrograd's shape: a class ``Value``."""

    def __init__(
        self,
        cls: type,
        functions: Mapping[str, Callable],
        limit: float,
    ) -> None:
        self.cls = cls
        self.functions = functions
        self.limit = limit
        self.name = f"{cls.__module__}.{cls.__qualname__}"

    def forward(self, program: Program, arguments: list | None = None) -> list:
        """The engine's numbers, one per node: the arguments made with
        ``Value(x)`` (or the ``arguments`` given, made before), then one
        per step."""
        nodes = [] if arguments is None else list(arguments)
        for i in range(len(nodes), len(program.arguments)):
            try:
                nodes.append(self.cls(_copy(program.arguments[i])))
            except (TimedOut, MissingError):
                raise
            except Exception as error:
                name = self.cls.__name__
                message = f"{name}({program.names[i]}) {raised(error)}"
                raise EngineError("make", message) from None
        for i in range(len(program.arguments), program.size):
            nodes.append(self.apply(program, i, nodes))
            if not isinstance(nodes[i], self.cls):
                got = _kind(nodes[i])
                where = f"{op_name(program.step(i))} ({program.text(i)})"
                message = f"{where} returned {got}, not a {self.cls.__name__}"
                raise EngineError("forward", message)
        return nodes

    def backward(self, out: object) -> None:
        try:
            out.backward()
        except (TimedOut, MissingError):
            raise
        except Exception as error:
            message = f"backward() {raised(error)}"
            raise EngineError("backward", message) from None

    def read(self, nodes: list) -> Trace:
        """Each node's ``.data`` and ``.grad``, as the engine holds them."""
        values = [attribute(node, "data") for node in nodes]
        grads = [attribute(node, "grad") for node in nodes]
        return Trace(values, grads)

    def run(self, program: Program) -> Trace:
        """A new graph of ``program``, then ``backward()`` from its output."""
        with bounded(self.limit):
            nodes = self.forward(program)
            self.backward(nodes[-1])
            return self.read(nodes)


class GradEngine(_Engine):
    """An engine with the shape of ``grad_bp``: a function ``grad(f, xs)``
    that returns one gradient per argument."""

    def __init__(
        self,
        grad: Callable,
        functions: Mapping[str, Callable],
        limit: float,
    ) -> None:
        self.grad = grad
        self.functions = functions
        self.limit = limit
        self.name = getattr(grad, "__qualname__", repr(grad))
        module = getattr(grad, "__module__", None)
        self.name = f"{module}.{self.name}" if module else self.name

    def run(self, program: Program) -> Trace:
        """``grad`` of the program's output; the nodes' values as ``f``
        made them (``.data``, ``.value`` or ``.primal``)."""
        n = len(program.arguments)
        nodes: list = [None] * program.size

        def f(xs: list) -> object:
            nodes[:n] = list(xs)
            for i in range(n, program.size):
                nodes[i] = self.apply(program, i, nodes)
            return nodes[-1]

        with bounded(self.limit):
            try:
                grads = self.grad(f, [_copy(x) for x in program.arguments])
            except (TimedOut, MissingError, EngineError):
                raise
            except Exception as error:
                message = f"grad(f, xs) {raised(error)}"
                raise EngineError("backward", message) from None
        if not isinstance(grads, (list, tuple)) or len(grads) != n:
            got = _kind(grads)
            message = f"grad(f, xs) returned {got}, not {n} derivatives"
            raise EngineError("backward", message)
        values = [_value_of(v) for v in nodes]
        return Trace(values, [*grads, *[ABSENT] * len(program.steps)])


def _copy(x: Number) -> Number:
    return np.array(x) if isinstance(x, np.ndarray) else x


def _value_of(v: object) -> object:
    """An engine number's value: its ``.data`` (micrograd), ``.value``
    (gradbook's Var) or ``.primal``; a plain number as it is."""
    for name in ("data", "value", "primal"):
        value = attribute(v, name)
        if value is not ABSENT:
            return value
    return v


def _kind(value: object) -> str:
    """``"a float"``, ``"None"``, ``"a list"``: what a value is, in words."""
    if value is None:
        return "None"
    kind = type(value).__name__
    return f"{'an' if kind[:1].lower() in 'aeiou' else 'a'} {kind}"
