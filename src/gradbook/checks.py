"""The one policy for arguments: what counts as a number, and the messages.

Every public function of gradbook checks what it is given with these
helpers, once, where the reader's values come in; the code behind that
boundary computes without checking again.  Every mistake gets the same
kind of answer:

- ``TypeError`` for the wrong kind of thing, ``ValueError`` for a wrong
  value or shape;
- every message starts with the public function's name and a colon, then
  names the argument: ``"exp: x must be a real number or a numeric array,
  got bool True"``.

Numbers are Python ints and floats, numpy integer and floating scalars, and
numeric arrays: lists, tuples and ndarrays of those.  Bools are not numbers
here (``True + 1`` is an accident, not arithmetic), and neither are complex
numbers (the book's derivatives are real).  Ints become float64: a scalar
becomes a Python ``float``, an array a float64 ``ndarray``.  NaN is a
number: NaN in gives NaN out where that is the honest answer.

A number that carries derivatives (a ``Dual`` or a ``Var``) is recognised
by its ``primal``, the value inside it, so this module imports nothing from
gradbook: every other module may use it.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np

__all__ = [
    "MAX_ITERATIONS",
    "Number",
    "arguments",
    "as_number",
    "as_operand",
    "broadcast",
    "callable_",
    "calling",
    "condition",
    "describe",
    "finite",
    "flag",
    "fraction",
    "instance",
    "iterations",
    "make_rng",
    "mapping",
    "matmul_shapes",
    "mixing",
    "non_negative",
    "numbers",
    "one_of",
    "operand",
    "operands",
    "point",
    "positive",
    "real",
    "returned",
    "same_shape",
    "text",
    "whole",
]

# What as_number returns, and what the engine computes with: a float, or
# an ndarray of float64.
Number = float | np.ndarray

# The longest loop any function runs: random_search, gradient_ascent and
# the training loops refuse more iterations (steps, evaluations) than this,
# so no call can grow a history without bound.
MAX_ITERATIONS = 1_000_000

_REAL = (int, float, np.integer, np.floating)
# The kinds of plain number a model may compute with as they are.
_PLAIN = frozenset({float, int, np.float64, np.int64})
_BOOL = (bool, np.bool_)
_COMPLEX = (complex, np.complexfloating)
# What an array's dtype.kind says it holds, for messages.
_KINDS = {
    "b": "bool",
    "c": "complex",
    "U": "str",
    "S": "bytes",
    "O": "object",
}


def arguments(**checkers: Callable[[object, str, str], object]) -> Callable:
    """A decorator: check a public function's arguments before it runs.

    Each keyword names an argument and its check, which is called as
    ``check(value, who, name)`` with the function's name as ``who``.  The
    function receives what the check returns (a float for an int, an
    array for a list); arguments without a check pass unchanged.
    """

    def decorate(function: Callable) -> Callable:
        signature, who = inspect.signature(function), function.__name__
        unknown = set(checkers) - set(signature.parameters)
        if unknown:
            raise TypeError(f"arguments: {who} has no argument {unknown}")

        @functools.wraps(function)
        def checked(*args: object, **kwargs: object) -> object:
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError as error:
                raise TypeError(f"{who}: {error}") from None
            bound.apply_defaults()
            for name, check in checkers.items():
                value = bound.arguments[name]
                bound.arguments[name] = check(value, who, name)
            return function(*bound.args, **bound.kwargs)

        return checked

    return decorate


def describe(value: object) -> str:
    """``value`` for a message: its type and a short repr, ``"str 'a'"``;
    an array by its shape and dtype (its numbers would fill the message)."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} ({value.dtype})"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def _must(who: str, name: str, what: str, value: object) -> str:
    """The message ``"who: name must be what, got <value>"``."""
    return f"{who}: {name} must be {what}, got {describe(value)}"


_NUMBER = "a real number or a numeric array"


def _holds_bool(value: object) -> bool:
    """Whether a list or tuple holds a bool anywhere (numpy would read
    ``[True, 3]`` as ints)."""
    if isinstance(value, (list, tuple)):
        return any(_holds_bool(v) for v in value)
    return isinstance(value, _BOOL)


def as_number(value: object, who: str, name: str) -> Number:
    """``value`` as a float or a float64 array, or a clear error.

    ``who`` is the public function, ``name`` the argument.  A ragged list
    (rows of different lengths) is a ``ValueError``; a bool, a complex
    number, a string, ``None`` or any other object a ``TypeError``.
    """
    if type(value) is float:
        return value
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        return value
    if isinstance(value, _BOOL):
        raise TypeError(_must(who, name, _NUMBER, value))
    if isinstance(value, _REAL):
        return float(value)
    if not isinstance(value, (list, tuple, np.ndarray)):
        raise TypeError(_must(who, name, _NUMBER, value))
    try:
        array = np.asarray(value)
    except ValueError:
        ragged = f"{who}: {name} is ragged"
        error = ValueError(f"{ragged}: its rows have different lengths")
        raise error from None
    if array.dtype.kind in "iuf" and not _holds_bool(value):
        return array.astype(np.float64)
    kind = _KINDS.get(array.dtype.kind, str(array.dtype))
    kind = "bool" if _holds_bool(value) else kind
    message = _must(who, name, _NUMBER, value)
    raise TypeError(f"{message} (it holds {kind})")


def numbers(values: Sequence, who: str, name: str) -> list[Number]:
    """Each item of a list or tuple, as ``as_number`` makes it; a message
    names the item, ``"xs[1]"``."""
    return [
        v if type(v) is float else as_number(v, who, f"{name}[{i}]")
        for i, v in enumerate(values)
    ]


def _carries_derivatives(value: object) -> bool:
    """Whether ``value`` is a ``Dual`` or a ``Var``: its class has a
    ``primal``."""
    return hasattr(type(value), "primal")


def as_operand(value: object, who: str, name: str) -> object:
    """``value`` unchanged if it carries derivatives (a ``Dual`` or a
    ``Var``), else as ``as_number`` makes it."""
    if type(value) is float or _carries_derivatives(value):
        return value
    return as_number(value, who, name)


def _is_operand(value: object) -> bool:
    if type(value) is float or _carries_derivatives(value):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "iuf"
    return isinstance(value, _REAL) and not isinstance(value, _BOOL)


def operand(value: object, who: str, name: str) -> object:
    """``value`` itself, if a model written once may compute with it.

    A model such as ``neuron`` runs on real numbers, numeric ndarrays and
    numbers that carry derivatives (a ``Dual`` or a ``Var``), so those pass
    unchanged: an int stays an int.  A bool, a complex number, a string,
    ``None`` or a list is a ``TypeError``.
    """
    if _is_operand(value):
        return value
    what = "a real number, a numeric array, a Dual or a Var"
    message = _must(who, name, what, value)
    if isinstance(value, np.ndarray):
        kind = _KINDS.get(value.dtype.kind, str(value.dtype))
        message = f"{message} (it holds {kind})"
    raise TypeError(message)


_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven")


def _numbers(names: Sequence[str] | None) -> str:
    """``"five numbers [a, b, c, x, y]"``, for a message."""
    if names is None:
        return "numbers"
    count = _WORDS[len(names)] if len(names) < len(_WORDS) else len(names)
    return f"{count} numbers [{', '.join(names)}]"


def operands(
    values: object, who: str, name: str, names: Sequence[str] | None = None
) -> list:
    """The items of ``values``, each checked by ``operand``.

    ``values`` is a list or tuple, or an array (its rows are the items).
    With ``names`` (such as ``("a", "b", "c", "x", "y")``) there must be
    exactly one item per name; a wrong count is a ``ValueError``.
    """
    if type(values) in (list, tuple) and (
        names is None or len(values) == len(names)
    ):
        # plain numbers, and numbers that carry derivatives, pass at once
        # (the neuron on floats: 37% less time; on Vars, grad_bp: 9%)
        for v in values:
            if type(v) not in _PLAIN and not _carries_derivatives(v):
                break
        else:
            return list(values)

    items = values
    if getattr(values, "ndim", 0) and _is_operand(values):  # an array
        items = [values[i] for i in range(len(values))]  # its rows
    if not isinstance(items, (list, tuple)):
        what = f"a list of {_numbers(names)}"
        raise TypeError(_must(who, name, what, values))
    if names is not None and len(items) != len(names):
        got = f"got {len(items)}"
        raise ValueError(f"{who}: {name} must hold {_numbers(names)}, {got}")
    for i, item in enumerate(items):
        if type(item) is not float and not _is_operand(item):
            label = "" if names is None else f" ({names[i]})"
            operand(item, who, f"{name}[{i}]{label}")
    shapes = [item.shape for item in items if isinstance(item, np.ndarray)]
    if len(shapes) > 1:  # plain arrays must fit together
        _broadcast_together(shapes, who, name)
    return list(items)


def _broadcast_together(shapes: list, who: str, name: str) -> None:
    """A ValueError unless arrays of these shapes broadcast together."""
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        got = " ".join(str(shape) for shape in shapes)
        error = f"{who}: the arrays in {name} do not broadcast together"
        raise ValueError(f"{error}: shapes {got}") from None


def mixing(who: str, first: object, second: object) -> TypeError:
    """The error for two numbers of different derivatives that may not
    meet (a ``Dual`` and a ``Var``, say): derivatives nest only when the
    inner one is taken inside the function the outer one differentiates.
    ``first`` and ``second`` are the two numbers, or their classes."""
    first, second = (
        v if isinstance(v, type) else type(v) for v in (first, second)
    )
    kinds = f"a {first.__name__} and a {second.__name__}"
    why = (
        "they belong to derivatives that are not nested (one was made by "
        "hand, or kept from a derivative that has finished); take the "
        "inner derivative inside the function the outer one differentiates"
    )
    return TypeError(f"{who}: {kinds} cannot be mixed: {why}")


def _real_scalar(value: object, who: str, name: str, what: str) -> float:
    """``value`` as a float if it is one real number; a TypeError if not."""
    if isinstance(value, _BOOL) or not isinstance(value, _REAL):
        raise TypeError(_must(who, name, what, value))
    return float(value)


def real(value: object, who: str, name: str) -> float:
    """One finite real number (a coordinate, a slope), as a float."""
    number = _real_scalar(value, who, name, "a real number")
    if not math.isfinite(number):
        raise ValueError(f"{who}: {name} must be finite, got {value!r}")
    return number


def positive(value: object, who: str, name: str) -> float:
    """A positive finite number (a tweak, a step size, ``h``), as a float."""
    number = _real_scalar(value, who, name, "a positive number")
    if not (math.isfinite(number) and number > 0):
        what = "a positive finite number"
        raise ValueError(f"{who}: {name} must be {what}, got {value!r}")
    return number


def non_negative(value: object, who: str, name: str) -> float:
    """A finite number of at least 0 (a noise level), as a float."""
    number = _real_scalar(value, who, name, "a number")
    if not (math.isfinite(number) and number >= 0):
        what = "a finite number of at least 0"
        raise ValueError(f"{who}: {name} must be {what}, got {value!r}")
    return number


def fraction(value: object, who: str, name: str) -> float:
    """A number strictly between 0 and 1, as a float."""
    number = _real_scalar(value, who, name, "a number")
    if not 0 < number < 1:
        what = "between 0 and 1"
        raise ValueError(f"{who}: {name} must be {what}, got {value!r}")
    return number


def finite(value: Number, who: str, name: str) -> Number:
    """``value`` (a checked number) if no element is nan or infinite; a
    ValueError naming the first one otherwise."""
    if np.all(np.isfinite(value)):
        return value
    first = np.argwhere(~np.isfinite(value))[0] if np.ndim(value) else ()
    where = f" at index {tuple(int(i) for i in first)}" if len(first) else ""
    bad = np.asarray(value)[tuple(first)]
    raise ValueError(f"{who}: {name} must be finite, got {bad}{where}")


def whole(
    value: object,
    who: str,
    name: str,
    minimum: int = 0,
    maximum: int | None = None,
) -> int:
    """A whole number in ``minimum..maximum``, as an int."""
    if isinstance(value, _BOOL) or not isinstance(value, (int, np.integer)):
        raise TypeError(_must(who, name, "a whole number", value))
    if value < minimum:
        what = f"at least {minimum}"
        raise ValueError(f"{who}: {name} must be {what}, got {value}")
    if maximum is not None and value > maximum:
        what = f"at most {maximum}"
        raise ValueError(f"{who}: {name} must be {what}, got {value}")
    return int(value)


def iterations(
    value: object,
    who: str,
    name: str = "iterations",
    minimum: int = 0,
) -> int:
    """A count of loop iterations: whole, at least ``minimum``, at most
    ``MAX_ITERATIONS``."""
    count = whole(value, who, name, minimum)
    if count > MAX_ITERATIONS:
        what = f"at most {MAX_ITERATIONS}"
        bound = "the bound on iterations, MAX_ITERATIONS"
        what = f"{what} ({bound})"
        raise ValueError(f"{who}: {name} must be {what}, got {count}")
    return count


def flag(value: object, who: str, name: str) -> bool:
    """``True`` or ``False`` (numpy's bools too), as a bool."""
    if not isinstance(value, _BOOL):
        raise TypeError(_must(who, name, "True or False", value))
    return bool(value)


def text(value: object, who: str, name: str) -> str:
    """A string (a label, a title, a name)."""
    if not isinstance(value, str):
        raise TypeError(_must(who, name, "a str", value))
    return value


def one_of(value: object, options: Sequence, who: str, name: str) -> object:
    """``value`` if it is one of ``options``; a ValueError naming them
    otherwise."""
    if value not in options:
        names = ", ".join(str(option) for option in options)
        what = f"one of {names}"
        raise ValueError(f"{who}: {name} must be {what}, got {value!r}")
    return value


def instance(value: object, kind: type, who: str, name: str) -> object:
    """``value`` if it is a ``kind`` (a record such as a ``SearchHistory``);
    a TypeError otherwise."""
    if not isinstance(value, kind):
        raise TypeError(_must(who, name, f"a {kind.__name__}", value))
    return value


def mapping(value: object, who: str, name: str, what: str) -> Mapping:
    """``value`` if it is a non-empty dict (or other mapping); ``what``
    says what it maps, such as ``"label: SearchHistory"``."""
    if not isinstance(value, Mapping):
        raise TypeError(_must(who, name, f"a dict of {what}", value))
    if not value:
        raise ValueError(f"{who}: {name} is empty; give at least one {what}")
    return value


def callable_(f: object, who: str, name: str = "f") -> Callable:
    """``f`` itself if it can be called; a TypeError otherwise."""
    if not callable(f):
        raise TypeError(_must(who, name, "a function", f))
    return f


def calling(who: str, function: Callable, *args: object, **kwargs: object):
    """``function(*args, **kwargs)``, a numpy function given a reader's
    axis or shape: numpy's error for a bad one names ``who``."""
    try:
        return function(*args, **kwargs)
    except (ValueError, TypeError) as error:
        raise type(error)(f"{who}: {error}") from None


def returned(value: object, who: str, what: str = "a number") -> Number:
    """What ``f`` returned, as a float or float64 array, or a clear error.

    ``what`` says what ``f`` should have returned (for a message), such as
    ``"a number (a scalar Var)"``.
    """
    if value is None:
        raise TypeError(f"{who}: f returned None; it must return {what}")
    try:
        return as_number(value, who, "f's result")
    except TypeError:
        got = f"{who}: f returned {describe(value)}"
        raise TypeError(f"{got}; it must return {what}") from None


def point(value: object, who: str, name: str) -> np.ndarray:
    """A 1-D sequence of finite numbers, such as a search's start."""
    if isinstance(value, (str, bytes)):
        raise TypeError(_must(who, name, "a sequence of numbers", value))
    if not isinstance(value, (list, tuple, np.ndarray)):
        what = "a sequence of numbers such as (-2, 3)"
        raise TypeError(_must(who, name, what, value))
    array = as_number(value, who, name)
    if array.ndim != 1:
        what = "a flat sequence of numbers"
        got = f"shape {array.shape}"
        raise ValueError(f"{who}: {name} must be {what}, got {got}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{who}: {name} must be finite, got {value!r}")
    return array


def same_shape(
    value: object,
    shape: tuple[int, ...],
    who: str,
    name: str,
    expected: str,
) -> None:
    """A ValueError unless ``value`` has ``shape``, the shape of what
    ``expected`` names."""
    if np.shape(value) != shape:
        has = f"{name} has shape {np.shape(value)}"
        raise ValueError(f"{who}: {has}, but {expected} has shape {shape}")


def broadcast(a: object, b: object, who: str) -> None:
    """A ValueError unless ``a`` and ``b`` (numbers, arrays, or numbers that
    carry derivatives) can be combined elementwise, by numpy's rules."""
    shape_a, shape_b = getattr(a, "shape", ()), getattr(b, "shape", ())
    if shape_a == shape_b or not shape_a or not shape_b:
        return  # the same shape, or one number, which fits any shape
    try:
        np.broadcast_shapes(shape_a, shape_b)
    except ValueError:
        shapes = f"shapes {shape_a} {shape_b}"  # numpy's way to show them
        error = f"{who}: operands with {shapes} do not broadcast together"
        raise ValueError(error) from None


def condition(value: object, who: str, name: str = "condition") -> object:
    """A condition for ``where``: a single bool (a Python ``bool``), or an
    array of bools (or of numbers, true where they are not 0)."""
    if isinstance(value, (*_BOOL, *_REAL)):
        return bool(value)
    if isinstance(value, (list, tuple)):
        value = np.asarray(value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return bool(value) if value.ndim == 0 else value != 0
    what = "a bool or an array of bools"
    raise TypeError(_must(who, name, what, value))


def matmul_shapes(a: tuple[int, ...], b: tuple[int, ...], who: str) -> None:
    """A ValueError unless arrays of shapes ``a`` and ``b`` can be multiplied
    with ``@`` (numpy's rules: 1-D operands, broadcast batch axes)."""
    shapes = f"shapes {a} and {b}"
    if not a or not b:
        what = "arrays of at least one dimension"
        raise ValueError(f"{who}: @ needs {what}, got {shapes}")
    inner_a, inner_b = a[-1], b[0] if len(b) == 1 else b[-2]
    if inner_a != inner_b:
        inner = f"inner sizes {inner_a} and {inner_b} differ"
        raise ValueError(f"{who}: cannot matrix-multiply {shapes}: {inner}")
    try:
        np.broadcast_shapes(a[:-2], b[:-2])
    except ValueError:
        batch = f"batch shapes {a[:-2]} and {b[:-2]} do not broadcast"
        error = f"{who}: cannot matrix-multiply {shapes}: {batch}"
        raise ValueError(error) from None


def make_rng(
    rng: object, who: str = "make_rng", name: str = "rng"
) -> np.random.Generator:
    """A ``numpy.random.Generator``: the one given, or a new one from a seed
    (``None`` for a fresh, unseeded one)."""
    if isinstance(rng, np.random.Generator):
        return rng
    seed = isinstance(rng, (int, np.integer)) and not isinstance(rng, _BOOL)
    if seed and rng < 0:
        what = "a seed of at least 0"
        raise ValueError(f"{who}: {name} must be {what}, got {rng}")
    if rng is None or seed:
        return np.random.default_rng(rng)
    what = "a numpy Generator or an integer seed"
    raise TypeError(_must(who, name, what, rng))
