"""Two ways to climb to a larger output: random local search and gradient ascent.

Random local search tries a random nearby point and keeps it if the output
went up; most tries are thrown away.  Gradient ascent steps in the direction
of steepest increase every time.  Both return their whole history, so the
book can plot one against the other.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradbook import numerical

__all__ = ["SearchHistory", "gradient_ascent", "make_rng", "perturb", "random_search"]


@dataclass(frozen=True)
class SearchHistory:
    """Everything a search did: one row per iteration.

    ``tries[k]`` is the point tried at iteration ``k`` and ``try_outputs[k]``
    its output; ``accepted[k]`` says whether it was kept.  ``best_points[k]``
    and ``best_outputs[k]`` are the best so far after iteration ``k``.
    ``start_output`` is ``f`` at the start, for reference (random search
    itself starts from a best output of ``-inf``).
    """

    start: np.ndarray
    start_output: float
    tries: np.ndarray
    try_outputs: np.ndarray
    accepted: np.ndarray
    best_points: np.ndarray
    best_outputs: np.ndarray

    @property
    def iterations(self) -> int:
        return len(self.tries)

    @property
    def best_point(self) -> np.ndarray:
        """The best point found (the start if nothing was tried)."""
        return self.best_points[-1] if self.iterations else self.start

    @property
    def best_output(self) -> float:
        """The best output found (``f`` at the start if nothing was tried)."""
        return float(self.best_outputs[-1]) if self.iterations else self.start_output

    @property
    def improvement_per_iteration(self) -> float:
        """``(best output - output at the start) / iterations``."""
        if not self.iterations:
            return 0.0
        return (self.best_output - self.start_output) / self.iterations


def check_positive(name: str, value: Any) -> float:
    """``value`` as a float, or a clear error naming ``name`` if it is not a positive finite number."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a positive number, got {type(value).__name__} {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


def check_whole(name: str, value: Any, minimum: int) -> int:
    """``value`` as an int, or a clear error naming ``name`` if it is not a whole number >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def _check_start(start: Any) -> np.ndarray:
    if not isinstance(start, (Sequence, np.ndarray)) or isinstance(start, str):
        raise TypeError(f"start must be a sequence of numbers such as (-2, 3), got {start!r}")
    for value in start:
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"start must hold numbers, got {type(value).__name__} {value!r}")
    point = np.array(start, dtype=float)
    if not np.all(np.isfinite(point)):
        raise ValueError(f"start must be finite, got {start!r}")
    return point


def make_rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    """A ``numpy.random.Generator``: the one given, or a new one from a seed."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy Generator or an integer seed, got {type(rng).__name__}")


def perturb(point: Any, tweak: float, rng: np.random.Generator) -> Any:
    """``point + tweak * u`` with ``u`` uniform in ``[-1, 1)``, element by element.

    ``point`` is an array, or a list of arrays (a network's parameters).
    """
    if isinstance(point, list):
        return [p + tweak * rng.uniform(-1.0, 1.0, size=np.shape(p)) for p in point]
    return point + tweak * rng.uniform(-1.0, 1.0, size=np.shape(point))


def _history(start: np.ndarray, start_output: float, rows: list[tuple]) -> SearchHistory:
    n = len(start)
    tries, outputs, accepted, bests, best_outputs = zip(*rows, strict=True) if rows else ((), (), (), (), ())
    return SearchHistory(
        start=start,
        start_output=start_output,
        tries=np.array(tries, dtype=float).reshape(-1, n),
        try_outputs=np.array(outputs, dtype=float),
        accepted=np.array(accepted, dtype=bool),
        best_points=np.array(bests, dtype=float).reshape(-1, n),
        best_outputs=np.array(best_outputs, dtype=float),
    )


def random_search(
    f: Callable[..., float],
    start: Sequence[float],
    tweak: float = 0.01,
    iterations: int = 100,
    rng: np.random.Generator | int | None = None,
) -> SearchHistory:
    """Local random search for a larger ``f(*point)``, as in the article.

    From ``start``, with a best output of ``-inf``, each iteration tries
    ``point + tweak * u`` (``u`` uniform in ``[-1, 1)`` per coordinate) and
    moves there if the output is larger than the best so far.  ``rng`` is a
    ``numpy.random.Generator`` or a seed: the same seed gives the same history.
    """
    point = _check_start(start)
    tweak = check_positive("tweak", tweak)
    iterations = check_whole("iterations", iterations, 0)
    rng = make_rng(rng)
    start_point, best_output, rows = point, -math.inf, []
    for _ in range(iterations):
        candidate = perturb(point, tweak, rng)
        output = float(f(*candidate))
        kept = output > best_output
        if kept:
            point, best_output = candidate, output
        rows.append((candidate, output, kept, point, best_output))
    return _history(start_point, float(f(*start_point)), rows)


def gradient_ascent(
    f: Callable[..., float],
    start: Sequence[float],
    step_size: float = 0.01,
    iterations: int = 100,
    gradient: Callable[[Callable[[Any], Any], list[float]], list[float]] = numerical.gradient,
) -> SearchHistory:
    """Follow the gradient uphill: ``point += step_size * grad f(point)``.

    ``gradient(g, xs)`` computes the gradient of a function ``g`` of a list;
    by default it is central finite differences, and ``gradbook.dual.gradient``
    or ``gradbook.backprop.grad_bp`` give the exact one.  Every step is kept.
    """
    point = _check_start(start)
    step_size = check_positive("step_size", step_size)
    iterations = check_whole("iterations", iterations, 0)
    start_point, rows = point, []
    for _ in range(iterations):
        slope = np.array(gradient(lambda p: f(*p), list(point)), dtype=float)
        point = point + step_size * slope
        output = float(f(*point))
        rows.append((point, output, True, point, output))
    return _history(start_point, float(f(*start_point)), rows)
