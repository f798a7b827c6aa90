"""What each bug hunt's engine does wrong, measured and drawn: the symptom a
learner would see before looking for the bug.

``measure(hunt)`` runs the hunt's engine (or any engine given, such as the
fixed one) on one small experiment and returns a :class:`Symptom`: what
the engine gives and what it should give (finite differences, or the
rule the engine should follow), along one axis.  ``symptom(hunt)`` draws
it.  A fixed engine's curve lies on the reference.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import ModuleType
from typing import NamedTuple

import numpy as np
from matplotlib.figure import Figure

from gradbook import checks, numerical
from gradbook.bug_hunts import hunt1, hunt2, hunt3, hunt4, hunt5, hunt6
from gradbook.i18n import tr
from gradbook.plots.base import COLUMN_PIXELS, static

__all__ = ["Symptom", "measure", "symptom"]


class Symptom(NamedTuple):
    """One experiment: along ``x``, what the engine gave (nan where it
    raised) and what it should give (one curve per right answer, by the
    name of its referee); the words to draw it with, translated."""

    x: np.ndarray
    engine: np.ndarray
    references: dict[str, np.ndarray]
    xlabel: str
    ylabel: str
    title: str
    log: bool = False


def _grad(engine: type, f: Callable, *xs: float) -> list[float]:
    """The engine's gradient of ``f`` at ``xs``; nan if it raises."""
    try:
        leaves = [engine(x) for x in xs]
        f(*leaves).backward()
        return [float(v.grad) for v in leaves]
    except (ArithmeticError, ValueError, RecursionError):
        return [math.nan] * len(xs)


def _power(engine: type) -> Symptom:
    ys = np.linspace(-2, 2, 41)
    got = [_grad(engine, lambda b, e: b**e, 2.0, y)[1] for y in ys]
    want = [numerical.central_difference(lambda e: 2.0**e, y) for y in ys]
    return Symptom(
        ys,
        np.array(got),
        {tr("finite differences"): np.array(want)},
        "y",
        tr("d(x ** y)/dy at x = 2"),
        tr("The exponent's derivative"),
    )


def _reuse(engine: type) -> Symptom:
    xs = np.linspace(-2, 2, 41)
    got = [_grad(engine, lambda v: v * v, x)[0] for x in xs]
    want = [numerical.central_difference(lambda v: v * v, x) for x in xs]
    return Symptom(
        xs,
        np.array(got),
        {tr("finite differences"): np.array(want)},
        "x",
        tr("d(x * x)/dx"),
        tr("A value used twice"),
    )


def _overflow(engine: type) -> Symptom:
    xs = np.linspace(0, 800, 81)
    got = []
    for x in xs:
        try:
            got.append(float(engine(float(x)).tanh().data))
        except OverflowError:
            got.append(math.nan)
    return Symptom(
        xs,
        np.array(got),
        {tr("numpy's tanh"): np.tanh(xs)},
        "x",
        "tanh(x)",
        tr("Large arguments: no red point where the engine raises an error"),
    )


def _reset(engine: type) -> Symptom:
    calls = np.arange(1, 7)
    x, y, z, w = (engine(v) for v in (0.6, -1.3, 0.8, 1.9))
    out = (x * y + z) * w
    got = []
    for _call in calls:
        out.backward()
        got.append(float(x.grad))
    first = numerical.central_difference(lambda v: (v * -1.3 + 0.8) * 1.9, 0.6)
    return Symptom(
        calls,
        np.array(got) / first,
        {
            tr("reset each time"): np.ones(len(calls)),
            tr("added up"): calls.astype(float),
        },
        tr("calls of backward() on one graph"),
        tr("x.grad, in units of the right d/dx"),
        tr("backward() called again"),
    )


def _recursion(engine: type) -> Symptom:
    sizes = np.arange(1, 11)
    got, want = [], []
    for n in sizes:

        def f(x: object, n: int = int(n)) -> object:
            for _i in range(n):
                x = x + x  # x used twice, n times over
            return x

        got.append(_grad(engine, f, 0.5)[0])
        want.append(numerical.central_difference(f, 0.5))
    return Symptom(
        sizes,
        np.array(got),
        {tr("finite differences"): np.array(want)},
        tr("steps t = t + t"),
        tr("d(output)/dx"),
        tr("A value used twice, again and again"),
        log=True,
    )


def _broadcast(engine: type) -> Symptom:
    rows = np.arange(1, 9)
    got = []
    for n in rows:
        x, b = engine(np.ones((n, 3))), engine(np.zeros(3))
        (x + b).sum().backward()
        got.append(np.size(b.grad))
    return Symptom(
        rows,
        np.array(got, dtype=float),
        {tr("the size of b"): np.full(len(rows), 3.0)},
        tr("rows of x"),
        tr("numbers in b.grad (b has 3)"),
        tr("A bias added to every row"),
    )


_EXPERIMENTS = {
    hunt1: _power,
    hunt2: _reuse,
    hunt3: _overflow,
    hunt4: _reset,
    hunt5: _recursion,
    hunt6: _broadcast,
}


def measure(hunt: ModuleType, engine: type | None = None) -> Symptom:
    """The hunt's experiment, run on ``engine`` (the hunt's own ``Value``
    by default)."""
    if not any(hunt is known for known in _EXPERIMENTS):
        names = ", ".join(m.__name__ for m in _EXPERIMENTS)
        what = f"one of the modules {names}"
        raise TypeError(
            f"measure: hunt must be {what}, got {checks.describe(hunt)}"
        )
    engine = hunt.Value if engine is None else engine
    checks.instance(engine, type, "measure", "engine")
    return _EXPERIMENTS[hunt](engine)


@static
def symptom(hunt: ModuleType, engine: type | None = None) -> Figure:
    """The hunt's symptom: what the engine gives, over the reference."""
    s = measure(hunt, engine)
    width = 6.4
    fig = Figure(
        figsize=(width, 3.6), dpi=COLUMN_PIXELS / width, layout="constrained"
    )
    ax = fig.subplots()
    greys = ("0.6", "0.8")[: len(s.references)]
    for (label, curve), grey in zip(s.references.items(), greys, strict=True):
        ax.plot(s.x, curve, color=grey, lw=4, label=label)
    ax.plot(s.x, s.engine, "o-", color="C3", ms=3, label=tr("the engine"))
    if s.log:
        ax.set_yscale("log")
    ax.set_xlabel(s.xlabel)
    ax.set_ylabel(s.ylabel)
    ax.set_title(s.title)
    ax.grid(alpha=0.3)
    ax.legend()
    return fig
