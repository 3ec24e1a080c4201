"""AsyncSunoClient: the same behaviour as the sync client, awaited (anyio; no real sleeping)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from suno_api import (
    APITimeoutError,
    AsyncSunoClient,
    ConfigurationError,
    MaintenanceError,
    PollSchedule,
    RateLimitError,
    SubmitOutcomeUnknownError,
    TaskFailedError,
    TaskRecord,
    ValidationError,
    WaitTimeoutError,
)
from tests.bodies import custom_body
from tests.client.client_support import TOKEN, FakeTime, Recorder, envelope, record, respond

MakeAsync = Callable[..., AsyncSunoClient]
pytestmark = pytest.mark.anyio


async def test_submit_then_wait_with_an_async_progress_callback(
    make_async_client: MakeAsync, fake_time: FakeTime
) -> None:
    recorder = Recorder(
        respond(envelope(data={"taskId": "task-1"})),
        respond(record("PENDING")),
        respond(record("FIRST_SUCCESS")),
        respond(record("SUCCESS", response={"sunoData": [{"id": "a"}]})),
    )
    seen: list[str | None] = []

    async def progress(current: TaskRecord) -> None:
        seen.append(current.status_name)

    async with make_async_client(recorder) as client:
        final = await client.extend(custom_body(), on_progress=progress)
    assert final.succeeded
    assert [track.id for track in final.tracks] == ["a"]
    assert seen == ["PENDING", "FIRST_SUCCESS", "SUCCESS"]
    assert fake_time.sleeps == [2.0, 3.0]


async def test_a_sync_progress_callback_works_too(make_async_client: MakeAsync) -> None:
    seen: list[str | None] = []
    async with make_async_client(Recorder(respond(record("SUCCESS")))) as client:
        await client.wait("task-1", on_progress=lambda r: seen.append(r.status_name))
    assert seen == ["SUCCESS"]


async def test_invalid_bodies_are_never_sent(make_async_client: MakeAsync) -> None:
    recorder = Recorder(respond(envelope(data={"taskId": "t"})))
    async with make_async_client(recorder) as client:
        with pytest.raises(ValidationError):
            await client.submit(custom_body(title=""))
    assert recorder.count == 0


async def test_retry_after_is_honoured(make_async_client: MakeAsync, fake_time: FakeTime) -> None:
    recorder = Recorder(
        respond(envelope(429, "slow"), status=429, headers={"Retry-After": "4"}), respond(record("SUCCESS"))
    )
    async with make_async_client(recorder) as client:
        await client.get_record("task-1")
    assert fake_time.sleeps == [4.0]
    assert recorder.count == 2


async def test_retries_are_bounded(make_async_client: MakeAsync) -> None:
    recorder = Recorder(respond(envelope(455, "maintenance")))
    async with make_async_client(recorder, max_retries=1) as client:
        with pytest.raises(MaintenanceError):
            await client.get_record("task-1")
    assert recorder.count == 2


async def test_a_submit_that_may_have_landed_is_not_resent(make_async_client: MakeAsync) -> None:
    recorder = Recorder(httpx.ReadTimeout("slow"), respond(envelope(data={"taskId": "t"})))
    async with make_async_client(recorder) as client:
        with pytest.raises(SubmitOutcomeUnknownError) as raised:
            await client.submit(custom_body())
    assert isinstance(raised.value.cause, APITimeoutError)
    assert recorder.count == 1


async def test_a_submit_that_did_not_leave_is_resent(make_async_client: MakeAsync) -> None:
    recorder = Recorder(httpx.ConnectError("refused"), respond(envelope(data={"taskId": "t"})))
    async with make_async_client(recorder) as client:
        assert await client.submit(custom_body()) == "t"
    assert recorder.count == 2


async def test_opting_in_resends_an_uncertain_submit(make_async_client: MakeAsync) -> None:
    recorder = Recorder(httpx.ReadTimeout("slow"), respond(envelope(data={"taskId": "t"})))
    async with make_async_client(recorder, retry_submit=True) as client:
        assert await client.submit(custom_body()) == "t"


async def test_pending_with_an_error_code_fails(make_async_client: MakeAsync) -> None:
    async with make_async_client(Recorder(respond(record("PENDING", errorCode=413)))) as client:
        with pytest.raises(TaskFailedError) as raised:
            await client.wait("task-1")
    assert raised.value.error_code == 413


async def test_the_deadline_is_honoured(make_async_client: MakeAsync, fake_time: FakeTime) -> None:
    async with make_async_client(Recorder(respond(record("PENDING")))) as client:
        with pytest.raises(WaitTimeoutError):
            await client.wait("task-1", timeout=30)
    assert sum(fake_time.sleeps) == pytest.approx(30)


async def test_both_error_styles_give_the_same_class(make_async_client: MakeAsync) -> None:
    for answer in (
        respond(envelope(429, "slow")),
        respond(envelope(429, "slow"), status=429),
        respond(b"", status=429),
    ):
        async with make_async_client(Recorder(answer), max_retries=0) as client:
            with pytest.raises(RateLimitError):
                await client.get_record("task-1")


async def test_with_options_copy_shares_the_pool_and_does_not_close_it(make_async_client: MakeAsync) -> None:
    recorder = Recorder(respond(record("SUCCESS")))
    client = make_async_client(recorder)
    copy = client.with_options(timeout=99)
    await copy.get_record("task-1")
    await copy.close()
    await client.get_record("task-1")
    assert [r.extensions["timeout"]["read"] for r in recorder.requests] == [99, 30.0]
    await client.close()
    with pytest.raises(ConfigurationError, match="closed"):
        await copy.get_record("task-1")
    assert TOKEN not in repr(copy)


async def test_the_default_sleep_is_anyio_and_the_default_clock_is_monotonic() -> None:
    """Without injected hooks the async client still works (real but zero-length sleeps)."""
    recorder = Recorder(respond(record("PENDING")), respond(record("SUCCESS")))
    client = AsyncSunoClient(api_key=TOKEN, transport=httpx.MockTransport(recorder), poll=None)
    async with client.with_options(poll=PollSchedule(initial=0.001, maximum=0.001)) as fast:
        assert (await fast.wait("task-1")).succeeded
    await client.close()
