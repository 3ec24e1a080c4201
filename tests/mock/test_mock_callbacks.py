"""Callbacks in-process: the documented body at each stage, signatures, the loopback guard, bounded retries."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import anyio
import httpx
import pytest

from suno_api import verify_webhook
from suno_api._signature import compute_signature
from suno_api.spec import SpecNames, names
from suno_conformance.mock import MockApp
from suno_conformance.mock._callbacks import loopback_refusal
from tests.mock.mock_support import (
    AUTH,
    RECORD_INFO,
    WEBHOOK_KEY,
    Recorder,
    Schemas,
    api,
    single_callback_outcome,
    stages,
    submit,
    task_query,
    valid_body,
)
from tests.spec_support import member

pytestmark = pytest.mark.anyio
ALL_STAGES = ("stage_text", "stage_first", "stage_complete")


def callback_track_keys() -> set[str]:
    """The fields of a callback track, as the spec spells them."""
    return {names().resolve(role) for role in SpecNames.roles() if role.startswith("callback_track_")}


async def run_task(mock: MockApp, outcome: str | None = None, **roles: Any) -> str:
    """Submit a task with ``outcome`` (the plain success), step the clock past every stage, await its callbacks.

    ``roles`` change the body (``callback_url=...``).
    """
    chosen = names().status_success if outcome is None else outcome
    with anyio.fail_after(30):
        async with api(mock) as client:
            task_id = await submit(client, valid_body(**roles), **{"X-Mock-Outcome": chosen})
            await mock.advance(60)
            await mock.drain()
    return task_id


async def test_a_callback_at_each_stage(
    make_mock: Callable[..., MockApp], recorder: Recorder, schemas: Schemas
) -> None:
    """text, first, complete: the documented body, snake_case tracks, the tracks done so far."""
    mock = make_mock()
    task_id = await run_task(mock)
    assert recorder.types() == stages(*ALL_STAGES)
    bodies = recorder.bodies()
    for body in bodies:
        assert schemas.errors("CallbackPayload", body) == []
        assert body["code"] == 200
        assert body["data"]["task_id"] == task_id
    assert [len(body["data"]["data"]) for body in bodies] == [0, 1, 2]
    assert bodies[2]["msg"] == "All generated successfully."
    for track in bodies[2]["data"]["data"]:
        assert set(track) == callback_track_keys()
        assert track["audio_url"].endswith(".mp3")
    assert all(request.url == httpx.URL(valid_body()[names().callback_url]) for request in recorder.requests)
    assert [delivery.outcome for delivery in mock.deliveries] == ["delivered"] * 3


async def test_callback_tracks_match_record_info(make_mock: Callable[..., MockApp], recorder: Recorder) -> None:
    """The complete callback carries the same tracks record-info reports, in snake_case."""
    mock = make_mock(stage_seconds=0)
    with anyio.fail_after(30):
        async with api(mock) as client:
            task_id = await submit(client)
            data = (await client.get(RECORD_INFO, params=task_query(task_id), headers=AUTH)).json()
            await mock.drain()
    polled = data["data"]["response"]["sunoData"]
    called = recorder.bodies()[-1]["data"]["data"]
    assert [(t["id"], t["audioUrl"], t["duration"]) for t in polled] == [
        (t["id"], t["audio_url"], t["duration"]) for t in called
    ]


async def test_callbacks_are_signed(make_mock: Callable[..., MockApp], recorder: Recorder) -> None:
    """X-Webhook-Timestamp and X-Webhook-Signature = base64(HMAC(key, task_id.timestamp)); verify_webhook accepts."""
    mock = make_mock()
    task_id = await run_task(mock)
    for request in recorder.requests:
        timestamp = request.headers[names().timestamp_header]
        assert abs(int(timestamp) - time.time()) < 300
        assert request.headers[names().signature_header] == compute_signature(WEBHOOK_KEY, task_id, timestamp)
        event = verify_webhook(request.content, request.headers, secret=WEBHOOK_KEY)
        assert event.task_id == task_id
    assert recorder.requests[0].headers["Content-Type"] == "application/json"


async def test_without_a_webhook_key_callbacks_are_unsigned(
    make_mock: Callable[..., MockApp], recorder: Recorder
) -> None:
    """Accounts without signatures get callbacks without the X-Webhook-* headers."""
    await run_task(make_mock(webhook_key=None))
    assert recorder.requests
    signing = (names().timestamp_header, names().signature_header)
    assert not any(header in request.headers for request in recorder.requests for header in signing)
    assert not any(name.lower().startswith("x-webhook") for request in recorder.requests for name in request.headers)


@pytest.mark.parametrize(
    ("role", "types", "error_code"),
    [
        ("status_generate_audio_failed", ["stage_text", "stage_error"], 501),
        ("status_sensitive_word_error", ["stage_error"], 400),
        ("status_create_task_failed", ["stage_error"], 500),
        ("pending_with_error", ["stage_error"], 501),
        ("status_callback_exception", ["stage_text", "stage_first"], None),
    ],
)
async def test_failure_callbacks(
    make_mock: Callable[..., MockApp], recorder: Recorder, role: str, types: list[str], error_code: int | None
) -> None:
    """Failures end with an error callback (its code, data null); CALLBACK_EXCEPTION sends no complete."""
    outcome = f"{member('status_pending')}_WITH_ERROR" if role == "pending_with_error" else member(role)
    expected = [member(stage) for stage in types]
    await run_task(make_mock(), outcome)
    assert recorder.types() == expected
    if error_code is not None:
        error = recorder.bodies()[-1]
        assert error["code"] == error_code
        assert error["data"]["data"] is None


@pytest.mark.parametrize(
    "url",
    [
        "https://api.example.com/callback",
        "http://10.0.0.1/callback",
        "http://0.0.0.0:9/callback",
        "http://[::ffff:8.8.8.8]/callback",
        "http://127.0.0.1.nip.io/callback",
        "http://127.0.0.1@example.com/callback",
        "http://localhost.example.com/callback",
    ],
)
async def test_callbacks_never_leave_the_machine(
    make_mock: Callable[..., MockApp], recorder: Recorder, url: str
) -> None:
    """A callBackUrl that is not loopback is refused and recorded; nothing is sent anywhere."""
    mock = make_mock()
    task_id = await run_task(mock, callback_url=url)
    assert recorder.requests == []
    deliveries = mock.deliveries
    assert [(d.task_id, d.callback_type, d.outcome, d.attempts) for d in deliveries] == [
        (task_id, kind, "refused", 0) for kind in stages(*ALL_STAGES)
    ]
    assert all(d.error and ("loopback" in d.error or "http(s)" in d.error) for d in deliveries)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/cb", "http://127.8.9.10/cb", "http://[::1]:9/cb", "http://localhost:9/cb"]
)
async def test_loopback_hosts_are_allowed(url: str) -> None:
    """Loopback addresses, and localhost when it resolves to loopback, may be called."""
    assert await loopback_refusal(url) is None


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/callback", "file:///tmp/callback", "http://[::ffff:10.0.0.1]/cb", "not a url"]
)
async def test_the_guard_refuses_what_submit_validation_already_refuses(url: str) -> None:
    """Non-http(s) and non-loopback URLs are refused by the guard itself, whatever validation lets through."""
    refusal = await loopback_refusal(url)
    assert refusal is not None
    assert "loopback" in refusal or "http(s)" in refusal or "valid URL" in refusal


async def test_a_refused_url_is_refused_again_without_a_lookup(
    make_mock: Callable[..., MockApp], recorder: Recorder
) -> None:
    """Later tasks with an already refused URL are refused on the spot, and recorded the same way."""
    mock = make_mock()
    for _ in range(3):
        await run_task(mock, callback_url="https://api.example.com/callback")
    assert [d.outcome for d in mock.deliveries] == ["refused"] * 9
    assert recorder.requests == []


async def test_retries_are_bounded(make_mock: Callable[..., MockApp], recorder: Recorder) -> None:
    """A receiver that keeps failing gets 1 + callback_retries attempts per callback, then a failed record."""
    recorder.statuses = [500] * 100
    mock = make_mock(callback_retries=2)
    await run_task(mock, single_callback_outcome())
    (delivery,) = mock.deliveries
    assert (delivery.outcome, delivery.attempts, delivery.status_code) == ("failed", 3, 500)
    assert delivery.error == "the receiver answered HTTP 500"
    assert len(recorder.requests) == 3


async def test_a_retry_that_succeeds(make_mock: Callable[..., MockApp], recorder: Recorder) -> None:
    """A receiver that fails once, then accepts, gets the callback on the second attempt."""
    recorder.statuses = [503]
    mock = make_mock()
    await run_task(mock, single_callback_outcome())
    (delivery,) = mock.deliveries
    assert (delivery.outcome, delivery.attempts, delivery.status_code) == ("delivered", 2, 200)


async def test_timeouts_and_connection_errors_are_retried(
    make_mock: Callable[..., MockApp], recorder: Recorder
) -> None:
    """A receiver that times out is retried like one that fails, and the error is recorded."""

    def time_out(request: httpx.Request) -> None:
        raise httpx.ReadTimeout("too slow", request=request)

    recorder.hook = time_out
    mock = make_mock(callback_retries=1)
    await run_task(mock, single_callback_outcome())
    (delivery,) = mock.deliveries
    assert (delivery.outcome, delivery.attempts, delivery.status_code) == ("failed", 2, None)
    assert delivery.error == "ReadTimeout: too slow"


async def test_redirects_are_not_followed(make_mock: Callable[..., MockApp], recorder: Recorder) -> None:
    """A receiver cannot redirect the mock elsewhere: a 3xx is a failed attempt, nothing else is requested."""
    recorder.statuses = [302] * 10
    mock = make_mock(callback_retries=0)
    await run_task(mock, single_callback_outcome())
    assert [str(request.url) for request in recorder.requests] == [valid_body()[names().callback_url]]
    assert mock.deliveries[0].outcome == "failed"


async def test_one_task_s_callbacks_stay_in_order(make_mock: Callable[..., MockApp], recorder: Recorder) -> None:
    """When text is being retried, first and complete wait for it: the receiver sees them in stage order."""
    recorder.statuses = [500, 500]
    mock = make_mock(callback_retries=3)
    await run_task(mock)
    text, first, complete = stages(*ALL_STAGES)
    assert recorder.types() == [text, text, text, first, complete]
    assert [d.callback_type for d in mock.deliveries] == [text, first, complete]


async def test_callbacks_can_be_switched_off(make_mock: Callable[..., MockApp], recorder: Recorder) -> None:
    """send_callbacks=False sends and records nothing."""
    mock = make_mock(send_callbacks=False)
    await run_task(mock)
    assert recorder.requests == []
    assert mock.deliveries == []


async def test_closing_cancels_deliveries_under_way(make_mock: Callable[..., MockApp]) -> None:
    """aclose() cancels a delivery still waiting on its receiver, and records it as cancelled."""
    started = asyncio.Event()

    async def hang(request: httpx.Request) -> httpx.Response:
        started.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    mock = make_mock(stage_seconds=0)
    mock = MockApp(mock.settings, clock=mock.clock, callback_transport=httpx.MockTransport(hang))
    with anyio.fail_after(30):
        async with api(mock) as client:
            await submit(client, valid_body(), **{"X-Mock-Outcome": single_callback_outcome()})
            await mock.process_due()
            await started.wait()
    assert [d.outcome for d in mock.deliveries] == ["cancelled"]


async def test_deliveries_are_visible_over_http(make_mock: Callable[..., MockApp]) -> None:
    """GET /_mock/deliveries lists the deliveries, optionally for one task."""
    mock = make_mock()
    with anyio.fail_after(30):
        async with api(mock) as client:
            first = await submit(client)
            await submit(client, valid_body(), **{"X-Mock-Outcome": single_callback_outcome()})
            await mock.advance(60)
            await mock.drain()
            everything = (await client.get("/_mock/deliveries")).json()
            mine = (await client.get("/_mock/deliveries", params=task_query(first))).json()
    assert len(everything) == 4
    assert [item["callback_type"] for item in mine] == stages(*ALL_STAGES)
    assert mine[0]["headers"][names().signature_header]
    assert mine[0]["payload"]["data"]["task_id"] == first
