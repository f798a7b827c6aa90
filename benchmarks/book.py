"""5. The book itself: building it, and how quickly a live panel answers a
slider.

The build: a copy of the book's sources (``_config.yml``, ``_toc.yml``,
``book/``, ``web/`` and the generated ``_vendor/``) in a temporary directory
is built twice with ``jupyter-book build``: first clean (every notebook in
the table of contents executes), then again with nothing changed, when
jupyter-cache and Sphinx's environment should make it cheap.  The
repository's own ``_build`` is never touched.  Sphinx warnings are counted,
not fatal (``make book`` makes them errors; here they would only stop the
timing).

The widgets, inside the kernel: a live panel keeps one figure (a
``*_live`` in :mod:`gradbook.views`) and, on every slider move, calls its
``update`` and draws the frame's PNG (``widgets._LiveImage``).  That is
timed for one move of each panel's slider (``LIVE_MOVES``), beside the way
the panels worked before: a whole new figure from the chapter's ``*_view``,
alone and drawn to a PNG with ``widgets.figure_png``.  Views and live
figures are discovered by name, so a new chapter's panel is measured as
soon as they exist.  The time a reader waits, in JupyterLab, is the
``panels`` case (``benchmarks/panels.py``).
"""

from __future__ import annotations

import inspect
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from web.site import PAGES, source

from benchmarks import checks
from benchmarks.timing import interleaved

WIDGET_IMPORTS = ("gradbook", "numpy", "matplotlib", "pillow", "ipywidgets")
BUILD_IMPORTS = (
    "jupyter-book",
    "myst-nb",
    "sphinx",
    "jupyter-cache",
    *WIDGET_IMPORTS,
)  # the notebooks' too

ROOT = Path(__file__).resolve().parent.parent
# The appendix page reads benchmarks/results.json when it is built.
SOURCES = (
    "_config.yml",
    "_toc.yml",
    "book",
    "web",  # the Sphinx extension reader.py and its templates
    "_vendor",
    "benchmarks/results.json",
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# live figure: (the slider a move changes, its value after the move); the
# timed calls move it there and back
LIVE_MOVES = {
    "random_search_live": ("seed", 2),
    "neuron_live": ("x", -0.9),
    "neuron_graph_live": ("x", -0.9),
    "training_live": ("seed", 1),
}


def update_functions() -> dict[str, Callable[[], object]]:
    """Every ``*_view`` in gradbook.views, by name, in source order."""
    from gradbook import views

    found = [
        (inspect.getsourcelines(f)[1], name, f)
        for name, f in inspect.getmembers(views, inspect.isfunction)
        if name.endswith("_view") and f.__module__ == views.__name__
    ]
    return {name: f for _, name, f in sorted(found)}


def widget_cases() -> dict[str, Callable[[], object]]:
    """One panel update per chapter: the view at its defaults, rendered to
    PNG; checked first."""
    from matplotlib.figure import Figure

    from gradbook.widgets import figure_png

    timed: dict[str, Callable[[], object]] = {}
    for name, view in update_functions().items():
        figure = view()
        if not isinstance(figure, Figure):
            kind = type(figure).__name__
            wrong = f"views.{name}() returned {kind}, not a Figure"
            raise checks.WrongAnswerError(wrong)
        if not figure_png(figure).startswith(PNG_SIGNATURE):
            wrong = f"widgets.figure_png(views.{name}()) is not a PNG"
            raise checks.WrongAnswerError(wrong)
        # rendered as live_panel renders it: 72 dpi, full colour
        timed[name] = lambda view=view: figure_png(view(), 72, colors=None)
    if not timed:
        wrong = "no *_view update functions found in gradbook.views"
        raise checks.WrongAnswerError(wrong)
    return timed


def live_cases() -> dict[str, Callable[[], object]]:
    """One slider move of each live panel, in the kernel: ``update`` and
    the frame's PNG; checked first."""
    from gradbook import views
    from gradbook.widgets import _LiveImage

    defaults = {
        "random_search_live": views.random_search_view,
        "neuron_live": views.neuron_view,
        "neuron_graph_live": views.neuron_graph_view,
        "training_live": views.training_view,
    }
    timed: dict[str, Callable[[], object]] = {}
    for name, (slider, moved) in LIVE_MOVES.items():
        live, frames = getattr(views, name)(), _LiveImage(72)
        parameters = inspect.signature(defaults[name]).parameters.values()
        values = [
            {p.name: p.default for p in parameters if p.default is not None}
        ]
        values.append(values[0] | {slider: moved})
        for v in values:
            if not frames.png(live.figure, live.update(**v)).startswith(
                PNG_SIGNATURE
            ):
                wrong = f"views.{name}: a frame is not a PNG"
                raise checks.WrongAnswerError(wrong)

        def move(live=live, frames=frames, values=values) -> bytes:
            values.reverse()  # there and back
            return frames.png(live.figure, live.update(**values[0]))

        timed[name] = move
    return timed


def measure_widgets(rounds: int) -> dict:
    views = update_functions()
    live = interleaved(live_cases(), rounds, turn=0.0)
    both = interleaved(widget_cases(), rounds, turn=0.0)
    alone = interleaved(views, rounds, turn=0.0)
    return {
        "live panel, one slider move (ms)": {
            name: t.median * 1e3 for name, t in live.items()
        },
        "slider moved": {
            name: slider for name, (slider, _) in LIVE_MOVES.items()
        },
        "checked": (
            "each *_view returns a matplotlib Figure "
            "and figure_png turns it into a PNG"
        ),
        "update + PNG (ms)": {
            name: t.median * 1e3 for name, t in both.items()
        },
        "update function alone (ms)": {
            name: t.median * 1e3 for name, t in alone.items()
        },
        "what each shows": {
            name: (f.__doc__ or "").strip().splitlines()[0]
            for name, f in views.items()
        },
        "timings": {
            "live move": {name: t.as_json() for name, t in live.items()},
            "update + PNG": {name: t.as_json() for name, t in both.items()},
            "update alone": {name: t.as_json() for name, t in alone.items()},
        },
    }


def _build(source: Path) -> tuple[float, str]:
    """Seconds one ``jupyter-book build`` of ``source`` takes, and its
    output."""
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    start = time.perf_counter()
    done = subprocess.run(
        [str(jupyter_book), "build", str(source)],
        cwd=source,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
        raise checks.WrongAnswerError(
            f"jupyter-book build failed ({done.returncode}):\n{tail}"
        )
    return seconds, done.stdout + done.stderr


def _executed(log: str) -> int:
    """How many notebooks a build's log says it executed (not taken from the
    cache)."""
    return len(re.findall(r"Executed notebook in ", log))


def _warnings(log: str) -> int:
    found = re.search(
        r"build (?:succeeded|finished with problems), (\d+) warning", log
    )
    return int(found.group(1)) if found else 0


def measure_build() -> dict:
    missing = [name for name in SOURCES if not (ROOT / name).exists()]
    if missing:
        raise SystemExit(
            f"{', '.join(missing)} missing: "
            "run `make book` once first (it makes _vendor/)"
        )
    # The notebooks the table of contents builds (only_build_toc_files).
    notebooks = [page for page in PAGES if source(page).suffix == ".ipynb"]
    with tempfile.TemporaryDirectory(prefix="gradbook-bench-") as tmp:
        copy = Path(tmp) / "book-copy"
        copy.mkdir()
        for name in SOURCES:
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(
                ROOT / name, copy / name
            )
        clean, clean_log = _build(copy)
        html = copy / "_build" / "html"
        pages = [
            html / Path(entry).with_suffix(".html") for entry in notebooks
        ]
        if not (html / "index.html").exists() or not all(
            p.exists() for p in pages
        ):
            raise checks.WrongAnswerError(
                "the clean build did not write index.html and every chapter"
            )
        rebuild, rebuild_log = _build(copy)
    executed_clean, executed_again = (
        _executed(clean_log),
        _executed(rebuild_log),
    )
    if executed_clean != len(notebooks):
        raise checks.WrongAnswerError(
            f"the clean build ran {executed_clean} "
            f"of {len(notebooks)} notebooks"
        )
    return {
        "checked": (
            f"the clean build executed all {len(notebooks)} notebooks "
            "and wrote every chapter's page; "
            f"the rebuild executed {executed_again}"
        ),
        "clean build (s)": clean,
        "rebuild, nothing changed (s)": rebuild,
        "notebooks executed (clean, rebuild)": [
            executed_clean,
            executed_again,
        ],
        "Sphinx warnings (clean, rebuild)": [
            _warnings(clean_log),
            _warnings(rebuild_log),
        ],
        "rebuild / clean build": rebuild / clean,
    }
