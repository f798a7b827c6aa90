"""Every explorable (from the registry), and each one's own behaviour."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import gradbook
from gradbook import explorables
from gradbook.article import GRADIENT, ITERATIONS, POINT, START, TWEAK
from gradbook.circuits import NEURON_INPUTS, neuron
from gradbook.explorables import training as training_module
from gradbook.explorables.base import (
    Control,
    Data,
    Explorable,
    LiveFigure,
    Scrubber,
)

REGISTRY = explorables.registry()
NAMES = sorted(REGISTRY)


def test_the_registry_finds_every_module():
    folder = Path(explorables.__file__).parent
    modules = {p.stem for p in folder.glob("*.py")} - {"__init__", "base"}
    assert set(REGISTRY) == modules
    assert explorables.get("neuron") is REGISTRY["neuron"]
    assert explorables.get(REGISTRY["neuron"]) is REGISTRY["neuron"]
    with pytest.raises(ValueError, match="no explorable is called 'nope'"):
        explorables.get("nope")


@pytest.mark.parametrize("name", NAMES)
def test_the_data_says_which_settings_it_is_for(name):
    explorable = REGISTRY[name]
    data = explorable.data()
    for control in explorable.controls:
        assert getattr(data, control.name) == control.default


def _title(explorable, **changes):
    live = explorable.figure()
    live.update(explorable.data(**changes))
    return live.title.get_text()


@pytest.mark.parametrize("name", NAMES)
def test_the_title_shows_each_value_as_its_control_shows_it(name):
    """A figure agrees with its controls: for each control, at its ends and
    at its default, the title's first line says ``label = value`` written
    as the slider writes it (``label value`` for a choice)."""
    explorable = REGISTRY[name]
    for control in explorable.controls:
        values = {control.values[0], control.default, control.values[-1]}
        for value in values:
            first = _title(explorable, **{control.name: value}).split("\n")[0]
            shown = control.text(value)
            said = (
                f"{control.label} {shown}"
                if control.choices
                else f"{control.label} = {shown}"
            )
            assert said in first.split(", "), (first, said)


@pytest.mark.parametrize("name", NAMES)
def test_a_scrubber_frame_is_the_live_panels_picture(name):
    """Both are drawn by the explorable's one figure: at the scrubber's
    start the panel's first picture and the frame are the same pixels."""
    from gradbook import widgets

    explorable = REGISTRY[name]
    panel = widgets.panel(explorable)
    frames = widgets._frames(
        explorable, explorable.frames(), dpi=widgets.PANEL_DPI
    )
    start = explorable.scrubber.values.index(explorable.start)
    drawn = np.asarray(_decode(panel.image.value))
    assert np.array_equal(drawn, np.asarray(frames[start]))


def _decode(png):
    import io

    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("RGB")


@pytest.mark.parametrize("name", NAMES)
def test_the_scrubbers_values_are_its_controls(name):
    explorable = REGISTRY[name]
    moved = explorable.control(explorable.scrubber.control)
    assert set(explorable.scrubber.values) <= set(moved.values)
    assert explorable.start in explorable.scrubber.values
    frames = explorable.frames()
    assert [getattr(d, moved.name) for d in frames] == list(
        explorable.scrubber.values
    )


@pytest.mark.parametrize("name", NAMES)
def test_a_kept_picture_equals_the_same_figure_drawn_whole(name):
    """Drawing only the moving artists over the kept still parts gives the
    pixels that drawing the whole figure gives."""
    explorable = REGISTRY[name]
    live = explorable.figure()
    moved = explorable.scrubber.control
    for value in explorable.scrubber.values[-3:]:
        live.update(explorable.data(**{moved: value}))
        kept = live.picture(72)
    live.redraw = True  # drawn whole, laid out as the kept picture was
    whole = live.picture(72)
    assert np.array_equal(np.asarray(kept), np.asarray(whole))


# Each explorable's own behaviour.


def test_the_explorables_start_at_the_articles_numbers():
    defaults = {
        name: {c.name: c.default for c in e.controls}
        for name, e in REGISTRY.items()
    }
    point = dict(zip(NEURON_INPUTS, POINT, strict=True))
    assert defaults["random_search"] == {
        "tweak": TWEAK,
        "iterations": ITERATIONS,
        "x0": START[0],
        "y0": START[1],
        "seed": 1,
    }
    assert defaults["neuron"] == {**point, "wrt": "x"}
    assert defaults["neuron_graph"] == point


def test_the_search_is_the_articles_and_its_title_says_so():
    data = REGISTRY["random_search"].data()
    # seed 1 of the article's experiment (tests/test_search.py)
    assert f"{data.start:.3f} {data.best:.3f}" == "-6.000 -5.165"
    assert _title(REGISTRY["random_search"]) == (
        "tweak = 0.01, iterations = 100, start x = -2, start y = 3, "
        "seed = 1\noutput -6.000 → -5.165"
    )


def test_the_neuron_draws_the_article_partials():
    explorable = REGISTRY["neuron"]
    live = explorable.figure()
    live.update(explorable.data())
    _, bars = live.axes
    assert [bar.get_height() for bar in bars.patches] == list(GRADIENT)
    labels = [t.get_text() for t in bars.texts]
    assert labels == [f"{g:.4f}" for g in GRADIENT]
    left, _ = live.axes
    legend = [t.get_text() for t in left.get_legend().get_texts()]
    assert legend == ["neuron output", "tangent, slope 0.1050"]


def test_the_neuron_follows_the_argument_it_is_given():
    data = REGISTRY["neuron"].data(wrt="b", b=4.0)
    assert data.along == 4.0 and data.slope == data.partials[1]
    assert data.xs[0] == -6.0 and data.xs[-1] == 6.0
    wide = REGISTRY["neuron"].data(x=5.0)
    assert wide.xs[-1] == 6.0  # -6 to 6 holds every value of the slider


def test_the_graph_keeps_its_figure_while_its_shape_holds():
    explorable = REGISTRY["neuron_graph"]
    live = explorable.figure()
    live.update(explorable.data())
    first = live.figure
    live.redraw = False
    # the first move finds which numbers move; the still parts are redrawn
    live.update(explorable.data(x=-0.5))
    assert live.redraw is True
    live.redraw = False
    live.update(explorable.data(x=-0.4))
    assert live.redraw is False and live.figure is first
    value = neuron([1.0, 2.0, -3.0, -0.4, 3.0])
    assert f"output {value:.4f}" in live.title.get_text()
    # z = -5 + 6 - 3 < 0: sigmoid takes its other branch, a new graph
    live.update(explorable.data(x=-5.0))
    assert live.redraw is True and live.figure is not first


def _kept_and_whole(live):
    kept = np.asarray(live.picture(72))
    live.redraw = True
    return kept, np.asarray(live.picture(72))


def test_the_graph_shows_a_shape_drawn_before_without_drawing_it_again():
    """Back on a branch of the sigmoid it has drawn, the graph shows that
    figure again, its still parts kept: the picture is the one drawing the
    whole figure gives."""
    explorable = REGISTRY["neuron_graph"]
    live = explorable.figure()
    # each shape drawn, and its numbers moved once
    for x in (-1.0, -0.9, -5.0, -4.9):
        live.update(explorable.data(x=x))
        live.picture(72)
    figures = {}
    for x in (-0.8, -4.8, -0.7, -4.7):
        live.update(explorable.data(x=x))
        assert live.redraw is False
        figures.setdefault(x > -3, live.figure)
        assert live.figure is figures[x > -3]
        kept, whole = _kept_and_whole(live)
        assert np.array_equal(kept, whole)
    assert figures[True] is not figures[False]
    # a still number changed and not drawn yet when the shape changes:
    # that figure is drawn whole when it is shown again
    live.update(explorable.data(x=-0.6, a=1.1))
    assert live.redraw is True
    live.update(explorable.data(x=-4.6, a=1.1))
    live.picture(72)
    live.update(explorable.data(x=-0.6, a=1.1))
    assert live.redraw is True
    kept, whole = _kept_and_whole(live)
    assert np.array_equal(kept, whole)


def test_the_search_axes_keep_still_as_the_seed_moves():
    explorable = REGISTRY["random_search"]
    live = explorable.figure()
    live.update(explorable.data())
    moved = []
    for seed in range(2, 21):
        live.redraw = False
        live.update(explorable.data(seed=seed))
        moved.append(live.redraw)
    assert moved.count(True) <= 1
    left, _ = live.axes
    low, high = left.get_ylim()
    assert low < -6.0 < -5.4 < high  # every seed's outputs fit
    live.redraw = False
    live.update(explorable.data(iterations=1000))
    assert live.redraw is True  # more iterations: the axes grow


def test_a_run_not_trained_yet_is_shown_after_40_steps_first():
    explorable = REGISTRY["training"]
    training_module._RUNS.clear()
    results = list(explorable.results(seed=7))
    assert [r.steps for r in results] == [training_module.PREVIEW, 200]
    # the first 40 steps of the run, exactly
    again = explorable.data(seed=7, steps=training_module.PREVIEW)
    assert again.losses == results[0].losses
    # kept: the steps slider and a second visit train nothing
    assert [r.steps for r in explorable.results(seed=7, steps=100)] == [100]
    assert len(results[-1].losses) == 201
    assert results[-1].loss == results[-1].losses[-1]


def test_the_training_title_and_alt_text_say_what_is_drawn():
    explorable = REGISTRY["training"]
    data = explorable.data(steps=0)
    x, labels = training_module.spirals()
    predicted = training_module.nn.predict(data.params, x)
    assert data.accuracy == np.mean(predicted == labels)
    assert _title(explorable, steps=0).endswith(
        f"loss {data.loss:.3f}, accuracy {data.accuracy:.0%}"
    )
    alt = explorable.alt_text(data)
    assert alt.startswith("The network after 0 gradient steps.")
    assert f"puts {data.accuracy:.0%} of the points" in alt


def test_the_alt_texts_say_what_the_frames_show():
    search = REGISTRY["random_search"]
    assert "after 0 iterations: the best output is -6.000" in (
        search.alt_text(search.data(iterations=0))
    )
    assert "at x = -1, slope 0.1050" in REGISTRY["neuron"].alt_text(
        REGISTRY["neuron"].data()
    )
    graph = REGISTRY["neuron_graph"]
    assert "The output is 0.8808." in graph.alt_text(graph.data())


def test_spirals_are_made_once_and_read_only():
    x, labels = training_module.spirals()
    assert training_module.spirals()[0] is x
    assert x.shape == (180, 2) and sorted(set(labels.tolist())) == [0, 1, 2]
    with pytest.raises(ValueError, match="read-only"):
        x[0, 0] = 1.0


# Controls, scrubbers and explorables as data.


def test_a_log_control_takes_1_2_5_steps_and_shows_them_as_written():
    control = Control("rate", "rate", 2.0, 0.01, 10.0, log=True)
    assert control.values == (
        *(0.01, 0.02, 0.05, 0.1, 0.2, 0.5),
        *(1.0, 2.0, 5.0, 10.0),
    )
    assert [control.text(v) for v in control.values[:3]] == [
        "0.01",
        "0.02",
        "0.05",
    ]
    assert control.text(2.0) == "2"  # never 1.99526


def test_a_linear_control_gives_round_numbers():
    control = Control("x", "x", -1.0, -5.0, 5.0, 0.1)
    assert len(control.values) == 101
    assert control.values[37] == -1.3 and control.text(-1.3) == "-1.3"
    whole = Control("n", "n", 100, 0, 1000, 10)
    assert whole.values[:3] == (0, 10, 20) and type(whole.values[1]) is int


def test_the_title_writes_each_control_as_it_shows():
    controls = [
        Control("x", "x", -1.0, -5.0, 5.0, 0.1),
        Control("wrt", "along", "x", choices=("x", "y")),
    ]
    live = LiveFigure(1.0, 1.0)
    live.show_title(controls, Data(x=-0.5, wrt="y", n=3), "{n} left")
    assert live.title.get_text() == "x = -0.5, along y\n3 left"


BAD_CONTROLS = [
    (dict(default=7), ValueError, "default"),
    (dict(low=2.0), ValueError, "high must be above low"),
    (dict(step=0.0), ValueError, "step"),
    (dict(low=0.0, log=True), ValueError, "low"),
    (dict(label=None), TypeError, "label"),
    (dict(high="1"), TypeError, "high"),
]


@pytest.mark.parametrize(("change", "error", "word"), BAD_CONTROLS)
def test_a_control_refuses_what_it_cannot_give(change, error, word):
    arguments = dict(name="x", label="x", default=1.0, low=0.5, high=1.5)
    arguments["step"] = 0.5
    with pytest.raises(error, match=word):
        Control(**(arguments | change))


def _explorable(**change):
    def compute(x):
        return x

    arguments = dict(
        name="toy",
        compute=compute,
        figure=LiveFigure,
        controls=(Control("x", "x", 1, 0, 4),),
        scrubber=Scrubber("x", (0, 2, 4)),
        alt="{x}",
    )
    return Explorable(**(arguments | change))


@pytest.mark.parametrize(
    ("change", "error", "word"),
    [
        (dict(compute=5), TypeError, "compute"),
        (dict(compute=lambda y: y), ValueError, "compute must take"),
        (dict(scrubber=Scrubber("x", (0, 9))), ValueError, "scrubber"),
        (dict(scrubber=Scrubber("z", (0,))), ValueError, "no control"),
    ],
)
def test_an_explorable_refuses_parts_that_do_not_fit(change, error, word):
    with pytest.raises(error, match=word):
        _explorable(**change)


def test_an_explorable_takes_only_its_controls_values():
    toy = _explorable()
    assert toy.data(x=3) == 3 and toy.data() == 1
    with pytest.raises(ValueError, match="not one of the values"):
        toy.data(x=2.5)
    with pytest.raises(ValueError, match="no control is called 'y'"):
        toy.data(y=1)


@pytest.mark.parametrize(
    ("name", "arguments", "error", "word"),
    [
        ("random_search", (0.0, 10, -2.0, 3.0, 1), ValueError, "tweak"),
        ("random_search", (0.01, 10, None, 3.0, 1), TypeError, "None"),
        ("random_search", (0.01, 10, -2.0, 3.0, True), TypeError, "bool"),
        ("neuron", (1, 2, -3, "1", 3, "x"), TypeError, "str"),
        ("neuron", (1, 2, -3, -1, 3, "z"), ValueError, "wrt"),
        ("neuron_graph", (True, 2, -3, -1, 3), TypeError, "bool"),
        ("training", (0.0, 16, 0, 200), ValueError, "learning_rate"),
        ("training", (2.0, "4", 0, 200), TypeError, "str"),
        ("training", (2.0, 16, 0, 30), ValueError, "multiple of 20"),
    ],
)
def test_compute_checks_its_arguments(name, arguments, error, word):
    with pytest.raises(error) as caught:
        result = REGISTRY[name].compute(*arguments)
        if inspect.isgenerator(result):
            next(result)
    message = str(caught.value)
    assert message.startswith(f"{name}.compute:"), message
    assert re.search(re.escape(word), message), message


# Run in a fresh interpreter: every function that computes or draws is
# replaced by one that fails, then the modules are imported.
IMPORT_ONLY = """
import sys

import matplotlib.figure

from gradbook import data, dual, nn, search


def refuse(*args, **kwargs):
    raise AssertionError("computed at import time")


matplotlib.figure.Figure.__init__ = refuse
for module, name in [
    (search, "random_search"),
    (dual, "gradient"),
    (nn, "init_mlp"),
    (nn, "train"),
    (data, "spirals"),
]:
    setattr(module, name, refuse)
from gradbook import explorables

explorables.registry()
print("ipywidgets" in sys.modules)
import gradbook.widgets

print("ipywidgets" in sys.modules)
"""


def test_importing_explorables_and_widgets_computes_nothing():
    src = Path(gradbook.__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_ONLY],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(src), "MPLBACKEND": "Agg"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    # explorables work without ipywidgets; widgets is where it comes in
    assert done.stdout.split() == ["False", "True"]
