"""Data for chapter 5: a seeded 2-D toy set, and scikit-learn's handwritten
digits.

The digits ship inside gradbook (digits.npz, 45 kB: the 1,797 images'
pixels, 0..16, and their labels, as small integers), so chapter 5 needs no
scikit-learn, which is large and not in the in-browser notebooks.
tests/test_data.py checks that they are scikit-learn's `load_digits()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import numpy as np

from gradbook import checks

__all__ = ["MAX_POINTS", "Dataset", "digits", "load_digits", "spirals"]

# The most points spirals makes (160 MB of coordinates): a bound, so that a
# mistyped count is an error and not a machine out of memory.
MAX_POINTS = 10_000_000


def spirals(
    n_per_class: int = 100,
    classes: int = 3,
    noise: float = 0.2,
    rng: np.random.Generator | int | None = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms in the plane, one arm per class.

    Returns ``(x, labels)``: ``x`` has shape ``(n_per_class * classes, 2)``
    and lies in the unit disc; ``noise`` is the standard deviation, in
    radians, of a random turn added to each point.  No straight line
    separates the arms, so a network needs a hidden layer.
    """
    n_per_class = checks.whole(n_per_class, "spirals", "n_per_class", 1)
    classes = checks.whole(classes, "spirals", "classes", 2)
    if n_per_class * classes > MAX_POINTS:
        points = f"{n_per_class} points per class for {classes} classes"
        bound = f"at most {MAX_POINTS:,} in all"
        raise ValueError(f"spirals: {points} are too many ({bound})")
    noise = checks.non_negative(noise, "spirals", "noise")
    rng = checks.make_rng(rng, "spirals")
    radius = np.tile(np.linspace(0.0, 1.0, n_per_class), classes)
    labels = np.repeat(np.arange(classes), n_per_class)
    angle = (
        labels * 2 * np.pi / classes
        + 4.0 * radius
        + noise * rng.normal(size=radius.shape)
    )
    x = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    return x, labels


@dataclass(frozen=True)
class Dataset:
    """A train/test split: ``x`` rows are examples, labels are integers."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: int


def digits(test_fraction: float = 0.25, seed: int = 0) -> Dataset:
    """scikit-learn's 1,797 handwritten digits (8x8 pixels, shipped with the
    package).

    Each row of ``x`` is one image's 64 pixels, row by row (``reshape(8, 8)``
    draws it), scaled from 0..16 to 0..1.  A shuffle seeded with ``seed``
    holds out ``test_fraction`` of the images, which training never sees.
    """
    test_fraction = checks.fraction(test_fraction, "digits", "test_fraction")
    seed = checks.whole(seed, "digits", "seed")
    pixels, y = load_digits()
    x = pixels / 16.0
    n_test = round(test_fraction * len(y))
    if not 0 < n_test < len(y):
        empty = f"leaves an empty split of the {len(y)} images"
        raise ValueError(f"digits: test_fraction {test_fraction} {empty}")
    order = checks.make_rng(seed).permutation(len(y))
    test, train = order[:n_test], order[n_test:]
    return Dataset(x[train], y[train], x[test], y[test], classes=10)


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The digits as scikit-learn's `load_digits()` gives them: ``(data,
    target)``, pixels 0..16 as float64 of shape (1797, 64), labels as int64
    of shape (1797,)."""
    with (resources.files("gradbook") / "digits.npz").open("rb") as file:
        stored = np.load(file, allow_pickle=False)
        return (
            stored["images"].astype(np.float64),
            stored["labels"].astype(np.int64),
        )
