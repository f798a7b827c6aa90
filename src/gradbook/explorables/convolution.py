"""Chapter 7: one 3x3 kernel slid over a handwritten digit.  The kernel
responds to a change of brightness in one direction (an edge at
``angle``); the feature map shows where, and how strongly."""

import functools

import numpy as np

from gradbook import checks, data
from gradbook.explorables.base import Control, Data, LiveFigure, Scrubber
from gradbook.i18n import tr
from gradbook.nn import conv2d

CONTROLS = (
    Control("angle", tr("edge direction (degrees)"), 0, 0, 345, 15),
    Control("digit", tr("digit"), 3, 0, 9),
)
SCRUBBER = Scrubber("angle", tuple(range(0, 360, 30)), greys=True)
RESULT = tr("strongest response {peak:.2f} at row {row}, column {column}")
ALT = tr(
    "A handwritten {digit} (left), a 3 by 3 kernel that responds to a "
    "change of brightness in the direction {angle:g} degrees (middle), and "
    "the feature map it makes (right): the kernel's weighted sum at every "
    "position of the digit. It is largest, {peak:.2f}, at row {row}, "
    "column {column}."
)
# The feature map's colours go from -LIMIT to LIMIT for every kernel: with
# pixels from 0 to 1, a response is at most the sum of the kernel's
# positive weights, below 3.2 at every angle of the control.
LIMIT = 3.2


@functools.cache
def _digits() -> np.ndarray:
    """One test image of each digit 0-9 (the first in chapter 5's test
    set), as 8x8 arrays."""
    split = data.digits(test_fraction=0.25, seed=0)
    first = [np.flatnonzero(split.y_test == d)[0] for d in range(10)]
    return split.x_test[first].reshape(10, 8, 8)


def edge_kernel(angle: float) -> np.ndarray:
    """A 3x3 kernel that responds to brightness rising in the direction
    ``angle`` (degrees; 0 is to the right, 90 is up): each weight is the
    position of its pixel along that direction."""
    angle = np.deg2rad(checks.real(angle, "edge_kernel", "angle"))
    rows, columns = np.mgrid[-1:2, -1:2]
    kernel = columns * np.cos(angle) - rows * np.sin(angle)
    return np.round(kernel, 12) + 0.0  # exact 0 and 1, never -0.0


def compute(angle: int, digit: int) -> Data:
    """The edge kernel at ``angle`` applied to the test image of
    ``digit``, zero-padded by one pixel (the map is 8x8 too)."""
    who = "convolution.compute"
    angle = checks.real(angle, who, "angle")
    digit = checks.whole(digit, who, "digit")
    if digit > 9:
        raise ValueError(f"{who}: digit must be 0 to 9, got {digit}")
    image, kernel = _digits()[digit], edge_kernel(angle)
    feature_map = conv2d(image[None, None], kernel[None, None], padding=1)
    feature_map = feature_map[0, 0]
    row, column = np.unravel_index(np.argmax(feature_map), (8, 8))
    result = Data(angle=angle, digit=digit, image=image, kernel=kernel)
    result.feature_map, result.peak = feature_map, feature_map.max()
    # rows and columns counted from 1, as a reader counts them
    result.row, result.column = int(row) + 1, int(column) + 1
    return result


class Figure(LiveFigure):
    def __init__(self) -> None:
        super().__init__(9.0, 3.6, ncols=3)
        left, middle, right = self.axes
        self.image = left.imshow(
            np.zeros((8, 8)), cmap="gray_r", vmin=0.0, vmax=1.0
        )
        self.kernel = middle.imshow(
            np.zeros((3, 3)), cmap="RdBu_r", vmin=-1.5, vmax=1.5
        )
        self.map = right.imshow(
            np.zeros((8, 8)), cmap="RdBu_r", vmin=-LIMIT, vmax=LIMIT
        )
        self.weights = [
            middle.text(j, i, "", ha="center", va="center", fontsize=11)
            for i in range(3)
            for j in range(3)
        ]
        (self.peak,) = right.plot([], [], "s", mfc="none", mec="k", ms=14)
        left.set_title(tr("the digit (input)"))
        middle.set_title(tr("the kernel (3 by 3 weights)"))
        right.set_title(tr("the feature map"))
        for ax in self.axes:
            ax.set_xticks([])
            ax.set_yticks([])
        for artist in (self.image, self.kernel, self.map, self.peak):
            self.moving(artist)
        for text in self.weights:
            self.moving(text)

    def update(self, data: Data) -> None:
        self.image.set_data(data.image)
        self.kernel.set_data(data.kernel)
        self.map.set_data(data.feature_map)
        for text, weight in zip(
            self.weights, data.kernel.ravel(), strict=True
        ):
            text.set_text(f"{weight:.2f}".replace("-", "−"))
        self.peak.set_data([data.column - 1], [data.row - 1])
        self.show_title(CONTROLS, data, RESULT)
