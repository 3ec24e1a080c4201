"""The mock through our own ``suno_mock`` fixture: outcomes, resets and the clock, as a user's tests drive them."""

from __future__ import annotations

import pytest

from suno_api import SubmitOutcomeUnknownError, TaskFailedError
from suno_api.spec import names
from suno_conformance.mock import OUTCOMES
from suno_conformance.pytest_plugin import SunoMock
from tests.mock.mock_support import Receiver, valid_body
from tests.spec_support import member


def test_set_outcome_for_the_next_submits_then_the_default(suno_mock: SunoMock) -> None:
    """set_outcome(times=n) applies to the next n submits that request none; then the default comes back."""
    other = list(OUTCOMES)[-1]  # any but the plain success, the first
    suno_mock.set_outcome(other.lower(), times=2)
    task_ids = [suno_mock.client.submit(valid_body()) for _ in range(3)]
    outcomes = [suno_mock.tasks[task_id].outcome for task_id in task_ids]
    assert outcomes == [other, other, names().status_success]


def test_a_marker_in_the_prompt_wins_over_set_outcome(suno_mock: SunoMock) -> None:
    """The submit's own [mock:OUTCOME] beats a queued outcome, which stays queued for the next submit."""
    queued, marker = list(OUTCOMES)[1:3]  # two failures, neither the plain success
    suno_mock.set_outcome(queued, times=1)
    marked = suno_mock.client.submit(valid_body({names().prompt: f"[mock:{marker}] verse"}))
    plain = suno_mock.client.submit(valid_body())
    assert suno_mock.tasks[marked].outcome == marker
    assert suno_mock.tasks[plain].outcome == queued


# the mock's outcomes but the first, the plain success (OUTCOMES reads the spec, but never fails)
@pytest.mark.parametrize("outcome", list(OUTCOMES)[1:])
def test_every_failing_outcome_reaches_wait_as_task_failed(suno_mock: SunoMock, outcome: str) -> None:
    """Every outcome but SUCCESS ends wait() with TaskFailedError, over real sockets."""
    suno_mock.set_outcome(outcome)
    with pytest.raises(TaskFailedError):
        suno_mock.client.extend(valid_body(), timeout=10)


def test_set_outcome_refuses_unknown_names(suno_mock: SunoMock) -> None:
    """An unknown outcome or a count below one is a ValueError naming the argument."""
    with pytest.raises(ValueError, match="'outcome'"):
        suno_mock.set_outcome("EXPLODED")
    with pytest.raises(ValueError, match="'times'"):
        suno_mock.set_outcome(names().status_success, times=0)


@pytest.mark.suno_mock(stage_seconds=(5, 10, 15))
def test_advance_walks_the_stages_of_a_frozen_clock(suno_mock: SunoMock) -> None:
    """The marker sets the stages; nothing moves until advance() steps the virtual clock."""
    task_id = suno_mock.client.submit(valid_body())
    seen = []
    for step in (0, 5, 10, 15):
        suno_mock.advance(step)
        seen.append(suno_mock.client.get_record(task_id).status_name)
    roles = ("status_pending", "status_text_success", "status_first_success", "status_success")
    assert seen == [member(role) for role in roles]


def test_a_dropped_submit_leaves_a_task_behind(suno_mock: SunoMock) -> None:
    """drop-connection after processing: the client cannot know, and the task exists (what the guard is for)."""
    suno_mock.inject_fault("drop-connection", route="submit")
    with pytest.raises(SubmitOutcomeUnknownError):
        suno_mock.client.with_options(max_retries=0).submit(valid_body())
    assert len(suno_mock.tasks) == 1


def test_reset_forgets_everything(suno_mock: SunoMock, receiver: Receiver) -> None:
    """reset() forgets tasks, requests, deliveries, faults and outcomes; task ids start over."""
    first = suno_mock.client.submit(valid_body(callback_url=receiver.url))
    assert len(suno_mock.callbacks(first)) == 3
    suno_mock.inject_fault("500", times=3)
    suno_mock.set_outcome(list(OUTCOMES)[-1])
    suno_mock.mock.maintenance = True
    suno_mock.reset()
    assert (suno_mock.tasks, suno_mock.requests(), suno_mock.deliveries()) == ({}, [], [])
    assert suno_mock.mock.maintenance is False
    again = suno_mock.client.submit(valid_body())
    assert again == first
    assert suno_mock.tasks[again].outcome == names().status_success
