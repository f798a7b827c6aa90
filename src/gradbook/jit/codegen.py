"""Python source from a recorded program, and the function it defines.

Each step becomes one line of straight-line Python: plain float
arithmetic where the step's values are floats (as the engine computes
them), numpy calls where they are arrays.  Nothing is looked up, checked
or recorded at run time, except the program's checks, which raise
``MismatchError`` when new arguments take another branch.

With ``inline=True``, a float value used once is written into the line
that uses it (``v4 = a * x + b * y + c`` instead of four lines; this is
*inlining*): the same operations in the same order, so the same numbers,
with fewer names for Python to store and load.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections import Counter
from collections.abc import Callable

import numpy as np

from gradbook import checks, functions
from gradbook.jit.program import Kind, Literal, Program, Step, _times, mismatch

__all__ = ["Code", "body", "compile_program"]

_INFIX = {
    "add": "+",
    "sub": "-",
    "mul": "*",
    "div": "/",
    "matmul": "@",
    "lt": "<",
    "le": "<=",
    "gt": ">",
    "ge": ">=",
    "eq": "==",
    "ne": "!=",
    "and": "&",
    "or": "|",
}
_MATH = ("exp", "log", "sin", "cos", "tanh", "sqrt")
_SCALARS = (float, bool, np.float64, np.bool_)


class Code:
    """Lines of source being written, and the names they need."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants = 0
        self.namespace: dict[str, object] = {
            "np": np,
            "inf": math.inf,
            "nan": math.nan,
            "power": functions.power,
            "times": _times,
            "scatter": functions._scatter,
            **{name: getattr(math, name) for name in _MATH},
            **{f"{name}_": getattr(functions, name) for name in _MATH},
        }

    def constant(self, value: object) -> str:
        """A name (or a literal) for a constant."""
        if type(value) is float and math.isfinite(value):
            text = repr(value)  # exact: repr gives back the same float
            return f"({text})" if text.startswith("-") else text
        if type(value) is float:
            return {math.inf: "inf", -math.inf: "(-inf)"}.get(value, "nan")
        if value is None or type(value) in (bool, int):
            return repr(value)
        self.constants += 1
        name = f"c{self.constants}"
        self.namespace[name] = value
        return name


def _is_scalar(kind: Kind) -> bool:
    return kind.type in _SCALARS


def _expression(
    step: Step, args: list[str], kinds: list[Kind], constant: Callable
) -> tuple:
    """``(text, lazy)``: the step as a Python expression, and the positions
    of its arguments that it may not evaluate exactly once (they cannot be
    written into it).  None for a step that needs statements."""
    op, params = step.op, dict(step.params)
    if op in _INFIX:
        return f"{args[0]} {_INFIX[op]} {args[1]}", ()
    if op in ("neg", "invert"):
        return f"{'-' if op == 'neg' else '~'}{args[0]}", ()
    if op == "abs":
        return f"abs({args[0]})", ()
    if op == "pow":
        return f"power({args[0]}, {args[1]})", ()
    if op in _MATH:
        if kinds[0].type is float:
            return None, ()  # math's function, and numpy's where it refuses
        if kinds[0].type is np.ndarray and kinds[0].shape:
            return f"np.{op}({args[0]})", ()
        return f"{op}_({args[0]})", ()  # gradbook's, for other kinds
    if op == "where":
        if all(map(_is_scalar, kinds)):
            return f"{args[1]} if {args[0]} else {args[2]}", (1, 2)
        return f"np.where({args[0]}, {args[1]}, {args[2]})", ()
    if op == "times":
        if _is_scalar(kinds[0]) and _is_scalar(kinds[1]):
            text = f"0.0 if {args[0]} == 0 else {args[0]} * {args[1]}"
            return text, (0, 1)
        return f"times({args[0]}, {args[1]})", ()
    if op in ("sum", "max"):
        axis, keepdims = params.get("axis"), params.get("keepdims", False)
        how = f"axis={axis!r}, keepdims={keepdims!r}"
        if op == "sum":
            return f"np.sum({args[0]}, {how})", ()
        return f"{args[0]}.max({how})", ()
    if op in ("any", "all", "sign", "isfinite"):
        return f"np.{op}({args[0]})", ()
    if op == "reshape":
        return f"np.reshape({args[0]}, {params['shape']!r})", ()
    if op == "transpose":
        return f"np.transpose({args[0]}, {params['axes']!r})", ()
    if op == "getitem":
        return f"{args[0]}[{constant(params['key'])}]", ()
    if op == "scatter":
        key, shape = constant(params["key"]), params["shape"]
        return f"scatter({args[0]}, {shape!r}, {key})", ()
    if op == "call":  # a numpy function, with its settings
        function = constant(params.pop("function"))
        settings = [f"{k}={constant(v)}" for k, v in params.items()]
        return f"{function}({', '.join([*args, *settings])})", ()
    raise ValueError(f"compile_grad: no code for the primitive {op!r}")


def body(program: Program, code: Code, inline: bool = True) -> list[str]:
    """Write the steps of ``program`` into ``code`` (indented for a
    function body); return the expression of each output.

    With ``inline``, an array is also deleted after the line that reads it
    for the last time: its memory is reused at once (as the temporaries of
    a numpy expression are), instead of being taken fresh from the system
    (the digits network's gradient: 44% and 48% less time in two runs).
    """
    kinds = program.kinds
    uses = _uses(program)
    written: dict[str, str] = {}  # value name -> expression, if inlined
    reads: dict[str, list[str]] = {}  # an inlined value -> the names it reads
    left = Counter(
        a for s in program.steps for a in s.args if isinstance(a, str)
    )
    kept = {
        *program.inputs,
        *(o for o in program.outputs if isinstance(o, str)),
    }

    def read(atom: object) -> str:
        if isinstance(atom, Literal):
            return code.constant(atom.value)
        return written.get(atom, atom)

    def names(step: Step) -> list[str]:
        found = []
        for a in step.args:
            if isinstance(a, str):
                found += reads.pop(a) if a in written else [a]
        return found

    def emitted(step: Step, lines: list[str]) -> None:
        code.lines.extend(lines)
        done = []
        for name in names(step):
            left[name] -= 1
            array = kinds[name].type is np.ndarray
            if inline and array and not left[name] and name not in kept:
                done.append(name)
        if done:
            code.lines.append(f"    del {', '.join(done)}")

    for number, step in enumerate(program.steps, 1):
        args = [read(a) for a in step.args]
        if step.op == "check":
            ((_, holds),) = step.params
            test = f"    if {'not ' if holds else ''}{args[0]}:"
            emitted(step, [test, f"        raise mismatch({number})"])
            continue
        arg_kinds = [_kind_of(a, kinds) for a in step.args]
        text, _ = _expression(step, args, arg_kinds, code.constant)
        if text is None:  # a function of math, on one float
            emitted(
                step,
                [
                    "    try:",
                    f"        {step.out} = {step.op}({args[0]})",
                    "    except (OverflowError, ValueError):",
                    f"        {step.out} = float(np.{step.op}({args[0]}))",
                ],
            )
        elif (
            inline
            and uses.get(step.out) == "once"
            and _is_scalar(kinds[step.out])
        ):
            written[step.out] = f"({text})"
            reads[step.out] = names(step)
        else:
            emitted(step, [f"    {step.out} = {text}"])
    return [read(o) for o in program.outputs]


def _kind_of(atom: object, kinds: dict) -> Kind:
    return Kind.of(atom.value) if isinstance(atom, Literal) else kinds[atom]


def _uses(program: Program) -> dict[str, str]:
    """For each value: "once" if exactly one step reads it, at a place that
    it evaluates exactly once (so it can be written there), else "many"."""
    uses: dict[str, str] = {}
    kinds = program.kinds

    def use(name: str, writable: bool) -> None:
        uses[name] = "once" if writable and name not in uses else "many"

    for step in program.steps:
        if step.op == "check":
            for a in step.args:
                use(a, True)
            continue
        lazy = ()
        if step.op in ("where", "times"):
            arg_kinds = [_kind_of(a, kinds) for a in step.args]
            blank = [""] * len(step.args)
            _, lazy = _expression(step, blank, arg_kinds, str)
        seen = [a for a in step.args if not isinstance(a, Literal)]
        for i, a in enumerate(step.args):
            if isinstance(a, Literal):
                continue
            use(a, i not in lazy and seen.count(a) == 1)
    for a in program.outputs:
        if not isinstance(a, Literal):
            uses[a] = "many"
    return uses


def compile_program(
    program: Program, name: str = "program", inline: bool = True
) -> Callable:
    """The program as a Python function of its inputs that returns the
    tuple of its outputs; its source is in ``__source__``."""
    checks.instance(program, Program, "compile_program", "program")
    if not isinstance(name, str) or not name.isidentifier():
        got = checks.describe(name)
        raise ValueError(
            f"compile_program: name must be an identifier, got {got}"
        )
    code = Code()
    outputs = body(program, code, inline)
    head = f"def {name}({', '.join(program.inputs)}):"
    tail = f"    return ({', '.join(outputs)},)"
    return define(name, [head, *code.lines, tail], code, program)


def define(
    name: str, lines: list[str], code: Code, program: Program
) -> Callable:
    """Execute the source ``lines`` (one function definition) and return
    the function, with its source in ``__source__``."""
    source = "\n".join(fitted for line in lines for fitted in _fit(line))
    source += "\n"
    namespace = dict(code.namespace)
    namespace["mismatch"] = lambda number: _raise(program, number)
    exec(compile(source, f"<gradbook.jit {name}>", "exec"), namespace)
    function = namespace[name]
    function.__source__ = source
    return function


_WIDTH = 79
_HEADS = re.compile(r"(\s*)(\w+ = |if |return )(.*?)(:?)$")


def _fit(line: str) -> list[str]:
    """A line as lines of at most 79 columns, where Python allows a break:
    an assignment, an ``if`` or a ``return``, its expression in
    parentheses."""
    match = _HEADS.fullmatch(line)
    if len(line) <= _WIDTH or match is None:
        return [line]
    indent, head, expression, colon = match.groups()
    inner = indent + " " * 4
    parts = textwrap.wrap(
        expression,
        width=_WIDTH - len(inner),
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [
        f"{indent}{head}(",
        *(inner + p for p in parts),
        f"{indent}){colon}",
    ]


def _raise(program: Program, number: int) -> Exception:
    ((_, holds),) = program.steps[number - 1].params
    return mismatch(program, number, holds)
