"""Two ways to a larger output: random local search and gradient ascent.

Random local search tries a random nearby point and keeps it if the output
went up; most tries are thrown away.  Gradient ascent steps in the direction
of steepest increase every time.  Both return their whole history, so the
book can plot one against the other.

Both check what they are given once, where it comes in
(``checks.arguments``): ``f``, ``propose`` and ``gradient`` come back
wrapped, so that what they return is checked on every call too, and the
loops themselves are plain.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from gradbook import checks, numerical
from gradbook.checks import MAX_ITERATIONS, Number, make_rng
from gradbook.functions import Tracer

__all__ = [
    "MAX_ITERATIONS",
    "SearchHistory",
    "gradient_ascent",
    "make_rng",
    "perturb",
    "random_search",
]


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
        return (
            float(self.best_outputs[-1])
            if self.iterations
            else self.start_output
        )

    @property
    def improvement_per_iteration(self) -> float:
        """``(best output - output at the start) / iterations``."""
        if not self.iterations:
            return 0.0
        return (self.best_output - self.start_output) / self.iterations

    @property
    def step_lengths(self) -> np.ndarray:
        """How far each try was from the point it started from.

        Row ``k`` is the distance from the point before iteration ``k``
        (the start, or ``best_points[k - 1]``) to ``tries[k]``.  For
        gradient ascent every try is a step taken.
        """
        before = np.vstack([self.start, self.best_points[:-1]])
        return np.linalg.norm(self.tries - before, axis=1)


def perturb(
    point: Number | list[Number], tweak: float, rng: np.random.Generator
) -> Number | list[Number]:
    """``point + tweak * u``, ``u`` uniform in ``[-1, 1)`` for each element.

    ``point`` is an array, or a list of arrays (a network's parameters).
    """
    tweak = checks.positive(tweak, "perturb", "tweak")
    rng = make_rng(rng, "perturb")
    if isinstance(point, list):
        point = [
            checks.as_number(p, "perturb", f"point[{i}]")
            for i, p in enumerate(point)
        ]
        return [
            p + tweak * rng.uniform(-1.0, 1.0, size=np.shape(p)) for p in point
        ]
    point = checks.as_number(point, "perturb", "point")
    return point + tweak * rng.uniform(-1.0, 1.0, size=np.shape(point))


# The checks of the functions a search is given: each comes back wrapped,
# so that what it returns is checked in the search's words.


def _objective(f: object, who: str, name: str) -> Callable[..., float]:
    """``f``, wrapped: ``f(*point)`` returns one number, never nan (a search
    compares outputs), or a clear error."""
    checks.callable_(f, who, name)

    def output(*point: float) -> float:
        value = f(*point)
        if isinstance(value, Tracer):  # a gradient function's own pass
            return value
        value = checks.returned(value, who, "one number")
        if np.ndim(value):
            got = f"an array of shape {np.shape(value)}"
            raise ValueError(f"{who}: f must return one number, got {got}")
        if math.isnan(value):
            at = f"at the point {list(map(float, point))}"
            need = "a search compares outputs, and nan compares with none"
            raise ValueError(f"{who}: f returned nan {at}; {need}")
        return float(value)

    return output


def _proposal(propose: object, who: str, name: str) -> Callable:
    """``propose``, wrapped: each try is a point of the start's shape."""
    checks.callable_(propose, who, name)

    def tried(point: np.ndarray, tweak: float, rng: np.random.Generator):
        candidate = checks.as_number(propose(point, tweak, rng), who, "a try")
        checks.same_shape(candidate, point.shape, who, "a try", "start")
        return candidate

    return tried


def _slope(gradient: object, who: str, name: str) -> Callable:
    """``gradient``, wrapped: it returns one finite slope per coordinate."""
    checks.callable_(gradient, who, name)

    def checked(g: Callable, xs: list[float]) -> np.ndarray:
        slope = checks.as_number(gradient(g, xs), who, "the gradient")
        checks.same_shape(slope, (len(xs),), who, "the gradient", "start")
        at = [float(x) for x in xs]
        return checks.finite(slope, who, f"the gradient at {at}")

    return checked


class _Rows:
    """A search's history as it grows: one preallocated row per iteration."""

    def __init__(
        self, start: np.ndarray, start_output: float, iterations: int
    ) -> None:
        n = len(start)
        self.start, self.start_output = start, start_output
        self.tries = np.zeros((iterations, n))
        self.try_outputs = np.zeros(iterations)
        self.accepted = np.zeros(iterations, dtype=bool)
        self.best_points = np.zeros((iterations, n))
        self.best_outputs = np.zeros(iterations)

    def record(
        self,
        k: int,
        tried: np.ndarray,
        output: float,
        kept: bool,
        best: np.ndarray,
        best_output: float,
    ) -> None:
        """Row ``k``: the point tried, its output, whether it was kept, and
        the best point and output so far."""
        self.tries[k], self.try_outputs[k] = tried, output
        self.accepted[k] = kept
        self.best_points[k], self.best_outputs[k] = best, best_output

    def history(self) -> SearchHistory:
        return SearchHistory(
            start=self.start,
            start_output=self.start_output,
            tries=self.tries,
            try_outputs=self.try_outputs,
            accepted=self.accepted,
            best_points=self.best_points,
            best_outputs=self.best_outputs,
        )


@checks.arguments(
    f=_objective,
    start=checks.point,
    tweak=checks.positive,
    iterations=checks.iterations,
    rng=checks.make_rng,
    propose=_proposal,
)
def random_search(
    f: Callable[..., float],
    start: Sequence[float],
    tweak: float = 0.01,
    iterations: int = 100,
    rng: np.random.Generator | int | None = None,
    propose: Callable = perturb,
) -> SearchHistory:
    """Local random search for a larger ``f(*point)``, as in the article.

    From ``start``, with a best output of ``-inf``, each iteration tries
    ``point + tweak * u`` (``u`` uniform in ``[-1, 1)`` per coordinate) and
    moves there if the output is larger than the best so far.  ``rng`` is a
    ``numpy.random.Generator`` or a seed: the same seed gives the same
    history; with the default, ``None``, each run differs.
    ``propose(point, tweak, rng)`` makes each try; the default,
    ``perturb``, draws it from the article's square of side ``2 * tweak``.
    """
    rows = _Rows(start, f(*start), iterations)
    point, best_output = start, -math.inf
    for k in range(iterations):
        candidate = propose(point, tweak, rng)
        output = f(*candidate)
        kept = output > best_output
        if kept:
            point, best_output = candidate, output
        rows.record(k, candidate, output, kept, point, best_output)
    return rows.history()


@checks.arguments(
    f=_objective,
    start=checks.point,
    step_size=checks.positive,
    iterations=checks.iterations,
    gradient=_slope,
    normalized=checks.flag,
)
def gradient_ascent(
    f: Callable[..., float],
    start: Sequence[float],
    step_size: float = 0.01,
    iterations: int = 100,
    gradient: Callable = numerical.gradient,
    normalized: bool = False,
) -> SearchHistory:
    """Follow the gradient uphill: ``point += step_size * grad f(point)``.

    ``gradient(g, xs)`` computes the gradient of a function ``g`` of a list;
    by default it is central finite differences, and ``gradbook.dual.gradient``
    or ``gradbook.backprop.grad_bp`` give the exact one.  With
    ``normalized=True`` every step has length ``step_size`` exactly: the
    gradient gives only the direction (where it is zero, the point stays).
    """
    rows = _Rows(start, f(*start), iterations)
    point = start
    for k in range(iterations):
        slope = gradient(lambda p: f(*p), list(point))
        if normalized:
            length = np.linalg.norm(slope)
            slope = slope / length if length > 0 else slope
        point = point + step_size * slope
        output = f(*point)
        rows.record(k, point, output, True, point, output)
    return rows.history()
