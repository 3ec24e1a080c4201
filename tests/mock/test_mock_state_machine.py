"""Tasks on the virtual clock: stages, outcomes, deterministic ids and tracks, the record-info shape."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from suno_api._spec import enum_values
from suno_api.spec import SpecNames, names
from suno_conformance.mock import OUTCOMES, MockApp, VirtualClock
from suno_conformance.mock._tasks import TaskIds, task_id_for
from tests.mock.mock_support import AUTH, RECORD_INFO, SUBMIT, api, record, settings, submit, task_query, valid_body
from tests.spec_support import member

pytestmark = pytest.mark.anyio


def record_track_keys() -> set[str]:
    """The fields of a record-info track, as the spec spells them."""
    return {names().resolve(role) for role in SpecNames.roles() if role.startswith("track_")}


def _status(data: dict[str, Any]) -> str:
    status: str = data[names().record_status]
    return status


def tracks(data: dict[str, Any]) -> list[dict[str, Any]]:
    response = data["response"]
    return [] if response is None else list(response["sunoData"])


async def test_a_task_moves_through_the_stages(make_mock: Callable[..., MockApp]) -> None:
    """PENDING -> TEXT_SUCCESS -> FIRST_SUCCESS -> SUCCESS, each after its stage's seconds, no earlier."""
    mock = make_mock(stage_seconds=(1, 2, 3))
    async with api(mock) as client:
        task_id = await submit(client)
        seen = [_status(await record(client, task_id))]
        for seconds in (0.999, 0.001, 1.999, 0.001, 2.999, 0.001):
            await mock.advance(seconds)
            seen.append(_status(await record(client, task_id)))
    pending, text, first = member("status_pending"), member("status_text_success"), member("status_first_success")
    assert seen == [pending, pending, text, text, first, first, member("status_success")]


async def test_tracks_appear_as_the_task_progresses(make_mock: Callable[..., MockApp]) -> None:
    """No response while PENDING; placeholders at TEXT_SUCCESS; the first track, then both, finished."""
    mock = make_mock()
    async with api(mock) as client:
        task_id = await submit(client)
        pending = await record(client, task_id)
        await mock.advance(2)
        text = await record(client, task_id)
        await mock.advance(2)
        first = await record(client, task_id)
        await mock.advance(2)
        done = await record(client, task_id)
    assert pending["response"] is None
    assert [(track["audioUrl"], track["duration"]) for track in tracks(text)] == [("", None), ("", None)]
    assert tracks(first)[0]["audioUrl"].endswith(".mp3")
    assert tracks(first)[1]["audioUrl"] == ""
    assert all(track["audioUrl"].startswith("http://mock.test/_mock/files/") for track in tracks(done))
    assert all(isinstance(track["duration"], float) and track["duration"] > 42.5 for track in tracks(done))
    assert [track["id"] for track in tracks(text)] == [track["id"] for track in tracks(done)]
    assert done["response"][names().response_task_id] == task_id


async def test_instant_stages(make_mock: Callable[..., MockApp]) -> None:
    """With stage_seconds=0 the first poll already sees SUCCESS."""
    mock = make_mock(stage_seconds=0)
    async with api(mock) as client:
        task_id = await submit(client)
        assert _status(await record(client, task_id)) == names().status_success


async def test_the_ticker_moves_tasks_nobody_polls(make_mock: Callable[..., MockApp], clock: VirtualClock) -> None:
    """process_due moves every due task (what the background ticker runs), not only the polled ones."""
    mock = make_mock()
    async with api(mock) as client:
        task_id = await submit(client)
        clock.advance(10)
        assert mock.tasks[task_id].status == names().status_pending  # nothing has looked yet
        await mock.process_due()
        assert mock.tasks[task_id].status == names().status_success


async def test_the_record_info_shape(make_mock: Callable[..., MockApp]) -> None:
    """record-info data is a TaskRecord: param is the request as a JSON string, camelCase tracks, null errors."""
    mock = make_mock(stage_seconds=0)
    body = valid_body()
    async with api(mock) as client:
        task_id = await submit(client, body)
        data = await record(client, task_id)
    spec_names = names()
    assert data[spec_names.record_task_id] == task_id
    assert isinstance(data["param"], str)
    assert json.loads(data["param"]) == body
    assert data["param"] == json.dumps(body, sort_keys=True, separators=(",", ":"))
    assert data["type"] == "GENERATE"
    assert data["operationType"] == "upload_extend"
    assert data["errorCode"] is None
    assert data["errorMessage"] is None
    assert data["parentMusicId"] == ""
    assert isinstance(data["createTime"], int)
    for track in tracks(data):
        assert set(track) == record_track_keys()
        assert track[spec_names.track_prompt] == body[spec_names.prompt]
        assert track[spec_names.track_title] == body[spec_names.title]
        assert track[spec_names.track_tags] == body[spec_names.style]
        assert track["modelName"] == "chirp-auk"
        assert track["createTime"] == data["createTime"]


async def test_instrumental_tracks_have_no_lyrics(make_mock: Callable[..., MockApp]) -> None:
    """For instrumental tasks no lyrics come back: the tracks' prompt is empty."""
    mock = make_mock(stage_seconds=0)
    async with api(mock) as client:
        task_id = await submit(client, valid_body({names().instrumental: True}))
        assert [track[names().track_prompt] for track in tracks(await record(client, task_id))] == ["", ""]


async def test_ids_and_tracks_are_deterministic_under_a_seed(clock: VirtualClock) -> None:
    """Two mocks with the same seed give the same task ids and tracks; another seed gives others."""
    results = []
    for seed in (5, 5, 6):
        mock = MockApp(settings(seed=seed, stage_seconds=0), clock=clock)
        async with api(mock) as client:
            ids = [await submit(client) for _ in range(3)]
            results.append([await record(client, task_id) for task_id in ids])
    assert results[0] == results[1]
    task_id = names().record_task_id
    assert [data[task_id] for data in results[0]] != [data[task_id] for data in results[2]]
    assert tracks(results[0][0]) != tracks(results[2][0])


async def test_task_ids_look_like_upstream_and_never_repeat(make_mock: Callable[..., MockApp]) -> None:
    """Task ids are 32 hex digits, distinct for every submit."""
    mock = make_mock()
    async with api(mock) as client:
        ids = [await submit(client) for _ in range(50)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", task_id) for task_id in ids)
    assert len(set(ids)) == 50
    assert ids[:3] == [task_id_for(1, number) for number in range(3)]


def test_prehashed_task_ids_match_the_definition() -> None:
    """The hot-path id generator gives exactly task_id_for(seed, n)."""
    generate = TaskIds(123)
    assert [generate(n) for n in range(20)] == [task_id_for(123, n) for n in range(20)]


def pending_with_error() -> str:
    """The mock's outcome that stays pending with an error code set."""
    return f"{names().status_pending}_WITH_ERROR"


def final() -> dict[str, tuple[str, int | None, bool]]:
    """Outcome -> (final status, errorCode, whether both tracks come back), for the statuses the spec still has."""
    table: dict[str, tuple[str, int | None, bool]] = {}
    for role, error_code, has_tracks in (
        ("status_success", None, True),
        ("status_generate_audio_failed", 501, False),
        ("status_sensitive_word_error", 400, False),
        ("status_create_task_failed", 500, False),
        ("status_callback_exception", 500, True),
    ):
        try:
            status = names().resolve(role)
        except LookupError:
            continue  # gone from the spec: the mock drops its outcome too
        table[status] = (status, error_code, has_tracks)
    table[pending_with_error()] = (names().status_pending, 501, False)
    return table


def test_every_outcome_is_covered() -> None:
    """The table above names every outcome the mock offers, and each ends in a status the spec documents."""
    assert set(OUTCOMES) == set(final())
    assert {final()[outcome][0] for outcome in OUTCOMES} <= set(enum_values("TaskStatus"))


# the mock's outcomes, not the table's: an outcome the mock drops with an upstream status needs no test edit
@pytest.mark.parametrize("outcome", sorted(OUTCOMES))
@pytest.mark.parametrize("how", ["header", "marker"])
async def test_outcomes_are_requested_per_task(make_mock: Callable[..., MockApp], outcome: str, how: str) -> None:
    """X-Mock-Outcome, or a [mock:OUTCOME] prompt marker, decides how the task ends."""
    mock = make_mock()
    async with api(mock) as client:
        if how == "header":
            task_id = await submit(client, valid_body(), **{"X-Mock-Outcome": outcome.lower()})
        else:
            task_id = await submit(client, valid_body({names().prompt: f"la la [mock:{outcome}] la"}))
        plain = await submit(client)
        await mock.advance(60)
        data = await record(client, task_id)
        assert _status(await record(client, plain)) == names().status_success
    status, error_code, has_tracks = final()[outcome]
    assert _status(data) == status
    assert data["errorCode"] == error_code
    assert (data["errorMessage"] is None) == (error_code is None)
    assert (len(tracks(data)) == 2) == has_tracks


async def test_pending_with_error_never_leaves_pending(make_mock: Callable[..., MockApp]) -> None:
    """PENDING_WITH_ERROR: errorCode set while the status stays PENDING, however long one waits."""
    mock = make_mock()
    async with api(mock) as client:
        task_id = await submit(client, valid_body(), **{"X-Mock-Outcome": pending_with_error()})
        before = await record(client, task_id)
        await mock.advance(10_000)
        after = await record(client, task_id)
    pending = names().status_pending
    assert (_status(before), before["errorCode"]) == (pending, None)
    assert (_status(after), after["errorCode"]) == (pending, 501)


async def test_default_outcome_setting(make_mock: Callable[..., MockApp]) -> None:
    """default_outcome applies to tasks that request none."""
    outcome = member("status_sensitive_word_error")
    mock = make_mock(default_outcome=outcome, stage_seconds=0)
    async with api(mock) as client:
        task_id = await submit(client)
        assert _status(await record(client, task_id)) == outcome


async def test_an_unknown_outcome_is_rejected(make_mock: Callable[..., MockApp]) -> None:
    """An outcome the mock does not know gets the 422 envelope naming it, and creates nothing."""
    mock = make_mock()
    async with api(mock) as client:
        response = await client.post(SUBMIT, json=valid_body(), headers={**AUTH, "X-Mock-Outcome": "EXPLODE"})
    envelope = response.json()
    assert envelope["code"] == 422
    assert "EXPLODE" in envelope["msg"]
    assert mock.tasks == {}


async def test_an_unknown_task_is_not_found(make_mock: Callable[..., MockApp]) -> None:
    """An unknown task id gets the 404 envelope (HTTP 200 upstream-style), never a 500."""
    mock = make_mock()
    async with api(mock) as client:
        response = await client.get(RECORD_INFO, params=task_query("e" * 32), headers=AUTH)
    assert response.status_code == 200
    message = f"No task with {names().task_id_param} {'e' * 32!r}."
    assert response.json() == {"code": 404, "msg": message, "data": None}


@pytest.mark.parametrize("empty", [False, True])
async def test_record_info_needs_a_task_id(make_mock: Callable[..., MockApp], empty: bool) -> None:
    """record-info without the task id parameter, or with an empty one, gets the 422 envelope."""
    mock = make_mock()
    query = task_query("") if empty else {}
    async with api(mock) as client:
        envelope = (await client.get(RECORD_INFO, params=query, headers=AUTH)).json()
    assert envelope["code"] == 422
    assert names().task_id_param in envelope["msg"]
    assert envelope["data"] is None


async def test_an_encoded_task_id_is_read_too(make_mock: Callable[..., MockApp]) -> None:
    """A query with other parameters or escapes is parsed properly (the fast path only takes plain ones)."""
    mock = make_mock()
    async with api(mock) as client:
        task_id = await submit(client)
        url = httpx.URL(RECORD_INFO, params={"extra": "a b", **task_query(task_id)})
        assert (await client.get(url, headers=AUTH)).json()["data"][names().record_task_id] == task_id


async def test_cached_answers_follow_the_step(make_mock: Callable[..., MockApp]) -> None:
    """record-info answers are cached per step, and rebuilt when the step changes."""
    mock = make_mock()
    async with api(mock) as client:
        task_id = await submit(client)
        first = (await client.get(RECORD_INFO, params=task_query(task_id), headers=AUTH)).content
        again = (await client.get(RECORD_INFO, params=task_query(task_id), headers=AUTH)).content
        await mock.advance(2)
        later = (await client.get(RECORD_INFO, params=task_query(task_id), headers=AUTH)).content
    assert first == again
    assert later != first


def test_the_clock_only_moves_forward() -> None:
    """A frozen clock stands still until stepped; it refuses to go back; resume lets it run again."""
    clock = VirtualClock(start=100.0, frozen=True)
    assert clock.now() == 100.0
    clock.advance(2.5)
    assert clock.now() == 102.5
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)
    ticks = iter([10.0, 15.0])
    running = VirtualClock(start=0.0, timer=lambda: next(ticks))
    assert running.now() == 5.0
    assert not running.frozen


def test_a_clock_without_advance_cannot_be_stepped() -> None:
    """mock.advance needs a VirtualClock; any other Clock is refused with a clear message."""

    class Wall:
        def now(self) -> float:
            return 0.0

    mock = MockApp(clock=Wall())
    with pytest.raises(TypeError, match="VirtualClock"):
        mock.advance(1).send(None)
