"""Interleaved measurement and the statistics every row reports.

Each row measures ours (A) and its baseline (B) alternately, so that whatever else the shared machine is doing
lands on both: the order is counterbalanced within each pair (A B, B A, A B, ...) so that neither side always
runs on a warmer cache or right after the other. The ratio of a row is the median of the per-pair ratios,
which cancels slow drift (thermal, a neighbour's job) that a ratio of overall medians would not.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from typing import Any

import attrs


@attrs.frozen
class Summary:
    """The distribution of one side's measurements.

    Attributes:
        median: The median.
        q1: The first quartile.
        q3: The third quartile.
        low: The smallest value.
        high: The largest value.
        runs: How many measurements.
    """

    median: float
    q1: float
    q3: float
    low: float
    high: float
    runs: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        """Summarise ``values`` (at least one)."""
        if not values:
            raise ValueError("cannot summarise zero measurements")
        ordered = sorted(values)
        if len(ordered) >= 2:
            q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
        else:
            q1 = q3 = ordered[0]
        return cls(statistics.median(ordered), q1, q3, ordered[0], ordered[-1], len(ordered))

    @property
    def iqr_fraction(self) -> float:
        """The interquartile range relative to the median (0.05 = the middle half lies within 5 %)."""
        return (self.q3 - self.q1) / self.median if self.median else 0.0

    def to_json(self) -> dict[str, Any]:
        """Return the summary as JSON-ready data."""
        return attrs.asdict(self)


@attrs.frozen
class Paired:
    """Both sides of an interleaved measurement, and their per-pair ratios (ours / baseline)."""

    ours: Summary
    baseline: Summary
    ratio: Summary
    ours_values: tuple[float, ...] = attrs.field(repr=False)
    baseline_values: tuple[float, ...] = attrs.field(repr=False)


def interleave(ours: Callable[[], float], baseline: Callable[[], float], *, runs: int, warmup: int = 1) -> Paired:
    """Measure ``ours`` and ``baseline`` ``runs`` times each, alternately, after ``warmup`` unrecorded pairs.

    Each callable performs one measurement and returns its value (seconds per operation, requests per
    second...). Pair ``i`` runs ``ours`` first when ``i`` is even and ``baseline`` first when it is odd.
    """
    if runs < 1:
        raise ValueError(f"runs must be >= 1, got {runs}")
    for _ in range(warmup):
        ours()
        baseline()
    a_values: list[float] = []
    b_values: list[float] = []
    for index in range(runs):
        if index % 2 == 0:
            a = ours()
            b = baseline()
        else:
            b = baseline()
            a = ours()
        a_values.append(a)
        b_values.append(b)
    ratios = [a / b for a, b in zip(a_values, b_values, strict=True) if b > 0]
    return Paired(
        Summary.of(a_values),
        Summary.of(b_values),
        Summary.of(ratios or [float("nan")]),
        tuple(a_values),
        tuple(b_values),
    )
