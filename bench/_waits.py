"""Row 7: 1,000 concurrent ``AsyncSunoClient.wait()`` calls on mock tasks: peak RSS growth and polls per task.

The parent (this module's ``rows``) serves a mock whose tasks take ``3 x stage`` seconds to succeed, submits
the tasks, and starts a fresh child process (``python -m bench._waits``) per run that waits for all of them at
once and prints what it saw. The child imports everything, builds its client and reads one spare task
first (so lazy imports and first-use caches are not counted as growth), then samples its own RSS every 10 ms
from ``/proc/self/statm`` while the waits run. Every record-info request goes through a counting transport,
so polls per task are counted at the wire, retries included.

The baseline (for context; the target is absolute) is the loop a caller would write with raw httpx: the same
number of coroutines, the same poll schedule, ``GET record-info`` until ``data.status`` is ``SUCCESS``.

Polls are bounded by the schedule in two ways, both checked: no task ever polls faster than the schedule
(polls <= 1 + the number of schedule intervals that fit in its own wait), and no task polls beyond the first
poll the schedule places after the task's completion time (polls <= 1 + the number of intervals needed to
cover ``3 x stage`` seconds).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx

from bench._bodies import RECORD_INFO_PATH, SUBMIT_PATH, valid_body
from bench._config import Budget
from bench._measure import Summary, interleave
from bench._procs import BENCH_KEY, ProcessError, mock_process, require, run_json
from bench._report import Row, Target

STAGE_SECONDS = 4.0
SCHEDULE = {"initial": 0.25, "factor": 1.5, "maximum": 1.0}
RSS_TARGET_MB = 50.0
_PAGE = os.sysconf("SC_PAGE_SIZE")


def intervals(initial: float, factor: float, maximum: float) -> Iterator[float]:
    """Yield the schedule's sleeps (the same rule as ``PollSchedule.intervals``)."""
    interval = initial
    while True:
        yield interval
        interval = min(interval * factor, maximum)


def polls_within(seconds: float) -> int:
    """Return the most polls the schedule allows in ``seconds``: 1 + the intervals whose running sum fits."""
    total, count = 0.0, 1
    for interval in intervals(**SCHEDULE):
        total += interval
        if total > seconds + 1e-9:
            return count
        count += 1
    raise AssertionError("unreachable")  # pragma: no cover - the generator is infinite


def polls_to_cover(seconds: float) -> int:
    """Return the polls the schedule makes until its sleeps cover ``seconds``: the poll after that sees it done."""
    total = 0.0
    for count, interval in enumerate(intervals(**SCHEDULE), start=1):
        total += interval
        if total >= seconds:
            return count + 1
    raise AssertionError("unreachable")  # pragma: no cover


# ------------------------------------------------------------------------------------------------- the child


class _CountingTransport(httpx.AsyncBaseTransport):
    """Count record-info requests per task id, then send them over an ordinary transport."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.polls: Counter[str] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == RECORD_INFO_PATH:
            self.polls[request.url.params.get("taskId", "")] += 1
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def _rss() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * _PAGE


class _Sampler:
    """Sample this process's RSS every 10 ms in a thread, independent of the event loop's load."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, _rss())

    def __enter__(self) -> _Sampler:
        self.peak = _rss()
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self.peak = max(self.peak, _rss())


async def _wait_ours(url: str, task_ids: list[str], spare: str) -> tuple[dict[str, Any], _CountingTransport]:
    from suno_api import AsyncSunoClient, PollSchedule  # noqa: PLC0415 - imported before the baseline RSS

    transport = _CountingTransport()
    client = AsyncSunoClient(api_key=BENCH_KEY, base_url=url, poll=PollSchedule(**SCHEDULE), transport=transport)
    async with client:
        await client.get_record(spare)  # first use: lazy imports, caches, the connection pool
        transport.polls.clear()

        async def one(task_id: str) -> tuple[float, str | None]:
            started = time.monotonic()
            try:
                await client.wait(task_id, timeout=120)
            except Exception as exc:
                return time.monotonic() - started, f"{type(exc).__name__}: {exc}"
            return time.monotonic() - started, None

        return await _gather(one, task_ids), transport


async def _wait_raw(url: str, task_ids: list[str], spare: str) -> tuple[dict[str, Any], _CountingTransport]:
    transport = _CountingTransport()
    headers = {"Authorization": f"Bearer {BENCH_KEY}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, transport=transport, timeout=30) as http:

        async def one(task_id: str) -> tuple[float, str | None]:
            started = time.monotonic()
            for sleep in intervals(**SCHEDULE):
                answer = await http.get(RECORD_INFO_PATH, params={"taskId": task_id})
                if answer.json()["data"]["status"] == "SUCCESS":
                    return time.monotonic() - started, None
                if time.monotonic() - started > 120:
                    return time.monotonic() - started, "timeout"
                await asyncio.sleep(sleep)
            raise AssertionError("unreachable")  # pragma: no cover

        (await http.get(RECORD_INFO_PATH, params={"taskId": spare})).json()
        transport.polls.clear()
        return await _gather(one, task_ids), transport


async def _gather(one: Any, task_ids: list[str]) -> dict[str, Any]:
    base = _rss()
    maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    started = time.monotonic()
    with _Sampler() as sampler:
        results = await asyncio.gather(*(one(task_id) for task_id in task_ids))
    maxrss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    peak = max(sampler.peak, maxrss_after if maxrss_after > maxrss_before else 0)
    return {
        "rss_base": base,
        "rss_peak": peak,
        "rss_end": _rss(),
        "elapsed": time.monotonic() - started,
        "durations": [duration for duration, _ in results],
        "errors": [error for _, error in results if error is not None][:5],
        "error_count": sum(error is not None for _, error in results),
    }


def child(argv: Sequence[str] | None = None) -> int:
    """``python -m bench._waits --url ... --mode ours|raw --tasks FILE``: wait for every task, print JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench._waits", description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--mode", choices=("ours", "raw"), required=True)
    parser.add_argument("--tasks", type=Path, required=True, help="JSON: {'spare': id, 'tasks': [ids]}")
    args = parser.parse_args(argv)
    listed = json.loads(args.tasks.read_text(encoding="utf-8"))
    task_ids: list[str] = listed["tasks"]
    wait = _wait_ours if args.mode == "ours" else _wait_raw
    result, transport = asyncio.run(wait(args.url, task_ids, listed["spare"]))
    result["polls"] = [transport.polls[task_id] for task_id in task_ids]
    json.dump(result, sys.stdout)
    return 0


# ------------------------------------------------------------------------------------------------ the parent


def _submit(url: str, count: int) -> list[str]:
    """Submit ``count`` tasks with raw httpx, one after the other (about a millisecond each); return their ids."""
    body = valid_body()
    headers = {"Authorization": f"Bearer {BENCH_KEY}"}
    with httpx.Client(base_url=url, headers=headers, trust_env=False) as http:
        return [http.post(SUBMIT_PATH, json=body).json()["data"]["taskId"] for _ in range(count)]


def _run(url: str, mode: str, tasks: int, scratch: Path, results: dict[str, list[dict[str, Any]]]) -> float:
    ids = _submit(url, tasks + 1)
    listing = scratch / f"tasks-{mode}.json"
    listing.write_text(json.dumps({"spare": ids[0], "tasks": ids[1:]}), encoding="utf-8")
    printed = run_json(["-m", "bench._waits", "--url", url, "--mode", mode, "--tasks", str(listing)], timeout=300)
    result: dict[str, Any] = json.loads(printed)
    if result["error_count"]:
        raise ProcessError(f"{mode}: {result['error_count']} waits failed, e.g. {result['errors']}")
    results[mode].append(result)
    return float(result["rss_peak"] - result["rss_base"]) / 2**20


def _polls_verdict(runs: list[dict[str, Any]]) -> tuple[bool, int, int]:
    """Return (every task within both bounds, the largest poll count seen, the completion bound)."""
    bound = polls_to_cover(3 * STAGE_SECONDS)
    within = True
    for run in runs:
        for polls, duration in zip(run["polls"], run["durations"], strict=True):
            within = within and 1 <= polls <= min(bound, polls_within(duration))
    return within, max(max(run["polls"]) for run in runs), bound


def _histogram(runs: list[dict[str, Any]]) -> dict[str, int]:
    counted = Counter(int(polls) for run in runs for polls in run["polls"])
    return {str(polls): count for polls, count in sorted(counted.items())}


def rows(budget: Budget) -> list[Row]:
    """Measure rows 7a (RSS growth) and 7b (polls per task)."""
    require("suno_conformance.mock.__main__")
    require("suno_api", "AsyncSunoClient", "PollSchedule")
    results: dict[str, list[dict[str, Any]]] = {"ours": [], "raw": []}
    with (
        tempfile.TemporaryDirectory(prefix="bench-waits-") as name,
        mock_process(stage_seconds=str(STAGE_SECONDS)) as mock,
    ):
        scratch = Path(name)
        paired = interleave(
            lambda: _run(mock.url, "ours", budget.wait_tasks, scratch, results),
            lambda: _run(mock.url, "raw", budget.wait_tasks, scratch, results),
            runs=budget.wait_runs,
            warmup=0,
        )
    peak = paired.ours.high
    rss_target = Target("ours", "<", RSS_TARGET_MB)
    schedule = ", ".join(f"{key} {value:g}" for key, value in SCHEDULE.items())
    elapsed = Summary.of([run["elapsed"] for run in results["ours"]])
    raw_elapsed = Summary.of([run["elapsed"] for run in results["raw"]])
    rss_row = Row(
        "7a",
        f"{budget.wait_tasks:,} concurrent AsyncSunoClient.wait(): peak RSS growth vs raw httpx polling loops",
        "MB",
        1.0,
        rss_target,
        "pass" if rss_target.met(peak) else "miss",
        paired.ours,
        paired.baseline,
        paired.ratio,
        note=(
            f"Judged on the largest growth of {paired.ours.runs} run(s) ({peak:.1f} MB). Each run: a fresh child"
            f" process, {budget.wait_tasks:,} new tasks of 3 x {STAGE_SECONDS:g} s, poll schedule {schedule};"
            f" all waits done in {elapsed.median:.1f} s (raw loop {raw_elapsed.median:.1f} s), medians. RSS sampled"
            " every 10 ms from /proc/self/statm."
        ),
    )
    within, most, bound = _polls_verdict(results["ours"])
    raw_within, raw_most, _ = _polls_verdict(results["raw"])
    ours_polls = Summary.of([float(polls) for run in results["ours"] for polls in run["polls"]])
    raw_polls = Summary.of([float(polls) for run in results["raw"] for polls in run["polls"]])
    polls_row = Row(
        "7b",
        "polls per task under the backoff schedule (ours vs the raw loop)",
        "polls",
        1.0,
        Target("ours", "<=", float(bound)),
        "pass" if within else "miss",
        ours_polls,
        raw_polls,
        None,
        note=(
            f"Most polls of any task: {most} (raw loop: {raw_most}); the schedule allows at most {bound} to cover"
            f" {3 * STAGE_SECONDS:g} s, and each task was also checked against the polls its own wait time allows"
            f" ({'all within' if within else 'SOME TASKS EXCEEDED IT'};"
            f" raw loop {'within' if raw_within else 'NOT within'})."
        ),
        details={"polls_histogram": _histogram(results["ours"]), "raw_polls_histogram": _histogram(results["raw"])},
    )
    return [rss_row, polls_row]


if __name__ == "__main__":
    sys.exit(child())
