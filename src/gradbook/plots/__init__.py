"""Static figures, one module per topic: data in, a ``Figure`` out, no
pyplot state, every word in the reader's language (a chapter passes its
words through ``tr``).  :data:`FIGURES` holds them all by name; the
figures a reader moves are in :mod:`gradbook.explorables`."""

from gradbook.plots.base import COLUMN_PIXELS, FIGURES
from gradbook.plots.convolution import image_grid
from gradbook.plots.costs import cost_scaling, gradient_per_call, ratio_bars
from gradbook.plots.derivatives import jacobian_passes, tangent_line
from gradbook.plots.graph import computation_graph, op_label
from gradbook.plots.search import gradient_map, search_progress
from gradbook.plots.tape import array_tape
from gradbook.plots.training import (
    confusion_matrix,
    digit_grid,
    learning_curves,
)

__all__ = [
    "COLUMN_PIXELS",
    "FIGURES",
    "array_tape",
    "computation_graph",
    "confusion_matrix",
    "cost_scaling",
    "digit_grid",
    "gradient_map",
    "gradient_per_call",
    "image_grid",
    "jacobian_passes",
    "learning_curves",
    "op_label",
    "ratio_bars",
    "search_progress",
    "tangent_line",
]
