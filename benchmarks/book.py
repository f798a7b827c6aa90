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

The live panels, inside the kernel: a panel (``gradbook.widgets.panel``)
keeps its explorable's figure and, on every slider move, computes, draws
the moving parts over the kept still ones and writes the PNG.  That is
timed for one move of each panel's slider (:func:`moved`), there and back;
a training run is trained again on every move (the runs the panel keeps
are forgotten first).  Explorables are taken from their registry, so a new
chapter's panel is measured as soon as it exists.  The time a reader
waits, in JupyterLab, is the ``panels`` case (``benchmarks/panels.py``).
"""

from __future__ import annotations

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
# The control a timed move changes: the one whose move computes the most
# (a new search, a new training run); for any other explorable, the one
# its scrubber moves.
MOVED = {"random_search": "seed", "training": "seed"}


def moved(name: str) -> tuple[str, object]:
    """The control a timed move of explorable ``name`` changes, and its
    value after the move (the next one after its default)."""
    from gradbook import explorables

    explorable = explorables.get(name)
    control = explorable.control(MOVED.get(name, explorable.scrubber.control))
    values = control.values
    after = values.index(control.default) + 1
    return control.name, values[after if after < len(values) else -2]


def live_cases() -> dict[str, Callable[[], object]]:
    """One slider move of each live panel, in the kernel: compute, draw and
    the PNG; checked first."""
    from gradbook import explorables, widgets
    from gradbook.explorables import training

    timed: dict[str, Callable[[], object]] = {}
    for name in explorables.registry():
        control, value = moved(name)
        panel = widgets.panel(name)
        values = [panel.controls[control].value, value]

        def move(panel=panel, control=control, values=values) -> bytes:
            training._RUNS.clear()  # a reader's new setting trains again
            values.reverse()  # there and back
            panel.controls[control].value = values[0]
            return bytes(panel.image.value)

        for _ in values:
            if not move().startswith(PNG_SIGNATURE):
                wrong = f"widgets.panel({name!r}): a picture is not a PNG"
                raise checks.WrongAnswerError(wrong)
        timed[name] = move
    return timed


def measure_widgets(rounds: int) -> dict:
    live = interleaved(live_cases(), rounds, turn=0.0)
    return {
        "live panel, one slider move (ms)": {
            name: t.median * 1e3 for name, t in live.items()
        },
        "slider moved": {name: moved(name)[0] for name in live},
        "checked": "each move of each panel draws a PNG",
        "timings": {"live move": {n: t.as_json() for n, t in live.items()}},
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
