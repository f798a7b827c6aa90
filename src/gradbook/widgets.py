"""An explorable shown two ways: a live panel and a scrubber.

:func:`panel` shows the explorable's controls above its figure and
computes and draws again whenever a control moves; it needs a kernel.
:func:`scrubber` draws the figure in advance for each of the scrubber's
values and shows them under a slider: in the built HTML book that is the
reader's way to move a figure (no kernel).  Both draw with the
explorable's one figure (:mod:`gradbook.explorables`), so a frame and the
panel at the same values are the same picture.

Before its cell runs (a notebook opened as it is stored), a panel shows a
still figure and a line asking to run the cell, and a scrubber shows its
first frame; run, each becomes a widget.
"""

from __future__ import annotations

import base64
import html
import inspect
import io
from typing import Any

import ipywidgets as widgets
from PIL import Image

from gradbook.explorables import Explorable, get
from gradbook.explorables.base import Control, LiveFigure, Renderer
from gradbook.i18n import tr
from gradbook.plots.base import COLUMN_PIXELS

__all__ = ["panel", "scrubber"]

PANEL_DPI = 72
RUN_ME = tr("Run this cell to move the sliders.")


def _png(image: Image.Image, colors: int | None = None) -> bytes:
    """``image`` as a PNG; with ``colors``, a small one of that many colours
    (a frame is lines and text on white), else a quick one."""
    raw = io.BytesIO()
    if colors is None:
        # Compression level 1 instead of 6 made chapter 1's frame 30%
        # faster to write (18 ms against 26), 7% larger.
        image.save(raw, format="png", compress_level=1)
    else:
        image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT).save(
            raw, format="png", optimize=True
        )
    return raw.getvalue()


def _primed(explorable: Explorable, frames: list[Any]) -> LiveFigure:
    """The explorable's figure with its axes fitted to all of ``frames``
    (the data of its scrubber's frames), so that its pictures line up with
    them; the last one drawn."""
    live = explorable.figure()
    with live.growing():
        for data in frames:
            live.update(data)
    return live


def _control(control: Control) -> widgets.ValueWidget:
    """A widget that gives exactly the control's values."""
    style = {"description_width": "initial"}
    if control.choices:
        return widgets.Dropdown(
            options=control.choices,
            value=control.default,
            description=control.label,
            style=style,
        )
    return widgets.SelectionSlider(
        options=[(control.text(v), v) for v in control.values],
        value=control.default,
        description=control.label,
        style=style,
    )


class _Panel(widgets.VBox):
    """A live panel (made by :func:`panel`): its controls in a grid above
    its image, and, for a notebook whose cell has not run, a still image
    and a line saying to run it."""

    def __init__(self, explorable: Explorable) -> None:
        self.explorable = explorable
        self.controls = {c.name: _control(c) for c in explorable.controls}
        first = explorable.data()
        self.live = _primed(explorable, [*explorable.frames(), first])
        self.renderer = Renderer(self.live, PANEL_DPI)
        picture = self.renderer.image()
        self.image = widgets.Image(value=_png(picture), format="png")
        self.busy = inspect.isgeneratorfunction(explorable.compute)
        for control in self.controls.values():
            control.observe(self.draw, names="value")
        grid = widgets.GridBox(
            list(self.controls.values()),
            layout=widgets.Layout(grid_template_columns="repeat(3, 1fr)"),
        )
        super().__init__([grid, self.image])
        self._still = _still_html(
            _png(picture, 32), explorable.alt_text(first)
        )

    def draw(self, _change: Any = None) -> None:
        """Compute and draw for the controls' values.

        The figure is drawn at once, inside the change's message: until the
        kernel has answered it, the page holds back further changes of the
        control and then sends only the newest (ipywidgets does this), so a
        drag never queues stale frames.  A slow explorable's partial
        results are shown pale, as they come.
        """
        values = {name: c.value for name, c in self.controls.items()}
        if self.busy:
            self.image.layout.opacity = "0.4"
        try:
            for data in self.explorable.results(**values):
                self.live.update(data)
                self.image.value = _png(self.renderer.image())
        finally:
            self.image.layout.opacity = "1"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/html"] = self._still
        bundle["text/plain"] = RUN_ME
        return bundle


def _still_html(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" '
        f'alt="{html.escape(alt)}"><figcaption>{html.escape(RUN_ME)}'
        "</figcaption></figure>"
    )


def panel(explorable: str | Explorable) -> widgets.VBox:
    """The live panel of ``explorable`` (its name, or itself)."""
    return _Panel(get(explorable))


class _Scrubber(widgets.VBox):
    """A scrubber (made by :func:`scrubber`): a slider over pre-drawn
    frames, in two forms.

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

    Every frame but the current one is hidden (``hidden``, and an inline
    style, which a notebook's sanitiser keeps); the input is disabled
    until web/scrubber.js runs, so a page without it, or a notebook, shows
    one still frame.
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
        hidden = "" if k == start else ' hidden style="display: none"'
        rows.append(
            f'<img src="data:image/png;base64,{data}" '
            # half the pixels: sharp on a high-density screen
            f'width="{width // 2}" height="{height // 2}" '
            f'alt="{html.escape(alt)}" data-label="{html.escape(label)}"'
            f"{hidden}>"
        )
    rows += ["</div>", "</figure>"]
    return "\n".join(rows)


def _frames(
    explorable: Explorable, frames: list[Any], dpi: float | None = None
) -> list[Image.Image]:
    """The pictures of ``frames`` (the data of the explorable's scrubber),
    drawn at one scale: the widest twice the book's column wide
    (:data:`gradbook.plots.COLUMN_PIXELS`), or at ``dpi``."""
    live = _primed(explorable, frames)
    with live.growing():  # every frame on the axes that fit them all
        if dpi is None:
            widths = []
            for data in frames:
                live.update(data)
                widths.append(live.figure.get_figwidth())
            dpi = COLUMN_PIXELS / max(widths)
        renderer = Renderer(live, dpi)
        images = []
        for data in frames:
            live.update(data)
            images.append(renderer.image())
    return images


def scrubber(explorable: str | Explorable) -> widgets.VBox:
    """The scrubber of ``explorable`` (its name, or itself): a slider over
    its frames, starting at the scrubber's start.

    Frames are centred on one canvas, so the text below never moves as the
    slider does; each has its alt text.
    """
    explorable = get(explorable)
    moved = explorable.control(explorable.scrubber.control)
    values = explorable.scrubber.values
    frames = explorable.frames()
    pictures = _one_canvas(_frames(explorable, frames))
    return _Scrubber(
        # 32 colours: a frame is lines and text on white; 17 frames of a
        # chapter weigh 15% less than with 96, and look the same
        [_png(picture, 32) for picture in pictures],
        [moved.text(v) for v in values],
        [explorable.alt_text(data) for data in frames],
        moved.label,
        values.index(explorable.start),
    )


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
