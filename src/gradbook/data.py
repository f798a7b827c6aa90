"""Data for chapter 4: a seeded 2-D toy set, and scikit-learn's handwritten digits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gradbook.search import make_rng

__all__ = ["Dataset", "digits", "spirals"]


def spirals(
    n_per_class: int = 100, classes: int = 3, noise: float = 0.2, rng: np.random.Generator | int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms in the plane, one arm per class.

    Returns ``(x, labels)``: ``x`` has shape ``(n_per_class * classes, 2)``.
    No straight line separates the arms, so a network needs a hidden layer.
    """
    if n_per_class < 1 or classes < 2:
        raise ValueError(
            f"spirals needs at least one point per class and two classes, got {n_per_class}, {classes}"
        )
    rng = make_rng(rng)
    radius = np.tile(np.linspace(0.0, 1.0, n_per_class), classes)
    labels = np.repeat(np.arange(classes), n_per_class)
    angle = labels * 2 * np.pi / classes + 4.0 * radius + noise * rng.normal(size=radius.shape)
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
    """scikit-learn's 1,797 handwritten digits (8x8 pixels, shipped with the package).

    Pixels are scaled from 0..16 to 0..1.  A fixed-seed shuffle holds out
    ``test_fraction`` of the images, which training never sees.
    """
    from sklearn.datasets import load_digits  # imported here: only chapter 4 needs scikit-learn

    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    bunch = load_digits()
    x, y = bunch.data / 16.0, bunch.target
    order = np.random.default_rng(seed).permutation(len(y))
    n_test = round(test_fraction * len(y))
    test, train = order[:n_test], order[n_test:]
    return Dataset(x[train], y[train], x[test], y[test], classes=10)
