"""Figures of convolutional networks: small images in a grid, such as
the learned kernels or the feature maps of one digit."""

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from gradbook import checks
from gradbook.plots.base import blank, static


@static
def image_grid(
    images: np.ndarray,
    captions: Sequence[str] = (),
    columns: int = 8,
    signed: bool = False,
    title: str | None = None,
) -> Figure:
    """Small 2-D arrays side by side, one colour scale for all of them.

    ``signed=True`` (for kernels) draws 0 white, positive values red and
    negative ones blue, symmetric around 0; otherwise (for pixels and
    feature maps) 0 is white and the largest value black.
    """
    who = "image_grid"
    images = checks.as_number(images, who, "images")
    if images.ndim != 3 or len(images) == 0:
        what = "a stack of 2-D arrays, shape (count, height, width)"
        raise ValueError(f"{who}: images must be {what}, got {images.shape}")
    columns = checks.whole(columns, who, "columns", minimum=1)
    signed = checks.flag(signed, who, "signed")
    if captions and len(captions) != len(images):
        counts = f"{len(captions)} captions for {len(images)} images"
        raise ValueError(f"{who}: {counts}")
    for i, caption in enumerate(captions):
        checks.text(caption, who, f"captions[{i}]")
    top = float(np.abs(images).max()) or 1.0  # all zero: any scale will do
    scale = {"cmap": "RdBu_r", "vmin": -top} if signed else {"cmap": "gray_r"}
    scale |= {"vmax": top} | ({} if signed else {"vmin": 0.0})
    rows = -(-len(images) // columns)
    fig = blank(columns * 0.9, rows * 1.0 + (0.4 if title else 0.0))
    axes = fig.subplots(rows, columns, squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for k, (ax, image) in enumerate(zip(axes.ravel(), images, strict=False)):
        ax.imshow(image, interpolation="nearest", **scale)
        if captions:
            ax.set_title(captions[k], fontsize=9)
    if title:
        fig.suptitle(title)
    return fig
