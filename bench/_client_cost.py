"""Row 1's explanation on a miss: what the client adds per submit, with the network taken out.

Both sides send through an in-process ``httpx.MockTransport`` answering the mock's bytes, so what is left is
client-side CPU only. ``stages`` times the overlay's steps one by one (real microseconds, no profiler);
``origin_diff`` says, from cProfile, which packages the extra time is spent in. The stage timings call private
helpers of the overlay (``_submit_call``, ``_build_request``, ``call_with_retries``, ``decode_submit_response``):
a stage whose helper has moved is skipped, never guessed.
"""

from __future__ import annotations

import asyncio
import cProfile
import importlib
import importlib.util
import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from bench._bodies import SUBMIT_PATH
from bench._procs import BENCH_KEY
from bench._profile import entries_of, origin_diff

_BASE = "http://127.0.0.1:9"
_ANSWER = b'{"code":200,"msg":"success","data":{"taskId":"5c79a1f2be8e4d0c9a3b7e21f0d4be8e"}}'
_HEADERS = {"Content-Type": "application/json"}


def _per_call(call: Callable[[], object], *, calls: int = 2000, runs: int = 7) -> float:
    """Return the microseconds per call of ``call``: the best of ``runs`` (interference only ever adds time)."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        for _ in range(calls):
            call()
        samples.append((time.perf_counter() - started) / calls * 1e6)
    return round(min(samples), 2)


def _handler(request: httpx.Request) -> httpx.Response:
    request.read()
    return httpx.Response(200, content=_ANSWER, headers=_HEADERS)


def stages(body: dict[str, Any]) -> dict[str, float]:
    """Return microseconds per submit: both whole calls in-process, and the overlay's steps one by one."""
    from suno_api import SunoClient, validate_upload_extend  # noqa: PLC0415 - the package being measured

    headers = {"Authorization": f"Bearer {BENCH_KEY}"}
    client = SunoClient(api_key=BENCH_KEY, base_url=_BASE, transport=httpx.MockTransport(_handler))
    raw = httpx.Client(transport=httpx.MockTransport(_handler))
    found: dict[str, float] = {}
    try:
        found["ours: SunoClient.submit"] = _per_call(lambda: client.submit(body))
        found["raw: httpx.Client.post + .json()"] = _per_call(
            lambda: raw.post(_BASE + SUBMIT_PATH, json=body, headers=headers).json()["data"]["taskId"]
        )
        found["validate_upload_extend"] = _per_call(lambda: validate_upload_extend(body))
        found.update(_private_stages(client, raw, body, headers))
    finally:
        client.close()
        raw.close()
    return found


def _private_stages(client: Any, raw: httpx.Client, body: dict[str, Any], headers: dict[str, str]) -> dict[str, float]:
    found: dict[str, float] = {}
    try:
        from suno_api._decoding import decode_submit_response  # noqa: PLC0415 - a private step, timed alone
        from suno_api._retry import call_with_retries  # noqa: PLC0415 - same

        call = client._submit_call(body, None, None)
        http = client._connection.sync()
        policy = client._settings.retry
        answer_headers = httpx.Headers(_HEADERS)
        found["_submit_call (validation + route)"] = _per_call(lambda: client._submit_call(body, None, None))
        found["_build_request (ours)"] = _per_call(lambda: client._build_request(http, call))
        found["httpx build_request (what post does)"] = _per_call(
            lambda: raw.build_request("POST", _BASE + SUBMIT_PATH, json=body, headers=headers)
        )
        found["retry wrapper, first attempt succeeds"] = _per_call(
            lambda: call_with_retries(lambda: None, policy, submit=True, what="POST", sleep=time.sleep)
        )
        found["decode_submit_response"] = _per_call(lambda: decode_submit_response(200, answer_headers, _ANSWER))
        found["json.loads(answer)['data']['taskId']"] = _per_call(lambda: json.loads(_ANSWER)["data"]["taskId"])
    except (ImportError, AttributeError, TypeError) as exc:
        found[f"(private stages skipped: {type(exc).__name__}: {exc})"] = float("nan")
    return found


def stage_summary(found: dict[str, float]) -> str:
    """Return one sentence: the in-process difference and the steps that make it up."""
    ours, raw = found["ours: SunoClient.submit"], found["raw: httpx.Client.post + .json()"]
    parts = [
        f"client-side with the network taken out, ours {ours:g} us vs raw {raw:g} us per submit (+{ours - raw:.0f})"
    ]
    steps = {
        "validation": found.get("validate_upload_extend"),
        "validation + route": found.get("_submit_call (validation + route)"),
        "retry wrapper on a first-attempt success": found.get("retry wrapper, first attempt succeeds"),
    }
    build, plain = found.get("_build_request (ours)"), found.get("httpx build_request (what post does)")
    decode, loads = found.get("decode_submit_response"), found.get("json.loads(answer)['data']['taskId']")
    shown = [f"{name} {value:g} us" for name, value in steps.items() if value is not None]
    if build is not None and plain is not None:
        shown.append(f"request building +{build - plain:.1f} us over httpx's")
    if decode is not None and loads is not None:
        shown.append(f"decoding +{decode - loads:.1f} us over json.loads")
    return parts[0] + ": " + ", ".join(shown)


def origins(body: dict[str, Any], *, asynchronous: bool, calls: int = 2000) -> list[dict[str, Any]]:
    """Return the cProfile self time per submit by origin, ours vs raw, in-process, largest extra first."""
    from suno_api import AsyncSunoClient, SunoClient  # noqa: PLC0415 - the package being measured

    headers = {"Authorization": f"Bearer {BENCH_KEY}"}

    def profiled(call: Callable[[], object]) -> Any:
        for _ in range(200):
            call()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(calls):
            call()
        profiler.disable()
        return entries_of(profiler)

    if not asynchronous:
        with (
            SunoClient(api_key=BENCH_KEY, base_url=_BASE, transport=httpx.MockTransport(_handler)) as client,
            httpx.Client(transport=httpx.MockTransport(_handler)) as raw,
        ):
            ours = profiled(lambda: client.submit(body))
            base = profiled(lambda: raw.post(_BASE + SUBMIT_PATH, json=body, headers=headers).json())
        return origin_diff(ours, calls, base, calls, limit=8)

    async def async_handler(request: httpx.Request) -> httpx.Response:
        await request.aread()
        return httpx.Response(200, content=_ANSWER, headers=_HEADERS)

    with asyncio.Runner() as runner:
        aclient = AsyncSunoClient(api_key=BENCH_KEY, base_url=_BASE, transport=httpx.MockTransport(async_handler))
        araw = httpx.AsyncClient(transport=httpx.MockTransport(async_handler))

        async def raw_post() -> object:
            return (await araw.post(_BASE + SUBMIT_PATH, json=body, headers=headers)).json()

        ours = profiled(lambda: runner.run(aclient.submit(body)))
        base = profiled(lambda: runner.run(raw_post()))
        runner.run(aclient.close())
        runner.run(araw.aclose())
    return origin_diff(ours, calls, base, calls, limit=8)


def failed_import_cost() -> float | None:
    """Return the microseconds of one failing ``import sniffio``, or ``None`` when sniffio is installed.

    httpcore 1.0 tries ``import sniffio`` on every async request; anyio 4 no longer depends on it, so without
    it each attempt is a failed import that searches all of ``sys.path``.
    """
    try:
        installed = importlib.util.find_spec("sniffio") is not None
    except ValueError:  # imported already, without a spec: present in some form
        installed = True
    if installed:
        return None

    def attempt() -> None:
        try:
            importlib.import_module("sniffio")
        except ImportError:
            return

    return _per_call(attempt, calls=500)
