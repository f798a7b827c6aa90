"""Interactive figures: live panels for JupyterLab and scrubbers for the
HTML book.

A *live panel* re-runs the computation whenever a control moves; it needs a
kernel.  A *scrubber* pre-renders a figure for a handful of values of one
parameter and lets a slider pick among them in the browser, with no kernel:
in the built HTML book that is the reader's way to move a figure.

Each chapter's update logic is a view in :mod:`gradbook.views` (parameters
in, figure out).  A panel's controls start at its view's defaults, read
from the view's signature, so each default is written once.  Nothing is
computed when this module is imported, only when a panel is built.
"""

from __future__ import annotations

import base64
import html
import inspect
import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from gradbook import checks, nn, views
from gradbook.circuits import NEURON_INPUTS, neuron
from gradbook.dual import gradient
from gradbook.labels import t

__all__ = [
    "Scrubber",
    "figure_png",
    "live_panel",
    "neuron_graph_panel",
    "neuron_graph_scrubber",
    "neuron_panel",
    "neuron_scrubber",
    "random_search_panel",
    "random_search_scrubber",
    "scrubber",
    "training_panel",
    "training_scrubber",
]


def figure_png(fig: Figure, dpi: int = 80, colors: int | None = 96) -> bytes:
    """Render ``fig`` as PNG bytes, reduced to a palette of ``colors`` to
    keep pages light.

    ``colors=None`` skips the reduction: faster, for images nobody stores.
    """
    checks.instance(fig, Figure, "figure_png", "fig")
    dpi = checks.whole(dpi, "figure_png", "dpi", minimum=1, maximum=600)
    if colors is not None:
        colors = checks.whole(colors, "figure_png", "colors", 2, 256)
    raw = io.BytesIO()
    fig.savefig(raw, format="png", dpi=dpi)
    if colors is None:
        return raw.getvalue()
    return _palette_png(Image.open(raw), colors)


def _palette_png(image: Image.Image, colors: int) -> bytes:
    """``image`` as a PNG of at most ``colors`` colours."""
    small = io.BytesIO()
    image.convert("RGB").quantize(
        colors=colors, method=Image.Quantize.MEDIANCUT
    ).save(small, format="png", optimize=True)
    return small.getvalue()


def live_panel(
    update: Callable[..., Figure],
    controls: Mapping[str, widgets.ValueWidget],
    dpi: int = 72,
) -> widgets.VBox:
    """Controls above a figure that ``update(**values)`` redraws on every
    change.

    Needs a running kernel: in the static HTML book the controls would move
    while the figure stayed still.
    """
    checks.callable_(update, "live_panel", "update")
    checks.mapping(controls, "live_panel", "controls", "name: widget")
    checks.whole(dpi, "live_panel", "dpi", minimum=1, maximum=600)
    image = widgets.Image(format="png")

    def refresh(_change: Any = None) -> None:
        # full colour: a live image is redrawn at once and never stored
        image.value = figure_png(
            update(**{name: c.value for name, c in controls.items()}),
            dpi,
            colors=None,
        )

    for control in controls.values():
        control.observe(refresh, names="value")
    refresh()
    grid = widgets.GridBox(
        list(controls.values()),
        layout=widgets.Layout(grid_template_columns="repeat(3, 1fr)"),
    )
    return widgets.VBox([grid, image])


class Scrubber(widgets.VBox):
    """A slider over pre-drawn frames, in two forms.

    In Jupyter it is a widget: a ``SelectionSlider`` whose ``index`` is
    linked in the browser (``jslink``) to a ``Stack`` of images.  The HTML
    book shows its ``text/html`` form instead (``nb_mime_priority_overrides``
    in _config.yml): a range input over the same frames, each with its alt
    text, which the book's web/scrubber.js moves.  That form needs no widget
    code in the page, and a browser gives the input a name, a value text
    and keys of its own.
    """

    def __init__(
        self,
        frames: list[bytes],
        labels: list[str],
        alts: list[str],
        description: str,
        start: int,
    ) -> None:
        images = [widgets.Image(value=png, format="png") for png in frames]
        stack = widgets.Stack(images, selected_index=start)
        slider = widgets.SelectionSlider(
            options=labels,
            index=start,
            description=description,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="100%"),
        )
        widgets.jslink((slider, "index"), (stack, "selected_index"))
        super().__init__([slider, stack])
        self._html = _scrubber_html(frames, labels, alts, description, start)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/html"] = self._html
        return bundle


def _scrubber_html(
    frames: list[bytes],
    labels: list[str],
    alts: list[str],
    description: str,
    start: int,
) -> str:
    """A scrubber as HTML: a labelled range input above its frames.

    Every frame but the current one is ``hidden``; the input is disabled
    until web/scrubber.js runs, so a page without it shows one still frame.
    """
    name = html.escape(description)
    current = html.escape(labels[start])
    rows = [
        '<figure class="gradbook-scrubber">',
        '<label class="gradbook-scrubber-control">'
        f"<span>{name}</span>"
        f'<input type="range" min="0" max="{len(frames) - 1}" step="1" '
        f'value="{start}" aria-label="{name}" '
        f'aria-valuetext="{current}" disabled>'
        f'<span class="gradbook-scrubber-value" aria-hidden="true">'
        f"{current}</span></label>",
        '<div class="gradbook-scrubber-frames">',
    ]
    for k, (png, label, alt) in enumerate(
        zip(frames, labels, alts, strict=True)
    ):
        width, height = Image.open(io.BytesIO(png)).size
        data = base64.b64encode(png).decode("ascii")
        rows.append(
            f'<img src="data:image/png;base64,{data}" '
            # half the pixels: sharp on a high-density screen
            f'width="{width // 2}" height="{height // 2}" '
            f'alt="{html.escape(alt)}" data-label="{html.escape(label)}"'
            f"{'' if k == start else ' hidden'}>"
        )
    rows += ["</div>", "</figure>"]
    return "\n".join(rows)


def scrubber(
    render: Callable[[Any], Figure],
    values: Sequence[Any],
    description: str,
    alt: Callable[[Any], str],
    label: Callable[[Any], str] = str,
    start: int = 0,
) -> Scrubber:
    """A slider over pre-drawn frames ``render(v)`` for ``v`` in ``values``.

    ``label(v)`` is what the slider shows for ``v`` and ``alt(v)`` what its
    frame shows, in words, for a reader who cannot see it.  Frames are drawn
    at the figure's own dpi (twice the book's column, see
    :data:`gradbook.plots.COLUMN_PIXELS`) and centred on one canvas, so the
    text below never moves as the slider does.
    """
    who = "scrubber"
    checks.callable_(render, who, "render")
    if not isinstance(values, Sequence) or isinstance(values, str):
        got = checks.describe(values)
        raise TypeError(f"{who}: values must be a list, got {got}")
    if not values:
        raise ValueError(f"{who}: values is empty; give at least one")
    checks.text(description, who, "description")
    checks.callable_(alt, who, "alt")
    checks.callable_(label, who, "label")
    start = checks.whole(start, who, "start", maximum=len(values) - 1)
    images = []
    for v in values:
        fig = render(v)
        checks.instance(fig, Figure, who, "render(value)")
        raw = io.BytesIO()
        fig.savefig(raw, format="png")
        images.append(Image.open(raw).convert("RGB"))
    # 32 colours: a frame is lines and text on white; 17 frames of a chapter
    # weigh 15% less than with 96, and look the same
    frames = [_palette_png(image, 32) for image in _one_canvas(images)]
    labels = [checks.text(label(v), who, "label(value)") for v in values]
    alts = [checks.text(alt(v), who, "alt(value)") for v in values]
    return Scrubber(frames, labels, alts, description, start)


def _one_canvas(images: list[Image.Image]) -> list[Image.Image]:
    """Each image centred on a white canvas the size of the largest."""
    width = max(image.width for image in images)
    height = max(image.height for image in images)
    canvases = []
    for image in images:
        canvas = Image.new("RGB", (width, height), "white")
        offset = ((width - image.width) // 2, (height - image.height) // 2)
        canvas.paste(image, offset)
        canvases.append(canvas)
    return canvases


def _defaults(view: Callable[..., Figure]) -> dict[str, Any]:
    """The default value of each argument of ``view`` that has one."""
    parameters = inspect.signature(view).parameters.values()
    return {p.name: p.default for p in parameters if p.default is not p.empty}


# Chapter 1: random local search on the multiply gate.


def random_search_panel() -> widgets.VBox:
    """The live chapter 1 panel: tweak amount, iterations, start and seed."""
    d = _defaults(views.random_search_view)
    controls = {
        "tweak": widgets.FloatLogSlider(
            value=d["tweak"],
            base=10,
            min=-3,
            max=0,
            description=t("tweak"),
        ),
        "iterations": widgets.IntSlider(
            value=d["iterations"],
            min=0,
            max=1000,
            step=10,
            description=t("iterations"),
        ),
        "x0": widgets.FloatSlider(
            value=d["x0"],
            min=-3,
            max=3,
            step=0.1,
            description=t("start x"),
        ),
        "y0": widgets.FloatSlider(
            value=d["y0"],
            min=-3,
            max=3,
            step=0.1,
            description=t("start y"),
        ),
        "seed": widgets.IntSlider(
            value=d["seed"],
            min=0,
            max=20,
            description=t("seed"),
        ),
    }
    return live_panel(views.random_search_view, controls)


def random_search_scrubber() -> Scrubber:
    """Chapter 1's scrubber: the default search after 0, 10, 20, ... steps,
    starting at the end of the search."""
    d = _defaults(views.random_search_view)
    history = views.search_gate(**d)
    label = f"seed {d['seed']}"
    steps = list(range(0, d["iterations"] + 1, 10))

    def alt(k: int) -> str:
        best = history.best_outputs[k - 1] if k else history.start_output
        return t(
            "Random search on x times y after {k} of {total} iterations. "
            "Left: the best output so far, up from {start:g} to {best:.3f}. "
            "Right: the path of the best point over the contour lines of x "
            "times y.",
            k=k,
            total=d["iterations"],
            start=history.start_output,
            best=best,
        )

    return scrubber(
        lambda k: views.random_search_frame(history, k, label),
        steps,
        t("iterations"),
        alt,
        start=len(steps) - 1,
    )


# Chapters 2 and 3: the neuron sigmoid(a*x + b*y + c).


def _neuron_controls(
    view: Callable[..., Figure],
) -> dict[str, widgets.ValueWidget]:
    """A slider for each input of the neuron, at ``view``'s defaults."""
    d = _defaults(view)
    return {
        name: widgets.FloatSlider(
            value=d[name],
            min=-5,
            max=5,
            step=0.1,
            description=name,
        )
        for name in NEURON_INPUTS
    }


def _x_values(view: Callable[..., Figure]) -> tuple[list[float], int]:
    """The neuron scrubbers' values of x, -4 to 4, and where the default
    is."""
    values = [round(v, 2) for v in np.linspace(-4.0, 4.0, 17)]
    return values, values.index(_defaults(view)["x"])


def neuron_panel() -> widgets.VBox:
    """The live chapter 2 panel: a, b, c, x, y and the input to follow."""
    controls = _neuron_controls(views.neuron_view)
    controls["wrt"] = widgets.Dropdown(
        options=NEURON_INPUTS,
        value=_defaults(views.neuron_view)["wrt"],
        description="d/d",
    )
    return live_panel(views.neuron_view, controls)


def neuron_scrubber() -> Scrubber:
    """Chapter 2's scrubber: the tangent line as x moves from -4 to 4."""
    values, start = _x_values(views.neuron_view)
    d = _defaults(views.neuron_view)

    def frame(x: float) -> Figure:
        return views.neuron_view(
            x=x,
            wrt="x",
            sweep=(-6.0, 6.0),
            partial_limits=(-1.1, 0.9),
        )

    def alt(x: float) -> str:
        inputs = (d["a"], d["b"], d["c"], x, d["y"])
        slope = gradient(neuron, inputs)[NEURON_INPUTS.index("x")]
        return t(
            "Left: the neuron's output against x, an S-shaped curve, with "
            "its tangent line at x = {x:g}, slope {slope:.4f}. Right: bars "
            "of the five partial derivatives at that point.",
            x=x,
            slope=slope,
        )

    return scrubber(
        frame, values, "x", alt, label=lambda v: f"{v:g}", start=start
    )


def neuron_graph_panel() -> widgets.VBox:
    """The live chapter 3 panel: a, b, c, x, y redraw the annotated graph."""
    controls = _neuron_controls(views.neuron_graph_view)
    return live_panel(views.neuron_graph_view, controls)


def neuron_graph_scrubber() -> Scrubber:
    """Chapter 3's scrubber: the graph's numbers as x moves from -4 to 4."""
    values, start = _x_values(views.neuron_graph_view)
    d = _defaults(views.neuron_graph_view)

    def alt(x: float) -> str:
        inputs = (d["a"], d["b"], d["c"], x, d["y"])
        return t(
            "The neuron's computational graph at x = {x:g}: the inputs on "
            "the left, the output sigma on the right, each node with its "
            "value and its gradient. The output is {value:.4f}.",
            x=x,
            value=neuron(inputs),
        )

    return scrubber(
        lambda x: views.neuron_graph_view(x=x),
        values,
        "x",
        alt,
        label=lambda v: f"{v:g}",
        start=start,
    )


# Chapter 4: a small network learning the spirals.


def training_panel() -> widgets.VBox:
    """The live chapter 4 panel: learning rate, hidden units, seed.

    Each change trains the network again.
    """
    d = _defaults(views.training_view)
    controls = {
        "learning_rate": widgets.FloatLogSlider(
            value=d["learning_rate"],
            base=10,
            min=-2,
            max=1,
            description=t("learning rate"),
        ),
        "hidden": widgets.IntSlider(
            value=d["hidden"],
            min=2,
            max=64,
            description=t("hidden units"),
        ),
        "seed": widgets.IntSlider(
            value=d["seed"],
            min=0,
            max=20,
            description=t("seed"),
        ),
    }
    for control in controls.values():
        control.style = {"description_width": "initial"}
    return live_panel(views.training_view, controls)


def training_scrubber() -> Scrubber:
    """Chapter 4's scrubber: the default training, every 20 steps, starting
    at the end of the training."""
    d = _defaults(views.training_view)
    history = views.train_spirals(**d, snapshot_every=20)
    x, labels = views.spirals()

    def alt(k: int) -> str:
        accuracy = nn.accuracy(history.snapshots[k], x, labels)
        return t(
            "The network after {step} gradient steps. "
            "Left: the spirals' points over the regions where the network "
            "predicts each class; {accuracy:.0%} of the points are "
            "inside their own class's region. Right: the loss against the "
            "step.",
            step=history.snapshot_at[k],
            accuracy=accuracy,
        )

    return scrubber(
        lambda k: views.training_frame(history, k),
        list(range(len(history.snapshots))),
        t("steps"),
        alt,
        label=lambda k: str(history.snapshot_at[k]),
        start=len(history.snapshots) - 1,
    )
