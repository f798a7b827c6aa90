"""Reverse mode from forward mode, on recorded programs: linearize, then
transpose (as JAX does; see its "Autodidax").

``linearize(f, xs)`` records one forward-mode pass, ``dual.jvp``, on
Symbols: the primals and the tangents are both inputs of the program.
Every step then depends on the primals only, or on the tangents too.  The
first kind is the *primal* program: the value, and the numbers the other
steps need from it (the *residuals*, such as each local derivative).  The
second kind is the *linear* program: each of its steps multiplies a
tangent by a residual, or adds tangents, or moves them (a sum, a reshape),
so its output is a linear function of the tangents: the Jacobian times
the tangents, the JVP.

``transpose(linear)`` runs the linear program backwards: each step, read
from the last to the first, sends the cotangent of its output to its
inputs by its *transpose rule*.  ``t * r`` sends ``g * r`` back to ``t``;
``t1 + t2`` sends ``g`` to both; ``sum`` spreads ``g`` back over what it
summed.  These are the vector-Jacobian products of chapter 3, one per
linear operation, and the result is reverse mode: the gradient, for the
price of one pass, from rules that only forward mode had to state.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gradbook import checks, dual
from gradbook.backprop import _unbroadcast, matmul_rules
from gradbook.functions import (
    _broadcast_to,
    _reshape,
    _scatter,
    _sum,
    _transpose,
    _where,
    close_level,
    open_level,
    times,
)
from gradbook.jit.program import Kind, Literal, Program, Step
from gradbook.jit.record import Recording, Symbol, _arguments, _output

__all__ = ["grad_by_transpose", "linearize", "transpose"]


def linearize(
    f: Callable, xs: object, names: object = None
) -> tuple[Program, Program]:
    """``(primal, linear)``: the program of ``f`` split in two.

    ``primal`` takes the arguments and returns the value of ``f`` and the
    residuals; ``linear`` takes the residuals and one tangent per argument
    (named ``d`` + the argument's name) and returns the tangent of the
    value.
    """
    return _linearize(f, xs, names, "linearize")


def _linearize(f: Callable, xs: object, names: object, who: str) -> tuple:
    """``linearize``, with errors naming ``who``, the function called."""
    checks.callable_(f, who)
    recording = Recording(who)
    open_level(recording.level)
    try:
        primals = _arguments(recording, xs, names)
        many = isinstance(primals, list)
        leaves = primals if many else [primals]
        tangents = [
            recording.argument(
                np.zeros(x.shape) if x.shape else 0.0, f"d{x.name}"
            )
            for x in leaves
        ]
        value, tangent = dual._jvp(
            f, primals, tangents if many else tangents[0], who
        )
    finally:
        close_level(recording.level)
    program = recording.program(
        [_output(value, recording), _output(tangent, recording)]
    )
    return _split(program, tuple(t.name for t in tangents))


def _split(program: Program, tangents: tuple[str, ...]) -> tuple:
    """Partial evaluation: the steps that depend on the tangents go to the
    linear program, the others to the primal one."""
    linear_names = set(tangents)
    primal_steps, linear_steps = [], []
    for step in program.steps:
        names = {a for a in step.args if isinstance(a, str)}
        if names & linear_names:
            if step.op == "check":
                raise ValueError(
                    "linearize: the program takes a branch on a tangent; "
                    "it is not linear in the tangents"
                )
            linear_names.add(step.out)
            linear_steps.append(step)
        else:
            primal_steps.append(step)
    used = [a for s in linear_steps for a in s.args if isinstance(a, str)]
    residuals = [a for a in dict.fromkeys(used) if a not in linear_names]
    value, tangent = program.outputs
    kinds = program.kinds
    primal = Program(
        program.inputs[: len(program.inputs) - len(tangents)],
        primal_steps,
        (value, *residuals),
        kinds,
    )
    linear = Program(
        (*residuals, *tangents), linear_steps, (tangent,), kinds, tangents
    )
    return primal, linear


def transpose(linear: Program) -> Program:
    """The linear program run backwards: it takes the residuals and the
    cotangent of the output, ``ct``, and returns the cotangent of each
    tangent input (for a scalar output and ``ct = 1``, the gradient)."""
    who = "transpose"
    checks.instance(linear, Program, who, "linear")
    if not linear.linear:
        raise ValueError(f"{who}: give the linear program of linearize")
    recording = Recording(who, prefix="ct")
    open_level(recording.level)
    try:
        known = {
            name: recording.argument(_stand_in(linear.kinds[name]), name)
            for name in linear.inputs
            if name not in linear.linear
        }
        (out,) = linear.outputs
        out_kind = _kind(out, linear)
        ct = recording.argument(_stand_in(out_kind), "ct")
        cotangents = {} if isinstance(out, Literal) else {out: ct}
        for step in reversed(linear.steps):
            g = cotangents.pop(step.out, None)
            if g is None:  # nothing flows back along this step
                continue
            for i, contribution in _rule(step, g, known, linear):
                arg = step.args[i]
                contribution = _unbroadcast(
                    contribution, linear.kinds[arg].shape
                )
                old = cotangents.get(arg)
                cotangents[arg] = (
                    contribution if old is None else old + contribution
                )
        outputs = [
            cotangents.get(t, _zeros(linear.kinds[t])) for t in linear.linear
        ]
    finally:
        close_level(recording.level)
    return recording.program([_output(o, recording) for o in outputs])


def _kind(atom: object, program: Program) -> Kind:
    return (
        Kind.of(atom.value)
        if isinstance(atom, Literal)
        else program.kinds[atom]
    )


def _stand_in(kind: Kind) -> object:
    """A value of ``kind`` to record with: the transpose rules do not
    branch on values, so any value of the right kind records the same
    steps."""
    if kind.type is np.ndarray:
        return np.ones(kind.shape, dtype=kind.dtype)
    return kind.type(1)


def _zeros(kind: Kind) -> object:
    return np.zeros(kind.shape) if kind.shape else 0.0


def _rule(step: Step, g: Symbol, known: dict, program: Program) -> list:
    """The transpose rule of one linear step: ``(argument index,
    contribution to its cotangent)`` for each argument that is linear."""
    linear = [
        i
        for i, a in enumerate(step.args)
        if isinstance(a, str) and a not in known
    ]
    args = [
        a.value if isinstance(a, Literal) else known.get(a) for a in step.args
    ]
    params = dict(step.params)
    rule = _RULES.get(step.op)
    if rule is None or not _linear_places(step.op, linear):
        raise ValueError(
            f"transpose: the step {step} is not linear in the tangents"
        )
    return [(i, rule(i, g, args, params, program, step)) for i in linear]


def _linear_places(op: str, linear: list[int]) -> bool:
    """Whether the tangents are where ``op`` is linear in them."""
    if op in ("mul", "matmul"):
        return len(linear) == 1
    if op in ("div", "times"):
        return linear == [0]
    if op == "where":
        return 0 not in linear
    return True


def _matmul_rule(i, g, args, params, program, step):
    u, v = (_shaped(a, step.args[j], program) for j, a in enumerate(args))
    rule_u, rule_v = matmul_rules(u, v)
    return rule_u(g) if i == 0 else rule_v(g)


def _shaped(value: object, atom: object, program: Program) -> object:
    """An argument's value, or (for the tangent itself, unknown here) a
    stand-in of its shape: the matmul rules need only its shape."""
    if value is not None:
        return value
    return np.zeros(program.kinds[atom].shape)


def _sum_rule(i, g, args, params, program, step):
    shape = program.kinds[step.args[0]].shape
    kept = np.shape(_sum(np.zeros(shape), params.get("axis"), True))
    return _broadcast_to(_reshape(g, kept), shape)


_RULES = {
    "add": lambda i, g, *_: g,
    "sub": lambda i, g, *_: g if i == 0 else -g,
    "neg": lambda i, g, *_: -g,
    "mul": lambda i, g, args, *_: g * args[1 - i],
    "div": lambda i, g, args, *_: g / args[1],
    "times": lambda i, g, args, *_: times(g, args[1]),
    "where": lambda i, g, args, *_: (
        _where(args[0], g, 0.0, "where")
        if i == 1
        else _where(args[0], 0.0, g, "where")
    ),
    "sum": _sum_rule,
    "reshape": lambda i, g, args, params, program, step: _reshape(
        g, program.kinds[step.args[0]].shape
    ),
    "transpose": lambda i, g, args, params, *_: _transpose(
        g, tuple(np.argsort(params["axes"]))
    ),
    "getitem": lambda i, g, args, params, program, step: _scatter(
        g, program.kinds[step.args[0]].shape, params["key"]
    ),
    "matmul": _matmul_rule,
}


def grad_by_transpose(f: Callable, xs: object) -> tuple:
    """``(value, gradient)`` of ``f`` at ``xs`` by linearize, then transpose:
    the primal program, then the transposed linear program with a
    cotangent of 1."""
    primal, linear = _linearize(f, xs, None, "grad_by_transpose")
    backward = transpose(linear)
    value, *residuals = primal.run(*_flat(xs))
    cotangents = backward.run(*residuals, 1.0)
    if isinstance(xs, (list, tuple)):
        return value, type(xs)(cotangents)
    return value, cotangents[0]


def _flat(xs: object) -> list:
    leaves = xs if isinstance(xs, (list, tuple)) else [xs]
    return checks.numbers(leaves, "grad_by_transpose", "xs")
