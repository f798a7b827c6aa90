"""How :mod:`gradbook.engine_check` runs an engine: small programs, their
float referee, and the two shapes of engine it drives.

A *program* is a few steps over named arguments, such as ``t = x * y``
then ``t * t``.  The checker runs each program three ways: on the engine
under test, on plain floats (the reference values), and through finite
differences of those floats (the reference gradients, from
:mod:`gradbook.numerical`).  This module only runs; ``engine_check``
judges.

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
import operator
import signal
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from gradbook import numerical

__all__ = [
    "ABSENT",
    "BINARY",
    "Builder",
    "ClassEngine",
    "EngineError",
    "GradEngine",
    "MissingError",
    "NotANumberError",
    "Program",
    "Ref",
    "Step",
    "TimedOut",
    "Trace",
    "as_number",
    "attribute",
    "bounded",
    "compare",
    "evaluate",
    "node_gradient",
    "op_name",
    "raised",
    "reference_gradients",
]

# A binary step's symbol and its name: the name of the Python method that
# computes it (``__mul__``), which is what a learner writes.
BINARY = {"+": "add", "-": "sub", "*": "mul", "/": "truediv", "**": "pow"}
_OPERATOR = {
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
    operands: tuple[Any, ...]
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
    arguments: tuple[Any, ...]
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

    def _operand(self, operand: Any) -> str:
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

    def __init__(self, **arguments: Any) -> None:
        self.names = tuple(arguments)
        self.values = tuple(arguments.values())
        self.arguments = [Ref(i) for i in range(len(arguments))]
        self.steps: list[Step] = []

    def op(self, op: str, *operands: Any, name: str | None = None) -> Ref:
        operands = tuple(
            o if isinstance(o, Ref) else float(o) for o in operands
        )
        self.steps.append(Step(op, operands, name))
        return Ref(len(self.values) + len(self.steps) - 1)

    def program(self) -> Program:
        return Program(self.names, self.values, tuple(self.steps))


# The referee: the program on floats, and finite differences of it.


def _sigmoid(x: Any) -> Any:
    e = np.exp(-np.abs(x))  # never overflows
    return np.where(np.asarray(x) >= 0, 1.0, e) / (1.0 + e)


_FLOAT: dict[str, Callable[..., Any]] = {
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
    program: Program, replace: Mapping[int, Any] | None = None
) -> list[Any]:
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


def reference_gradients(program: Program) -> list[Any]:
    """The output's derivative with respect to each argument, by central
    differences."""
    return numerical.gradient(
        lambda xs: evaluate(program, dict(enumerate(xs)))[-1],
        list(program.arguments),
    )


def node_gradient(program: Program, i: int) -> Any:
    """d(output)/d(node ``i``), by central differences: node ``i`` moves and
    everything after it follows."""
    value = evaluate(program)[i]
    return numerical.gradient(lambda v: evaluate(program, {i: v})[-1], value)


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


def attribute(node: Any, name: str) -> Any:
    """``node.name``; ABSENT if there is none, an unreadable marker if
    reading it raised (a property may)."""
    try:
        return getattr(node, name, ABSENT)
    except Exception as error:
        return _Unreadable(error)


class NotANumberError(Exception):
    """What the engine returned is not a number; the message says what it
    is (``None``, ``a str 'abc'``, ``a Value``)."""


def as_number(raw: Any) -> Any:
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


def _alarm(signum: int, frame: Any) -> None:
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

        def hook(frame: Any, event: str, arg: Any) -> None:
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

    values: list[Any]
    grads: list[Any]


class _Engine:
    """What both shapes share: applying one step to engine numbers."""

    functions: Mapping[str, Callable[[Any], Any]]

    def apply(self, program: Program, i: int, nodes: list[Any]) -> Any:
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
        self, step: Step, name: str, operands: list[Any]
    ) -> Callable[[], Any]:
        if step.op in BINARY:
            carrier = next(o for o in operands if isinstance(o, _Carried))
            dunder = f"__{name}__"
            if not hasattr(type(carrier.value), dunder):
                raise MissingError(f"the engine has no {dunder}")
            a, b = (
                o.value if isinstance(o, _Carried) else o for o in operands
            )
            return lambda: _OPERATOR[step.op](a, b)
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
        step: Step, name: str, operands: list[Any], error: Exception
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

    value: Any


class ClassEngine(_Engine):
    """An engine with micrograd's shape: a class ``Value``."""

    def __init__(
        self,
        cls: type,
        functions: Mapping[str, Callable[[Any], Any]],
        limit: float,
    ) -> None:
        self.cls = cls
        self.functions = functions
        self.limit = limit
        self.name = f"{cls.__module__}.{cls.__qualname__}"

    def forward(
        self, program: Program, arguments: list[Any] | None = None
    ) -> list[Any]:
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

    def backward(self, out: Any) -> None:
        try:
            out.backward()
        except (TimedOut, MissingError):
            raise
        except Exception as error:
            message = f"backward() {raised(error)}"
            raise EngineError("backward", message) from None

    def read(self, nodes: list[Any]) -> Trace:
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
        grad: Callable[..., Any],
        functions: Mapping[str, Callable[[Any], Any]],
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
        nodes: list[Any] = [None] * program.size

        def f(xs: Any) -> Any:
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
            message = f"grad(f, xs) returned {got}, not {n} gradients"
            raise EngineError("backward", message)
        values = [_value_of(v) for v in nodes]
        return Trace(values, [*grads, *[ABSENT] * len(program.steps)])


def _copy(x: Any) -> Any:
    return np.array(x) if isinstance(x, np.ndarray) else x


def _value_of(v: Any) -> Any:
    """An engine number's value: its ``.data`` (micrograd), ``.value``
    (gradbook's Var) or ``.primal``; a plain number as it is."""
    for name in ("data", "value", "primal"):
        value = attribute(v, name)
        if value is not ABSENT:
            return value
    return v


def _kind(value: Any) -> str:
    """``"a float"``, ``"None"``, ``"a list"``: what a value is, in words."""
    if value is None:
        return "None"
    kind = type(value).__name__
    return f"{'an' if kind[:1].lower() in 'aeiou' else 'a'} {kind}"


# Judging what the engine gave against the referee.

# Derivatives must agree with finite differences as numerical.check_grad
# asks; values, which need no differencing, much more closely.
RTOL, ATOL = 1e-5, 1e-7
VALUE_RTOL, VALUE_ATOL = 1e-9, 1e-12


def compare(
    raw: Any, expected: Any, what: str, value: bool = False
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
        return f"{what} is wrong (it is 0: no gradient reached it)"
    return f"{what} is wrong"
