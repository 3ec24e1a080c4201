"""wait(): polls on a schedule until success, failure or the deadline, reporting progress; no real sleeping."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from suno_api import (
    ConfigurationError,
    NotFoundError,
    PollSchedule,
    SunoClient,
    TaskFailedError,
    TaskRecord,
    TaskStatus,
    WaitTimeoutError,
)
from suno_api.spec import names
from tests.bodies import custom_body
from tests.client.client_support import FakeTime, Recorder, envelope, record, respond
from tests.spec_support import member, present

# The documented failure statuses, by role.
FAILURES = ("status_create_task_failed", "status_generate_audio_failed", "status_callback_exception",
            "status_sensitive_word_error")  # fmt: skip
# A failure status the spec does not list: the client reads it by its spelling.
UNDOCUMENTED_FAILURE = "FAILED"


def statuses(*values: str, **fields: Any) -> Recorder:
    return Recorder(*(respond(record(value, **fields)) for value in values))


def _pending() -> str:
    return names().status_pending


def _success() -> str:
    return names().status_success


def test_wait_returns_the_successful_record_and_reports_each_status_once(
    make_client: Callable[..., SunoClient], fake_time: FakeTime
) -> None:
    # The stages between pending and success that the spec still has, the last one seen twice.
    between = present("status_text_success", "status_first_success")
    script = [_pending(), _pending(), *between, *between[-1:], _success()]
    recorder = statuses(*script)
    seen: list[str | None] = []
    final = make_client(recorder).wait("task-1", on_progress=lambda r: seen.append(r.status_name))
    assert final.succeeded
    assert final.status is TaskStatus(_success())
    assert seen == [_pending(), *between, _success()]
    assert recorder.count == len(script)
    # The schedule: 2 s, growing by 1.5, capped at 15 s.
    assert fake_time.sleeps == [2.0, 3.0, 4.5, 6.75, 10.125][: len(script) - 1]


def test_the_schedule_is_capped(make_client: Callable[..., SunoClient], fake_time: FakeTime) -> None:
    make_client(statuses(*[_pending()] * 8, _success())).wait("task-1")
    assert fake_time.sleeps[-3:] == [15.0, 15.0, 15.0]


def test_the_schedule_is_configurable_per_call(make_client: Callable[..., SunoClient], fake_time: FakeTime) -> None:
    client = make_client(statuses(_pending(), _pending(), _success()))
    client.with_options(poll=PollSchedule(initial=0.5, factor=1, maximum=0.5)).wait("task-1")
    assert fake_time.sleeps == [0.5, 0.5]


def test_an_unknown_running_status_keeps_polling(make_client: Callable[..., SunoClient]) -> None:
    seen: list[str | None] = []
    make_client(statuses("GENERATING", _success())).wait("task-1", on_progress=lambda r: seen.append(r.status_name))
    assert seen == ["GENERATING", _success()]


@pytest.mark.parametrize("status", [*FAILURES, UNDOCUMENTED_FAILURE])
def test_a_failure_status_raises_task_failed_with_the_details(
    status: str, make_client: Callable[..., SunoClient]
) -> None:
    if status in FAILURES:
        status = member(status)
    recorder = statuses(_pending(), status, errorCode=501, errorMessage="audio generation failed")
    recorder.script[0] = respond(record(_pending()))
    with pytest.raises(TaskFailedError) as raised:
        make_client(recorder).wait("task-1")
    error = raised.value
    assert (error.task_id, error.status, error.error_code, error.error_message) == (
        "task-1",
        status,
        501,
        "audio generation failed",
    )
    assert isinstance(error.record, TaskRecord)
    assert f"status {status}" in str(error)


def test_pending_with_an_error_code_is_the_failure_it_is(make_client: Callable[..., SunoClient]) -> None:
    recorder = statuses(_pending(), errorCode=400, errorMessage="lyrics contain copyrighted material")
    with pytest.raises(TaskFailedError) as raised:
        make_client(recorder).wait("task-1")
    assert (raised.value.status, raised.value.error_code) == (_pending(), 400)
    assert recorder.count == 1


def test_pending_with_only_an_error_message_is_a_failure(make_client: Callable[..., SunoClient]) -> None:
    with pytest.raises(TaskFailedError) as raised:
        make_client(statuses(_pending(), errorCode=None, errorMessage="bad request")).wait("task-1")
    assert raised.value.error_code is None
    assert raised.value.error_message == "bad request"


def test_progress_sees_the_failing_record_before_the_error(make_client: Callable[..., SunoClient]) -> None:
    seen: list[str | None] = []
    failure, *_ = present(*FAILURES)  # any one: which does not matter here
    with pytest.raises(TaskFailedError):
        make_client(statuses(_pending(), failure)).wait("task-1", on_progress=lambda r: seen.append(r.status_name))
    assert seen == [_pending()]


def test_the_deadline_raises_wait_timeout_with_the_last_status(
    make_client: Callable[..., SunoClient], fake_time: FakeTime
) -> None:
    recorder = statuses(_pending())
    with pytest.raises(WaitTimeoutError) as raised:
        make_client(recorder).wait("task-1", timeout=60)
    error = raised.value
    assert (error.task_id, error.timeout, error.last_status) == ("task-1", 60, _pending())
    assert isinstance(error, TimeoutError)
    assert sum(fake_time.sleeps) == pytest.approx(60)
    assert "may still finish" in str(error)
    # The last poll happens at the deadline, not one interval before it.
    assert recorder.count == len(fake_time.sleeps) + 1


@pytest.mark.parametrize("timeout", [0, -5, float("inf"), float("nan")])
def test_an_unusable_wait_timeout_is_refused(timeout: float, make_client: Callable[..., SunoClient]) -> None:
    with pytest.raises(ConfigurationError):
        make_client(statuses(_pending())).wait("task-1", timeout=timeout)


@pytest.mark.parametrize(
    "schedule", [{"initial": 0}, {"initial": 5, "maximum": 1}, {"factor": 0.5}, {"maximum": float("inf")}]
)
def test_a_poll_schedule_that_would_spin_or_stall_is_refused(schedule: dict[str, float]) -> None:
    with pytest.raises(ConfigurationError):
        PollSchedule(**schedule)


def test_api_errors_while_polling_propagate(make_client: Callable[..., SunoClient]) -> None:
    with pytest.raises(NotFoundError, match="task not found"):
        make_client(Recorder(respond(envelope(404, "task not found")))).wait("task-1")


def test_extend_submits_then_waits(make_client: Callable[..., SunoClient]) -> None:
    recorder = Recorder(
        respond(envelope(data={names().submit_task_id: "task-7"})),
        respond(record(_pending(), task_id="task-7")),
        respond(record(_success(), task_id="task-7", response={"sunoData": [{"id": "a", "audioUrl": "https://a"}]})),
    )
    final = make_client(recorder).extend(custom_body(), on_progress=lambda r: None)
    assert final.task_id == "task-7"
    assert [track.audio_url for track in final.tracks] == ["https://a"]
    assert [r.method for r in recorder.requests] == ["POST", "GET", "GET"]
    assert recorder.requests[1].url.params[names().task_id_param] == "task-7"
