"""An explorable shown two ways: a live panel and a scrubber.

:func:`panel` shows the explorable's controls above its figure, and
computes and draws again whenever a control moves: it needs a kernel.
:func:`scrubber` draws the figure in advance for each of the scrubber's
values and shows them under a slider: in the HTML book that is the
reader's way to move a figure (no kernel).  Both draw with the
explorable's one figure, so a frame and the panel at the same values are
the same picture.  Before its cell runs (a notebook opened as stored), a
panel shows a still figure and a line asking to run it, and a scrubber
shows its first frame.
"""

import base64
import html
import inspect
import io
from typing import Any

import ipywidgets as widgets
from PIL import Image

from gradbook.explorables import Explorable, get
from gradbook.explorables.base import Control, Data, LiveFigure
from gradbook.i18n import tr
from gradbook.plots.base import COLUMN_PIXELS

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
        small = image.quantize(colors, method=Image.Quantize.MEDIANCUT)
        small.save(raw, format="png", optimize=True)
    return raw.getvalue()


def _img(png: bytes, alt: str, more: str = "") -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{alt}"{more}>'


def _primed(explorable: Explorable, frames: list[Data]) -> LiveFigure:
    """The explorable's figure, its axes fitted to all of ``frames`` (the
    scrubber's data), so that its pictures line up with the frames."""
    live = explorable.figure()
    live.growing = True
    for data in frames:
        live.update(data)
    live.growing = False
    return live


def _control(control: Control) -> widgets.ValueWidget:
    """A widget that gives exactly the control's values, shown as the
    figure writes them."""
    style = {"description_width": "initial"}
    common = {"value": control.default, "description": control.label}
    if control.choices:
        return widgets.Dropdown(options=control.choices, style=style, **common)
    options = [(control.text(v), v) for v in control.values]
    return widgets.SelectionSlider(options=options, style=style, **common)


class _Panel(widgets.VBox):
    """A live panel (see :func:`panel`)."""

    def __init__(self, explorable: Explorable) -> None:
        self.explorable = explorable
        self.controls = {c.name: _control(c) for c in explorable.controls}
        first = explorable.data()
        self.live = _primed(explorable, [*explorable.frames(), first])
        picture = self.live.picture(PANEL_DPI)
        self.image = widgets.Image(value=_png(picture), format="png")
        self.busy = inspect.isgeneratorfunction(explorable.compute)
        for control in self.controls.values():
            control.observe(self.draw, names="value")
        columns = widgets.Layout(grid_template_columns="repeat(3, 1fr)")
        grid = widgets.GridBox(list(self.controls.values()), layout=columns)
        super().__init__([grid, self.image])
        alt = html.escape(explorable.alt_text(first))
        caption = f"<figcaption>{html.escape(RUN_ME)}</figcaption>"
        self.still = (
            f"<figure>{_img(_png(picture, 32), alt)}{caption}</figure>"
        )

    def draw(self, _change: Any = None) -> None:
        """Compute and draw for the controls' values, at once, inside the
        change's message: until the kernel has answered, the page holds
        back further changes and then sends only the newest (ipywidgets
        does this), so a drag never queues stale frames.  A slow
        explorable's partial results show pale, as they come."""
        values = {name: c.value for name, c in self.controls.items()}
        if self.busy:
            self.image.layout.opacity = "0.4"
        try:
            for data in self.explorable.results(**values):
                self.live.update(data)
                self.image.value = _png(self.live.picture(PANEL_DPI))
        finally:
            self.image.layout.opacity = "1"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        # A notebook shows the widget once its cell has run; until then
        # (untrusted, no kernel) these, never "VBox(children=...".
        bundle = super()._repr_mimebundle_(**kwargs)
        return bundle | {"text/html": self.still, "text/plain": RUN_ME}


def panel(explorable: str | Explorable) -> widgets.VBox:
    """The live panel of ``explorable`` (its name, or itself): its controls
    in a grid above its picture."""
    return _Panel(get(explorable))


class _Scrubber(widgets.VBox):
    """A scrubber (see :func:`scrubber`), in two forms.  In Jupyter, a
    ``SelectionSlider`` whose ``index`` is linked in the browser
    (``jslink``) to a ``Stack`` of images.  The HTML book shows its
    ``text/html`` form (``nb_mime_priority_overrides`` in _config.yml): a
    range input over the same frames, each with its alt text, moved by the
    book's web/scrubber.js, with no widget code in the page."""

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
        name, current = html.escape(description), html.escape(labels[start])
        # Disabled until web/scrubber.js runs; every frame but the current
        # one hidden, also by a style (a notebook's sanitiser drops hidden).
        rows = [
            '<figure class="gradbook-scrubber">',
            '<label class="gradbook-scrubber-control">'
            f'<span>{name}</span><input type="range" min="0" '
            f'max="{len(frames) - 1}" step="1" value="{start}" '
            f'aria-label="{name}" aria-valuetext="{current}" disabled>'
            '<span class="gradbook-scrubber-value" aria-hidden="true">'
            f"{current}</span></label>",
            '<div class="gradbook-scrubber-frames">',
        ]
        for k, (png, label, alt) in enumerate(
            zip(frames, labels, alts, strict=True)
        ):
            width, height = Image.open(io.BytesIO(png)).size
            # half the pixels: sharp on a high-density screen
            more = f' width="{width // 2}" height="{height // 2}"'
            more += f' data-label="{html.escape(label)}"'
            more += "" if k == start else ' hidden style="display: none"'
            rows.append(_img(png, html.escape(alt), more))
        self._html = "\n".join([*rows, "</div>", "</figure>"])
        self._text = alts[start]

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs)
        return bundle | {"text/html": self._html, "text/plain": self._text}


def _frames(
    explorable: Explorable, frames: list[Data], dpi: float | None = None
) -> list[Image.Image]:
    """The pictures of ``frames`` (the scrubber's data) at one scale: the
    widest twice the book's column wide (COLUMN_PIXELS), or at ``dpi``."""
    live = _primed(explorable, frames)
    live.growing = True  # every frame on the axes that fit them all
    if dpi is None:
        widths = []
        for data in frames:
            live.update(data)
            widths.append(live.figure.get_figwidth())
        dpi = COLUMN_PIXELS / max(widths)
    pictures = []
    for data in frames:
        live.update(data)
        pictures.append(live.picture(dpi))
    return pictures


def scrubber(explorable: str | Explorable) -> widgets.VBox:
    """The scrubber of ``explorable`` (its name, or itself): a slider over
    its frames, each with its alt text, starting at the scrubber's start.
    Frames are centred on one canvas, so the text below never moves."""
    explorable = get(explorable)
    moved = explorable.control(explorable.scrubber.control)
    values, frames = explorable.scrubber.values, explorable.frames()
    pictures = _frames(explorable, frames)
    width = max(picture.width for picture in pictures)
    height = max(picture.height for picture in pictures)
    pngs = []
    for picture in pictures:
        canvas = Image.new("RGB", (width, height), "white")
        left, top = (
            (width - picture.width) // 2,
            (height - picture.height) // 2,
        )
        canvas.paste(picture, (left, top))
        # 32 colours: a chapter's 17 frames weigh 15% less than with 96,
        # and look the same
        pngs.append(_png(canvas, 32))
    return _Scrubber(
        pngs,
        [moved.text(v) for v in values],
        [explorable.alt_text(data) for data in frames],
        moved.label,
        values.index(explorable.start),
    )
