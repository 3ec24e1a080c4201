"""AsyncSunoClient: the same behaviour as the sync client, awaited (anyio; no real sleeping)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import anyio
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
from suno_api.spec import names
from tests.bodies import custom_body
from tests.client.client_support import TOKEN, FakeTime, Recorder, code, envelope, record, respond, submitted
from tests.spec_support import present

MakeAsync = Callable[..., AsyncSunoClient]
pytestmark = pytest.mark.anyio
# Fake time never really sleeps: the bound is for a wait that never ends (a status the client cannot read).
BOUND = 30


def _success() -> str:
    return names().status_success


async def test_submit_then_wait_with_an_async_progress_callback(
    make_async_client: MakeAsync, fake_time: FakeTime
) -> None:
    spec_names = names()
    # The intermediate statuses upstream still documents, in the order a task goes through them.
    steps = present("status_pending", "status_text_success", "status_first_success")
    tracks = {spec_names.response_tracks: [{spec_names.track_id: "a"}]}
    recorder = Recorder(
        respond(submitted()),
        *(respond(record(step)) for step in steps),
        respond(record(_success(), extra={spec_names.record_response: tracks})),
    )
    seen: list[str | None] = []

    async def progress(current: TaskRecord) -> None:
        seen.append(current.status_name)

    with anyio.fail_after(BOUND):
        async with make_async_client(recorder) as client:
            final = await client.extend(custom_body(), on_progress=progress)
    assert final.succeeded
    assert [track.id for track in final.tracks] == ["a"]
    assert seen == [*steps, _success()]
    assert fake_time.sleeps == list(itertools.islice(PollSchedule().intervals(), len(steps)))


async def test_a_sync_progress_callback_works_too(make_async_client: MakeAsync) -> None:
    seen: list[str | None] = []
    with anyio.fail_after(BOUND):
        async with make_async_client(Recorder(respond(record(_success())))) as client:
            await client.wait("task-1", on_progress=lambda r: seen.append(r.status_name))
    assert seen == [_success()]


async def test_invalid_bodies_are_never_sent(make_async_client: MakeAsync) -> None:
    recorder = Recorder(respond(submitted("t")))
    async with make_async_client(recorder) as client:
        with pytest.raises(ValidationError):
            await client.submit(custom_body({names().title: ""}))
    assert recorder.count == 0


async def test_retry_after_is_honoured(make_async_client: MakeAsync, fake_time: FakeTime) -> None:
    recorder = Recorder(
        respond(envelope(code("code_rate_limited"), "slow"), status=429, headers={"Retry-After": "4"}),
        respond(record(_success())),
    )
    async with make_async_client(recorder) as client:
        await client.get_record("task-1")
    assert fake_time.sleeps == [4.0]
    assert recorder.count == 2


async def test_retries_are_bounded(make_async_client: MakeAsync) -> None:
    recorder = Recorder(respond(envelope(code("code_maintenance"), "maintenance")))
    async with make_async_client(recorder, max_retries=1) as client:
        with pytest.raises(MaintenanceError):
            await client.get_record("task-1")
    assert recorder.count == 2


async def test_a_submit_that_may_have_landed_is_not_resent(make_async_client: MakeAsync) -> None:
    recorder = Recorder(httpx.ReadTimeout("slow"), respond(submitted("t")))
    async with make_async_client(recorder) as client:
        with pytest.raises(SubmitOutcomeUnknownError) as raised:
            await client.submit(custom_body())
    assert isinstance(raised.value.cause, APITimeoutError)
    assert recorder.count == 1


async def test_a_submit_that_did_not_leave_is_resent(make_async_client: MakeAsync) -> None:
    recorder = Recorder(httpx.ConnectError("refused"), respond(submitted("t")))
    async with make_async_client(recorder) as client:
        assert await client.submit(custom_body()) == "t"
    assert recorder.count == 2


async def test_opting_in_resends_an_uncertain_submit(make_async_client: MakeAsync) -> None:
    recorder = Recorder(httpx.ReadTimeout("slow"), respond(submitted("t")))
    async with make_async_client(recorder, retry_submit=True) as client:
        assert await client.submit(custom_body()) == "t"


async def test_pending_with_an_error_code_fails(make_async_client: MakeAsync) -> None:
    answer = record(extra={names().record_error_code: 413})
    with anyio.fail_after(BOUND):
        async with make_async_client(Recorder(respond(answer))) as client:
            with pytest.raises(TaskFailedError) as raised:
                await client.wait("task-1")
    assert raised.value.error_code == 413


async def test_the_deadline_is_honoured(make_async_client: MakeAsync, fake_time: FakeTime) -> None:
    with anyio.fail_after(BOUND):
        async with make_async_client(Recorder(respond(record()))) as client:
            with pytest.raises(WaitTimeoutError):
                await client.wait("task-1", timeout=30)
    assert sum(fake_time.sleeps) == pytest.approx(30)


async def test_both_error_styles_give_the_same_class(make_async_client: MakeAsync) -> None:
    for answer in (
        respond(envelope(code("code_rate_limited"), "slow")),
        respond(envelope(code("code_rate_limited"), "slow"), status=429),
        respond(b"", status=429),
    ):
        async with make_async_client(Recorder(answer), max_retries=0) as client:
            with pytest.raises(RateLimitError):
                await client.get_record("task-1")


async def test_with_options_copy_shares_the_pool_and_does_not_close_it(make_async_client: MakeAsync) -> None:
    recorder = Recorder(respond(record(_success())))
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
    recorder = Recorder(respond(record()), respond(record(_success())))
    client = AsyncSunoClient(api_key=TOKEN, transport=httpx.MockTransport(recorder), poll=None)
    with anyio.fail_after(BOUND):
        async with client.with_options(poll=PollSchedule(initial=0.001, maximum=0.001)) as fast:
            assert (await fast.wait("task-1")).succeeded
    await client.close()
