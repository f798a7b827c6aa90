"""Figures of training: learning curves, digits and their predictions, and
the confusion matrix."""

from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure

from gradbook import checks
from gradbook.i18n import tr
from gradbook.plots.base import blank, new_figure, static


@static
def learning_curves(
    curves: Mapping[str, tuple[np.ndarray, np.ndarray]],
    xlabel: str,
    ylabel: str | None = None,
    title: str | None = None,
    log: bool = False,
) -> Figure:
    """One line per labelled ``(x, y)`` curve, such as loss against loss
    evaluations."""
    checks.mapping(curves, "learning_curves", "curves", "label: (x, y)")
    checks.text(xlabel, "learning_curves", "xlabel")
    fig, (ax,) = new_figure(6.0, 3.8)
    for label, (xs, ys) in curves.items():
        ax.plot(xs, ys, label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel or tr("loss"))
    ax.set_title(title or tr("Learning curves"))
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


@static
def digit_grid(
    images: np.ndarray,
    labels: np.ndarray,
    predicted: np.ndarray,
    columns: int = 10,
    title: str | None = None,
) -> Figure:
    """8x8 digit images with their predicted label; mistakes are titled in
    red with the truth."""
    images = checks.as_number(images, "digit_grid", "images")
    if images.ndim < 2 or images[0].size != 64:
        what = "8x8 images (64 pixels each)"
        got = f"shape {images.shape}"
        raise ValueError(f"digit_grid: images must be {what}, got {got}")
    columns = checks.whole(columns, "digit_grid", "columns", minimum=1)
    rows = -(-len(images) // columns)
    fig = blank(columns * 0.8, rows * 0.95)
    axes = fig.subplots(rows, columns, squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, image, truth, guess in zip(
        axes.ravel(), images, labels, predicted, strict=False
    ):
        ax.imshow(image.reshape(8, 8), cmap="gray_r", interpolation="nearest")
        wrong = truth != guess
        text = tr("{guess} (is {truth})", guess=guess, truth=truth)
        color = "C3" if wrong else "black"
        ax.set_title(text if wrong else f"{guess}", fontsize=9, color=color)
    if title:
        fig.suptitle(title)
    return fig


@static
def confusion_matrix(matrix: np.ndarray, title: str | None = None) -> Figure:
    """Counts of (true class, predicted class), with the count written in
    each cell."""
    checks.as_number(matrix, "confusion_matrix", "matrix")
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        what = "a square matrix of counts"
        got = f"shape {matrix.shape}"
        raise ValueError(f"confusion_matrix: matrix must be {what}, {got}")
    fig, (ax,) = new_figure(5.0, 4.4)
    image = ax.imshow(matrix, cmap="Blues")
    classes = len(matrix)
    for (i, j), count in np.ndenumerate(matrix):
        if count:
            color = "white" if count > matrix.max() / 2 else "black"
            style = {"ha": "center", "va": "center", "fontsize": 9}
            ax.text(j, i, str(count), color=color, **style)
    ax.set_xticks(range(classes))
    ax.set_yticks(range(classes))
    ax.set_xlabel(tr("predicted digit"))
    ax.set_ylabel(tr("true digit"))
    ax.set_title(title or tr("Confusion matrix"))
    fig.colorbar(image, ax=ax, shrink=0.8, label=tr("test images"))
    return fig
