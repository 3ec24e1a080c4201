"""Retries: backoff with jitter, Retry-After honoured, bounded; a submit is never resent when it may have landed."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable

import httpx
import pytest

from suno_api import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    MaintenanceError,
    RateLimitError,
    RequestRejectedError,
    ResponseDecodeError,
    ServerError,
    SubmitOutcomeUnknownError,
    SunoClient,
)
from suno_api.spec import names
from tests.bodies import custom_body
from tests.client.client_support import FakeTime, Handler, Recorder, code, coded, envelope, record, respond, submitted
from tests.spec_support import present


def ok_record() -> httpx.Response:
    return respond(record(names().status_success))


def ok_submit() -> httpx.Response:
    return respond(submitted())


def server_error() -> httpx.Response:
    return respond(envelope(code("code_server_error"), "internal"), status=500)


# --- reads are retried freely ---------------------------------------------------------------------------------


def test_read_is_retried_with_exponential_backoff_and_jitter(
    make_client: Callable[..., SunoClient], fake_time: FakeTime
) -> None:
    recorder = Recorder(server_error(), server_error(), ok_record())
    assert make_client(recorder).get_record("task-1").succeeded
    assert recorder.count == 3
    first, second = fake_time.sleeps
    # tenacity's wait_exponential_jitter: 0.5 s then 1 s, each plus up to 0.5 s of jitter.
    assert 0.5 <= first <= 1.0
    assert 1.0 <= second <= 1.5


@pytest.mark.parametrize(
    "failure",
    [
        coded("code_rate_limited", "slow down"),
        coded("code_maintenance", "maintenance"),
        coded("code_server_error", "internal"),
        respond(b"<html>bad gateway</html>", status=502),
        respond(b"", status=503),
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("peer closed connection"),
    ],
    ids=["429", "455", "500-envelope", "502", "503", "connect-error", "read-timeout", "dropped"],
)
def test_read_is_retried_on_transient_failures(
    failure: httpx.Response | Exception | Handler, make_client: Callable[..., SunoClient]
) -> None:
    recorder = Recorder(failure, ok_record())
    assert make_client(recorder).get_record("task-1").succeeded
    assert recorder.count == 2


FINAL = [
    *map(
        int,
        present(
            "code_unauthorized",
            "code_insufficient_credits",
            "code_not_found",
            "code_conflict",
            "code_validation_error",
            "code_fetch_failed",
        ),
    ),
    501,  # refusals upstream documents outside the enum (spec/ERRATA.md E-17)
    531,
]
"""Answer codes that a retry would not change."""


@pytest.mark.parametrize("final", FINAL)
def test_answers_that_would_not_change_are_not_retried(final: int, make_client: Callable[..., SunoClient]) -> None:
    recorder = Recorder(respond(envelope(final, "no")), ok_record())
    with pytest.raises(APIError) as raised:
        make_client(recorder).get_record("task-1")
    assert raised.value.code == final
    assert recorder.count == 1


def test_retries_are_bounded_by_max_retries(make_client: Callable[..., SunoClient], fake_time: FakeTime) -> None:
    recorder = Recorder(server_error())
    with pytest.raises(ServerError):
        make_client(recorder, max_retries=4).get_record("task-1")
    assert recorder.count == 5
    assert len(fake_time.sleeps) == 4
    assert all(sleep <= 8.5 for sleep in fake_time.sleeps)  # capped at 8 s plus jitter


def test_max_retries_zero_means_one_attempt(make_client: Callable[..., SunoClient], fake_time: FakeTime) -> None:
    recorder = Recorder(httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError):
        make_client(recorder, max_retries=0).get_record("task-1")
    assert recorder.count == 1
    assert fake_time.sleeps == []


def test_persistent_timeouts_end_in_a_timeout_error(make_client: Callable[..., SunoClient]) -> None:
    recorder = Recorder(httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError) as raised:
        make_client(recorder).get_record("task-1")
    assert raised.value.maybe_sent
    assert isinstance(raised.value, TimeoutError)
    assert recorder.count == 3


# --- Retry-After ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "expected"), [("7", 7.0), ("0", 0.0), ("2.5", 2.5)])
def test_retry_after_seconds_are_honoured_exactly(
    header: str, expected: float, make_client: Callable[..., SunoClient], fake_time: FakeTime
) -> None:
    recorder = Recorder(
        respond(envelope(code("code_rate_limited"), "slow down"), status=429, headers={"Retry-After": header}),
        ok_record(),
    )
    make_client(recorder).get_record("task-1")
    assert fake_time.sleeps == [expected]


def test_retry_after_as_an_http_date_is_honoured(make_client: Callable[..., SunoClient], fake_time: FakeTime) -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    recorder = Recorder(
        respond(envelope(code("code_rate_limited"), "slow down"), status=429, headers={"Retry-After": when}),
        ok_record(),
    )
    make_client(recorder).get_record("task-1")
    (slept,) = fake_time.sleeps
    assert 25 <= slept <= 31


def test_retry_after_on_a_maintenance_answer_is_honoured(
    make_client: Callable[..., SunoClient], fake_time: FakeTime
) -> None:
    recorder = Recorder(
        respond(envelope(code("code_maintenance"), "maintenance"), headers={"retry-after": "12"}), ok_record()
    )
    make_client(recorder).get_record("task-1")
    assert fake_time.sleeps == [12.0]


def test_rate_limit_in_a_200_envelope_without_header_backs_off(
    make_client: Callable[..., SunoClient], fake_time: FakeTime
) -> None:
    recorder = Recorder(respond(envelope(code("code_rate_limited"), "slow down")), ok_record())
    make_client(recorder).get_record("task-1")
    (slept,) = fake_time.sleeps
    assert 0.5 <= slept <= 1.0


def test_a_retry_after_too_long_to_sleep_through_is_raised_with_its_value(
    make_client: Callable[..., SunoClient], fake_time: FakeTime
) -> None:
    recorder = Recorder(
        respond(envelope(code("code_rate_limited"), "slow down"), status=429, headers={"Retry-After": "3600"}),
        ok_record(),
    )
    with pytest.raises(RateLimitError) as raised:
        make_client(recorder).get_record("task-1")
    assert raised.value.retry_after == 3600
    assert recorder.count == 1
    assert fake_time.sleeps == []


@pytest.mark.parametrize("header", ["soon", "", "-5", "1e999", "NaN"])
def test_a_malformed_retry_after_falls_back_to_backoff(
    header: str, make_client: Callable[..., SunoClient], fake_time: FakeTime
) -> None:
    recorder = Recorder(
        respond(envelope(code("code_rate_limited"), "slow down"), status=429, headers={"Retry-After": header}),
        ok_record(),
    )
    make_client(recorder).get_record("task-1")
    (slept,) = fake_time.sleeps
    assert 0 <= slept <= 1.0


def test_retries_are_logged(make_client: Callable[..., SunoClient], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("WARNING", logger="suno_api")
    make_client(Recorder(server_error(), ok_record())).get_record("task-1")
    (line,) = [r.getMessage() for r in caplog.records if r.name == "suno_api"]
    assert "retrying in" in line
    assert "attempt 2 of 3" in line


# --- the duplicate-submit guard ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("refused"), httpx.ConnectTimeout("no route"), httpx.PoolTimeout("pool full")],
    ids=["connect-error", "connect-timeout", "pool-timeout"],
)
def test_submit_is_resent_when_the_request_provably_did_not_leave(
    failure: Exception, make_client: Callable[..., SunoClient]
) -> None:
    recorder = Recorder(failure, ok_submit())
    assert make_client(recorder).submit(custom_body()) == "task-1"
    assert recorder.count == 2


@pytest.mark.parametrize(
    "refusal",
    [
        coded("code_rate_limited", "slow down"),
        coded("code_rate_limited", "slow down", status=429, headers={"Retry-After": "1"}),
        coded("code_maintenance", "maintenance"),
    ],
    ids=["429-envelope", "429-http", "455"],
)
def test_submit_is_resent_after_an_answer_that_created_nothing(
    refusal: Handler, make_client: Callable[..., SunoClient]
) -> None:
    """429 and 455 are the service refusing to take the request: no task exists, resending is safe."""
    recorder = Recorder(refusal, ok_submit())
    assert make_client(recorder).submit(custom_body()) == "task-1"
    assert recorder.count == 2


@pytest.mark.parametrize(
    ("failure", "cause"),
    [
        (httpx.ReadTimeout("slow"), APITimeoutError),
        (httpx.WriteTimeout("slow"), APITimeoutError),
        (httpx.RemoteProtocolError("peer closed connection without response"), APIConnectionError),
        (httpx.ReadError("connection reset"), APIConnectionError),
        (coded("code_server_error", "internal", status=500), ServerError),
        (coded("code_server_error", "internal"), ServerError),
        (respond(b"<html>bad gateway</html>", status=502), ServerError),
        (respond(b"<html>welcome to the hotel wifi</html>"), ResponseDecodeError),
        (respond(envelope(data={})), ResponseDecodeError),
    ],
    ids=["read-timeout", "write-timeout", "dropped", "reset", "500", "500-envelope", "502", "not-json", "no-task-id"],
)
def test_submit_that_may_have_landed_is_not_resent(
    failure: httpx.Response | Exception | Handler, cause: type[Exception], make_client: Callable[..., SunoClient]
) -> None:
    recorder = Recorder(failure, ok_submit())
    with pytest.raises(SubmitOutcomeUnknownError) as raised:
        make_client(recorder).submit(custom_body())
    assert recorder.count == 1
    error = raised.value
    assert isinstance(error.cause, cause)
    assert error.__cause__ is error.cause
    assert error.attempts == 1
    assert "a task may exist" in str(error)
    assert "do not resubmit blindly" in str(error)


def test_submit_is_resent_after_an_unknown_outcome_only_when_opted_in(make_client: Callable[..., SunoClient]) -> None:
    recorder = Recorder(httpx.ReadTimeout("slow"), ok_submit())
    assert make_client(recorder, retry_submit=True).submit(custom_body()) == "task-1"
    assert recorder.count == 2


def test_opted_in_resends_are_still_bounded_and_still_reported(make_client: Callable[..., SunoClient]) -> None:
    recorder = Recorder(httpx.ReadTimeout("slow"))
    with pytest.raises(SubmitOutcomeUnknownError) as raised:
        make_client(recorder, retry_submit=True, max_retries=2).submit(custom_body())
    assert recorder.count == 3
    assert raised.value.attempts == 3
    assert "sent 3 times" in str(raised.value)


def test_a_refused_submit_raises_its_own_error_not_an_unknown_outcome(make_client: Callable[..., SunoClient]) -> None:
    recorder = Recorder(respond(envelope(code("code_validation_error"), "uploadUrl unreachable")))
    with pytest.raises(RequestRejectedError):
        make_client(recorder).submit(custom_body())
    assert recorder.count == 1


def test_a_submit_rate_limited_until_the_end_is_a_rate_limit_error(make_client: Callable[..., SunoClient]) -> None:
    """The outcome is known (nothing was created), so it is not reported as unknown."""
    recorder = Recorder(respond(envelope(code("code_rate_limited"), "slow down")))
    with pytest.raises(RateLimitError):
        make_client(recorder).submit(custom_body())
    assert recorder.count == 3


def test_a_submit_that_cannot_connect_at_all_is_a_connection_error(make_client: Callable[..., SunoClient]) -> None:
    recorder = Recorder(httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError) as raised:
        make_client(recorder).submit(custom_body())
    assert not raised.value.maybe_sent
    assert recorder.count == 3


def test_maintenance_on_every_attempt_is_a_maintenance_error(make_client: Callable[..., SunoClient]) -> None:
    with pytest.raises(MaintenanceError):
        make_client(Recorder(respond(envelope(code("code_maintenance"), "maintenance")))).get_record("task-1")


def test_auth_failure_on_submit_is_not_retried(make_client: Callable[..., SunoClient]) -> None:
    recorder = Recorder(respond(envelope(code("code_unauthorized"), "Unauthorized"), status=401))
    with pytest.raises(AuthenticationError):
        make_client(recorder).submit(custom_body())
    assert recorder.count == 1


def test_a_server_error_asking_for_a_long_wait_is_not_slept_through(
    make_client: Callable[..., SunoClient], fake_time: FakeTime
) -> None:
    recorder = Recorder(respond(b"", status=503, headers={"Retry-After": "3600"}), ok_record())
    with pytest.raises(ServerError) as raised:
        make_client(recorder).get_record("task-1")
    assert raised.value.retry_after == 3600
    assert fake_time.sleeps == []


def test_extend_keeps_the_task_id_when_waiting_fails(make_client: Callable[..., SunoClient]) -> None:
    """The task exists and spent credits: the error says which one, so it is waited for, not resubmitted."""
    recorder = Recorder(ok_submit(), httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError) as raised:
        make_client(recorder).extend(custom_body())
    assert any("the task was created: task-1" in note for note in raised.value.__notes__)
