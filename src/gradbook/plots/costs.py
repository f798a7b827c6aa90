"""Figures of costs and answers compared: time against size, ratios as
bars, and the gradient each call of an engine reports."""

from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure

from gradbook import checks
from gradbook.i18n import tr
from gradbook.plots.base import new_figure, static


@static
def cost_scaling(
    ns: list[int],
    timings: Mapping[str, list[float]],
    title: str,
    fit: bool = False,
) -> Figure:
    """Cost against the number of arguments ``ns``, on log-log axes, one line
    per method.  With ``fit``, each method's points get the least-squares
    line through them, and the legend gives its slope (the power of ``n``
    the cost grows like)."""
    who = "cost_scaling"
    ns = checks.as_number(ns, who, "ns")
    checks.mapping(timings, who, "timings", "label: seconds")
    for label, seconds in timings.items():
        name = f"timings[{label!r}]"
        seconds = checks.as_number(seconds, who, name)
        checks.same_shape(seconds, np.shape(ns), who, name, "ns")
    fig, (ax,) = new_figure(6.0, 4.0)
    log_n = np.log(np.asarray(ns, dtype=float))
    for k, (label, seconds) in enumerate(timings.items()):
        if not fit:
            ax.loglog(ns, seconds, "o-", label=label)
            continue
        slope, intercept = np.polyfit(log_n, np.log(seconds), 1)
        ax.loglog(ns, seconds, "o", color=f"C{k}", label=label)
        line = tr("fitted line, slope {slope:.1f}", slope=slope)
        fitted = np.exp(intercept + slope * log_n)
        ax.loglog(ns, fitted, "-", color=f"C{k}", alpha=0.6, label=line)
    ax.set_xlabel(tr("number of arguments n"))
    ax.set_ylabel(tr("seconds per gradient"))
    ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=9 if fit else None)
    return fig


@static
def ratio_bars(
    ratios: Mapping[str, float],
    xlabel: str,
    title: str,
    highlight: str | None = None,
    reference: float | None = None,
    log: bool = True,
) -> Figure:
    """Horizontal bars, one per labelled ratio, each with its value written
    beside it.  ``highlight`` names a bar to draw in red; ``reference``
    draws a dashed line there; ``log`` puts the ratios on a log axis (for
    spreads of many orders of magnitude)."""
    checks.mapping(ratios, "ratio_bars", "ratios", "label: ratio")
    for label, ratio in ratios.items():
        checks.real(ratio, "ratio_bars", f"ratios[{label!r}]")
    fig, (ax,) = new_figure(7.0, 0.45 * len(ratios) + 1.3)
    labels = list(ratios)
    colors = ["C3" if label == highlight else "C0" for label in labels]
    bars = ax.barh(labels, [ratios[label] for label in labels], color=colors)
    box = {"facecolor": "white", "edgecolor": "none", "pad": 0.5}
    ax.bar_label(bars, fmt="%.3g", padding=3, fontsize=9, bbox=box)
    if reference is not None:
        ax.axvline(reference, color="0.3", linestyle="--", linewidth=1)
    if log:
        ax.set_xscale("log")
    else:  # room for the value labels beside the longest bar
        ax.set_xlim(0, 1.15 * max([*ratios.values(), reference or 0.0]))
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.grid(alpha=0.3, axis="x")
    return fig


@static
def gradient_per_call(
    reported: Mapping[str, list[float]], title: str | None = None
) -> Figure:
    """Grouped bars: what each engine reports as the gradient after call
    1, 2, 3, ... of the same computation, each value written on its bar."""
    who = "gradient_per_call"
    checks.mapping(reported, who, "reported", "label: gradients")
    fig, (ax,) = new_figure(6.4, 3.8)
    width = 0.8 / len(reported)
    for k, (label, values) in enumerate(reported.items()):
        values = checks.as_number(values, who, f"reported[{label!r}]")
        values = np.atleast_1d(values)
        spots = (
            np.arange(1, len(values) + 1)
            + (k - (len(reported) - 1) / 2) * width
        )
        bars = ax.bar(spots, values, width=width, label=label)
        ax.bar_label(bars, fmt="%g", fontsize=9)
    calls = max(len(np.atleast_1d(values)) for values in reported.values())
    ax.set_xticks(np.arange(1, calls + 1))
    ax.set_xlabel(tr("call number"))
    ax.set_ylabel(tr("gradient reported"))
    ax.set_title(title or tr("The gradient each call reports"))
    ax.legend(fontsize=9)
    ax.grid(alpha=0.3, axis="y")
    return fig
