"""Where a wrong derivative starts, in the words of
:mod:`gradbook.engine_check`: go from the output back through the nodes, in
the program's reverse order, to the first node whose cotangent disagrees
with finite differences, then say why, without a number.

A node's cotangent is the sum, over its uses, of the user's cotangent times
a local derivative.  In the program's reverse order (a reverse topological
order) the users of a node come before the node, so at the first wrong node
every user's cotangent is right.  The fault is then in one of three places:
a local derivative (each use is tested on its own, at the same values), the
collecting of several uses, or the order of the visits (a user passed its
cotangent on before it was complete, or more than once).  When every local
derivative is right, a node used once points at the order.  A node used
several times is tried with one use at a time (the others take a copy of
it, a new argument): if its cotangent is still wrong with one use, that
user passed its cotangent on too early; if each use alone is right, the
uses are not collected.
"""

from __future__ import annotations

from collections.abc import Callable

from gradbook.checks import Number
from gradbook.engine_check.engines import (
    ABSENT,
    EngineError,
    MissingError,
    Trace,
)
from gradbook.engine_check.program import (
    Builder,
    Program,
    Ref,
    Step,
    op_name,
)
from gradbook.engine_check.referee import (
    compare,
    evaluate,
    node_cotangent,
    reference_gradients,
)
from gradbook.engine_check.report import Located

__all__ = ["culprit", "explain", "join", "locate", "side"]

Run = Callable[[Program], Trace]


def locate(
    program: Program, trace: Trace, run: Run, keeps_grads: bool
) -> Located | None:
    """Go from the output back, in the program's reverse order: the first
    node whose cotangent is wrong, and why (see :class:`Located`).  ``run``
    runs a program on the engine; ``keeps_grads`` says whether the engine
    keeps a cotangent on every node (a class engine), or only hands out
    the arguments' (a function engine: a probe finds the others)."""
    right: list[int] = []
    for i in reversed(range(program.size)):
        got = _node_grad(program, trace, i, run, keeps_grads)
        if got is None:
            continue
        if compare(got, node_cotangent(program, i), ""):
            break
        right.append(i)
    else:
        return None
    if i == program.size - 1:
        return Located(program, i, tuple(right), "output")
    uses = program.uses(i)
    values = evaluate(program)
    for use in uses:
        if not _use_is_right(program, values, use, run):
            return Located(program, i, tuple(right), "local", use)
    if len(uses) == 1:
        return Located(program, i, tuple(right), "order", uses[0])
    kind, use = _several_uses(program, values, i, run, keeps_grads)
    return Located(program, i, tuple(right), kind, use)


def _several_uses(
    program: Program,
    values: list[Number],
    i: int,
    run: Run,
    keeps_grads: bool,
) -> tuple[str, tuple[int, int]]:
    """Why node ``i``, used several times, each use right on its own, gets
    a wrong cotangent.  Keep one use at a time (the others use a copy of
    the node, a new argument): if the node's cotangent is wrong even then,
    while its user's is right, that user passed its cotangent on too early
    (``"order"``); if it is right with each use alone, the uses are not
    collected (``"uses"``); ``"uses or order"`` where it cannot be told."""
    uses = program.uses(i)
    for use in uses:
        alone, node = _only_use(program, i, use, values[i])
        try:
            trace = run(alone)
        except (EngineError, MissingError):
            return "uses or order", uses[0]
        found = locate(alone, trace, run, keeps_grads)
        if found is None:
            continue
        if found.node == node and found.kind == "order":
            return "order", use
        return "uses or order", uses[0]
    return "uses", uses[0]


def _only_use(
    program: Program, i: int, use: tuple[int, int], value: Number
) -> tuple[Program, int]:
    """``program`` with node ``i`` kept only in ``use``: its other uses
    take a copy of it, a new last argument of the same ``value``.  Returns
    the program and the index of node ``i`` in it."""
    n = len(program.arguments)

    def moved(j: int) -> int:  # the new argument comes before every step
        return j if j < n else j + 1

    steps = []
    for k, step in enumerate(program.steps):
        operands = tuple(
            o
            if not isinstance(o, Ref)
            else Ref(n)
            if o.index == i and (n + k, position) != use
            else Ref(moved(o.index))
            for position, o in enumerate(step.operands)
        )
        steps.append(step._replace(operands=operands))
    alone = Program(
        (*program.names, "copy"), (*program.arguments, value), tuple(steps)
    )
    return alone, moved(i)


def _node_grad(
    program: Program, trace: Trace, i: int, run: Run, keeps_grads: bool
) -> object:
    """The engine's cotangent of node ``i``: as it holds it, or by a probe
    (an extra argument added to node ``i``).  None where it cannot be
    known."""
    n = len(program.arguments)
    if i < n or keeps_grads:
        raw = trace.grads[i]
        return None if i >= n and raw is ABSENT else raw
    try:
        probe = run(_with_probe(program, i))
    except (EngineError, MissingError):
        return None
    return probe.grads[n]


def _use_is_right(
    program: Program, values: list[Number], use: tuple[int, int], run: Run
) -> bool:
    """Whether the local derivative of node ``use[0]`` with respect to its
    operand ``use[1]`` is right on its own, at the same values."""
    k, position = use
    step = program.step(k)
    names = [
        "xyz"[j] for j, o in enumerate(step.operands) if isinstance(o, Ref)
    ]
    b = Builder(
        **{
            name: values[o.index]
            for name, o in zip(
                names,
                (o for o in step.operands if isinstance(o, Ref)),
                strict=True,
            )
        }
    )
    refs = iter(b.arguments)
    b.op(
        step.op,
        *(next(refs) if isinstance(o, Ref) else o for o in step.operands),
    )
    alone = b.program()
    argument = names.index("xyz"[position])
    try:
        trace = run(alone)
    except (EngineError, MissingError):
        return False
    expected = reference_gradients(alone)[argument]
    return not compare(trace.grads[argument], expected, "")


_SIDES = ("the left operand", "the right operand")


def side(symbol: str, kind: str, position: int) -> str:
    """Operand ``position`` of a step of ``kind`` (``"v"``, ``"vv"``,
    ``"vc"`` or ``"cv"``: which operands are engine numbers), in words."""
    if kind == "v":
        return "its operand"
    if symbol == "**":
        return "the exponent" if kind == "cv" or position == 1 else "the base"
    if kind == "cv":
        return "the right operand"
    return _SIDES[position]


def _with_probe(program: Program, i: int) -> Program:
    """``program`` with an extra argument, ``probe = 0``, added to node
    ``i``: nothing changes, and the probe's derivative is d(output)/d(node
    ``i``)."""
    b = Builder(
        **dict(zip(program.names, program.arguments, strict=True)), probe=0.0
    )
    *nodes, probe = b.arguments
    for k, step in enumerate(program.steps):
        operands = [
            nodes[o.index] if isinstance(o, Ref) else o for o in step.operands
        ]
        ref = b.op(step.op, *operands, name=step.name)
        if len(program.arguments) + k == i:
            ref = b.op("+", ref, probe)
        nodes.append(ref)
    return b.program()


def explain(located: Located) -> str:
    """What the located node tells, in words, with no expected number."""
    p = located.program
    node = p.label(located.node)
    head = (
        "Going from the output back to the arguments, the first wrong "
        f"cotangent is that of {node}"
    )
    if located.kind == "output":
        return f"{head}: backward() must start from a cotangent of 1."
    k, position = located.use
    step = p.step(k)
    name = op_name(step)
    words = side(step.op, _kind_of(step), position)
    if located.kind == "local":
        return (
            f"{head}, used by {name} ({p.text(k)}). {name}: the derivative "
            f"with respect to {words} is wrong."
        )
    uses = p.uses(located.node)
    used = (
        f"{head}. It is used {_times(len(uses))}, {_users(p, uses)}; "
        "each local derivative is right on its own"
    )
    lost = f"{used}, so the cotangent of {node} does not collect every use"
    if located.kind == "uses":
        return f"{lost}."
    if located.kind == "uses or order":
        return (
            f"{lost}, or one of its users passed its own cotangent on before "
            "it was complete, or more than once."
        )
    consumer = p.label(k)
    passed = (
        f"so backward() passed the cotangent of {consumer} on before it was "
        "complete, or more than once."
    )
    if len(uses) > 1:
        return (
            f"{used}. With {name} ({p.text(k)}) as its only use, {node} "
            "still gets a wrong cotangent, although the cotangent of "
            f"{consumer} is right: {passed}"
        )
    return (
        f"{head}. Its cotangent comes only through {_with_text(p, k)}, "
        f"whose own cotangent and local derivatives are right: {passed}"
    )


def _with_text(p: Program, k: int) -> str:
    """Node ``k`` with its expression: ``t (x * y)``, or ``the exp node
    (exp(x))``, whose label holds it already."""
    label = p.label(k)
    if label.endswith(f"({p.text(k)})"):
        return label
    return f"{label} ({p.text(k)})"


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _users(p: Program, uses: list[tuple[int, int]]) -> str:
    """``"by add (t + z) and mul (t * w)"``, or ``"as both operands of mul
    (x * x)"``."""
    nodes = list(dict.fromkeys(k for k, _ in uses))
    if len(nodes) == 1 and len(uses) == 2:
        k = nodes[0]
        return f"as both operands of {op_name(p.step(k))} ({p.text(k)})"
    return "by " + join([f"{op_name(p.step(k))} ({p.text(k)})" for k in nodes])


def _kind_of(step: Step) -> str:
    refs = [isinstance(o, Ref) for o in step.operands]
    if len(refs) == 1:
        return "v"
    return {(True, True): "vv", (True, False): "vc", (False, True): "cv"}[
        tuple(refs)
    ]


def culprit(
    located: Located, under_test: str | None, uncollected: set[str]
) -> str | None:
    """The operation a located failure points at: the one whose local
    derivative is wrong, or whose uses were not collected (the one under
    test, or the only one among the node's users that already lost a use
    in a simpler check); None where the backward pass as a whole is at
    fault."""
    p = located.program
    if located.kind == "local":
        return op_name(p.step(located.use[0]))
    if located.kind in ("uses", "uses or order"):
        if under_test is not None:
            return under_test
        ops = {op_name(p.step(j)) for j, _ in p.uses(located.node)}
        suspects = ops & uncollected if len(ops) > 1 else ops
        return suspects.pop() if len(suspects) == 1 else None
    return None


def join(words: list[str]) -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"``."""
    words = list(words)
    if len(words) < 3:
        return " and ".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
