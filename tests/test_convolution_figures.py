"""Chapter 7's figures: the edge-kernel explorable (``explorables.
convolution``) and ``plots.image_grid``.  Every explorable's common
behaviour is tested in test_explorables.py."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from gradbook import data as data_module
from gradbook import plots, widgets
from gradbook.explorables import convolution


@pytest.mark.parametrize(
    ("angle", "kernel"),
    [
        (0, [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]]),  # brighter to the right
        (90, [[1, 1, 1], [0, 0, 0], [-1, -1, -1]]),  # brighter upwards
        (180, [[1, 0, -1], [1, 0, -1], [1, 0, -1]]),
        (270, [[-1, -1, -1], [0, 0, 0], [1, 1, 1]]),
    ],
)
def test_the_edge_kernel_weighs_each_pixel_by_its_place_along_the_angle(
    angle, kernel
):
    got = convolution.edge_kernel(angle)
    assert np.array_equal(got, kernel)
    assert not np.signbit(got[got == 0]).any()  # 0, never -0.0, is drawn


def test_the_kernel_at_45_degrees_is_the_sum_of_the_two_axes():
    diagonal = (convolution.edge_kernel(0) + convolution.edge_kernel(90)) / 2
    assert np.allclose(convolution.edge_kernel(45), diagonal * 2**0.5)


def test_compute_is_the_padded_convolution_of_the_chosen_digit():
    data = convolution.compute(angle=0, digit=3)
    image = data.image
    padded = np.pad(image, 1)
    by_loop = np.array(
        [
            [
                (padded[i : i + 3, j : j + 3] * data.kernel).sum()
                for j in range(8)
            ]
            for i in range(8)
        ]
    )
    assert np.allclose(data.feature_map, by_loop, rtol=0, atol=1e-12)
    assert data.feature_map.shape == (8, 8)
    row, column = data.row - 1, data.column - 1  # counted from 1
    assert data.peak == data.feature_map.max() == data.feature_map[row, column]
    split = data_module.digits(test_fraction=0.25, seed=0)
    first_three = split.x_test[np.flatnonzero(split.y_test == 3)[0]]
    assert np.array_equal(image, first_three.reshape(8, 8))


def test_no_response_leaves_the_colour_scale():
    # with pixels from 0 to 1, a response is at most the sum of the
    # positive weights, which is at most LIMIT for every angle
    for angle in convolution.CONTROLS[0].values:
        kernel = convolution.edge_kernel(angle)
        assert kernel.clip(min=0).sum() <= convolution.LIMIT + 1e-12
        assert (-kernel).clip(min=0).sum() <= convolution.LIMIT + 1e-12


def test_the_scrubber_keeps_the_grey_digit_grey():
    # the frames are palette PNGs; in 32 colours by median cut, pixels of
    # the grey digit (the left third) came out brown and blue
    box = widgets.scrubber("convolution")
    for image in box.children[1].children:
        frame = Image.open(io.BytesIO(image.value)).convert("RGB")
        pixels = np.asarray(frame).astype(int)
        digit = pixels[:, : pixels.shape[1] // 3]
        assert (digit.max(axis=2) - digit.min(axis=2)).max() <= 8


@pytest.mark.parametrize(
    ("values", "error", "message"),
    [
        ({"angle": "x", "digit": 3}, TypeError, "angle"),
        ({"angle": 0, "digit": 10}, ValueError, "digit must be 0 to 9"),
        ({"angle": 0, "digit": -1}, ValueError, "digit"),
        ({"angle": 0, "digit": 2.5}, TypeError, "digit"),
    ],
)
def test_compute_rejects_bad_values(values, error, message):
    with pytest.raises(error, match=f"convolution.compute.*{message}"):
        convolution.compute(**values)


def test_image_grid_draws_one_panel_per_image_with_one_scale():
    images = np.arange(18.0).reshape(2, 3, 3) - 9
    fig = plots.image_grid(images, ["a", "b"], columns=3, signed=True)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(fig.axes) == 3 and len(shown) == 2
    assert [ax.get_title() for ax in shown] == ["a", "b"]
    for ax in shown:
        assert ax.images[0].get_clim() == (-9.0, 9.0)  # symmetric around 0
    plain = plots.image_grid(np.abs(images))
    assert plain.axes[0].images[0].get_clim() == (0.0, 9.0)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: plots.image_grid(np.zeros((3, 3))), ValueError, "images"),
        (lambda: plots.image_grid(np.zeros((0, 3, 3))), ValueError, "images"),
        (lambda: plots.image_grid("abc"), TypeError, "images"),
        (
            lambda: plots.image_grid(np.zeros((2, 3, 3)), ["a"]),
            ValueError,
            "1 captions for 2 images",
        ),
        (lambda: plots.image_grid(np.zeros((1, 3, 3)), [5]), TypeError, ""),
        (
            lambda: plots.image_grid(np.zeros((1, 3, 3)), columns=0),
            ValueError,
            "columns",
        ),
    ],
)
def test_image_grid_rejects_bad_arguments(call, error, message):
    with pytest.raises(error, match=f"image_grid.*{message}"):
        call()
