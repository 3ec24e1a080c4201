"""Callbacks: signature verification (valid, forged, stale, missing header, wrong task), both shapes, ASGI."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx
import pytest

from suno_api import (
    CallbackEvent,
    CallbackShape,
    CallbackTrack,
    CallbackType,
    ConfigurationError,
    RecordTrack,
    ResponseDecodeError,
    SunoClient,
    TaskStatus,
    WebhookVerificationError,
    compute_signature,
    parse_callback,
    verify_webhook,
    webhook_asgi_app,
)
from suno_api.spec import names
from tests.client.client_support import TOKEN, load_payload
from tests.spec_support import member

SECRET = "whsec-9b1f"
NOW = 1_763_169_600.0
_DEFAULT: Any = object()  # "the usual value" for callback() arguments that may also be None


def callback_track() -> dict[str, Any]:
    """One documented callback track."""
    spec_names = names()
    return {
        spec_names.callback_track_id: "audio-1",
        spec_names.callback_track_audio_url: "https://cdn.example/a.mp3",
        spec_names.callback_track_stream_audio_url: "https://cdn.example/a",
        spec_names.callback_track_image_url: "https://cdn.example/a.jpeg",
        spec_names.callback_track_prompt: "[Verse]",
        spec_names.callback_track_model_name: "chirp-auk-turbo",
        spec_names.callback_track_title: "Song",
        spec_names.callback_track_tags: "jazz",
        spec_names.callback_track_create_time: "2025-01-01 00:00:00",
        spec_names.callback_track_duration: 198.44,
    }


def callback_body(
    callback_type: Any = _DEFAULT, task_id: Any = "task-1", code: Any = 200, tracks: Any = _DEFAULT
) -> dict[str, Any]:
    """A documented callback body: the final stage with one track unless told otherwise."""
    spec_names = names()
    data = {
        spec_names.callback_type: spec_names.stage_complete if callback_type is _DEFAULT else callback_type,
        spec_names.callback_task_id: task_id,
        spec_names.callback_tracks: [callback_track()] if tracks is _DEFAULT else tracks,
    }
    return {
        spec_names.callback_code: code,
        spec_names.callback_msg: "All generated successfully.",
        spec_names.callback_data: data,
    }


def callback(callback_type: Any = _DEFAULT, task_id: Any = "task-1", code: Any = 200, tracks: Any = _DEFAULT) -> bytes:
    return json.dumps(callback_body(callback_type, task_id, code, tracks)).encode()


def _headers() -> tuple[str, str]:
    """The timestamp and signature headers' names."""
    return names().timestamp_header, names().signature_header


def signed(body: bytes, task_id: str = "task-1", timestamp: float | str = NOW, secret: str = SECRET) -> dict[str, str]:
    stamp = timestamp if isinstance(timestamp, str) else str(int(timestamp))
    timestamp_header, signature_header = _headers()
    return {timestamp_header: stamp, signature_header: compute_signature(secret, task_id, stamp)}


# --- the signature scheme ----------------------------------------------------------------------------------------


def test_signature_is_base64_hmac_sha256_of_task_id_dot_timestamp() -> None:
    expected = base64.b64encode(hmac.new(b"k", b"abc.1700000000", hashlib.sha256).digest()).decode()
    assert compute_signature("k", "abc", 1700000000) == compute_signature(b"k", "abc", "1700000000") == expected


def test_a_valid_callback_is_verified_and_decoded() -> None:
    body = callback()
    event = verify_webhook(body, signed(body), secret=SECRET, now=NOW)
    assert event.shape is CallbackShape.CALLBACK
    assert (event.task_id, event.callback_type, event.code) == ("task-1", CallbackType(names().stage_complete), 200)
    assert event.succeeded
    assert not event.failed
    (track,) = event.tracks
    assert isinstance(track, CallbackTrack)
    assert (track.audio_url, track.model_name, track.duration) == (
        "https://cdn.example/a.mp3",
        "chirp-auk-turbo",
        198.44,
    )
    assert event.payload is not None
    assert event.payload.data.task_id == "task-1"


def test_header_names_are_matched_whatever_their_case() -> None:
    body = callback()
    headers = {name.lower(): value for name, value in signed(body).items()}
    assert verify_webhook(body, headers, secret=SECRET, now=NOW).task_id == "task-1"
    assert verify_webhook(body, httpx.Headers(signed(body)), secret=SECRET, now=NOW).task_id == "task-1"


def test_a_forged_signature_is_rejected() -> None:
    body = callback()
    with pytest.raises(WebhookVerificationError, match="does not match"):
        verify_webhook(body, signed(body, secret="not-the-secret"), secret=SECRET, now=NOW)
    signature_header = names().signature_header
    headers = {**signed(body), signature_header: "AAAA" + signed(body)[signature_header][4:]}
    with pytest.raises(WebhookVerificationError, match="does not match"):
        verify_webhook(body, headers, secret=SECRET, now=NOW)


def test_a_signature_for_another_task_is_rejected() -> None:
    """A valid signature replayed with a body naming another task does not verify."""
    body = callback(task_id="task-2")
    with pytest.raises(WebhookVerificationError, match=r"task id \(task-2\)"):
        verify_webhook(body, signed(body, task_id="task-1"), secret=SECRET, now=NOW)


@pytest.mark.parametrize(("age", "word"), [(301, "old"), (86_400, "old"), (-301, "in the future")])
def test_a_timestamp_outside_the_window_is_rejected(age: float, word: str) -> None:
    body = callback()
    with pytest.raises(WebhookVerificationError, match=word):
        verify_webhook(body, signed(body, timestamp=NOW - age), secret=SECRET, now=NOW)


@pytest.mark.parametrize("age", [0, 300, -300, 299])
def test_a_timestamp_within_the_window_is_accepted(age: float) -> None:
    body = callback()
    verify_webhook(body, signed(body, timestamp=NOW - age), secret=SECRET, now=NOW)


def test_the_window_is_configurable() -> None:
    body = callback()
    verify_webhook(body, signed(body, timestamp=NOW - 3000), secret=SECRET, now=NOW, tolerance=3600)
    with pytest.raises(WebhookVerificationError):
        verify_webhook(body, signed(body, timestamp=NOW - 30), secret=SECRET, now=NOW, tolerance=10)


def test_a_timestamp_in_milliseconds_gets_a_hint() -> None:
    body = callback()
    headers = signed(body, timestamp=str(int(NOW * 1000)))
    with pytest.raises(WebhookVerificationError, match="milliseconds"):
        verify_webhook(body, headers, secret=SECRET, now=NOW)


@pytest.mark.parametrize("drop", [(0,), (1,), (0, 1)], ids=["timestamp", "signature", "both"])
def test_missing_headers_are_rejected_by_name(drop: tuple[int, ...]) -> None:
    body = callback()
    dropped = [_headers()[index] for index in drop]
    headers = {name: value for name, value in signed(body).items() if name not in dropped}
    with pytest.raises(WebhookVerificationError, match=re.escape(f"missing header {' and '.join(dropped)}")):
        verify_webhook(body, headers, secret=SECRET, now=NOW)


@pytest.mark.parametrize("stamp", ["", "  ", "yesterday", "nan", "inf"])
def test_a_timestamp_that_is_not_a_time_is_rejected(stamp: str) -> None:
    body = callback()
    with pytest.raises(WebhookVerificationError):
        verify_webhook(body, signed(body, timestamp=stamp), secret=SECRET, now=NOW)


def _no_task_body(kind: str) -> bytes:
    spec_names = names()
    if kind == "empty task id":
        return json.dumps({spec_names.callback_data: {spec_names.callback_task_id: ""}}).encode()
    if kind == "null data":
        return json.dumps({spec_names.callback_data: None}).encode()
    return {"not json": b"not json", "a list": b"[]", "not utf-8": b"\xff"}[kind]


@pytest.mark.parametrize("kind", ["not json", "a list", "null data", "empty task id", "not utf-8"])
def test_a_body_naming_no_task_is_rejected(kind: str) -> None:
    with pytest.raises(WebhookVerificationError):
        verify_webhook(_no_task_body(kind), signed(b"", task_id=""), secret=SECRET, now=NOW)


def test_an_empty_secret_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        verify_webhook(callback(), signed(callback()), secret="", now=NOW)


def test_the_client_verifies_with_its_own_secret() -> None:
    body = callback()
    with SunoClient(api_key=TOKEN, webhook_secret=SECRET) as client:
        assert client.verify_webhook(body, signed(body), now=NOW).task_id == "task-1"
    with SunoClient(api_key=TOKEN) as client, pytest.raises(ConfigurationError, match="webhook_secret"):
        client.verify_webhook(body, signed(body), now=NOW)


# --- decoding both shapes ------------------------------------------------------------------------------------------


def test_text_stage_with_an_empty_track_list() -> None:
    stage = member("stage_text")
    event = parse_callback(callback(stage, tracks=[]))
    assert (event.callback_type, event.tracks, event.succeeded, event.failed) == (CallbackType(stage), (), False, False)


@pytest.mark.parametrize("code", [501, "531", 400, 408, 413])
def test_error_stage_with_null_tracks_is_a_failure(code: Any) -> None:
    event = parse_callback(callback(member("stage_error"), code=code, tracks=None))
    assert event.failed
    assert event.code == int(code)
    assert event.tracks == ()


def test_an_unknown_stage_is_kept_and_a_failed_one_reads_as_failure() -> None:
    event = parse_callback(callback("failed", code=200, tracks=None))
    assert event.callback_type == "failed"
    assert not isinstance(event.callback_type, CallbackType)
    assert event.failed
    assert parse_callback(callback("audio_ready")).callback_type == "audio_ready"


def test_a_callback_without_msg_or_code_still_decodes() -> None:
    spec_names = names()
    body = callback_body(task_id="t-9")
    del body[spec_names.callback_code], body[spec_names.callback_msg]
    event = parse_callback(body)
    stage = CallbackType(spec_names.stage_complete)
    assert (event.task_id, event.code, event.message, event.callback_type) == ("t-9", None, None, stage)
    assert event.payload is None  # not a complete documented payload, but nothing is lost
    assert len(event.tracks) == 1


def test_a_record_info_shaped_success_says_which_shape_it_is(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="suno_api")
    event = parse_callback(load_payload("callback-expected-by-a-client-success.json"))
    assert event.shape is CallbackShape.RECORD_INFO
    assert (event.task_id, event.status, event.callback_type) == ("task-3", TaskStatus(names().status_success), None)
    assert event.succeeded
    assert event.record is not None
    (track,) = event.tracks
    assert isinstance(track, CallbackTrack)  # its keys are snake_case
    assert (track.id, track.audio_url, track.title) == ("audio-1", "https://audio.test/song.mp3", "Song")
    assert any("record-info shaped" in r.getMessage() for r in caplog.records)


def test_a_record_info_shaped_failure_says_which_shape_it_is() -> None:
    event = parse_callback(load_payload("callback-expected-by-a-client-failure.json"))
    assert event.shape is CallbackShape.RECORD_INFO
    assert event.failed
    assert event.record is not None
    assert event.record.error_message_value == "bad request"


def test_a_record_info_shaped_body_with_camel_case_tracks() -> None:
    event = parse_callback(load_payload("record-info-success-live.json"))
    assert event.shape is CallbackShape.RECORD_INFO
    assert all(isinstance(track, RecordTrack) for track in event.tracks)
    assert [track.duration for track in event.tracks] == [119.12, 104.56]


def test_a_record_info_shaped_body_verifies_against_its_task_id() -> None:
    body = json.dumps(load_payload("callback-expected-by-a-client-success.json")).encode()
    assert verify_webhook(body, signed(body, task_id="task-3"), secret=SECRET, now=NOW).task_id == "task-3"


def _shapeless(kind: str) -> tuple[bytes, str]:
    """A body of neither shape, and what the error says about it."""
    spec_names = names()
    stage_only = {spec_names.callback_data: {spec_names.callback_type: spec_names.stage_complete}}
    return {
        "not json": (b"{", "not JSON"),
        "not an object": (b"[1]", "not a JSON object"),
        "data of neither shape": (json.dumps({spec_names.callback_data: {"foo": 1}}).encode(), "neither"),
        "a stage but no task id": (
            json.dumps(stage_only).encode(),
            re.escape(f"no data.{spec_names.callback_task_id}"),
        ),
        "no data": (json.dumps({spec_names.callback_code: 200}).encode(), "neither"),
    }[kind]


@pytest.mark.parametrize(
    "kind", ["not json", "not an object", "data of neither shape", "a stage but no task id", "no data"]
)
def test_bodies_of_neither_shape_raise_a_decode_error(kind: str) -> None:
    body, message = _shapeless(kind)
    with pytest.raises(ResponseDecodeError, match=message):
        parse_callback(body)


# --- the ASGI helper ---------------------------------------------------------------------------------------------


async def post(app: Any, body: bytes, headers: dict[str, str], method: str = "POST") -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    # In-process, so it answers at once; the bound turns a hung app into a failure.
    with anyio.fail_after(30):
        async with httpx.AsyncClient(transport=transport, base_url="http://hooks.test") as http:
            return await http.request(method, "/suno", content=body, headers=headers)


def recording_handler() -> tuple[list[CallbackEvent], Callable[[CallbackEvent], None]]:
    events: list[CallbackEvent] = []
    return events, events.append


@pytest.mark.anyio
async def test_asgi_app_passes_a_verified_event_to_the_handler() -> None:
    events, handler = recording_handler()
    body = callback()
    response = await post(webhook_asgi_app(handler, secret=SECRET), body, signed(body, timestamp=time.time()))
    assert response.status_code == 200
    assert response.json() == {"ok": True, "task_id": "task-1"}
    assert [event.task_id for event in events] == ["task-1"]


@pytest.mark.anyio
async def test_asgi_app_awaits_an_async_handler() -> None:
    events: list[CallbackEvent] = []

    async def handler(event: CallbackEvent) -> None:
        events.append(event)

    body = callback()
    response = await post(webhook_asgi_app(handler, secret=SECRET), body, signed(body, timestamp=time.time()))
    assert response.status_code == 200
    assert len(events) == 1


@pytest.mark.anyio
async def test_asgi_app_rejects_a_forged_callback_without_calling_the_handler() -> None:
    events, handler = recording_handler()
    body = callback()
    response = await post(
        webhook_asgi_app(handler, secret=SECRET), body, signed(body, timestamp=time.time(), secret="forged")
    )
    assert response.status_code == 401
    assert "does not match" in response.json()["error"]  # spec-literal: our receiver's JSON answer, not the stage
    assert events == []


@pytest.mark.anyio
async def test_asgi_app_rejects_a_stale_callback() -> None:
    events, handler = recording_handler()
    body = callback()
    response = await post(webhook_asgi_app(handler, secret=SECRET), body, signed(body, timestamp=time.time() - 10**6))
    assert response.status_code == 401
    assert events == []


@pytest.mark.anyio
async def test_asgi_app_answers_other_methods_with_405() -> None:
    response = await post(webhook_asgi_app(lambda event: None, secret=SECRET), b"", {}, method="GET")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


@pytest.mark.anyio
async def test_asgi_app_refuses_oversized_bodies() -> None:
    app = webhook_asgi_app(lambda event: None, secret=SECRET, max_body_bytes=100)
    response = await post(app, b"x" * 101, {})
    assert response.status_code == 413


@pytest.mark.anyio
async def test_asgi_app_answers_500_when_the_handler_fails(caplog: pytest.LogCaptureFixture) -> None:
    def handler(event: CallbackEvent) -> None:
        raise RuntimeError("database down")

    body = callback()
    response = await post(webhook_asgi_app(handler, secret=SECRET), body, signed(body, timestamp=time.time()))
    assert response.status_code == 500
    assert "database down" not in response.text
    assert any("handler failed" in r.getMessage() for r in caplog.records)


@pytest.mark.anyio
async def test_asgi_app_handles_lifespan() -> None:
    app = webhook_asgi_app(lambda event: None, secret=SECRET)
    incoming = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    run: Callable[..., Awaitable[None]] = app
    await run({"type": "lifespan"}, receive, send)
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def test_asgi_app_needs_a_secret() -> None:
    with pytest.raises(ConfigurationError):
        webhook_asgi_app(lambda event: None, secret="")
