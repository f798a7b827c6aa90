"""Repairing a bug hunt's engine in a notebook: a fresh copy of its
``Value`` to change, and the check of the repair.

``copy_of(hunt)`` makes a new class from the hunt's source, so the
reader's changes touch neither the hunt nor another copy (``copy_of`` also
copies the workshop's engine, :mod:`gradbook.workshop`, for the chapter to
plant a bug in).  The reader
replaces the method the report points at (``Hunt2.__mul__ = mul``), and
``check_repair(hunt, Hunt2)`` runs
:func:`gradbook.engine_check.check_engine` on the result.
"""

from __future__ import annotations

import inspect
import textwrap
import weakref
from types import ModuleType

from gradbook import workshop
from gradbook.bug_hunts import hunt1, hunt2, hunt3, hunt4, hunt5, hunt6
from gradbook.checks import describe
from gradbook.engine_check import check_engine
from gradbook.engine_check.report import WIDTH

__all__ = ["check_repair", "copy_of", "known_hunt", "load"]

HUNTS = (hunt1, hunt2, hunt3, hunt4, hunt5, hunt6)

# Each copy's hunt, and its methods as copy_of made them (to tell a repair
# from no change).
_MADE: weakref.WeakKeyDictionary[type, tuple[ModuleType, dict]] = (
    weakref.WeakKeyDictionary()
)


def load(hunt: ModuleType, source: str, who: str) -> type:
    """The ``Value`` of ``source`` (the hunt's, or a patched one), as a new
    class: its methods make Values of this new class.  Its name says what
    it is (``gradbook.workshop.Value (a copy)``), and so do reports."""
    known = hunt if hunt is workshop else known_hunt(hunt, who)
    namespace = {"__name__": known.__name__}
    exec(compile(source, f"<{who}({known.__name__})>", "exec"), namespace)
    cls = namespace["Value"]
    cls.__qualname__ = f"Value ({'a copy' if who == 'copy_of' else who})"
    return cls


def known_hunt(hunt: ModuleType, who: str) -> ModuleType:
    """``hunt``, if it is one of the hunts' modules; a TypeError naming
    ``who`` otherwise."""
    if not any(hunt is known for known in HUNTS):
        what = "one of the modules " + ", ".join(h.__name__ for h in HUNTS)
        raise TypeError(f"{who}: hunt must be {what}, got {describe(hunt)}")
    return hunt


def copy_of(hunt: ModuleType) -> type:
    """A fresh copy of the hunt's ``Value``, for the reader to repair; or
    of the workshop's, if ``hunt`` is :mod:`gradbook.workshop`."""
    if hunt is not workshop:
        known_hunt(hunt, "copy_of")
    source = inspect.getsource(hunt)
    cls = load(hunt, source, "copy_of")
    _MADE[cls] = (hunt, dict(vars(cls)))
    return cls


def check_repair(hunt: ModuleType, repaired: type) -> None:
    """Print whether ``repaired`` (a copy of the hunt's ``Value`` with a
    method replaced) passes every check, and what still fails if not."""
    short = known_hunt(hunt, "check_repair").__name__.rsplit(".", 1)[-1]
    made = _MADE.get(repaired) if isinstance(repaired, type) else None
    if made is None or made[0] is not hunt:
        message = (
            f"Not yet right: give the class that copy_of({short}) made, "
            "with your method put on it."
        )
    elif dict(vars(repaired)) == made[1]:
        message = (
            "Not done yet: write the method the report points at, put it "
            "on the copy, then run this cell again."
        )
    else:
        report = check_engine(repaired)
        failed = list(dict.fromkeys(f.property for f in report.failures))
        if failed:
            message = (
                f"Not yet right: check_engine still finds {len(failed)} "
                f"failing propert{'y' if len(failed) == 1 else 'ies'}: "
                f"{', '.join(failed)}. Print its report to see where."
            )
        else:
            message = (
                "Well done: check_engine finds nothing wrong with the "
                "repaired engine."
            )
    print(textwrap.fill(message, WIDTH, break_on_hyphens=False))
