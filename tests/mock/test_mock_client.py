"""The overlay client against the served mock: the full lifecycle, every error typed, retries, the submit guard."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import anyio
import pytest

from suno_api import (
    APITimeoutError,
    AsyncSunoClient,
    AuthenticationError,
    ConflictError,
    InsufficientCreditsError,
    MaintenanceError,
    NotFoundError,
    RateLimitError,
    RequestRejectedError,
    ResponseDecodeError,
    ServerError,
    SourceAudioFetchError,
    SubmitOutcomeUnknownError,
    SunoClient,
    TaskFailedError,
    UnknownAPIError,
    verify_webhook,
)
from suno_api.spec import names
from suno_conformance.mock import MockApp, MockServer, VirtualClock
from tests.mock.mock_support import KEY, WEBHOOK_KEY, Receiver, settings, stages, valid_body
from tests.spec_support import member

STYLES = ["upstream", "status"]


class FakeTimer:
    """The mock's rate-limiter clock, moved by the client's sleeps: retries without real waiting."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def served(serve: Callable[..., MockServer]) -> Callable[..., MockServer]:
    """Serve a mock on a frozen clock with the tests' settings; ``**changes`` tweak the settings."""

    def start(*, timer: Callable[[], float] | None = None, **changes: Any) -> MockServer:
        extra: dict[str, Any] = {} if timer is None else {"timer": timer}
        return serve(mock=MockApp(settings(**changes), clock=VirtualClock(frozen=True), **extra))

    return start


@pytest.fixture
def clients() -> Iterator[Callable[..., SunoClient]]:
    """Build sync clients (no sleeping unless told otherwise); all are closed when the test ends."""
    made: list[SunoClient] = []

    def make(server: MockServer, **options: Any) -> SunoClient:
        options.setdefault("api_key", KEY)
        options.setdefault("sleep", lambda _: None)
        client = SunoClient(base_url=server.url, **options)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


# -------------------------------------------------------------------------------------------------- lifecycle


def test_the_full_lifecycle(
    served: Callable[..., MockServer], clients: Callable[..., SunoClient], receiver: Receiver
) -> None:
    """submit, wait through every stage, and receive three signed callbacks that verify_webhook accepts."""
    server = served()
    client = clients(server, webhook_secret=WEBHOOK_KEY, sleep=lambda _: server.advance(2))
    statuses: list[str | None] = []
    task_id = client.submit(valid_body(callback_url=receiver.url))
    record = client.wait(task_id, timeout=60, on_progress=lambda r: statuses.append(r.status_name))
    server.drain()
    roles = ("status_pending", "status_text_success", "status_first_success", "status_success")
    assert statuses == [member(role) for role in roles]
    assert record.succeeded
    assert len(record.tracks) == 2
    events = [verify_webhook(item.body, item.headers, secret=WEBHOOK_KEY) for item in receiver.wait_for(3)]
    assert [str(event.callback_type) for event in events] == stages("stage_text", "stage_first", "stage_complete")
    assert {event.task_id for event in events} == {task_id}
    assert [track.audio_url for track in events[-1].tracks] == [track.audio_url for track in record.tracks]
    assert client.verify_webhook(receiver.received[0].body, receiver.received[0].headers).task_id == task_id


@pytest.mark.anyio
async def test_the_async_lifecycle(served: Callable[..., MockServer], receiver: Receiver) -> None:
    """The async client goes through the same lifecycle."""
    server = served()

    async def sleep(_: float) -> None:
        await anyio.to_thread.run_sync(server.advance, 2)

    with anyio.fail_after(60):
        async with AsyncSunoClient(api_key=KEY, base_url=server.url, sleep=sleep) as client:
            task_id = await client.submit(valid_body(callback_url=receiver.url))
            record = await client.wait(task_id, timeout=60)
        await anyio.to_thread.run_sync(server.drain)
    assert record.succeeded
    types = [item.json()["data"][names().callback_type] for item in receiver.wait_for(3)]
    assert types == stages("stage_text", "stage_first", "stage_complete")


@pytest.mark.parametrize(
    ("role", "error_code"),
    [("status_generate_audio_failed", 501), ("status_sensitive_word_error", 400), ("pending_with_error", 501)],
)
def test_failed_tasks_raise_task_failed(
    served: Callable[..., MockServer], clients: Callable[..., SunoClient], role: str, error_code: int
) -> None:
    """A task that fails (even while still PENDING) makes wait() raise TaskFailedError with its code."""
    if role == "pending_with_error":
        status = member("status_pending")
        outcome = f"{status}_WITH_ERROR"
    else:
        status = outcome = member(role)
    server = served()
    client = clients(server, sleep=lambda _: server.advance(2))
    task_id = client.submit(valid_body({names().prompt: f"la la [mock:{outcome}]"}))
    with pytest.raises(TaskFailedError) as raised:
        client.wait(task_id, timeout=60)
    assert (raised.value.task_id, str(raised.value.status), raised.value.error_code) == (task_id, status, error_code)


# --------------------------------------------------------------------------------------------------- errors


def _arm(server: MockServer, fault: str) -> None:
    server.mock.arm_fault(fault, route="record-info")


ERRORS: list[tuple[int, type[Exception], Callable[[MockServer], None]]] = [
    (401, AuthenticationError, lambda server: None),  # the client below uses a wrong key
    (404, NotFoundError, lambda server: None),
    (409, ConflictError, lambda server: _arm(server, "409")),
    (422, RequestRejectedError, lambda server: _arm(server, "422")),
    (429, RateLimitError, lambda server: _arm(server, "429")),
    (451, SourceAudioFetchError, lambda server: _arm(server, "451")),
    (455, MaintenanceError, lambda server: setattr(server.mock, "maintenance", True)),
    (500, ServerError, lambda server: _arm(server, "500")),
    (499, UnknownAPIError, lambda server: _arm(server, "499")),  # a code no document lists
]


@pytest.mark.parametrize("error_style", STYLES)
@pytest.mark.parametrize("case", ERRORS, ids=[str(code) for code, _, _ in ERRORS])
def test_every_error_code_reaches_the_client_typed(
    served: Callable[..., MockServer],
    clients: Callable[..., SunoClient],
    error_style: str,
    case: tuple[int, type[Exception], Callable[[MockServer], None]],
) -> None:
    """Each error code the mock answers becomes its own exception class, in both error styles."""
    code, error, arrange = case
    server = served(error_style=error_style)
    arrange(server)
    client = clients(server, api_key="wrong-key" if code == 401 else KEY, max_retries=0)
    with pytest.raises(error) as raised:
        client.get_record("e" * 32)
    assert getattr(raised.value, "code", None) == code
    assert getattr(raised.value, "http_status", None) == (code if error_style == "status" else 200)


@pytest.mark.parametrize("error_style", STYLES)
def test_a_submit_beyond_the_credits(
    served: Callable[..., MockServer], clients: Callable[..., SunoClient], error_style: str
) -> None:
    """402 reaches submit() as InsufficientCreditsError, and nothing was created."""
    server = served(error_style=error_style, credits=0)
    with pytest.raises(InsufficientCreditsError):
        clients(server).submit(valid_body())
    assert server.mock.tasks == {}


@pytest.mark.parametrize("error_style", STYLES)
def test_a_rejected_submit(
    served: Callable[..., MockServer], clients: Callable[..., SunoClient], error_style: str
) -> None:
    """A 422 from the service (here injected: the client validates first) is RequestRejectedError, not resent."""
    server = served(error_style=error_style)
    server.mock.arm_fault("422", route="submit")
    with pytest.raises(RequestRejectedError):
        clients(server).submit(valid_body())
    assert [record.route for record in server.mock.requests] == ["submit"]


# --------------------------------------------------------------------------------------------------- retries


@pytest.mark.parametrize("error_style", STYLES)
def test_retries_honour_retry_after_from_the_limiter(
    served: Callable[..., MockServer], clients: Callable[..., SunoClient], error_style: str
) -> None:
    """Beyond the rate limit the client sleeps what Retry-After says, then succeeds."""
    timer = FakeTimer()
    server = served(error_style=error_style, rate_limit=1, rate_burst=1, timer=timer)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        timer.now += seconds

    client = clients(server, sleep=sleep)
    task_id = client.submit(valid_body())  # takes the only token
    assert client.get_record(task_id).status_name == names().status_pending  # 429, sleeps 1 s, then succeeds
    assert slept == [1.0]
    assert [(record.route, record.code) for record in server.mock.requests] == [
        ("submit", 200),
        ("record-info", 429),
        ("record-info", 200),
    ]


def test_retries_against_the_limiter_in_real_time(
    served: Callable[..., MockServer], clients: Callable[..., SunoClient]
) -> None:
    """With real sleeping and the real clock, a 429 is waited out and the submit goes through, once."""
    server = served(rate_limit=2, rate_burst=1)
    client = clients(server, sleep=None)
    task_ids = [client.submit(valid_body()) for _ in range(2)]  # the second one gets 429 first, then waits
    assert len(set(task_ids)) == 2
    codes = [record.code for record in server.mock.requests]
    assert codes.count(200) == 2
    assert codes.count(429) >= 1
    assert len(server.mock.tasks) == 2


def test_a_read_is_retried_after_a_server_error(
    served: Callable[..., MockServer], clients: Callable[..., SunoClient]
) -> None:
    """record-info is safe to repeat: a 500 then a success gives the record."""
    server = served()
    client = clients(server)
    task_id = client.submit(valid_body())
    server.mock.arm_fault("500", route="record-info")
    assert client.get_record(task_id).task_id == task_id
    assert [record.code for record in server.mock.requests if record.route == "record-info"] == [500, 200]


# ------------------------------------------------------------------------------------- the duplicate-submit guard


@pytest.mark.parametrize("fault", ["drop-connection", "500", "malformed-json"])
def test_a_submit_with_an_unknown_outcome_is_not_resent(
    served: Callable[..., MockServer], clients: Callable[..., SunoClient], fault: str
) -> None:
    """The mock took the submit, the answer was lost: SubmitOutcomeUnknownError, and no second submit."""
    server = served()
    server.mock.arm_fault(fault, route="submit", times=5)
    client = clients(server, max_retries=3)
    with pytest.raises(SubmitOutcomeUnknownError) as raised:
        client.submit(valid_body())
    assert raised.value.attempts == 1
    submits = [record for record in server.mock.requests if record.route == "submit"]
    assert [(record.code, record.fault) for record in submits] == [(500 if fault == "500" else 200, fault)]
    assert len(server.mock.tasks) == (0 if fault == "500" else 1)


def test_opting_in_resends_the_submit(served: Callable[..., MockServer], clients: Callable[..., SunoClient]) -> None:
    """With retry_submit=True the client resends after a dropped connection: two tasks, as documented."""
    server = served()
    server.mock.arm_fault("drop-connection", route="submit")
    task_id = clients(server, retry_submit=True).submit(valid_body())
    assert len(server.mock.tasks) == 2
    assert task_id in server.mock.tasks


def test_a_connection_dropped_before_processing_is_still_unknown_to_the_client(
    served: Callable[..., MockServer], clients: Callable[..., SunoClient]
) -> None:
    """The client cannot tell 'before' from 'after': it raises the same error, and the mock created nothing."""
    server = served()
    server.mock.arm_fault("drop-connection=before", route="submit")
    with pytest.raises(SubmitOutcomeUnknownError):
        clients(server).submit(valid_body())
    assert server.mock.tasks == {}


def test_a_slow_answer_times_out(served: Callable[..., MockServer], clients: Callable[..., SunoClient]) -> None:
    """A delay longer than the client's timeout is APITimeoutError on a read."""
    server = served()
    server.mock.arm_fault("delay=0.5", route="record-info")
    with pytest.raises(APITimeoutError):
        clients(server, timeout=0.1, max_retries=0).get_record("e" * 32)


def test_an_unreadable_record_is_a_decode_error(
    served: Callable[..., MockServer], clients: Callable[..., SunoClient]
) -> None:
    """malformed-json on record-info reaches the client as ResponseDecodeError."""
    server = served()
    client = clients(server)
    task_id = client.submit(valid_body())
    server.mock.arm_fault("malformed-json", route="record-info")
    with pytest.raises(ResponseDecodeError):
        client.get_record(task_id)
