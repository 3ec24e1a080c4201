"""Row 1: one submit through the overlay client vs a raw httpx post of the same JSON, sync and async.

Both sides send the same body to the same endpoint of one mock, served in its own process (so the server's
work is identical and never competes for the client's interpreter). Ours is ``SunoClient.submit`` /
``AsyncSunoClient.submit``: validation, the generated model, the request, the answer decoded into a task id.
The baseline is what a caller writing raw httpx does for the same result: ``post(url, json=body,
headers=auth)`` and ``.json()["data"]["taskId"]``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import attrs
import httpx

from bench import _client_cost
from bench._bodies import SUBMIT_PATH, valid_body
from bench._config import Budget
from bench._measure import interleave
from bench._procs import BENCH_KEY, mock_process, require
from bench._profile import brief_diff
from bench._report import Row, Target, paired_row

TARGET = Target("ratio", "<=", 1.10)
UNIT, SCALE = "ms/submit", 1e3


def _timed(batch: int, call: Callable[[], object]) -> Callable[[], float]:
    def measure() -> float:
        started = time.perf_counter()
        for _ in range(batch):
            call()
        return (time.perf_counter() - started) / batch

    return measure


def _timed_async(runner: asyncio.Runner, batch: int, call: Callable[[], Awaitable[object]]) -> Callable[[], float]:
    async def run() -> float:
        started = time.perf_counter()
        for _ in range(batch):
            await call()
        return (time.perf_counter() - started) / batch

    return lambda: runner.run(run())


def _check_task_id(value: object, who: str) -> None:
    if not isinstance(value, str) or len(value) < 8:
        raise RuntimeError(f"{who} did not return a task id: {value!r}")


def _sync_row(url: str, body: dict[str, Any], budget: Budget) -> Row:
    from suno_api import SunoClient  # noqa: PLC0415 - imported per row, so that row 3's numbers stay honest

    headers = {"Authorization": f"Bearer {BENCH_KEY}"}
    with SunoClient(api_key=BENCH_KEY, base_url=url) as client, httpx.Client() as http:

        def ours() -> str:
            return client.submit(body)

        def raw() -> str:
            task_id: str = http.post(url + SUBMIT_PATH, json=body, headers=headers).json()["data"]["taskId"]
            return task_id

        _check_task_id(ours(), "SunoClient.submit")
        _check_task_id(raw(), "httpx.Client.post")
        paired = interleave(
            _timed(budget.submit_batch, ours), _timed(budget.submit_batch, raw), runs=budget.submit_runs, warmup=2
        )
        row = paired_row(
            "1a",
            "submit: SunoClient.submit vs httpx.Client.post (same JSON, same mock)",
            unit=UNIT,
            scale=SCALE,
            target=TARGET,
            paired=paired,
            note=f"{budget.submit_batch} sequential submits per measurement over one keep-alive connection.",
        )
        if row.verdict == "miss":
            row = _explain_sync(row, body)
    return row


def _async_row(url: str, body: dict[str, Any], budget: Budget) -> Row:
    from suno_api import AsyncSunoClient  # noqa: PLC0415 - see _sync_row

    headers = {"Authorization": f"Bearer {BENCH_KEY}"}
    with asyncio.Runner() as runner:
        client = AsyncSunoClient(api_key=BENCH_KEY, base_url=url)
        http = httpx.AsyncClient()
        try:

            async def ours() -> str:
                return await client.submit(body)

            async def raw() -> str:
                answer = await http.post(url + SUBMIT_PATH, json=body, headers=headers)
                task_id: str = answer.json()["data"]["taskId"]
                return task_id

            _check_task_id(runner.run(ours()), "AsyncSunoClient.submit")
            _check_task_id(runner.run(raw()), "httpx.AsyncClient.post")
            batch = budget.submit_batch
            paired = interleave(
                _timed_async(runner, batch, ours), _timed_async(runner, batch, raw), runs=budget.submit_runs, warmup=2
            )
            row = paired_row(
                "1b",
                "submit: AsyncSunoClient.submit vs httpx.AsyncClient.post",
                unit=UNIT,
                scale=SCALE,
                target=TARGET,
                paired=paired,
                note=f"{batch} sequential awaited submits per measurement, one event loop for all.",
            )
            if row.verdict == "miss":
                row = _explain_async(row, body)
        finally:
            runner.run(client.close())
            runner.run(http.aclose())
    return row


def _explain_sync(row: Row, body: dict[str, Any]) -> Row:
    """Attach the client-side stage costs and the cProfile difference by origin."""
    found = _client_cost.stages(body)
    diff = _client_cost.origins(body, asynchronous=False)
    note = f"{row.note} MISS: {_client_cost.stage_summary(found)}. {brief_diff(diff)}."
    return attrs.evolve(row, note=note, details={"client_side_us": found, "profile_origin_diff": diff})


def _explain_async(row: Row, body: dict[str, Any]) -> Row:
    """Attach the cProfile difference by origin and what a missing sniffio costs both sides."""
    diff = _client_cost.origins(body, asynchronous=True)
    note = f"{row.note} MISS: in-process, with the network taken out. {brief_diff(diff)}."
    failed = _client_cost.failed_import_cost()
    if failed is not None:
        note += (
            f" Both sides also pay httpcore's per-request `import sniffio`, which fails here (sniffio is not"
            f" installed): {failed:g} us per attempt."
        )
    return attrs.evolve(row, note=note, details={"profile_origin_diff": diff, "failed_sniffio_import_us": failed})


def rows(budget: Budget) -> list[Row]:
    """Measure rows 1a (sync) and 1b (async) against one mock process."""
    require("suno_conformance.mock.__main__")
    require("suno_api", "SunoClient", "AsyncSunoClient")
    body = valid_body()
    with mock_process() as mock:
        return [_sync_row(mock.url, body, budget), _async_row(mock.url, body, budget)]
