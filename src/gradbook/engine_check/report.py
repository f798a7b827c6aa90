"""What :func:`gradbook.engine_check.check_engine` reports: its findings,
each property's status, and how the report prints.

A :class:`Report` holds one :class:`Finding` per result, in the order of
:data:`PROPERTIES`.  Printed, it has one block per property, in lines of
at most 70 characters, for a notebook, a terminal or a printed page (a
printed page's code column holds 70).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field

from IPython.lib.pretty import PrettyPrinter

from gradbook import checks
from gradbook.engine_check.program import Program

__all__ = [
    "FAILED",
    "NOT_RUN",
    "PASSED",
    "PROPERTIES",
    "Finding",
    "Located",
    "Report",
]

PROPERTIES = {
    "shape": "the engine makes numbers, computes and runs backward",
    "values": "each operation's value",
    "derivatives": "each operation's local derivatives",
    "article": "the article's neuron, at the article's point",
    "reuse": "a value used twice",
    "non-leaf reuse": "a computed value used twice",
    "diamond": "two paths from one value to the output",
    "backward twice": "backward() twice on one graph",
    "second graph": "backward() on a second graph",
    "deep chain": "a chain of 100,000 operations",
    "extremes": "large positive and large negative arguments (±1000)",
    "broadcasting": "arrays of different shapes",
}

PASSED, FAILED, NOT_RUN = "passed", "failed", "not run"


@dataclass(frozen=True)
class Located:
    """Where a wrong cotangent starts, going back from the output.

    ``node`` is the first node, in the program's reverse order (from the
    output back: a reverse topological order, which a right backward pass
    may use), whose cotangent disagrees with finite differences; the
    nodes in ``right`` came before it and agree.  ``use`` is the
    ``(node, operand position)`` whose local derivative is wrong, if one
    is; ``kind`` says what the checker concluded: ``"local"`` (that local
    derivative), ``"uses"`` (the node's uses are not all collected),
    ``"order"`` (the user in ``use`` passed its cotangent on too early or
    more than once), ``"uses or order"`` (one of the two, where the
    checker cannot tell which), or ``"output"`` (the output's own
    cotangent).
    """

    program: Program
    node: int
    right: tuple[int, ...]
    kind: str
    use: tuple[int, int] | None = None


@dataclass(frozen=True)
class Finding:
    """One result: a property, the operation it concerns (or None), its
    status (``"passed"``, ``"failed"`` or ``"not run"``) and a message."""

    property: str
    operation: str | None
    status: str
    message: str
    located: Located | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Report:
    """What :func:`check_engine` found: every :class:`Finding`, in order.

    ``behaviour`` says what the engine does on a second ``backward``:
    ``"accumulates"``, ``"resets"``, or None (a function engine, or not
    found out).
    """

    engine: str
    findings: tuple[Finding, ...]
    behaviour: str | None = None

    @property
    def ok(self) -> bool:
        """No property failed."""
        return not self.failures

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if f.status == FAILED]

    @property
    def passed(self) -> list[Finding]:
        return [f for f in self.findings if f.status == PASSED]

    @property
    def not_run(self) -> list[Finding]:
        return [f for f in self.findings if f.status == NOT_RUN]

    def status(self, prop: str) -> str:
        """``"failed"`` if any finding of ``prop`` failed, ``"passed"`` if
        one passed, ``"not run"`` otherwise."""
        checks.one_of(prop, PROPERTIES, "Report.status", "prop")
        statuses = {f.status for f in self.findings if f.property == prop}
        for status in (FAILED, PASSED):
            if status in statuses:
                return status
        return NOT_RUN

    def __str__(self) -> str:
        return _text(self)

    def summary(self) -> str:
        """The report's first line and the blocks of the properties that
        failed, then the names of the others: what passed, what was not
        run."""
        return _text(self, failed_only=True)

    def _repr_pretty_(self, p: PrettyPrinter, cycle: bool) -> None:
        p.text(str(self))


# The printed report.

WIDTH = 70  # the printed book's code column
_MARK = {FAILED: "FAILED ", PASSED: "passed ", NOT_RUN: "not run"}


def _text(report: Report, failed_only: bool = False) -> str:
    """The report, one block per property (or per failed property, and
    the names of the others), every line at most WIDTH characters."""
    failed = {f.property for f in report.failures}
    verdict = (
        "every property passed"
        if report.ok
        else f"{len(failed)} of {len(PROPERTIES)} properties failed"
    )
    lines = _wrap(f"check_engine({report.engine}): {verdict}.", "")
    others: dict[str, list[str]] = {PASSED: [], NOT_RUN: []}
    for prop, title in PROPERTIES.items():
        findings = [f for f in report.findings if f.property == prop]
        status = report.status(prop)
        if failed_only and status != FAILED:
            others[status].append(prop)
            continue
        lines += ["", f"{_MARK[status]}  {prop}: {title}"]
        for line in _details(prop, status, findings):
            lines += _wrap(line, "    ")
    if failed_only:
        lines.append("")
        for status, props in others.items():
            if props:
                lines += _wrap(f"{status}: {', '.join(props)}", "")
    return "\n".join(lines)


def _details(prop: str, status: str, findings: list[Finding]) -> Iterator[str]:
    """The lines under a property's heading: what was wrong, what passed,
    what was not run and why."""
    for f in findings:
        if f.status == FAILED:
            yield f"WRONG: {f.message}"
    passed = [f for f in findings if f.status == PASSED]
    if prop in ("values", "derivatives") and passed:
        yield "right: " + ", ".join(f.operation for f in passed)
    elif status == FAILED:  # what did pass, told apart from the failures
        yield from (f"right: {f.message}" for f in passed)
    else:
        yield from (f.message for f in passed)
    skipped = [f for f in findings if f.status == NOT_RUN]
    lacking = [
        f.operation
        for f in skipped
        if f.operation and f.message.startswith("the engine has no ")
    ]
    if lacking:
        yield "not run, the engine lacks them: " + ", ".join(lacking)
    for f in skipped:
        if f.operation in lacking:
            continue
        if f.operation is None:
            yield f.message if status == NOT_RUN else f"not run: {f.message}"
        elif f.message.startswith(f.operation):
            yield f"not run: {f.message}"
        else:
            yield f"not run: {f.operation}: {f.message}"


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_on_hyphens=False,
    )
