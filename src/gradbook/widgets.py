"""An explorable shown two ways, drawn by its one figure: a live panel
computes and draws again as a control moves (it needs a kernel); a
scrubber shows frames drawn in advance under a slider (in the HTML book,
with no kernel).  Before its cell runs (a notebook opened as stored), a
panel shows a still figure and a line asking to run it, and a scrubber
its first frame."""

import base64
import html
import inspect
import io
import struct
import zlib
from typing import Any

import ipywidgets as widgets
import numpy as np
from PIL import Image

from gradbook.explorables import get
from gradbook.explorables.base import (
    Control,
    Data,
    Explorable,
    LiveFigure,
    Scrubber,
)
from gradbook.i18n import tr
from gradbook.plots.base import COLUMN_PIXELS

PANEL_DPI = 72
RUN_ME = tr("Run this cell to move the sliders.")


def _png(
    image: Image.Image,
    colors: int | None = None,
    method: Image.Quantize = Image.Quantize.MEDIANCUT,
) -> bytes:
    """``image`` as a PNG: quick, or small, of ``colors`` colours."""
    if colors is None:
        return _quick_png(image)
    raw = io.BytesIO()
    small = image.quantize(colors, method=method)
    small.save(raw, format="png", optimize=True)
    return raw.getvalue()


def _frame_png(image: Image.Image, scrubber: Scrubber) -> bytes:
    """A scrubber's frame as a small PNG.  32 colours: a chapter's 17 frames
    weigh 15% less than with 96, and look the same.  A grey image (chapter
    7's digit) came out brown and blue in 32: 64 colours by octree keep
    every grey within 3 levels of grey, for 5% more bytes."""
    if scrubber.greys:
        return _png(image, 64, Image.Quantize.FASTOCTREE)
    return _png(image, 32)


def _quick_png(image: Image.Image) -> bytes:
    """An RGB ``image`` as a PNG, rows unfiltered, zlib level 1: chapter 3's
    picture in 3-4 ms, not Pillow's 7 (five filters a row), 11% smaller."""
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    pixels = np.asarray(rgb)
    height, width, _ = pixels.shape
    rows = np.zeros((height, 1 + 3 * width), np.uint8)  # 0: no filter
    rows[:, 1:] = pixels.reshape(height, -1)
    # 8 bits a channel, colour type 2 (RGB), no interlace
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunks = [b"IHDR" + header, b"IDAT" + zlib.compress(rows, 1), b"IEND"]
    return b"\x89PNG\r\n\x1a\n" + b"".join(
        struct.pack(">I", len(chunk) - 4)
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
        for chunk in chunks
    )


def _img(png: bytes, alt: str, more: str = "") -> str:
    data = base64.b64encode(png).decode("ascii")
    alt = html.escape(alt)
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
    """A widget that gives exactly the control's values, written as the
    figure's title writes them."""
    common = {"value": control.default, "description": control.label}
    common["style"] = {"description_width": "initial"}
    if control.choices:
        return widgets.Dropdown(options=control.choices, **common)
    options = [(control.text(v), v) for v in control.values]
    return widgets.SelectionSlider(options=options, **common)


class _Panel(widgets.VBox):
    def __init__(self, explorable: Explorable) -> None:
        self.explorable, first = explorable, explorable.data()
        self.controls = {c.name: _control(c) for c in explorable.controls}
        self.live = _primed(explorable, [*explorable.frames(), first])
        picture = self.live.picture(PANEL_DPI)
        self.image = widgets.Image(value=_png(picture), format="png")
        self.busy = inspect.isgeneratorfunction(explorable.compute)
        for control in self.controls.values():
            control.observe(self.draw, names="value")
        columns = widgets.Layout(grid_template_columns="repeat(3, 1fr)")
        grid = widgets.GridBox(list(self.controls.values()), layout=columns)
        super().__init__([grid, self.image])
        still = _frame_png(picture, explorable.scrubber)
        still = _img(still, explorable.alt_text(first))
        caption = f"<figcaption>{html.escape(RUN_ME)}</figcaption>"
        self.still = f"<figure>{still}{caption}</figure>"

    def draw(self, _change: Any = None) -> None:
        """Compute and draw at once, inside the change's message: until the
        kernel answers, the page holds back further changes and sends only
        the newest, so a drag never queues stale frames.  A slow
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


def _frames(
    explorable: Explorable, frames: list[Data], dpi: float | None = None
) -> list[Image.Image]:
    """The pictures of ``frames`` (the scrubber's data) on axes that fit
    them all, at ``dpi`` or with the widest twice the column wide."""
    live = _primed(explorable, frames)
    live.growing = True
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


class _Scrubber(widgets.VBox):
    """In Jupyter, a ``SelectionSlider`` linked in the browser (``jslink``)
    to a ``Stack`` of frames.  The HTML book shows its ``text/html`` form
    (``nb_mime_priority_overrides`` in _config.yml): a range input over the
    same frames, with their alt texts, that web/scrubber.js moves."""

    def __init__(self, explorable: Explorable) -> None:
        moved = explorable.control(explorable.scrubber.control)
        values, frames = explorable.scrubber.values, explorable.frames()
        start, pictures = values.index(explorable.start), []
        drawn = _frames(explorable, frames)
        # one canvas for all, so that the text below never moves
        width, height = (max(p.size[k] for p in drawn) for k in (0, 1))
        for picture in drawn:
            frame = Image.new("RGB", (width, height), "white")
            corner = (
                (width - picture.width) // 2,
                (height - picture.height) // 2,
            )
            frame.paste(picture, corner)
            pictures.append(_frame_png(frame, explorable.scrubber))
        labels = [moved.text(v) for v in values]
        stack = widgets.Stack([widgets.Image(value=png) for png in pictures])
        stack.selected_index = start
        slider = widgets.SelectionSlider(
            options=labels,
            index=start,
            description=moved.label,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="100%"),
        )
        widgets.jslink((slider, "index"), (stack, "selected_index"))
        super().__init__([slider, stack])
        self._text = explorable.alt_text(frames[start])
        name, now = html.escape(moved.label), html.escape(labels[start])
        # Disabled until web/scrubber.js runs; every frame but the current
        # one hidden, also by a style (a notebook's sanitiser drops hidden).
        rows = [
            '<figure class="gradbook-scrubber">'
            '<label class="gradbook-scrubber-control">'
            f'<span>{name}</span><input type="range" min="0" '
            f'max="{len(values) - 1}" step="1" value="{start}" '
            f'aria-label="{name}" aria-valuetext="{now}" disabled>'
            '<span class="gradbook-scrubber-value" aria-hidden="true">'
            f'{now}</span></label><div class="gradbook-scrubber-frames">'
        ]
        for k, (png, data) in enumerate(zip(pictures, frames, strict=True)):
            # half the pixels: sharp on a high-density screen
            more = f' width="{width // 2}" height="{height // 2}"'
            more += f' data-label="{html.escape(labels[k])}"'
            more += "" if k == start else ' hidden style="display: none"'
            rows.append(_img(png, explorable.alt_text(data), more))
        self._html = "\n".join([*rows, "</div></figure>"])

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs)
        return bundle | {"text/html": self._html, "text/plain": self._text}


def scrubber(explorable: str | Explorable) -> widgets.VBox:
    """The scrubber of ``explorable`` (its name, or itself): a slider over
    its frames, each with its alt text, at the scrubber's start."""
    return _Scrubber(get(explorable))
