"""Type-checked by ``mypy --strict`` (``make typecheck``), never run: the public API as users write it.

Each ``# type: ignore[code]`` marks a misuse that must stay a type error; with ``warn_unused_ignores`` (strict)
mypy fails if one of them starts type-checking, i.e. if the API became looser.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

import httpx

from suno_api import (
    APIError,
    AsyncSunoClient,
    CallbackEvent,
    CallbackShape,
    CallbackTrack,
    CallbackType,
    DownloadError,
    GenerationRefusedError,
    PollSchedule,
    RateLimitError,
    RecordTrack,
    SubmitOutcomeUnknownError,
    SunoClient,
    SunoError,
    SunoModel,
    TaskFailedError,
    TaskRecord,
    TaskStatus,
    UploadExtendRequest,
    ValidationError,
    Violation,
    WaitTimeoutError,
    error_from_response,
    excerpt,
    find_violations,
    is_loopback_host,
    parse_callback,
    parse_record_info,
    redact,
    validate_upload_extend,
    verify_webhook,
    webhook_asgi_app,
)
from suno_api.spec import SpecNames, names


def body() -> dict[str, Any]:
    """A default-mode body keyed by the spec's own spellings: each role of names() is a plain str."""
    spec_names: SpecNames = names()
    return {
        spec_names.upload_url: "https://storage.example.com/song.mp3",
        spec_names.default_param_flag: False,
        spec_names.instrumental: True,
        spec_names.continue_at: 30,
        spec_names.model: spec_names.model_v4_5,
        spec_names.callback_url: "https://hooks.example.com/suno",
    }


def show(record: TaskRecord) -> None:
    print(record.status_name)


def sync_usage() -> None:
    with SunoClient(timeout=60, max_retries=3, poll=PollSchedule(initial=5)) as client:
        task_id: str = client.submit(body(), audio_duration=95.0)
        record: TaskRecord = client.wait(task_id, timeout=900, on_progress=show)
        tracks: list[RecordTrack] = record.tracks
        urls = [track.audio_url for track in tracks]
        status: TaskStatus | None = record.known_status
        name: str | None = record.status_name
        request: dict[str, Any] | None = record.original_request
        done: bool = record.succeeded or record.failed
        print(urls, status, name, request, done)
        slow: SunoClient = client.with_options(timeout=httpx.Timeout(120, connect=5), retry_submit=True)
        again: TaskRecord = slow.get_record(task_id)
        extended: TaskRecord = client.extend(UploadExtendRequest.from_dict(body()), audio_file="song.mp3")
        print(again, extended, client.base_url, client.max_retries)
        client.submit(42)  # type: ignore[arg-type]
        client.with_options(unknown_option=1)  # type: ignore[call-arg]


def errors_usage(client: SunoClient) -> None:
    try:
        client.submit(body())
    except ValidationError as error:
        violations: tuple[Violation, ...] = error.violations
        print([(v.field, v.rule_id, v.message) for v in violations], error.rule_ids)
    except SubmitOutcomeUnknownError as error:
        cause: SunoError = error.cause
        print(cause, error.attempts)
    except GenerationRefusedError as error:
        refused: int = error.code
        print(refused)
    except RateLimitError as error:
        wait: float | None = error.retry_after
        print(wait)
    except APIError as error:
        code: int = error.code
        http_status: int = error.http_status
        task: str | None = error.task_id
        print(code, http_status, task, error.message)
    try:
        client.wait("task-1")
    except TaskFailedError as error:
        print(error.task_id, error.status, error.error_code, error.error_message)
    except WaitTimeoutError as error:
        print(error.last_status, error.timeout)
    mapped: APIError | None = error_from_response(200, {"code": 455, "msg": "maintenance"})
    print(mapped)


async def async_usage() -> None:
    async with AsyncSunoClient(api_key="sk-...", base_url="http://127.0.0.1:8080") as client:
        task_id: str = await client.submit(body())

        async def progress(record: TaskRecord) -> None:
            print(record.status_name)

        record: TaskRecord = await client.wait(task_id, on_progress=progress)
        also: TaskRecord = await client.with_options(max_retries=0).get_record(task_id)
        print(record, also)
        await client.close()
        forgot_await = client.wait(task_id).tracks  # type: ignore[attr-defined]
        print(forgot_await)


def validation_usage() -> None:
    validate_upload_extend(body(), audio_duration=100.0)
    problems: list[Violation] = find_violations(UploadExtendRequest.from_dict(body()))
    print(problems, SunoModel(names().model_v5))


def webhook_usage(body: bytes, headers: Mapping[str, str]) -> None:
    event: CallbackEvent = verify_webhook(body, headers, secret="whsec", tolerance=120)
    if event.shape is CallbackShape.CALLBACK and event.callback_type == CallbackType(names().stage_complete):
        for track in event.tracks:
            audio: object = track.audio_url
            print(audio)
    tracks: tuple[CallbackTrack | RecordTrack, ...] = parse_callback(body).tracks
    record: TaskRecord = parse_record_info(body, task_id="task-1")
    print(tracks, record, event.succeeded, event.failed, event.record, event.payload)
    verify_webhook(body, headers)  # type: ignore[call-arg]


def asgi_usage() -> Callable[[MutableMapping[str, Any], Any, Any], Awaitable[None]]:
    def on_sync(event: CallbackEvent) -> None:
        print(event.task_id)

    async def on_async(event: CallbackEvent) -> None:
        print(event.task_id)

    webhook_asgi_app(on_async, secret="whsec")
    return webhook_asgi_app(on_sync, secret="whsec", max_body_bytes=65_536)


def redaction_usage(text: str, secrets: list[str]) -> None:
    shown: str = redact(text, secrets)
    short: str = excerpt(text, (secret for secret in secrets), 200)
    local: bool = is_loopback_host("[::ffff:127.0.0.1]")
    download_failed: type[SunoError] = DownloadError
    print(shown, short, local, download_failed)
    redact(text, "a-single-secret")  # a bare string is one secret, not one per character
    excerpt(text, secrets)  # type: ignore[call-arg]
    is_loopback_host(b"127.0.0.1")  # type: ignore[arg-type]
