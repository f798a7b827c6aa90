"""Two simplifications of a recorded program, each a pass over its steps.

* ``common_subexpressions``: a step that repeats an earlier one (the same
  operation on the same values) is dropped, and its uses read the earlier
  value; so is a step that gives back its argument (a reshape to the
  shape it has).
* ``dead_code``: a step whose value no output needs is dropped.  Checks
  stay: the branch they guard is part of what the program computes.

Neither changes a number: the program computes the same operations on the
same values, only fewer times.  ``simplify`` runs both.
"""

from __future__ import annotations

import numpy as np

from gradbook import checks
from gradbook.jit.program import Literal, Program, Step

__all__ = ["common_subexpressions", "dead_code", "simplify"]


def simplify(program: Program) -> Program:
    """The program without repeated steps and without dead steps."""
    checks.instance(program, Program, "simplify", "program")
    return dead_code(common_subexpressions(program))


def dead_code(program: Program) -> Program:
    """The program without the steps whose values no output needs."""
    checks.instance(program, Program, "dead_code", "program")
    needed = {a for a in program.outputs if not isinstance(a, Literal)}
    kept = []
    for step in reversed(program.steps):
        if step.op == "check" or step.out in needed:
            kept.append(step)
            needed.update(a for a in step.args if not isinstance(a, Literal))
    return _like(program, kept[::-1], program.outputs)


def common_subexpressions(program: Program) -> Program:
    """The program where each operation on the same values is computed
    once."""
    checks.instance(program, Program, "common_subexpressions", "program")
    first: dict[tuple, str] = {}  # what a step computes -> its value's name
    same: dict[str, str] = {}  # a dropped value -> the value it repeats
    kept = []
    for step in program.steps:
        args = tuple(
            same.get(a, a) if isinstance(a, str) else a for a in step.args
        )
        if _gives_back(step, program):
            same[step.out] = args[0]
            continue
        key = (step.op, tuple(map(_key, args)), tuple(map(_key, step.params)))
        if key in first:
            if step.out is not None:
                same[step.out] = first[key]
            continue
        first[key] = step.out
        kept.append(Step(step.out, step.op, args, step.params))
    outputs = tuple(
        same.get(a, a) if isinstance(a, str) else a for a in program.outputs
    )
    return _like(program, kept, outputs)


def _gives_back(step: Step, program: Program) -> bool:
    """Whether ``step`` computes its argument itself: a reshape to its own
    shape, or a transpose that keeps every axis in place."""
    if step.op not in ("reshape", "transpose") or isinstance(
        step.args[0], Literal
    ):
        return False
    shape, params = program.kinds[step.args[0]].shape, dict(step.params)
    if step.op == "reshape":
        return params["shape"] == shape
    return params["axes"] == tuple(range(len(shape)))


def _key(atom: object) -> object:
    """What identifies an argument or a setting: a value's name, or a
    constant (an array by identity: equal arrays may be different
    constants, and comparing them would cost as much as the step)."""
    if isinstance(atom, Literal):
        return ("literal", _key(atom.value))
    if isinstance(atom, np.ndarray):
        return ("array", id(atom))
    if isinstance(atom, tuple):
        return tuple(map(_key, atom))
    return (type(atom).__name__, repr(atom))


def _like(program: Program, steps: list[Step], outputs: tuple) -> Program:
    names = set(program.inputs) | {s.out for s in steps if s.out}
    kinds = {n: k for n, k in program.kinds.items() if n in names}
    return Program(program.inputs, steps, outputs, kinds, program.linear)
