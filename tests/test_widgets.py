import inspect
import io

import ipywidgets
import numpy as np
import pytest
from PIL import Image

from gradbook import views, widgets
from gradbook.article import ITERATIONS, POINT, START, TWEAK

SCRUBBER_LIMIT = (
    500 * 1024
)  # embedded bytes per scrubber in the HTML book (base64)


def test_figure_png_is_a_small_palette_png():
    png = widgets.figure_png(views.random_search_view(iterations=10))
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.mode) == ("PNG", "P")


@pytest.mark.parametrize(
    ("build", "view"),
    [
        (widgets.random_search_panel, views.random_search_view),
        (widgets.neuron_panel, views.neuron_view),
        (widgets.neuron_graph_panel, views.neuron_graph_view),
        (widgets.training_panel, views.training_view),
    ],
)
def test_each_panel_starts_at_its_views_defaults(build, view):
    grid, _ = build().children
    parameters = inspect.signature(view).parameters.values()
    starts = [p.default for p in parameters if p.default is not None]
    assert [c.value for c in grid.children] == starts


def test_the_panels_start_at_the_articles_numbers():
    search, _ = widgets.random_search_panel().children
    assert [c.value for c in search.children] == [
        TWEAK,
        ITERATIONS,
        *START,
        1,
    ]
    neuron, _ = widgets.neuron_panel().children
    assert [c.value for c in neuron.children] == [*POINT, "x"]


def test_live_panel_redraws_when_a_control_moves():
    calls = []

    def update(tweak, seed):
        calls.append((tweak, seed))
        return views.random_search_view(tweak=tweak, iterations=20, seed=seed)

    controls = {
        "tweak": ipywidgets.FloatSlider(value=0.01),
        "seed": ipywidgets.IntSlider(value=1),
    }
    panel = widgets.live_panel(update, controls)
    image = panel.children[1]
    first = image.value
    controls["seed"].value = 2
    assert calls == [(0.01, 1), (0.01, 2)]
    assert image.value != first


@pytest.mark.parametrize(
    ("build", "names"),
    [
        (
            widgets.random_search_panel,
            ["tweak", "iterations", "start x", "start y", "seed"],
        ),
        (widgets.neuron_panel, ["a", "b", "c", "x", "y", "d/d"]),
        (widgets.neuron_graph_panel, ["a", "b", "c", "x", "y"]),
        (widgets.training_panel, ["learning rate", "hidden units", "seed"]),
    ],
)
def test_each_chapter_panel_has_its_controls_and_reacts(build, names):
    panel = build()
    grid, image = panel.children
    assert [c.description for c in grid.children] == names
    before = image.value
    grid.children[-1].value = (
        grid.children[-1].options[0]
        if names[-1] == "d/d"
        else grid.children[-1].max
    )
    assert image.value != before


def test_scrubber_links_a_slider_to_a_stack_of_frames(monkeypatch):
    links = []
    real_jslink = ipywidgets.jslink

    def spy(*pair):
        links.append(real_jslink(*pair))
        return links[-1]

    monkeypatch.setattr(ipywidgets, "jslink", spy)
    box = widgets.scrubber(
        lambda k: views.random_search_view(iterations=k),
        [0, 5, 10],
        "k",
        start=1,
    )
    slider, stack = box.children
    assert isinstance(stack, ipywidgets.Stack) and len(stack.children) == 3
    assert (
        slider.options == ("0", "5", "10")
        and slider.index == stack.selected_index == 1
    )
    # linked in the browser, so the slider works in the HTML book without a
    # kernel
    assert [(link.source, link.target) for link in links] == [
        ((slider, "index"), (stack, "selected_index"))
    ]


@pytest.mark.parametrize(
    "build",
    [
        widgets.random_search_scrubber,
        widgets.neuron_scrubber,
        widgets.neuron_graph_scrubber,
        widgets.training_scrubber,
    ],
)
def test_chapter_scrubbers_stay_small(build):
    _, stack = build().children
    assert 15 <= len(stack.children) <= 30
    embedded = (
        sum(len(image.value) for image in stack.children) * 4 / 3
    )  # base64 in the page
    assert embedded < SCRUBBER_LIMIT
    frames = {image.value for image in stack.children}
    assert len(frames) == len(stack.children)  # every frame differs


def test_neuron_scrubber_starts_at_the_articles_point():
    slider, _ = widgets.neuron_scrubber().children
    assert slider.value == f"{POINT[3]:g}" == "-1"
    assert np.isclose(float(slider.options[0]), -4.0) and np.isclose(
        float(slider.options[-1]), 4.0
    )
