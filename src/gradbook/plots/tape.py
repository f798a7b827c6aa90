"""A network's tape at array level: one node per array operation, the
shape of the array each edge carries, and the rule that sends each
cotangent back."""

from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure

from gradbook import checks
from gradbook.i18n import tr
from gradbook.plots.base import new_figure, static
from gradbook.plots.graph import GRAPH_SMALL, GRAPH_TEXT

Op = tuple[str, str, Sequence[str]]  # (result, operation, operands)


def _shape_text(shape: tuple[int, ...]) -> str:
    """``(60, 16)`` as ``60×16``; one number as ``()``."""
    return "×".join(str(n) for n in shape) if shape else "()"


def _half_width(label: str, slanted: bool) -> float:
    """How far (points) an arrow stops short of a box's centre."""
    return 20.0 if slanted else max(20.0, 3.4 * len(label) + 6)


def _check(
    ops: object, shapes: object, parameters: object, who: str
) -> list[Op]:
    """Each op is (result, operation, operands); every name has a shape."""
    if not isinstance(ops, (list, tuple)) or not ops:
        what = "a non-empty list of (result, operation, operands)"
        raise TypeError(f"{who}: ops must be {what}")
    shapes = checks.mapping(shapes, who, "shapes", "name: shape")
    checked = []
    for op in ops:
        if not isinstance(op, (list, tuple)) or len(op) != 3:
            what = "a (result, operation, operands) triple"
            raise TypeError(f"{who}: each op must be {what}, got {op!r}")
        result, label, operands = op
        names = [result, *operands]
        for name in names:
            checks.text(name, who, "a name in ops")
            if name not in shapes:
                raise ValueError(f"{who}: shapes has no shape for {name!r}")
        checked.append(
            (result, checks.text(label, who, "operation"), operands)
        )
    for name in parameters:
        checks.text(name, who, "a parameter's name")
    return checked


def _layout(ops: list[Op]) -> dict[str, tuple[float, float]]:
    """Operations in a row, in the order they ran, a long label further
    along; each value that no operation made (data or a parameter) above
    the operation that first uses it, or at the row's start for the first
    operation's first operand."""
    position, x = {}, 0.0
    for result, label, _ in ops:
        x += 1 + 0.05 * max(0, len(label) - 4)
        position[result] = (x, 0.0)
    for i, (result, _, operands) in enumerate(ops):
        for k, name in enumerate(operands):
            if name in position:
                continue
            at_start = i == 0 and k == 0
            x = position[result][0]
            position[name] = (0.0, 0.0) if at_start else (x - 0.55, 1.0)
    return position


@static
def array_tape(
    ops: Sequence[Op],
    shapes: Mapping[str, tuple[int, ...]],
    parameters: Sequence[str] = (),
    rules: Mapping[str, str] | None = None,
    title: str | None = None,
) -> Figure:
    """The tape of a computation on arrays: ``ops`` lists its operations in
    the order they ran, each as ``(result, operation, operands)`` by name;
    ``shapes`` gives every name's shape (written on the edges it leaves
    by); ``parameters`` are drawn apart from data; ``rules`` gives, by
    result, the cotangents the operation sends back (drawn in red under
    it)."""
    who = "array_tape"
    ops = _check(ops, shapes, parameters, who)
    rules = {} if rules is None else rules
    position = _layout(ops)
    width = max(x for x, _ in position.values()) + 1
    fig, (ax,) = new_figure(1.45 * width + 0.4, 3.0)
    small = {"fontsize": GRAPH_SMALL, "ha": "center"}
    labels = {name: name for name in position}
    labels |= {result: label for result, label, _ in ops}
    for result, _, operands in ops:
        x1, y1 = position[result]
        for name in operands:
            x0, y0 = position[name]
            arrow = {"arrowstyle": "->", "color": "0.45"}
            # leave the boxes, which are as wide as their labels
            arrow |= {"shrinkA": _half_width(labels[name], y0 != y1)}
            arrow |= {"shrinkB": _half_width(labels[result], y0 != y1)}
            ax.annotate("", xy=(x1, y1), xytext=(x0, y0), arrowprops=arrow)
            box = {"boxstyle": "square,pad=0.05", "fc": "white", "lw": 0}
            mid = ((x0 + x1) / 2, (y0 + y1) / 2 + (0.18 if y0 == y1 else 0))
            text = _shape_text(tuple(shapes[name]))
            ax.text(*mid, text, color="0.3", va="center", bbox=box, **small)
    made = {result for result, _, _ in ops}
    for name, (x, y) in position.items():
        face = "#fbe9d0" if name in parameters else "#eef3fa"
        face = "white" if name in made else face
        label = labels[name]
        box = {"boxstyle": "round,pad=0.35", "facecolor": face, "ec": "0.5"}
        style = {"fontsize": GRAPH_TEXT, "ha": "center", "va": "center"}
        ax.text(x, y, label, bbox=box, **style)
        if name in rules:
            red = {"va": "top", "color": "C3", **small}
            ax.text(x, y - 0.3, rules[name], **red)
    ax.set_xlim(-0.6, width - 0.4)
    ax.set_ylim(-0.8, 1.4)
    ax.axis("off")
    legend = tr(
        "blue: data    orange: parameters    white: operations\n"
        "on an arrow: the shape of the array it carries    "
        "red: the cotangents an operation sends back"
    )
    style = {"fontsize": GRAPH_SMALL, "color": "0.3", "va": "top"}
    ax.text(0.0, -0.02, legend, transform=ax.transAxes, **style)
    title = title or tr("The network's tape, one node per array operation")
    ax.set_title(title, fontsize=GRAPH_TEXT)
    return fig
