"""What every explorable is made of: its controls, its scrubber, the figure
that draws its data, and the renderer that turns that figure into pixels.

See :mod:`gradbook.explorables` for how the pieces fit.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from gradbook import checks
from gradbook.plots.base import new_figure

__all__ = [
    "Control",
    "Explorable",
    "LiveFigure",
    "Renderer",
    "Scrubber",
    "settings",
]


@dataclass(frozen=True)
class Control:
    """One control of an explorable: the argument ``name`` of its compute.

    A slider from ``low`` to ``high`` by ``step`` (with ``log``: the values
    1, 2, 5 times a power of ten from ``low`` to ``high``), or with
    ``choices`` a list to pick from.  ``label`` is what the control says,
    in the reader's language.  The control only ever gives one of its
    :attr:`values`, and shows each as :meth:`text` writes it, so a figure
    that writes the value the same way agrees with its control.
    """

    name: str
    label: str
    default: Any
    low: float = 0.0
    high: float = 1.0
    step: float = 1.0
    log: bool = False
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        who = f"Control({self.name!r})"
        checks.text(self.name, who, "name")
        checks.text(self.label, who, "label")
        if not self.choices:
            checks.real(self.high, who, "high")
            checks.positive(self.step, who, "step")
            if self.log:
                checks.positive(self.low, who, "low")
            if self.high <= checks.real(self.low, who, "low"):
                raise ValueError(f"{who}: high must be above low")
        if self.default not in self.values:
            raise ValueError(f"{who}: default must be one of its values")

    @functools.cached_property
    def values(self) -> tuple[Any, ...]:
        """Every value the control can take, in order."""
        if self.choices:
            return self.choices
        if self.log:
            powers = range(math.floor(math.log10(self.low)), 1000)
            steps = (float(f"{m}e{p}") for p in powers for m in (1, 2, 5))
            near = 1e-9 * self.high  # room for rounding at the ends
            return tuple(
                v
                for v in _until(steps, self.high + near)
                if v >= self.low - near
            )
        count = round((self.high - self.low) / self.step)
        values = [
            round(self.low + k * self.step, 10) for k in range(count + 1)
        ]
        whole = float(self.low).is_integer() and float(self.step).is_integer()
        return tuple(int(v) if whole else v for v in values)

    def text(self, value: Any) -> str:
        """``value`` as the control shows it."""
        return value if isinstance(value, str) else f"{value:g}"


def _until(values: Iterator[float], end: float) -> Iterator[float]:
    for value in values:
        if value > end:
            return
        yield value


@dataclass(frozen=True)
class Scrubber:
    """The scrubber of an explorable: frames drawn in advance for the
    ``values`` of the control ``control`` (the others at their defaults),
    showing first the frame of ``start`` (the control's default if
    None)."""

    control: str
    values: tuple[Any, ...]
    start: Any = None


def settings(controls: Sequence[Control], data: object) -> str:
    """``label = value`` for each control (``label value`` for a choice),
    as the controls show them: the first line of an explorable's title."""
    shown = [(c, c.text(getattr(data, c.name))) for c in controls]
    return ", ".join(
        f"{c.label} {text}" if c.choices else f"{c.label} = {text}"
        for c, text in shown
    )


class _Fields:
    """The attributes of ``data``, as a template's ``{fields}``."""

    def __init__(self, data: object) -> None:
        self.data = data

    def __getitem__(self, name: str) -> Any:
        return getattr(self.data, name)


@dataclass(frozen=True)
class Explorable:
    """One interactive figure of a chapter.

    ``compute(**values)`` takes a value for each control, by name, and
    returns the data to draw: an object with an attribute for each control
    (the value it was computed for) and whatever the figure needs.  A slow
    compute may be a generator that yields quick partial results before
    the last, finished one: the live panel shows each as it comes (the
    partial ones pale), a scrubber only the last.  ``figure()`` makes the
    figure that draws the data, a :class:`LiveFigure`.  ``alt`` is the
    alt-text template, filled in from the data's attributes.
    """

    name: str
    compute: Callable[..., Any]
    figure: Callable[[], LiveFigure]
    controls: tuple[Control, ...]
    scrubber: Scrubber
    alt: str

    def __post_init__(self) -> None:
        who = f"Explorable({self.name!r})"
        checks.callable_(self.compute, who, "compute")
        checks.callable_(self.figure, who, "figure")
        names = [c.name for c in self.controls]
        if list(inspect.signature(self.compute).parameters) != names:
            raise ValueError(f"{who}: compute must take {names}, in order")
        moved = self.control(self.scrubber.control)
        for value in (*self.scrubber.values, self.start):
            if value not in moved.values:
                raise ValueError(
                    f"{who}: scrubber value {value!r} is not one of the "
                    f"values of the control {moved.name!r}"
                )

    def control(self, name: str) -> Control:
        """The control called ``name``."""
        for control in self.controls:
            if control.name == name:
                return control
        raise ValueError(f"{self.name}: no control is called {name!r}")

    @property
    def start(self) -> Any:
        """The value the scrubber starts at."""
        if self.scrubber.start is None:
            return self.control(self.scrubber.control).default
        return self.scrubber.start

    def values(self, **changes: Any) -> dict[str, Any]:
        """The controls' defaults, with ``changes``; each value checked."""
        values = {c.name: c.default for c in self.controls}
        for name, value in changes.items():
            if value not in self.control(name).values:
                raise ValueError(
                    f"{self.name}: {value!r} is not one of the values of "
                    f"the control {name!r}"
                )
            values[name] = value
        return values

    def results(self, **changes: Any) -> Iterator[Any]:
        """Each result of the computation at ``values(**changes)``: the
        partial ones first (if any), the finished one last."""
        done = self.compute(**self.values(**changes))
        if inspect.isgenerator(done):
            yield from done
        else:
            yield done

    def data(self, **changes: Any) -> Any:
        """The finished result at ``values(**changes)``."""
        *_, last = self.results(**changes)
        return last

    def frames(self) -> list[Any]:
        """The finished result for each of the scrubber's values."""
        moved = self.scrubber.control
        return [self.data(**{moved: v}) for v in self.scrubber.values]

    def alt_text(self, data: object) -> str:
        """What the figure of ``data`` shows, in words."""
        return self.alt.format_map(_Fields(data))


class LiveFigure:
    """A figure that draws an explorable's data, ``width`` by ``height``
    inches, with ``ncols`` axes side by side (:attr:`axes`).

    A subclass builds the still parts once, in ``__init__``, and draws each
    result in :meth:`update`.  An artist that ``update`` changes is marked
    :meth:`moving`; when ``update`` changes anything else (axis limits,
    labels), it sets :attr:`redraw`, so that the still parts are drawn
    again.  :meth:`steady` moves axis limits only when the data need it.
    ``title`` is the suptitle; an explorable's title starts with its
    :func:`settings`.
    """

    def __init__(self, width: float, height: float, ncols: int = 1) -> None:
        self.figure, self.axes = new_figure(width, height, ncols)
        self.title = self.moving(self.figure.suptitle(" "))
        self.redraw = True
        self._spans: dict[tuple[Axes, str], tuple[float, float]] = {}
        self._growing = False

    def update(self, data: Any) -> None:
        raise NotImplementedError

    def show_title(
        self, controls: Sequence[Control], data: object, result: str
    ) -> None:
        """The title: the ``controls``' settings for ``data``, then the
        ``result`` template filled in from the data."""
        result = result.format_map(_Fields(data))
        self.title.set_text(f"{settings(controls, data)}\n{result}")

    def moving(self, artist: Artist) -> Any:
        """``artist``, marked as one that :meth:`update` changes."""
        artist.set_animated(True)
        return artist

    def steady(
        self, ax: Axes, axis: str, low: float, high: float, pad: float = 0.3
    ) -> None:
        """Limits for data from ``low`` to ``high`` on ``ax``'s ``axis``
        (``"x"`` or ``"y"``) that keep still while the data move a little:
        they move only when the data leave them or fill less than a quarter
        of them, to the data with ``pad`` times its range on each side.
        While :meth:`growing`, they only grow, to fit all the data seen."""
        old = self._spans.get((ax, axis))
        span = (float(low), float(high))
        if old is not None:
            limits = _padded(old, pad)
            inside = limits[0] <= low and high <= limits[1]
            full = high - low >= (limits[1] - limits[0]) / 4
            if self._growing:
                span = (min(old[0], low), max(old[1], high))
            elif inside and full:
                span = old
        if span != old:
            self._spans[ax, axis] = span
            getattr(ax, f"set_{axis}lim")(*_padded(span, pad))
            self.redraw = True

    @contextlib.contextmanager
    def growing(self) -> Iterator[None]:
        """Within this, :meth:`steady` limits only grow: a scrubber draws
        its every frame on axes that fit them all."""
        self._growing = True
        try:
            yield
        finally:
            self._growing = False


def _padded(span: tuple[float, float], pad: float) -> tuple[float, float]:
    margin = pad * max(span[1] - span[0], 1e-3)
    return (span[0] - margin, span[1] + margin)


class Renderer:
    """Pixels of a :class:`LiveFigure` at ``dpi``: the still parts are
    drawn when they change and kept, and each image draws only the moving
    artists over a copy of them.

    Drawing a whole figure took 60-190 ms, most of it text and contour
    lines that do not move; the moving artists take a few.
    """

    def __init__(self, live: LiveFigure, dpi: float) -> None:
        self.live = live
        self.dpi = dpi
        self.canvas: FigureCanvasAgg | None = None
        self.background: Any = None

    def image(self) -> Image.Image:
        """The live figure as it is now, an RGB image."""
        figure = self.live.figure
        if self.canvas is None or self.canvas.figure is not figure:
            figure.set_dpi(self.dpi)
            self.canvas, self.live.redraw = FigureCanvasAgg(figure), True
        if self.live.redraw:
            self.canvas.draw()  # everything but the moving artists
            # Laid out once: nothing moves when a title changes, and every
            # picture of this figure is laid out as its first one was.
            figure.set_layout_engine("none")
            self.background = self.canvas.copy_from_bbox(figure.bbox)
            self.live.redraw = False
        else:
            self.canvas.restore_region(self.background)
        moving = figure.findobj(lambda artist: artist.get_animated())
        for artist in sorted(moving, key=lambda artist: artist.get_zorder()):
            figure.draw_artist(artist)
        return Image.frombuffer(
            "RGBA", self.canvas.get_width_height(), self.canvas.buffer_rgba()
        ).convert("RGB")
