"""Static figures: data in, a ``matplotlib.figure.Figure`` out.

One module per topic: :mod:`~gradbook.plots.search`,
:mod:`~gradbook.plots.derivatives`, :mod:`~gradbook.plots.graph`,
:mod:`~gradbook.plots.training` and :mod:`~gradbook.plots.costs`.  No
function here touches pyplot's global state or computes anything the
engine should: the chapters compute, these only draw.  Every word a
figure draws is in the reader's language (:mod:`gradbook.i18n`); a title
or a label a chapter passes in is translated by the chapter, with ``tr``.
Every static figure is in :data:`FIGURES`, by name.  The figures that move
(the explorables) are in :mod:`gradbook.explorables`.
"""

from gradbook.plots.base import COLUMN_PIXELS, FIGURES
from gradbook.plots.costs import cost_scaling, gradient_per_call, ratio_bars
from gradbook.plots.derivatives import jacobian_passes, tangent_line
from gradbook.plots.graph import computation_graph, op_label
from gradbook.plots.search import gradient_map, search_progress
from gradbook.plots.training import (
    confusion_matrix,
    digit_grid,
    learning_curves,
)

__all__ = [
    "COLUMN_PIXELS",
    "FIGURES",
    "computation_graph",
    "confusion_matrix",
    "cost_scaling",
    "digit_grid",
    "gradient_map",
    "gradient_per_call",
    "jacobian_passes",
    "learning_curves",
    "op_label",
    "ratio_bars",
    "search_progress",
    "tangent_line",
]
