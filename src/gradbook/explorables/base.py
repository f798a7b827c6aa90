"""What every explorable is made of: its controls, its scrubber and the
figure that draws its data (see :mod:`gradbook.explorables`)."""

import inspect
import math
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import matplotlib
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from gradbook import checks
from gradbook.plots.base import new_figure


class Data(SimpleNamespace):
    """What a compute returns: its controls' values and what it computed,
    as attributes (the templates of titles and alt texts use them)."""


@dataclass(frozen=True)
class Control:
    """The control of the argument ``name`` of a compute, labelled
    ``label``, at ``default``: a slider from ``low`` to ``high`` by
    ``step`` (with ``log``, by 1, 2, 5 times powers of ten), or with
    ``choices`` a list.  It gives only its :attr:`values`, each shown as
    :meth:`text` writes it, as a figure's title writes it too."""

    name: str
    label: str
    default: Any
    low: float = 0.0
    high: float = 1.0
    step: float = 1.0
    log: bool = False
    choices: tuple[str, ...] = ()
    values: tuple = field(init=False, repr=False)

    def __post_init__(self) -> None:
        who = f"Control({self.name!r})"
        checks.text(self.label, who, "label")
        if not self.choices:
            checks.positive(self.step, who, "step")
            if self.log:
                checks.positive(self.low, who, "low")
            if checks.real(self.high, who, "high") <= self.low:
                raise ValueError(f"{who}: high must be above low")
        object.__setattr__(self, "values", self._values())
        if self.default not in self.values:
            raise ValueError(f"{who}: default must be one of its values")

    def _values(self) -> tuple:
        if self.choices:
            return self.choices
        if self.log:
            first, near = math.floor(math.log10(self.low)), 1e-9 * self.high
            powers = range(first, math.ceil(math.log10(self.high)) + 1)
            steps = [float(f"{m}e{p}") for p in powers for m in (1, 2, 5)]
            return tuple(
                v for v in steps if self.low - near <= v <= self.high + near
            )
        count = round((self.high - self.low) / self.step)
        whole = float(self.low).is_integer() and float(self.step).is_integer()
        kind = int if whole else float
        return tuple(
            kind(round(self.low + k * self.step, 10)) for k in range(count + 1)
        )

    def text(self, value: Any) -> str:
        """``value`` as the control shows it."""
        return value if isinstance(value, str) else f"{value:g}"


@dataclass(frozen=True)
class Scrubber:
    """Frames drawn in advance for each of ``values`` of the control
    ``control`` (the others at their defaults), the first one shown that of
    ``start`` (the control's default if None).  ``greys``: the figure
    shows a grey image, whose frames need more colours (see
    ``widgets._frame_png``)."""

    control: str
    values: tuple
    start: Any = None
    greys: bool = False


@dataclass(frozen=True)
class Explorable:
    """One interactive figure of a chapter.  ``compute(**values)`` takes
    each control's value by name and returns :class:`Data`; a slow one may
    be a generator that yields quick partial results first (a panel shows
    each, pale until the last).  ``figure()`` makes the :class:`LiveFigure`
    that draws the data; ``alt`` is the alt text, filled in from it."""

    name: str
    compute: Callable[..., Any]
    figure: type["LiveFigure"]
    controls: tuple[Control, ...]
    scrubber: Scrubber
    alt: str
    start: Any = field(init=False)  # the value the scrubber starts at

    def __post_init__(self) -> None:
        who = f"Explorable({self.name!r})"
        checks.callable_(self.compute, who, "compute")
        names = [c.name for c in self.controls]
        if list(inspect.signature(self.compute).parameters) != names:
            raise ValueError(f"{who}: compute must take {names}, in order")
        moved = self.control(self.scrubber.control)
        start = self.scrubber.start
        start = moved.default if start is None else start
        object.__setattr__(self, "start", start)
        for value in (*self.scrubber.values, self.start):
            if value not in moved.values:
                raise ValueError(
                    f"{who}: scrubber value {value!r} is not "
                    "one of its control's values"
                )

    def control(self, name: str) -> Control:
        """The control called ``name``."""
        for control in self.controls:
            if control.name == name:
                return control
        raise ValueError(f"{self.name}: no control is called {name!r}")

    def results(self, **changes: Any) -> Iterator[Data]:
        """The results for the controls' defaults with ``changes``: the
        partial ones, then the finished one."""
        for name, value in changes.items():
            if value not in self.control(name).values:
                raise ValueError(
                    f"{self.name}: {value!r} is not one of "
                    f"the values of the control {name!r}"
                )
        values = {c.name: c.default for c in self.controls} | changes
        done = self.compute(**values)
        yield from done if inspect.isgenerator(done) else [done]

    def data(self, **changes: Any) -> Data:
        """The finished result for the defaults with ``changes``."""
        *_, last = self.results(**changes)
        return last

    def frames(self) -> list[Data]:
        """The finished result for each of the scrubber's values."""
        moved = self.scrubber.control
        return [self.data(**{moved: v}) for v in self.scrubber.values]

    def alt_text(self, data: Data) -> str:
        """What the figure of ``data`` shows, in words."""
        return self.alt.format_map(vars(data))


class LiveFigure:
    """A figure that draws an explorable's data: ``width`` by ``height``
    inches, ``ncols`` axes side by side (:attr:`axes`), a suptitle
    (:attr:`title`).  A subclass builds the still parts once, in
    ``__init__``, and draws each result in ``update(data)``: it marks what
    that changes :meth:`moving`, and sets :attr:`redraw` when it changes
    anything else, so that the still parts are drawn again."""

    def __init__(self, width: float, height: float, ncols: int = 1) -> None:
        self.figure, self.axes = new_figure(width, height, ncols)
        self.title = self.moving(self.figure.suptitle(" "))
        self.redraw, self.growing, self.canvas = True, False, None
        self._spans: dict[tuple[Axes, str], tuple[float, float]] = {}
        # the still parts of each figure shown, as last drawn
        self._kept: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def update(self, data: Data) -> None:
        raise NotImplementedError

    def show(self, figure: Figure) -> None:
        """Draw on ``figure`` from now on: a subclass may switch between
        figures it made, and each keeps its still parts as last drawn."""
        if figure is not self.figure:
            if self.redraw:  # the figure left changed since it was drawn
                self._kept.pop(self.figure, None)
            self.figure, self.redraw = figure, figure not in self._kept

    def show_title(
        self, controls: Sequence[Control], data: Data, result: str
    ) -> None:
        """The title: ``label = value`` for each control (``label value``
        for a choice), as the controls show them; then the ``result``
        template filled in from the data."""
        shown = [(c, c.text(getattr(data, c.name))) for c in controls]
        settings = ", ".join(
            f"{c.label} {text}" if c.choices else f"{c.label} = {text}"
            for c, text in shown
        )
        result = result.format_map(vars(data))
        self.title.set_text(f"{settings}\n{result}")

    def moving(self, artist: Artist) -> Any:
        """``artist``, marked as one that ``update`` changes."""
        artist.set_animated(True)
        return artist

    def steady(
        self, ax: Axes, axis: str, low: float, high: float, pad: float = 0.3
    ) -> None:
        """Limits of ``ax``'s ``axis`` ("x" or "y") for data from ``low`` to
        ``high`` that keep still while the data move a little: they move
        to the data, with ``pad`` times its range on each side, only when
        the data leave them or fill less than a quarter of them.  While
        :attr:`growing` (a scrubber's frames) they only grow."""
        old = self._spans.get((ax, axis))
        span = (float(low), float(high))
        if old is not None:
            start, end = _padded(old, pad)
            full = high - low >= (end - start) / 4
            if self.growing:
                span = (min(old[0], low), max(old[1], high))
            elif start <= low and high <= end and full:
                span = old
        if span != old:
            self._spans[ax, axis] = span
            getattr(ax, f"set_{axis}lim")(*_padded(span, pad))
            self.redraw = True

    def picture(self, dpi: float) -> Image.Image:
        """The figure as it is now, at ``dpi``: the still parts are drawn
        when they change and kept (also for a figure shown again), and only
        the moving artists are drawn over a copy of them (a whole figure
        takes 60-190 ms to draw, the moving artists a few)."""
        figure = self.figure
        if self.canvas is None or self.canvas.figure is not figure:
            if figure not in self._kept:
                figure.set_dpi(dpi)
                FigureCanvasAgg(figure)
                self.redraw = True
            self.canvas = figure.canvas
        # Unhinted glyphs: chapter 3's move drew 25% faster (35 ms against
        # 46 in the kernel), and look the same.
        with matplotlib.rc_context({"text.hinting": "none"}):
            if self.redraw:
                self.canvas.draw()  # everything but the moving artists
                # Laid out once: nothing moves when a title changes.
                figure.set_layout_engine("none")
                self._kept[figure] = self.canvas.copy_from_bbox(figure.bbox)
                self.redraw = False
            else:
                self.canvas.restore_region(self._kept[figure])
            moving = figure.findobj(lambda artist: artist.get_animated())
            for artist in sorted(moving, key=lambda a: a.get_zorder()):
                figure.draw_artist(artist)
        size = self.canvas.get_width_height()
        rgba = Image.frombuffer("RGBA", size, self.canvas.buffer_rgba())
        return rgba.convert("RGB")


def _padded(span: tuple[float, float], pad: float) -> tuple[float, float]:
    margin = pad * max(span[1] - span[0], 1e-3)
    return (span[0] - margin, span[1] + margin)
