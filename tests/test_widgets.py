"""gradbook.widgets: every explorable as a live panel and as a scrubber."""

import io
from html.parser import HTMLParser

import ipywidgets
import numpy as np
import pytest
from PIL import Image

from gradbook import explorables, plots, widgets

REGISTRY = explorables.registry()
NAMES = sorted(REGISTRY)
# A scrubber's HTML in the book (frames in base64): a chapter page's own
# transfer must stay under 1.5 MB, its static figures included.
SCRUBBER_LIMIT = 750_000


@pytest.fixture(scope="module", params=NAMES)
def scrubber(request):
    return request.param, widgets.scrubber(request.param)


@pytest.fixture(scope="module", params=NAMES)
def panel(request):
    return request.param, widgets.panel(request.param)


class _Parts(HTMLParser):
    """Every input, img and figcaption of an HTML form, with attributes."""

    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def of(self, tag):
        return [attrs for name, attrs in self.tags if name == tag]


def test_a_panel_has_a_control_per_control_of_its_explorable(panel):
    name, shown = panel
    grid, _ = shown.children
    controls = REGISTRY[name].controls
    assert [w.description for w in grid.children] == [
        c.label for c in controls
    ]
    for widget, control in zip(grid.children, controls, strict=True):
        assert widget.value == control.default
        # the slider writes each value as the figure's title does
        labels = [label for label, _ in widget._options_full]
        if not control.choices:
            assert labels == [control.text(v) for v in control.values]


def test_a_panel_draws_again_when_a_control_moves(panel):
    _, shown = panel
    grid, image = shown.children
    before = image.value
    control = grid.children[-1]
    start = control.value
    options = [value for _, value in control._options_full]
    control.value = options[-1] if start != options[-1] else options[0]
    assert image.value != before
    assert image.layout.opacity == "1"  # never left pale
    title = shown.live.title.get_text()
    control.value = start
    assert shown.live.title.get_text() != title
    assert shown.live.title.get_text() == _title(shown)


def _title(shown):
    live = shown.explorable.figure()
    live.update(shown.explorable.data())
    return live.title.get_text()


def test_a_panel_stored_unrun_shows_a_still_figure_and_a_line(panel):
    name, shown = panel
    bundle = shown._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    # a notebook opened as stored shows these, never "VBox(children=..."
    assert bundle["text/plain"] == widgets.RUN_ME
    parts = _Parts(bundle["text/html"])
    (image,) = parts.of("img")
    explorable = REGISTRY[name]
    assert image["alt"] == explorable.alt_text(explorable.data())
    assert image["src"].startswith("data:image/png;base64,")
    assert widgets.RUN_ME in bundle["text/html"]


def _html_form(box):
    bundle = box._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    parts = _Parts(bundle["text/html"])
    return parts.of("input"), parts.of("img")


def test_a_scrubber_is_a_named_range_over_frames_with_alt_texts(scrubber):
    name, box = scrubber
    explorable = REGISTRY[name]
    moved = explorable.control(explorable.scrubber.control)
    values = explorable.scrubber.values
    start = values.index(explorable.start)
    (slider,) = _html_form(box)[0]
    images = _html_form(box)[1]
    assert slider["type"] == "range" and "disabled" in slider
    assert (slider["min"], slider["max"], slider["value"]) == (
        "0",
        str(len(values) - 1),
        str(start),
    )
    # a name and the value the label shows, for a screen reader
    assert slider["aria-label"] == moved.label
    assert slider["aria-valuetext"] == moved.text(explorable.start)
    assert [image["data-label"] for image in images] == [
        moved.text(v) for v in values
    ]
    assert [image["alt"] for image in images] == [
        explorable.alt_text(data) for data in explorable.frames()
    ]
    # one frame shows, also where a sanitiser drops `hidden` (a notebook)
    shown = [k for k, image in enumerate(images) if "hidden" not in image]
    assert shown == [start]
    styled = [image.get("style") for image in images]
    assert styled.count(None) == 1 and styled[start] is None
    assert set(styled) - {None} == {"display: none"}


def test_a_scrubber_frame_says_the_value_its_slider_shows(scrubber):
    name, box = scrubber
    explorable = REGISTRY[name]
    slider, _ = box.children
    moved = explorable.control(explorable.scrubber.control)
    for label, data in zip(slider.options, explorable.frames(), strict=True):
        live = explorable.figure()
        live.update(data)
        settings = live.title.get_text().split("\n")[0]
        assert f"{moved.label} = {label}" in settings.split(", ")


def test_a_scrubber_links_its_slider_to_a_stack_of_frames(monkeypatch):
    links = []
    real_jslink = ipywidgets.jslink

    def spy(*pair):
        links.append(real_jslink(*pair))
        return links[-1]

    monkeypatch.setattr(ipywidgets, "jslink", spy)
    box = widgets.scrubber("neuron")
    slider, stack = box.children
    assert isinstance(stack, ipywidgets.Stack) and len(stack.children) == 17
    assert slider.value == "-1" and slider.index == stack.selected_index
    # linked in the browser, so the slider moves the frames in JupyterLab
    # with no round trip to the kernel
    assert [(link.source, link.target) for link in links] == [
        ((slider, "index"), (stack, "selected_index"))
    ]


def test_frames_share_one_canvas_at_twice_the_shown_size():
    # x = -4 and x = 4 put the sigmoid on different branches: graphs of
    # different widths, drawn on one canvas so that nothing below moves
    box = widgets.scrubber("neuron_graph")
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
    ("name", "frames", "start"),
    [
        # the end of the search and of the training: the result
        ("random_search", 11, "100"),
        ("training", 11, "200"),
        # the article's point
        ("neuron", 17, "-1"),
        ("neuron_graph", 17, "-1"),
    ],
)
def test_the_chapters_scrubbers_start_where_the_text_says(name, frames, start):
    box = widgets.scrubber(name)
    slider, stack = box.children
    assert slider.value == start and len(stack.children) == frames
    assert len(box._repr_mimebundle_()["text/html"]) < SCRUBBER_LIMIT
    pictures = {image.value for image in stack.children}
    assert len(pictures) == frames  # every frame differs


def test_frames_are_small_palette_pngs_and_a_panel_is_full_colour():
    box = widgets.scrubber("neuron")
    frame = Image.open(io.BytesIO(box.children[1].children[0].value))
    assert (frame.format, frame.mode) == ("PNG", "P")
    shown = widgets.panel("neuron")
    picture = Image.open(io.BytesIO(shown.image.value))
    assert (picture.format, picture.mode) == ("PNG", "RGB")
    width, height = shown.live.figure.get_size_inches() * widgets.PANEL_DPI
    assert picture.size == (int(width), int(height))
    assert np.asarray(picture).std() > 0
