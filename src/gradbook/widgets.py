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
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from gradbook import checks, plots, views
from gradbook.circuits import NEURON_INPUTS
from gradbook.labels import t
from gradbook.plots import COLUMN_PIXELS

__all__ = [
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


class _LiveImage:
    """PNG frames of a live figure: the still parts are drawn once and kept
    as pixels, and each frame draws only the animated artists over a copy.

    Drawing the whole figure took 60-190 ms a frame, most of it text and
    contour lines that do not move; the animated artists take a few.
    """

    def __init__(self, dpi: int) -> None:
        self.dpi = dpi
        self.canvas: FigureCanvasAgg | None = None
        self.background: Any = None

    def png(self, figure: Figure, still_changed: bool) -> bytes:
        if self.canvas is None or self.canvas.figure is not figure:
            figure.set_dpi(self.dpi)
            self.canvas, still_changed = FigureCanvasAgg(figure), True
        if still_changed:
            self.canvas.draw()  # everything but the animated artists
            self.background = self.canvas.copy_from_bbox(figure.bbox)
        else:
            self.canvas.restore_region(self.background)
        moving = figure.findobj(lambda artist: artist.get_animated())
        for artist in sorted(moving, key=lambda artist: artist.get_zorder()):
            figure.draw_artist(artist)
        image = Image.frombuffer(
            "RGBA", self.canvas.get_width_height(), self.canvas.buffer_rgba()
        )
        raw = io.BytesIO()
        # Full colour, never stored.  Compression level 1 instead of 6 made
        # chapter 1's frame 30% faster to write (18 ms against 26), 7% larger.
        image.convert("RGB").save(raw, format="png", compress_level=1)
        return raw.getvalue()


def live_panel(
    live: plots.LiveFigure,
    controls: Mapping[str, widgets.ValueWidget],
    dpi: int = 72,
    busy: bool = False,
) -> widgets.VBox:
    """Controls above a figure that ``live.update(**values)`` changes in
    place on every change of a control.

    The figure is drawn at once, inside the change's message: until the
    kernel has answered it, the page holds back further changes of the
    control and then sends only the newest (ipywidgets does this), so a drag
    never queues stale frames.  ``busy`` dims the figure while it is
    computed, for an update that takes long.

    Needs a running kernel: in the static HTML book the controls would move
    while the figure stayed still.
    """
    checks.instance(live, plots.LiveFigure, "live_panel", "live")
    checks.mapping(controls, "live_panel", "controls", "name: widget")
    checks.whole(dpi, "live_panel", "dpi", minimum=1, maximum=600)
    image = widgets.Image(format="png")
    frames = _LiveImage(dpi)

    def draw(_change: Any = None) -> None:
        if busy:
            image.layout.opacity = "0.4"
        try:
            values = {name: c.value for name, c in controls.items()}
            still_changed = live.update(**values)
            image.value = frames.png(live.figure, still_changed)
        finally:
            image.layout.opacity = "1"

    for control in controls.values():
        control.observe(draw, names="value")
    draw()
    grid = widgets.GridBox(
        list(controls.values()),
        layout=widgets.Layout(grid_template_columns="repeat(3, 1fr)"),
    )
    return widgets.VBox([grid, image])


class _Scrubber(widgets.VBox):
    """A scrubber (made by :func:`scrubber`, which checks its arguments):
    a slider over pre-drawn frames, in two forms.

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
) -> widgets.VBox:
    """A slider over pre-drawn frames ``render(v)`` for ``v`` in ``values``.

    ``label(v)`` is what the slider shows for ``v`` and ``alt(v)`` what its
    frame shows, in words, for a reader who cannot see it.  Frames are drawn
    at one scale, the widest twice the book's column wide
    (:data:`gradbook.plots.COLUMN_PIXELS`), and centred on one canvas, so
    the text below never moves as the slider does.
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
    figures = []
    for v in values:
        figures.append(render(v))
        checks.instance(figures[-1], Figure, who, "render(value)")
    # One scale for every frame: the widest figure fills the column, and a
    # narrower one (a graph with fewer nodes) is drawn at the same size.
    dpi = COLUMN_PIXELS / max(fig.get_figwidth() for fig in figures)
    images = []
    for fig in figures:
        raw = io.BytesIO()
        fig.savefig(raw, format="png", dpi=dpi)
        images.append(Image.open(raw).convert("RGB"))
    # 32 colours: a frame is lines and text on white; 17 frames of a chapter
    # weigh 15% less than with 96, and look the same
    frames = [_palette_png(image, 32) for image in _one_canvas(images)]
    labels = [checks.text(label(v), who, "label(value)") for v in values]
    alts = [checks.text(alt(v), who, "alt(value)") for v in values]
    return _Scrubber(frames, labels, alts, description, start)


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
    return live_panel(views.random_search_live(), controls)


def random_search_scrubber() -> widgets.VBox:
    """Chapter 1's scrubber: the default search after 0, 10, 20, ... steps,
    starting at the end of the search."""
    d = _defaults(views.random_search_view)
    history = views.search_gate(**d)
    label = t("seed {seed}", seed=d["seed"])
    steps = list(range(0, d["iterations"] + 1, 10))

    return scrubber(
        lambda k: views.random_search_frame(history, k, label),
        steps,
        t("iterations"),
        lambda k: views.random_search_alt(history, k),
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
    return live_panel(views.neuron_live(), controls)


def neuron_scrubber() -> widgets.VBox:
    """Chapter 2's scrubber: the tangent line as x moves from -4 to 4."""
    values, start = _x_values(views.neuron_view)

    def frame(x: float) -> Figure:
        return views.neuron_view(
            x=x,
            wrt="x",
            sweep=(-6.0, 6.0),
            partial_limits=(-1.1, 0.9),
        )

    return scrubber(
        frame,
        values,
        "x",
        views.neuron_alt,
        label=lambda v: f"{v:g}",
        start=start,
    )


def neuron_graph_panel() -> widgets.VBox:
    """The live chapter 3 panel: a, b, c, x, y redraw the annotated graph."""
    controls = _neuron_controls(views.neuron_graph_view)
    return live_panel(views.neuron_graph_live(), controls)


def neuron_graph_scrubber() -> widgets.VBox:
    """Chapter 3's scrubber: the graph's numbers as x moves from -4 to 4."""
    values, start = _x_values(views.neuron_graph_view)
    return scrubber(
        lambda x: views.neuron_graph_view(x=x),
        values,
        "x",
        views.neuron_graph_alt,
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
    return live_panel(views.training_live(), controls, busy=True)


def training_scrubber() -> widgets.VBox:
    """Chapter 4's scrubber: the default training, every 20 steps, starting
    at the end of the training."""
    d = _defaults(views.training_view)
    history = views.train_spirals(**d, snapshot_every=20)
    return scrubber(
        lambda k: views.training_frame(history, k),
        list(range(len(history.snapshots))),
        t("steps"),
        lambda k: views.training_alt(history, k),
        label=lambda k: str(history.snapshot_at[k]),
        start=len(history.snapshots) - 1,
    )
