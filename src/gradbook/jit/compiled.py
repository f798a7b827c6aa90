"""``compile_grad``: ``backprop`` recorded once, simplified, and written
as Python source (see the package's docstring for the three stages)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gradbook import checks
from gradbook.functions import Tracer
from gradbook.jit.codegen import Code, body, define
from gradbook.jit.optimize import simplify
from gradbook.jit.program import Kind, Literal, MismatchError, Program
from gradbook.jit.record import _trace_grad


def compile_grad(
    f: Callable,
    xs: object,
    names: object = None,
    optimize: bool = True,
) -> Callable:
    """``backprop(f, xs)`` recorded once and compiled: a function that takes
    arguments shaped like ``xs`` and returns ``(value, gradient)`` as
    ``backprop`` does.

    ``names`` names the arguments in the program (``"a b c x y"``).  With
    ``optimize=False`` the program is neither simplified nor inlined, so
    you can see what those save.  The function carries ``program`` (what it
    computes), ``recorded`` (the program as recorded) and ``source`` (its
    Python source).
    """
    who = "compile_grad"
    recorded = _trace_grad(f, xs, names, who)
    program = simplify(recorded) if optimize else recorded
    many = isinstance(xs, (list, tuple))
    code = Code()
    code.namespace["arguments"] = _arguments(program, many)
    code.namespace.update(ndarray=np.ndarray, f64=np.dtype(np.float64))
    outputs = body(program, code, inline=optimize)
    name = getattr(f, "__name__", "f")
    name = name if name.isidentifier() and name != "<lambda>" else "f"
    lines = [*_head(program, many, name), *code.lines]
    lines += _tail(program, outputs, many)
    compiled = define(name, lines, code, program)
    compiled.program, compiled.recorded = program, recorded
    compiled.source = compiled.__source__
    return compiled


def _head(program: Program, many: bool, name: str) -> list[str]:
    """The first lines: take the arguments; if they are not exactly the
    recorded kinds of number, ``arguments`` converts them (ints to floats)
    or refuses them."""
    inputs = program.inputs
    fast = " or ".join(_not_kind(n, program.kinds[n]) for n in inputs)
    if not many:
        (x,) = inputs
        return [
            f"def {name}({x}):",
            f"    if {fast}:",
            f"        {x} = arguments({x})",
        ]
    unpack = ", ".join(inputs) + ("," if len(inputs) == 1 else "")
    return [
        f"def {name}(xs):",
        f"    if type(xs) in (list, tuple) and len(xs) == {len(inputs)}:",
        f"        {unpack} = xs",
        f"        if {fast}:",
        f"            {unpack} = arguments(xs)",
        "    else:",
        f"        {unpack} = arguments(xs)",
    ]


def _not_kind(name: str, kind: Kind) -> str:
    if kind.type is np.ndarray:
        return (
            f"type({name}) is not ndarray or {name}.shape != {kind.shape!r}"
            f" or {name}.dtype != f64"
        )
    return f"type({name}) is not {kind.type.__name__}"


def _tail(program: Program, outputs: list[str], many: bool) -> list[str]:
    """The last lines: the value and the gradient, as ``backprop`` hands
    them out (floats, and fresh arrays shaped like the arguments)."""
    floats = _surely_floats(program)
    value, *grads = outputs
    value = _handed_out(value, program.outputs[0], floats, ())
    shaped = [
        _handed_out(g, atom, floats, program.kinds[x].shape)
        for g, atom, x in zip(
            grads, program.outputs[1:], program.inputs, strict=True
        )
    ]
    if not many:
        return [f"    return {value}, {shaped[0]}"]
    return [
        f"    grad = [{', '.join(shaped)}]",
        f"    return {value}, grad if type(xs) is list else tuple(grad)",
    ]


def _handed_out(text: str, atom: object, floats: set, shape: tuple) -> str:
    if shape:
        return f"np.array({text})"  # fresh and writable, as backprop's
    if atom in floats or (
        isinstance(atom, Literal) and type(atom.value) is float
    ):
        return text
    return f"float({text})"


# Steps that give a Python float when their arguments are Python floats.
_FLOAT_STEPS = {
    "add",
    "sub",
    "mul",
    "div",
    "neg",
    "abs",
    "pow",
    "where",
    "times",
    "exp",
    "log",
    "sin",
    "cos",
    "tanh",
    "sqrt",
}


def _surely_floats(program: Program) -> set[str]:
    """The values that are Python floats on any arguments of the recorded
    kinds (a float computed with numpy, or with a numpy scalar, is a numpy
    float64, and the same step may give either with other arguments)."""
    floats = {x for x in program.inputs if program.kinds[x].type is float}

    def surely(atom: object) -> bool:
        if isinstance(atom, Literal):
            return type(atom.value) in (float, bool)
        return atom in floats or program.kinds[atom].type is bool

    for step in program.steps:
        closed = step.op in _FLOAT_STEPS and all(map(surely, step.args))
        if closed and program.kinds[step.out].type is float:
            floats.add(step.out)
    return floats


def _arguments(program: Program, many: bool) -> Callable:
    """The slow way in: check and convert the arguments, and compare their
    kinds with the recorded ones."""
    who, names = "compile_grad", program.inputs
    kinds = [program.kinds[n] for n in names]

    def arguments(xs: object) -> object:
        values = xs if many else [xs]
        if many and not isinstance(xs, (list, tuple)):
            what = f"a list of {len(names)} arguments, as recorded"
            raise TypeError(
                f"{who}: xs must be {what}, got {checks.describe(xs)}"
            )
        if len(values) != len(names):
            recorded = f"the program was recorded for {len(names)} arguments"
            raise MismatchError(f"{who}: {recorded}, got {len(values)}")
        if any(isinstance(v, Tracer) for v in values):
            raise TypeError(
                f"{who}: the compiled program computes with plain numbers, "
                "so it cannot be differentiated again; use backprop for that"
            )
        values = checks.numbers(values, who, "xs")
        for name, value, kind in zip(names, values, kinds, strict=True):
            if Kind.of(value) != kind:
                raise MismatchError(
                    f"{who}: argument {name} is a {Kind.of(value)}, but the "
                    f"program was recorded for a {kind}; record it again "
                    "for these shapes"
                )
        return values if many else values[0]

    return arguments
