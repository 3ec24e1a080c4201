"""The benchmark's own arithmetic: interleaving, summaries, targets, the poll bounds, the table."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bench import _verdict
from bench._cli import GROUPS
from bench._config import Budget
from bench._measure import Summary, interleave
from bench._report import Target, paired_row, table_lines
from bench._waits import SCHEDULE, intervals, polls_to_cover, polls_within

TARGET_VERDICT = _verdict.TARGET


def test_interleave_alternates_the_order_within_pairs() -> None:
    """Pair i runs ours first when i is even and the baseline first when it is odd, after the warm-up."""
    calls: list[str] = []

    def ours() -> float:
        calls.append("A")
        return 2.0

    def baseline() -> float:
        calls.append("B")
        return 1.0

    paired = interleave(ours, baseline, runs=4, warmup=1)
    assert calls == ["A", "B", "A", "B", "B", "A", "A", "B", "B", "A"]
    assert paired.ours.runs == paired.baseline.runs == paired.ratio.runs == 4
    assert paired.ratio.median == 2.0


def test_ratio_is_the_median_of_per_pair_ratios() -> None:
    """A drift that hits both sides of a pair cancels: the per-pair ratio stays constant."""
    values = iter([1.0, 2.0, 10.0, 20.0, 100.0, 200.0])
    paired = interleave(lambda: next(values), lambda: next(values), runs=3, warmup=0)
    # Pair 1 runs the baseline first, so it draws (10, 20) as (baseline, ours).
    assert paired.ours_values == (1.0, 20.0, 100.0)
    assert paired.baseline_values == (2.0, 10.0, 200.0)
    assert paired.ratio.median == 0.5


def test_summary_quartiles_and_spread() -> None:
    """Median, inclusive quartiles, extremes and count of a sample."""
    summary = Summary.of([5.0, 1.0, 3.0, 2.0, 4.0])
    assert (summary.median, summary.q1, summary.q3, summary.low, summary.high, summary.runs) == (3, 2, 4, 1, 5, 5)
    assert Summary.of([7.0]).q1 == Summary.of([7.0]).q3 == 7.0
    with pytest.raises(ValueError, match="zero"):
        Summary.of([])


@pytest.mark.parametrize(
    ("target", "figure", "met"),
    [
        (Target("ratio", "<=", 1.1), 1.1, True),
        (Target("ratio", "<=", 1.1), 1.11, False),
        (Target("ratio", ">=", 0.9), 0.95, True),
        (Target("ratio", "<", 1.0), 1.0, False),
        (Target("ours", "<", 50.0), math.nan, False),
    ],
)
def test_target_met(target: Target, figure: float, met: bool) -> None:
    """A target compares the figure with its bound; NaN never meets one."""
    assert target.met(figure) is met


def test_poll_bounds_follow_the_schedule() -> None:
    """polls_within counts the polls that fit in a wait; polls_to_cover the polls until the sleeps cover it."""
    sleeps = list(zip(range(6), intervals(**SCHEDULE), strict=False))
    assert [interval for _, interval in sleeps] == [0.25, 0.375, 0.5625, 0.84375, 1.0, 1.0]
    assert polls_within(0.0) == 1
    assert polls_within(0.25) == 2
    assert polls_within(0.6) == 2
    assert polls_to_cover(0.25) == 2
    assert polls_to_cover(0.26) == 3
    assert polls_to_cover(12.0) == 15


def test_table_shows_medians_quartiles_runs_ratio_and_verdict() -> None:
    """One line per row with ours, the baseline, the ratio, the target and the verdict."""
    paired = interleave(lambda: 0.002, lambda: 0.001, runs=3, warmup=0)
    row = paired_row("1a", "submit", unit="ms", scale=1e3, target=Target("ratio", "<=", 1.1), paired=paired)
    lines = table_lines([row])
    assert lines[0].split() == ["row", "what", "unit", "ours", "baseline", "ratio", "target", "result"]
    assert "2.00 [2.00-2.00] n=3" in lines[2]
    assert "2.00x" in lines[2]
    assert lines[2].rstrip().endswith("MISS")
    assert table_lines([row], markdown=True)[2].startswith("| 1a | submit | ms |")


def test_an_absolute_target_judges_our_median_not_the_ratio() -> None:
    """Row 8: the default must reach its verdict within 30 s, whatever the baseline took."""
    fast = interleave(lambda: 25.0, lambda: 100.0, runs=2, warmup=0)
    slow = interleave(lambda: 40.0, lambda: 400.0, runs=2, warmup=0)
    assert paired_row("8", "verdict", unit="s", scale=1.0, target=TARGET_VERDICT, paired=fast).verdict == "pass"
    # A ratio of 0.1 would pass any ratio target; 40 s misses the absolute one.
    assert paired_row("8", "verdict", unit="s", scale=1.0, target=TARGET_VERDICT, paired=slow).verdict == "miss"


def test_the_verdict_row_compares_the_default_with_todays_single_worker_run(tmp_path: Path) -> None:
    """The baseline forces one process and today's budget; ours passes no budget at all (the defaults)."""
    sides = _verdict._Sides(tmp_path)
    argvs: list[list[str]] = []

    def fake(side: str, extra: list[str]) -> float:
        argvs.append(extra)
        return 1.0

    sides._run = fake  # type: ignore[method-assign]
    sides.ours()
    sides.baseline()
    assert argvs[0] == []
    baseline = argvs[1]
    assert baseline[baseline.index("--workers") + 1] == "1"
    assert baseline[baseline.index("--max-examples") + 1] == str(_verdict.BASELINE_EXAMPLES)
    assert baseline[baseline.index("--stateful-examples") + 1] == str(_verdict.BASELINE_SCENARIOS)
    assert Budget.quick().verdict_runs >= 1
    assert any(group.number == "8" for group in GROUPS)
