"""Interval estimates for error rates measured on a finite number of fields."""

from __future__ import annotations

import math
from dataclasses import dataclass


def wilson_interval(errors: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval (95 % with the default ``z``) for an error rate of
    ``errors`` in ``n``; ``(0.0, 1.0)`` when nothing was measured."""
    if n == 0:
        return 0.0, 1.0
    p = errors / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    scale = 1 + z * z / n
    return max(0.0, (centre - margin) / scale), min(1.0, (centre + margin) / scale)


def wilson_upper(errors: int, n: int, z: float = 1.96) -> float:
    """Upper bound of the Wilson score interval (95 % with the default ``z``) for an error
    rate of ``errors`` in ``n``; 1.0 when nothing was measured."""
    return wilson_interval(errors, n, z)[1]


@dataclass(frozen=True)
class ErrorRate:
    """``wrong`` of ``checked``, with its 95 % Wilson interval ``low``-``high``
    (:meth:`of`)."""

    checked: int
    wrong: int
    low: float
    high: float

    @property
    def rate(self) -> float | None:
        return self.wrong / self.checked if self.checked else None

    @classmethod
    def of(cls, wrong: int, checked: int) -> ErrorRate:
        low, high = wilson_interval(wrong, checked)
        return cls(checked, wrong, low, high)
