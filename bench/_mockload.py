"""Row 4: the mock's requests per second vs a bare Starlette endpoint answering the same JSON.

Both servers run in their own processes under the same uvicorn settings (``bench._served bare`` takes the
mock's own ``uvicorn_config`` and swaps the app), and a load generator in a third process
(``bench._loadgen``) keeps 16 keep-alive connections busy. On two cores that is one core for the server and
one for the load generator, which spends a few microseconds per request, so the server is what saturates.

The mock keeps tasks in their first stage for an hour, so no task comes due while the other server is being
measured; the record-info task is moved to SUCCESS with ``POST /_mock/advance`` first, so its answer is the
full record with tracks (the largest answer the mock gives). The bare app answers exactly those bytes.
"""

from __future__ import annotations

import functools
import json
import signal
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench._bodies import RECORD_INFO_PATH, SUBMIT_PATH, valid_body
from bench._config import Budget
from bench._measure import interleave
from bench._procs import BENCH_KEY, ProcessError, ServedProcess, mock_process, require, run_json
from bench._profile import Entries, brief_diff, entries_of, heaviest, origin_diff, summarise
from bench._report import Row, Target, paired_row

TARGET = Target("ratio", ">=", 0.9)
_HOUR = 3600


def _load(url: str, budget: Budget, *, path: str, body_file: Path | None) -> dict[str, Any]:
    argv = ["-m", "bench._loadgen", "--url", url, "--path", path, "--token", BENCH_KEY]
    argv += ["--concurrency", str(budget.load_concurrency), "--duration", str(budget.load_seconds)]
    if body_file is not None:
        argv += ["--method", "POST", "--body-file", str(body_file)]
    result: dict[str, Any] = json.loads(run_json(argv, timeout=budget.load_seconds + 60))
    if result["unexpected"] or not result["requests"]:
        raise ProcessError(f"{url}{path}: {result['unexpected']} unexpected answers, e.g. {result['sample']!r}")
    return result


def _rps(url: str, budget: Budget, *, path: str, body_file: Path | None) -> float:
    return float(_load(url, budget, path=path, body_file=body_file)["rps"])


def _prepare(mock_url: str, scratch: Path) -> tuple[str, Path, Path, Path]:
    """Create the record-info task and write the body and both answers; return the task id and the files."""
    headers = {"Authorization": f"Bearer {BENCH_KEY}"}
    scratch.mkdir(parents=True, exist_ok=True)
    body_file = scratch / "body.json"
    body_file.write_bytes(json.dumps(valid_body()).encode())
    with httpx.Client(base_url=mock_url, headers=headers, trust_env=False) as http:
        submitted = http.post(SUBMIT_PATH, content=body_file.read_bytes(), headers={"Content-Type": "application/json"})
        task_id = submitted.json()["data"]["taskId"]
        http.post("/_mock/advance", json={"seconds": 3 * _HOUR + 1}).raise_for_status()
        record = http.get(RECORD_INFO_PATH, params={"taskId": task_id})
    if record.json()["data"]["status"] != "SUCCESS":
        raise ProcessError(f"the record-info task did not reach SUCCESS: {record.text[:300]}")
    submit_answer, record_answer = scratch / "submit-answer.json", scratch / "record-answer.json"
    submit_answer.write_bytes(submitted.content)
    record_answer.write_bytes(record.content)
    return task_id, body_file, submit_answer, record_answer


def _profiled(
    argv: list[str], budget: Budget, scratch: Path, *, route: str, body_file: Path | None
) -> tuple[Entries, int]:
    """Serve ``argv`` (``bench._served``) profiled during one load run; return the entries and requests served."""
    app = argv[2]
    output = scratch / f"{app}-{route}.prof"
    with ServedProcess([*argv, "--profile-out", str(output)]) as server:
        path = SUBMIT_PATH
        if route == "record-info":
            task_id = _prepare(server.url, scratch / "profiled")[0] if app == "mock" else "any"
            path = f"{RECORD_INFO_PATH}?taskId={task_id}"
        server.signal(signal.SIGUSR1)
        result = _load(server.url, budget, path=path, body_file=body_file)
        server.signal(signal.SIGUSR2)
        deadline = time.monotonic() + 30
        while not output.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)  # the dump may still be being written
    served = sum(int(count) for count in result["statuses"].values())
    return entries_of(output), served


def rows(budget: Budget) -> list[Row]:
    """Measure rows 4a (submit) and 4b (record-info)."""
    require("suno_conformance.mock.__main__")
    with tempfile.TemporaryDirectory(prefix="bench-mockload-") as name:
        scratch = Path(name)
        found: list[Row] = []
        with mock_process(stage_seconds=str(_HOUR)) as mock:
            task_id, body_file, submit_answer, record_answer = _prepare(mock.url, scratch)
            bare_argv = ["-m", "bench._served", "bare", "--submit-answer", str(submit_answer)]
            bare_argv += ["--record-answer", str(record_answer)]
            routes = (
                ("4a", "submit", SUBMIT_PATH, body_file),
                ("4b", "record-info", f"{RECORD_INFO_PATH}?taskId={task_id}", None),
            )
            with ServedProcess(bare_argv) as bare:
                for key, route, path, body in routes:
                    paired = interleave(
                        functools.partial(_rps, mock.url, budget, path=path, body_file=body),
                        functools.partial(_rps, bare.url, budget, path=path, body_file=body),
                        runs=budget.load_runs,
                        warmup=1,
                    )
                    found.append(
                        paired_row(
                            key,
                            f"mock {route} req/s vs bare Starlette endpoint (same JSON, same uvicorn settings)",
                            unit="req/s",
                            scale=1.0,
                            target=TARGET,
                            paired=paired,
                            note=(
                                f"{budget.load_concurrency} keep-alive connections from a load generator process,"
                                f" {budget.load_seconds:g} s measured after 0.3 s of warm-up per run."
                            ),
                        )
                    )
        explained = []
        for row, (_, route, _, body) in zip(found, routes, strict=True):
            explained.append(
                _explain(row, budget, scratch, bare_argv=bare_argv, route=route, body=body)
                if row.verdict == "miss"
                else row
            )
        return explained


def _explain(row: Row, budget: Budget, scratch: Path, *, bare_argv: list[str], route: str, body: Path | None) -> Row:
    """Profile both servers under the row's load and name what the mock adds per request."""
    from attrs import evolve  # noqa: PLC0415 - only on a miss

    mock_argv = ["-m", "bench._served", "mock", "--api-key", BENCH_KEY, "--stage-seconds", str(_HOUR)]
    mock_entries, mock_ops = _profiled(mock_argv, budget, scratch, route=route, body_file=body)
    bare_entries, bare_ops = _profiled(bare_argv, budget, scratch, route=route, body_file=body)
    diff = origin_diff(mock_entries, mock_ops, bare_entries, bare_ops)
    mock_summary = summarise(mock_entries, mock_ops)
    frames = heaviest(mock_summary)
    note = f"{row.note} MISS: {brief_diff(diff)}. The mock's frames by cumulative time per request: {frames}."
    details = {
        "profile_origin_diff": diff,
        "profile_mock": mock_summary,
        "profile_bare": summarise(bare_entries, bare_ops),
    }
    return evolve(row, note=note, details=details)
