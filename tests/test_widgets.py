import inspect
import io
from html.parser import HTMLParser

import ipywidgets
import numpy as np
import pytest
from PIL import Image

from gradbook import plots, views, widgets
from gradbook.article import ITERATIONS, POINT, START, TWEAK

# A scrubber's HTML in the book (frames in base64): a chapter page's own
# transfer must stay under 1.5 MB, its static figures included.
SCRUBBER_LIMIT = 750_000


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
    live = views.random_search_live()
    search = live.update

    def update(tweak, seed):
        calls.append((tweak, seed))
        return search(tweak, 20, -2.0, 3.0, seed)

    live.update = update
    controls = {
        "tweak": ipywidgets.FloatSlider(value=0.01),
        "seed": ipywidgets.IntSlider(value=1),
    }
    panel = widgets.live_panel(live, controls)
    image = panel.children[1]
    first = image.value
    controls["seed"].value = 2
    assert calls == [(0.01, 1), (0.01, 2)]
    assert image.value != first


def _pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


@pytest.mark.parametrize(
    ("live", "view", "values"),
    [
        (
            views.random_search_live,
            views.random_search_view,
            {"tweak": 0.01, "iterations": 100, "x0": -2.0, "y0": 3.0},
        ),
        (views.training_live, views.training_view, {}),
    ],
)
def test_a_live_frame_is_a_full_colour_png_at_72_dpi(live, view, values):
    live = live()
    parameters = inspect.signature(view).parameters
    start = {n: p.default for n, p in parameters.items()} | values
    frames = widgets._LiveImage(72)
    png = frames.png(live.figure, live.update(**start))
    image = Image.open(io.BytesIO(png))
    width, height = live.figure.get_size_inches() * 72
    assert (image.format, image.mode) == ("PNG", "RGB")
    assert image.size == (int(width), int(height))


@pytest.mark.parametrize(
    ("live", "point"),
    [
        (views.neuron_live, (1.0, 2.0, -3.0, -1.0, 3.0, "x")),
        (views.neuron_graph_live, (1.0, 2.0, -3.0, -1.0, 3.0)),
    ],
)
def test_a_kept_frame_equals_the_same_figure_drawn_whole(live, point):
    """Drawing only the moving artists over the kept still parts gives the
    pixels that drawing the whole figure gives."""
    live = live()
    frames = widgets._LiveImage(72)
    frames.png(live.figure, live.update(*point))
    for x in (-0.9, -0.8):  # the graph finds its moving numbers at -0.9
        moved = live.update(*point[:3], x, *point[4:])
        kept = frames.png(live.figure, moved)
    assert moved is False  # the axes keep still for a small move
    # drawn whole, laid out as the kept picture was (no new layout)
    live.figure.set_layout_engine("none")
    whole = widgets._LiveImage(72).png(live.figure, True)
    assert np.array_equal(_pixels(kept), _pixels(whole))


def test_the_search_axes_keep_still_as_the_seed_moves():
    live = views.random_search_live()
    assert live.update(0.01, 100, -2.0, 3.0, 1) is True  # the first draw
    moved = [live.update(0.01, 100, -2.0, 3.0, seed) for seed in range(2, 21)]
    assert moved.count(True) <= 1
    left, _ = live.figure.axes
    low, high = left.get_ylim()
    assert low < -6.0 < -5.4 < high  # every seed's outputs fit
    assert live.update(0.01, 1000, -2.0, 3.0, 1) is True  # more iterations


def test_the_graph_keeps_its_figure_while_its_shape_holds():
    live = views.neuron_graph_live()
    live.update(1.0, 2.0, -3.0, -1.0, 3.0)
    first = live.figure
    # the first move finds which numbers move; the still parts are redrawn
    assert live.update(1.0, 2.0, -3.0, -0.5, 3.0) is True
    assert live.update(1.0, 2.0, -3.0, -0.4, 3.0) is False
    assert live.figure is first
    title = first.axes[0].get_title()
    assert title.startswith(f"output {views.neuron([1, 2, -3, -0.4, 3]):.4f}")
    # z = -5 + 6 - 3 < 0: sigmoid takes its other branch, a new graph
    assert live.update(1.0, 2.0, -3.0, -5.0, 3.0) is True
    assert live.figure is not first


def test_steady_limits_keep_still_until_the_data_leave_them():
    limits = plots.steady_limits(None, 0.0, 1.0)
    assert limits == (-0.3, 1.3)
    assert plots.steady_limits(limits, 0.1, 1.2) is limits
    assert plots.steady_limits(limits, 0.0, 1.4) == pytest.approx(
        (-0.42, 1.82)
    )
    assert plots.steady_limits(limits, 0.5, 0.6) != limits  # too small now


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


def _small_scrubber(**options):
    return widgets.scrubber(
        lambda k: views.random_search_view(iterations=k),
        [0, 5, 10],
        "k",
        lambda k: f"the search after {k} steps",
        **options,
    )


def test_scrubber_links_a_slider_to_a_stack_of_frames(monkeypatch):
    links = []
    real_jslink = ipywidgets.jslink

    def spy(*pair):
        links.append(real_jslink(*pair))
        return links[-1]

    monkeypatch.setattr(ipywidgets, "jslink", spy)
    box = _small_scrubber(start=1)
    slider, stack = box.children
    assert isinstance(stack, ipywidgets.Stack) and len(stack.children) == 3
    assert (
        slider.options == ("0", "5", "10")
        and slider.index == stack.selected_index == 1
    )
    # linked in the browser, so the slider moves the frames in JupyterLab
    # with no round trip to the kernel
    assert [(link.source, link.target) for link in links] == [
        ((slider, "index"), (stack, "selected_index"))
    ]


def _html_form(scrubber):
    """The scrubber's text/html form, parsed: the input and every img."""
    bundle = scrubber._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle

    class Parts(HTMLParser):
        def __init__(self):
            super().__init__()
            self.inputs, self.images = [], []

        def handle_starttag(self, tag, attrs):
            if tag == "input":
                self.inputs.append(dict(attrs))
            if tag == "img":
                self.images.append(dict(attrs))

    parts = Parts()
    parts.feed(bundle["text/html"])
    return parts.inputs, parts.images


def test_scrubber_html_is_a_named_range_over_frames_with_alt_texts():
    inputs, images = _html_form(_small_scrubber(start=1))
    (slider,) = inputs
    assert slider["type"] == "range"
    assert (slider["min"], slider["max"], slider["value"]) == ("0", "2", "1")
    # a name and the value the label shows, for a screen reader
    assert slider["aria-label"] == "k" and slider["aria-valuetext"] == "5"
    assert "disabled" in slider  # until the book's scrubber.js runs
    assert [image["alt"] for image in images] == [
        f"the search after {k} steps" for k in (0, 5, 10)
    ]
    assert [image["data-label"] for image in images] == ["0", "5", "10"]
    # only the start frame is shown
    assert ["hidden" in image for image in images] == [True, False, True]


def test_scrubber_frames_share_one_canvas_at_twice_the_shown_size():
    # x = -4 and x = 4 put the sigmoid on different branches: graphs of
    # different widths, drawn on one canvas so that nothing below moves
    box = widgets.scrubber(
        lambda x: views.neuron_graph_view(x=x),
        [-4.0, 4.0],
        "x",
        lambda x: f"the graph at x = {x:g}",
    )
    _, images = _html_form(box)
    pixels = {
        Image.open(io.BytesIO(frame.value)).size
        for frame in box.children[1].children
    }
    assert len(pixels) == 1
    ((width, height),) = pixels
    assert width == plots.COLUMN_PIXELS
    assert {(image["width"], image["height"]) for image in images} == {
        (str(width // 2), str(height // 2))
    }


@pytest.mark.parametrize(
    ("build", "frames"),
    [
        (widgets.random_search_scrubber, 11),
        (widgets.neuron_scrubber, 17),
        (widgets.neuron_graph_scrubber, 17),
        (widgets.training_scrubber, 11),
    ],
)
def test_chapter_scrubbers_stay_small(build, frames):
    box = build()
    _, stack = box.children
    assert len(stack.children) == frames
    html = box._repr_mimebundle_()["text/html"]
    assert len(html) < SCRUBBER_LIMIT
    pictures = {image.value for image in stack.children}
    assert len(pictures) == frames  # every frame differs
    _, images = _html_form(box)
    alts = [image["alt"] for image in images]
    assert len(set(alts)) == frames  # and says so


@pytest.mark.parametrize(
    ("build", "start"),
    [
        # the end of the search and of the training: the result
        (widgets.random_search_scrubber, "100"),
        (widgets.training_scrubber, "200"),
        # the article's point
        (widgets.neuron_scrubber, "-1"),
        (widgets.neuron_graph_scrubber, "-1"),
    ],
)
def test_chapter_scrubbers_start_where_the_text_says(build, start):
    slider, _ = build().children
    assert slider.value == start


def test_neuron_scrubbers_start_at_the_articles_point():
    slider, _ = widgets.neuron_scrubber().children
    assert slider.value == f"{POINT[3]:g}" == "-1"
    assert np.isclose(float(slider.options[0]), -4.0) and np.isclose(
        float(slider.options[-1]), 4.0
    )


def test_the_training_panel_is_not_left_pale():
    grid, image = widgets.training_panel().children
    first = image.value
    grid.children[2].value = 1  # seed: trains again, dimmed meanwhile
    assert image.value != first
    assert image.layout.opacity == "1"
