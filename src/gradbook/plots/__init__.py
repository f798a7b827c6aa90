"""Static figures: data in, a ``matplotlib.figure.Figure`` out, one module
per topic (search, derivatives, graph, training, costs).

Nothing here touches pyplot's global state or computes what the engine
should.  Every word drawn is in the reader's language (gradbook.i18n): a
chapter translates what it passes in, with ``tr``.  :data:`FIGURES` holds
every static figure by name; the figures a reader moves are in
:mod:`gradbook.explorables`.
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
