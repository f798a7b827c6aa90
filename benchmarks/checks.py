"""Answer checks: every case is verified before it is timed."""

from __future__ import annotations

from typing import Any

import numpy as np


class WrongAnswerError(AssertionError):
    """A benchmarked engine computed something other than the expected
    answer."""


def exactly(got: Any, expected: Any, what: str) -> None:
    """``got`` equals ``expected`` to the last digit (floats compared
    with ==)."""
    if not (
        np.shape(got) == np.shape(expected) and np.array_equal(got, expected)
    ):
        raise WrongAnswerError(
            f"{what}: got {got!r}, expected exactly {expected!r}"
        )


def close(
    got: Any, expected: Any, what: str, rtol: float = 1e-9, atol: float = 1e-12
) -> float:
    """``got`` agrees with ``expected`` elementwise; returns the largest
    relative difference."""
    if (
        isinstance(expected, (list, tuple))
        and expected
        and np.ndim(expected[0]) > 0
    ):
        if not isinstance(got, (list, tuple)) or len(got) != len(expected):
            raise WrongAnswerError(
                f"{what}: expected {len(expected)} arrays, "
                f"got {type(got).__name__}"
            )
        pairs = enumerate(zip(got, expected, strict=True))
        return max(
            close(g, e, f"{what} [{i}]", rtol, atol) for i, (g, e) in pairs
        )
    got, expected = (
        np.asarray(got, dtype=float),
        np.asarray(expected, dtype=float),
    )
    if got.shape != expected.shape or not np.allclose(
        got, expected, rtol=rtol, atol=atol
    ):
        raise WrongAnswerError(
            f"{what}: got {got!r}, expected {expected!r} (rtol {rtol:g})"
        )
    scale = np.maximum(np.abs(expected), atol)
    return float(np.max(np.abs(got - expected) / scale, initial=0.0))
