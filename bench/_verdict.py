"""Row 8: the wall time of ``make conformance`` to its verdict, the default vs today's single-worker run.

Both sides are ``python -m suno_conformance.suite`` (what ``make conformance`` runs) against the embedded mock,
each a fresh process timed from start to exit, with its reports written to a scratch directory:

- Ours: the default, as a user gets it (the budget of the suite's ``schemathesis.toml``, worker processes as
  ``--workers``' default decides).
- The baseline: the run as it was before the verdict was made faster: ``BASELINE_EXAMPLES`` fuzzing examples per
  operation, ``BASELINE_SCENARIOS`` stateful scenarios, one process (``--workers 1``).

Both must conform (a run that fails, or stops early, would not be a verdict). The target is absolute: the
issue asks for the verdict within 30 s on this 2-core machine; the ratio says how much faster it got.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._config import Budget
from bench._measure import interleave
from bench._procs import ROOT, ProcessError, python_env, require
from bench._report import Row, Target, paired_row

TARGET = Target("ours", "<=", 30.0)
BASELINE_EXAMPLES = 1500
BASELINE_SCENARIOS = 200
SEED = 20250101
_TIMEOUT = 900.0


class _Sides:
    """Run either side and keep what each run reported."""

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.reports: dict[str, list[dict[str, Any]]] = {"ours": [], "baseline": []}

    def _run(self, side: str, extra: list[str]) -> float:
        junit = self.scratch / f"{side}.xml"
        argv = [sys.executable, "-m", "suno_conformance.suite", "--seed", str(SEED), "--junit", str(junit), *extra]
        started = time.perf_counter()
        result = subprocess.run(  # noqa: S603 - our own suite
            argv, cwd=ROOT, env=python_env(), capture_output=True, text=True, timeout=_TIMEOUT, check=False
        )
        elapsed = time.perf_counter() - started
        if result.returncode != 0:
            raise ProcessError(
                f"{side}: the suite did not conform (exit {result.returncode}):\n{result.stdout[-3000:]}"
            )
        report = json.loads(junit.with_suffix(".json").read_text(encoding="utf-8"))
        cases = {phase: int(count) for phase, count in report["cases"].items()}
        self.reports[side].append({"wall_s": elapsed, "elapsed_s": report["elapsed_seconds"], "cases": cases})
        return elapsed

    def ours(self) -> float:
        return self._run("ours", [])

    def baseline(self) -> float:
        extra = ["--workers", "1", "--max-examples", str(BASELINE_EXAMPLES)]
        return self._run("baseline", [*extra, "--stateful-examples", str(BASELINE_SCENARIOS)])


def rows(budget: Budget) -> list[Row]:
    """Measure row 8."""
    require("suno_conformance.suite.__main__")
    with tempfile.TemporaryDirectory(prefix="bench-verdict-") as name:
        sides = _Sides(Path(name))
        # Each run takes tens of seconds: start-up noise is small against it, so no warm-up pair.
        paired = interleave(sides.ours, sides.baseline, runs=budget.verdict_runs, warmup=0)
    last_ours, last_base = sides.reports["ours"][-1], sides.reports["baseline"][-1]
    note = (
        f"make conformance to its verdict, seed {SEED}: the default sent {sum(last_ours['cases'].values())} cases,"
        f" today's single-worker run ({BASELINE_EXAMPLES} fuzzing examples per operation, {BASELINE_SCENARIOS}"
        f" stateful scenarios) {sum(last_base['cases'].values())}; the target is the wall time of the default."
    )
    return [
        paired_row(
            "8",
            "conformance verdict: make conformance vs today's single-worker run",
            unit="s",
            scale=1.0,
            target=TARGET,
            paired=paired,
            note=note,
            details={"ours_runs": sides.reports["ours"], "baseline_runs": sides.reports["baseline"]},
        )
    ]
