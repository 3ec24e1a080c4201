"""``python -m bench``: run the rows, print the table, write ``reports/bench.json``."""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs

from bench import _conformance, _generate, _imports, _mockload, _soak, _submit, _validation, _verdict, _waits
from bench._config import Budget
from bench._procs import ROOT, ProcessError
from bench._report import Row, Target, Verdict, machine, note_lines, table_lines, unavailable_row, write_json


@attrs.frozen
class Group:
    """One numbered item of the issue: the rows it produces and how to measure them."""

    number: str
    name: str
    measure: Callable[[Budget], list[Row]]
    placeholders: tuple[tuple[str, str, str, float, Target], ...]
    """(key, title, unit, scale, target) of each row, for a group that could not run."""


GROUPS: tuple[Group, ...] = (
    Group(
        "1",
        "submit through the client vs raw httpx",
        _submit.rows,
        (
            ("1a", "submit: SunoClient.submit vs httpx.Client.post", _submit.UNIT, _submit.SCALE, _submit.TARGET),
            (
                "1b",
                "submit: AsyncSunoClient.submit vs httpx.AsyncClient.post",
                _submit.UNIT,
                _submit.SCALE,
                _submit.TARGET,
            ),
        ),
    ),
    Group(
        "2",
        "validation vs json.dumps",
        _validation.rows,
        (("2", "validate one body vs json.dumps of it", "us/body", 1e6, _validation.TARGET),),
    ),
    Group(
        "3",
        "cold import vs import httpx",
        _imports.rows,
        (("3", "cold import: import suno_api vs import httpx", "ms", 1e3, _imports.TARGET),),
    ),
    Group(
        "4",
        "mock requests/s vs bare Starlette",
        _mockload.rows,
        (
            ("4a", "mock submit req/s vs bare Starlette endpoint", "req/s", 1.0, _mockload.TARGET),
            ("4b", "mock record-info req/s vs bare Starlette endpoint", "req/s", 1.0, _mockload.TARGET),
        ),
    ),
    Group(
        "5",
        "conformance suite vs bare schemathesis",
        _conformance.rows,
        (("5", "conformance cases/s: suite vs bare schemathesis run", "cases/s", 1.0, _conformance.TARGET),),
    ),
    Group(
        "6",
        "make generate vs the bare generator",
        _generate.rows,
        (("6", "make generate vs the bare openapi-python-client command", "s", 1.0, _generate.TARGET),),
    ),
    Group(
        "7",
        "1,000 concurrent async waits",
        _waits.rows,
        (
            ("7a", "1,000 concurrent AsyncSunoClient.wait(): peak RSS growth", "MB", 1.0, Target("ours", "<", 50.0)),
            ("7b", "polls per task under the backoff schedule", "polls", 1.0, Target("ours", "<=", 0.0)),
        ),
    ),
    Group(
        "8",
        "make conformance to its verdict vs today's single-worker run",
        _verdict.rows,
        (("8", "conformance verdict: make conformance vs today's single-worker run", "s", 1.0, _verdict.TARGET),),
    ),
    Group(
        "9",
        "soak: 10,000 requests on the mock, its memory flat",
        _soak.rows,
        (("9", "soak: mock RSS growth / what it may keep", "x allowed", 1.0, _soak.TARGET),),
    ),
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=(
            "Measure every layer against its bare baseline, interleaved, and print the table (make bench)."
            " BENCH_QUICK=1 and BENCH_RUNS=N do what --quick and --runs do."
        ),
    )
    parser.add_argument("--quick", action="store_true", help="fewer runs per row (about a third of the time)")
    parser.add_argument("--runs", type=int, help="interleaved pairs per row, overriding the budget")
    parser.add_argument("--only", help="comma-separated item numbers to run, e.g. 1,4 (default: all)")
    parser.add_argument("--json", type=Path, default=ROOT / "reports" / "bench.json", help="where to write the JSON")
    parser.add_argument("--markdown", action="store_true", help="also print the table as Markdown (for the README)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a row misses its target")
    return parser


def _budget(arguments: argparse.Namespace) -> Budget:
    quick = arguments.quick or os.environ.get("BENCH_QUICK", "").strip() in ("1", "true", "yes")
    budget = Budget.quick() if quick else Budget()
    runs = arguments.runs if arguments.runs is not None else os.environ.get("BENCH_RUNS", "").strip() or None
    if runs is not None:
        count = int(runs)
        if count < 1:
            raise ValueError(f"runs must be >= 1, got {count}")
        budget = budget.with_runs(count)
    return budget


def _run_group(group: Group, budget: Budget) -> list[Row]:
    """Run one group; a missing piece makes its rows ``blocked``, a crash makes them ``error``."""
    verdict: Verdict
    try:
        return group.measure(budget)
    except ModuleNotFoundError as exc:
        verdict, reason = "blocked", f"BLOCKED: {exc} (the piece this row measures is not importable yet)"
    except (ProcessError, OSError, RuntimeError, ValueError, KeyError) as exc:
        traceback.print_exc()
        verdict, reason = "error", f"ERROR: {type(exc).__name__}: {str(exc)[:600]}"
    return [
        unavailable_row(key, title, unit=unit, scale=scale, target=target, verdict=verdict, note=reason)
        for key, title, unit, scale, target in group.placeholders
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the selected rows; return 0, or 1 when a row failed to run (or, with ``--strict``, missed)."""
    arguments = _parser().parse_args(argv)
    try:
        budget = _budget(arguments)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    selected = {part.strip() for part in arguments.only.split(",")} if arguments.only else None
    groups = [group for group in GROUPS if selected is None or group.number in selected]
    if not groups:
        print(f"error: --only {arguments.only!r} selects nothing; items are 1 to {len(GROUPS)}", file=sys.stderr)
        return 2
    facts = machine()
    print(f"machine: {facts['cpu']}, {facts['cores']} cores, Python {facts['python']} ({facts['platform']})")
    print(f"budget:  {'quick' if arguments.quick else 'full'}; {budget.to_json()}", flush=True)
    started = time.perf_counter()
    rows: list[Row] = []
    for group in groups:
        began = time.perf_counter()
        print(f"[{group.number}] {group.name} ...", end=" ", flush=True)
        found = _run_group(group, budget)
        rows.extend(found)
        print(
            f"{time.perf_counter() - began:.1f} s: " + ", ".join(f"{row.key} {row.verdict}" for row in found),
            flush=True,
        )
    elapsed = time.perf_counter() - started
    print()
    print("\n".join(table_lines(rows)))
    print()
    print("\n".join(note_lines(rows)))
    if arguments.markdown:
        print()
        print("\n".join(table_lines(rows, markdown=True)))
    settings = {"budget": budget.to_json(), "quick": bool(arguments.quick), "only": sorted(selected or [])}
    write_json(arguments.json, rows, settings, elapsed)
    print(f"\n{len(rows)} rows in {elapsed:.0f} s; written to {arguments.json}")
    failed = [row.key for row in rows if row.verdict in ("error", "blocked")]
    missed = [row.key for row in rows if row.verdict == "miss"]
    if missed:
        print(f"missed their target: {', '.join(missed)} (see the notes above and the JSON's details)")
    if failed:
        print(f"could not be measured: {', '.join(failed)}")
        return 1
    return 1 if arguments.strict and missed else 0
