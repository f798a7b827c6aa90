"""The answers to the bug hunts: each engine's bug, what the report of
:func:`gradbook.engine_check.check_engine` names, and the patch that fixes
it.

Each bug is of a kind that appeared in, or was discussed for, public
engines and lectures; chapter 4's section "Where these bugs come from" says
where.  A patch replaces a
few lines of the engine's source; :func:`fixed` applies it and returns the
fixed ``Value``, which passes every check.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from types import ModuleType

from gradbook.bug_hunts import hunt1, hunt2, hunt3, hunt4, hunt5, hunt6
from gradbook.bug_hunts.repair import known_hunt, load

__all__ = ["FIXES", "Fix", "fixed"]


@dataclass(frozen=True)
class Fix:
    """One hunt's answer.

    ``fails`` holds the ``(property, operation)`` of every failure the
    engine's report shows; ``before`` is the buggy code exactly as the
    engine has it (it occurs once), ``after`` what replaces it.
    """

    hunt: ModuleType
    bug: str
    fails: frozenset[tuple[str, str | None]]
    before: str
    after: str


FIXES = (
    Fix(
        hunt1,
        "`**` gives the exponent no gradient",
        frozenset({("derivatives", "pow")}),
        """\
            slope = other.data * self.data ** (other.data - 1)
            self.grad += slope * out.grad
""",
        """\
            slope = other.data * self.data ** (other.data - 1)
            self.grad += slope * out.grad
            if self.data > 0:  # d(x**y)/dy = x**y * log(x), for x > 0
                other.grad += out.data * math.log(self.data) * out.grad
""",
    ),
    Fix(
        hunt2,
        "`=` instead of `+=`: a value used twice keeps one use's gradient",
        frozenset(
            {("reuse", "mul"), ("non-leaf reuse", "mul"), ("diamond", "mul")}
        ),
        """\
            self.grad = other.data * out.grad
            other.grad = self.data * out.grad
""",
        """\
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
""",
    ),
    Fix(
        hunt3,
        "tanh computed from exp(2x), which overflows at x = 1000",
        frozenset({("extremes", "tanh")}),
        """\
        e = math.exp(2 * self.data)
        t = (e - 1) / (e + 1)
""",
        """\
        t = math.tanh(self.data)
""",
    ),
    Fix(
        hunt4,
        "backward() does not reset the gradients of the graph first",
        frozenset({("backward twice", None)}),
        """\
        self.grad = 1.0
        for v in reversed(topo):
""",
        """\
        for v in topo:
            v.grad = 0.0
        self.grad = 1.0
        for v in reversed(topo):
""",
    ),
    Fix(
        hunt5,
        "backward() recurses into each node's children, with no "
        "topological order",
        frozenset(
            {
                ("non-leaf reuse", None),
                ("diamond", None),
                ("deep chain", None),
            }
        ),
        """\
    def backward(self):
        self._zero_grad()
        self.grad = 1.0
        self._backward_all()

    def _zero_grad(self):
        self.grad = 0.0
        for child in self._prev:
            child._zero_grad()

    def _backward_all(self):
        self._backward()
        for child in self._prev:
            child._backward_all()
""",
        """\
    def backward(self):
        topo, seen, stack = [], set(), [(self, False)]
        while stack:  # a topological order, without recursion
            v, ready = stack.pop()
            if ready:
                topo.append(v)
            elif v not in seen:
                seen.add(v)
                stack.append((v, True))
                stack.extend((child, False) for child in v._prev)
        for v in topo:
            v.grad = 0.0
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()
""",
    ),
    Fix(
        hunt6,
        "`+` does not sum the gradient back to the shape of a broadcast "
        "operand",
        frozenset({("broadcasting", "add")}),
        """\
            self.grad += out.grad
            other.grad += out.grad
""",
        """\
            self.grad += sum_to(out.grad, self.data.shape)
            other.grad += sum_to(out.grad, other.data.shape)
""",
    ),
)


def fixed(hunt: ModuleType) -> type:
    """The hunt's ``Value`` with its patch applied: a new class, made from
    the patched source of the hunt's module."""
    source = inspect.getsource(known_hunt(hunt, "fixed"))
    fix = next(fix for fix in FIXES if fix.hunt is hunt)
    if source.count(fix.before) != 1:  # the patch no longer fits
        where = f"{hunt.__name__} does not hold its buggy lines exactly once"
        raise ValueError(f"fixed: {where}")
    return load(hunt, source.replace(fix.before, fix.after), "fixed")
