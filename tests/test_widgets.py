import io

import ipywidgets
import numpy as np
import pytest
from PIL import Image

from gradbook import nn, widgets
from gradbook.circuits import neuron
from gradbook.dual import gradient
from gradbook.search import random_search

SCRUBBER_LIMIT = 500 * 1024  # embedded bytes per scrubber in the HTML book (base64)


def test_figure_png_is_a_small_palette_png():
    png = widgets.figure_png(widgets.random_search_view(iterations=10))
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.mode) == ("PNG", "P")


def test_random_search_view_draws_the_search_it_names():
    fig = widgets.random_search_view(tweak=0.05, iterations=40, x0=-1.0, y0=2.0, seed=3)
    history = random_search(lambda x, y: x * y, (-1.0, 2.0), 0.05, 40, 3)
    progress = fig.axes[0].get_lines()[0]
    assert progress.get_ydata()[-1] == history.best_output
    assert f"{history.best_output:.3f}" in fig.texts[0].get_text()


def test_neuron_view_shows_the_gradient_and_the_tangent():
    fig = widgets.neuron_view(wrt="b")
    bars = [b.get_height() for b in fig.axes[1].patches]
    assert bars == gradient(neuron, [1.0, 2.0, -3.0, -1.0, 3.0])
    assert "tangent, slope 0.3150" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "output 0.8808" in fig.texts[0].get_text()


def test_neuron_graph_view_lists_the_gradient():
    fig = widgets.neuron_graph_view()
    assert fig.axes[0].get_title() == (
        "output 0.8808; gradient [a, b, c, x, y] = [-0.1050, 0.3150, 0.1050, 0.1050, 0.2100]"
    )


def test_training_view_reports_the_training_it_draws():
    fig = widgets.training_view(learning_rate=1.0, hidden=8, seed=2)
    x, labels = widgets.SPIRALS
    history = nn.train(
        nn.init_mlp([2, 8, 3], rng=2), x, labels, learning_rate=1.0, epochs=widgets.TRAINING_STEPS, rng=2
    )
    score = nn.accuracy(history.params, x, labels)
    assert fig.get_suptitle() == (
        f"learning rate 1, 8 hidden units, seed 2: loss {history.losses[-1]:.3f}, accuracy {score:.0%}"
    )
    np.testing.assert_array_equal(fig.axes[1].get_lines()[0].get_ydata(), history.losses)


def test_live_panel_redraws_when_a_control_moves():
    calls = []

    def update(tweak, seed):
        calls.append((tweak, seed))
        return widgets.random_search_view(tweak=tweak, iterations=20, seed=seed)

    controls = {"tweak": ipywidgets.FloatSlider(value=0.01), "seed": ipywidgets.IntSlider(value=1)}
    panel = widgets.live_panel(update, controls)
    image = panel.children[1]
    first = image.value
    controls["seed"].value = 2
    assert calls == [(0.01, 1), (0.01, 2)]
    assert image.value != first


@pytest.mark.parametrize(
    ("build", "names"),
    [
        (widgets.random_search_panel, ["tweak", "iterations", "start x", "start y", "seed"]),
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
    grid.children[-1].value = grid.children[-1].options[0] if names[-1] == "d/d" else grid.children[-1].max
    assert image.value != before


def test_scrubber_links_a_slider_to_a_stack_of_frames(monkeypatch):
    links = []
    real_jslink = ipywidgets.jslink

    def spy(*pair):
        links.append(real_jslink(*pair))
        return links[-1]

    monkeypatch.setattr(ipywidgets, "jslink", spy)
    box = widgets.scrubber(lambda k: widgets.random_search_view(iterations=k), [0, 5, 10], "k", start=1)
    slider, stack = box.children
    assert isinstance(stack, ipywidgets.Stack) and len(stack.children) == 3
    assert slider.options == ("0", "5", "10") and slider.index == stack.selected_index == 1
    # linked in the browser, so the slider works in the HTML book without a kernel
    assert [(link.source, link.target) for link in links] == [((slider, "index"), (stack, "selected_index"))]


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
    embedded = sum(len(image.value) for image in stack.children) * 4 / 3  # base64 in the page
    assert embedded < SCRUBBER_LIMIT
    frames = {image.value for image in stack.children}
    assert len(frames) == len(stack.children)  # every frame differs


def test_neuron_scrubber_starts_at_the_articles_point():
    slider, _ = widgets.neuron_scrubber().children
    assert slider.value == "-1"
    assert np.isclose(float(slider.options[0]), -4.0) and np.isclose(float(slider.options[-1]), 4.0)
