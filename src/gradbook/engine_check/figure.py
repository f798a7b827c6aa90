"""Draw where :func:`gradbook.engine_check.check_engine` found a wrong
cotangent: the program's graph, the nodes the backward pass got right, and
the first one it got wrong.

The figure shows no number, only the graph's structure: it points at the
bug without giving the answer, as the report does.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Patch
from matplotlib.path import Path

from gradbook import checks
from gradbook.engine_check.program import Program, Ref, op_name
from gradbook.engine_check.report import Finding, Located
from gradbook.i18n import tr
from gradbook.plots.base import COLUMN_PIXELS, static

__all__ = ["located_graph"]


RIGHT, WRONG, LATER = "#2e7d32", "#c62828", "0.6"
_FILL = {RIGHT: "#e8f5e9", WRONG: "#ffebee", LATER: "white"}
TEXT, SMALL = 12, 10


# Spacing of the columns and rows, in data units (the axes keep x and y
# at the same scale); a monospace character and a line of TEXT, and the
# padding of a box, in the same units (measured on the drawn figure).
COLUMN, ROW = 1.5, 0.9
CHAR, LINE, PAD = 0.09, 0.18, 0.1


def _layout(program: Program) -> dict[int, tuple[float, float]]:
    """Columns by depth, the output on the right; each argument in the
    column just before its first use, so that no edge runs far.  Within
    a column, nodes are in the order of their first use."""
    n = len(program.arguments)
    depth = [0] * program.size
    for i in range(n, program.size):
        refs = [
            o.index for o in program.step(i).operands if isinstance(o, Ref)
        ]
        depth[i] = 1 + max((depth[j] for j in refs if j >= n), default=0)
    first_use = [
        min((k for k, _ in program.uses(i)), default=i)
        for i in range(program.size)
    ]
    for i in range(n):
        depth[i] = depth[first_use[i]] - 1
    columns: dict[int, list[int]] = {}
    for i in sorted(range(program.size), key=lambda i: (first_use[i], i)):
        columns.setdefault(depth[i], []).append(i)
    return {
        i: (COLUMN * d, ROW * ((len(members) - 1) / 2 - row))
        for d, members in columns.items()
        for row, i in enumerate(members)
    }


def _label(program: Program, i: int) -> str:
    """A node as the figure writes it: ``x``, or ``t`` over ``mul``;
    these are code, as the report writes them, so they are not
    translated."""
    step = program.step(i)
    if step is None:
        return program.names[i]
    numbers = [f"{o:g}" for o in step.operands if not isinstance(o, Ref)]
    op = " ".join([op_name(step), *numbers])
    return f"{step.name}\n{op}" if step.name else op


@static
def located_graph(found: Finding | Located) -> Figure:
    """The graph of the failing program: green where the backward pass got
    cotangent right, red at the first node it got wrong (and at the
    use that explains it), grey where it had not yet arrived."""
    who = "located_graph"
    located = found.located if isinstance(found, Finding) else found
    if not isinstance(located, Located):
        got = checks.describe(found)
        what = "a Finding with a located node, or a Located"
        raise TypeError(f"{who}: found must be {what}, got {got}")
    program = located.program
    position = _layout(program)
    xs = [x for x, _ in position.values()]
    ys = [y for _, y in position.values()]
    left, right = min(xs) - 0.6, max(xs) + 0.6
    low, high = min(ys) - 0.7, max(ys) + 0.7
    inches = max(1.3 * (right - left), 6.4)
    fig = Figure(
        figsize=(inches, 1.3 * (high - low) + 1.4),
        dpi=COLUMN_PIXELS / inches,
        layout="constrained",
    )
    ax = fig.subplots()
    colour = {i: RIGHT for i in located.right}
    colour[located.node] = WRONG
    marked = _marked_uses(located)
    for i in range(program.size):
        step = program.step(i)
        if step is None:
            continue
        refs = [o for o in step.operands if isinstance(o, Ref)]
        twice = len(refs) == 2 and refs[0] == refs[1]  # as in x * x
        for side, o in enumerate(step.operands):
            if not isinstance(o, Ref):
                continue
            start, end = position[o.index], position[i]
            bend = 0.0
            if twice:
                bend = 0.35 if side == 0 else -0.35
            elif end[0] - start[0] > COLUMN:  # around the nodes it passes
                bend = 0.25 if start[1] <= 0 else -0.25
            boxes = (_label(program, o.index), _label(program, i))
            _arrow(ax, start, end, (i, side), marked, bend, boxes)
    for i, (x, y) in position.items():
        c = colour.get(i, LATER)
        ax.text(
            x,
            y,
            _label(program, i),
            ha="center",
            va="center",
            fontsize=TEXT,
            family="monospace",
            color="black" if c != LATER else "0.45",
            bbox={
                "boxstyle": "round,pad=0.4",
                "facecolor": _FILL[c],
                "edgecolor": c,
                "linewidth": 2.5 if c == WRONG else 1.2,
            },
        )
    ax.set_xlim(left, right)
    ax.set_ylim(low, high)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.legend(
        handles=[
            Patch(facecolor=_FILL[RIGHT], edgecolor=RIGHT, label=tr("right")),
            Patch(
                facecolor=_FILL[WRONG],
                edgecolor=WRONG,
                label=tr("first wrong cotangent"),
            ),
            Patch(
                facecolor="white", edgecolor=LATER, label=tr("not examined")
            ),
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.02),
        ncols=3,
        fontsize=SMALL,
        frameon=False,
    )
    ax.set_title(
        tr(
            "The backward pass goes from the output (right)\n"
            "back to the arguments (left)"
        ),
        fontsize=TEXT,
    )
    return fig


def _leave(centre: np.ndarray, towards: np.ndarray, label: str) -> np.ndarray:
    """Where a line from a box's ``centre`` towards a point crosses the
    edge of the box drawn around ``label``."""
    lines = label.split("\n")
    half = np.array(
        [CHAR * max(map(len, lines)) / 2 + PAD, LINE * len(lines) / 2 + PAD]
    )
    direction = (towards - centre) / np.linalg.norm(towards - centre)
    with np.errstate(divide="ignore"):
        reach = np.min(half / np.abs(direction))
    return centre + reach * direction


def _marked_uses(located: Located) -> dict[tuple[int, int], str]:
    """The edges the figure marks, with their words: the use whose local
    derivative is wrong, the uses not collected, or the one path the
    cotangent came by too early."""
    if located.use is None:
        return {}
    if located.kind == "local":
        return {located.use: tr("wrong local derivative")}
    if located.kind in ("uses", "uses or order"):
        uses = located.program.uses(located.node)
        return {use: tr("one of its uses") for use in uses}
    return {located.use: tr("passed on too soon?")}


def _arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    use: tuple[int, int],
    marked: dict[tuple[int, int], str],
    bend: float,
    boxes: tuple[str, str],
) -> None:
    """One edge, from an operand to the node that uses it: a curve bent
    sideways by ``bend`` (a fraction of its length), from the edge of one
    box (``boxes`` holds the two labels) to the edge of the other, with
    the words of a marked edge at its middle."""
    p0, p2 = np.array(start), np.array(end)
    direction = (p2 - p0) / np.linalg.norm(p2 - p0)
    normal = np.array([-direction[1], direction[0]])
    control = (p0 + p2) / 2 + 2 * bend * np.linalg.norm(p2 - p0) * normal
    a = _leave(p0, control, boxes[0])
    b = _leave(p2, control, boxes[1])
    words = marked.get(use)
    ax.add_patch(
        FancyArrowPatch(
            path=Path(
                [a, control, b], [Path.MOVETO, Path.CURVE3, Path.CURVE3]
            ),
            arrowstyle="->",
            mutation_scale=14,
            color=WRONG if words else "0.5",
            linewidth=2.2 if words else 1.0,
        )
    )
    if words:
        # Along the curve's middle, just above it, turned with it.
        side = normal if normal[1] >= 0 else -normal
        x, y = (a + 2 * control + b) / 4 + 0.06 * side
        angle = np.degrees(np.arctan2(direction[1], direction[0]))
        ax.text(
            x,
            y,
            words,
            ha="center",
            va="bottom",
            rotation=angle,
            rotation_mode="anchor",
            fontsize=SMALL,
            color=WRONG,
        )
