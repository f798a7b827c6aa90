"""What every figure shares: its size, a blank figure, numbers as text, and
the registry of static figures."""

from collections.abc import Callable

from matplotlib.axes import Axes
from matplotlib.figure import Figure

# Every book figure is drawn this many pixels wide: twice the book's text
# column (684 to 790 px, by the screen), so that it is sharp on
# high-density screens and in print.
COLUMN_PIXELS = 1520

# Every static figure, by name: the tests draw each one in both languages.
FIGURES: dict[str, Callable[..., Figure]] = {}


def static(draw: Callable[..., Figure]) -> Callable[..., Figure]:
    """Register ``draw``, a function that returns a static figure."""
    FIGURES[draw.__name__] = draw
    return draw


def blank(width: float, height: float) -> Figure:
    """An empty figure ``width`` by ``height`` inches, COLUMN_PIXELS wide."""
    dpi = COLUMN_PIXELS / width
    return Figure(figsize=(width, height), dpi=dpi, layout="constrained")


def new_figure(
    width: float = 6.4, height: float = 4.0, ncols: int = 1
) -> tuple[Figure, list[Axes]]:
    """A figure with ``ncols`` axes side by side."""
    fig = blank(width, height)
    return fig, list(fig.subplots(1, ncols, squeeze=False)[0])


def number_text(value: object, spec: str = ".4g") -> str:
    """A number as a figure prints it: a true minus sign, never ``-0``."""
    text = format(float(value), spec)
    # -0.0, or a tiny negative number rounded to 0
    return "0" if float(text) == 0 else text.replace("-", "−")
