"""Tasks on the virtual clock: stages, outcomes, deterministic ids and tracks, the record-info shape."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from suno_api._spec import enum_values
from suno_conformance.mock import OUTCOMES, MockApp, VirtualClock
from suno_conformance.mock._tasks import TaskIds, task_id_for
from tests.mock.mock_support import AUTH, RECORD_INFO, SUBMIT, api, record, settings, submit, valid_body

pytestmark = pytest.mark.anyio

RECORD_TRACK_KEYS = {
    "id", "audioUrl", "sourceAudioUrl", "streamAudioUrl", "sourceStreamAudioUrl", "imageUrl", "sourceImageUrl",
    "prompt", "modelName", "title", "tags", "createTime", "duration",
}  # fmt: skip


def tracks(data: dict[str, Any]) -> list[dict[str, Any]]:
    response = data["response"]
    return [] if response is None else list(response["sunoData"])


async def test_a_task_moves_through_the_stages(make_mock: Callable[..., MockApp]) -> None:
    """PENDING -> TEXT_SUCCESS -> FIRST_SUCCESS -> SUCCESS, each after its stage's seconds, no earlier."""
    mock = make_mock(stage_seconds=(1, 2, 3))
    async with api(mock) as client:
        task_id = await submit(client)
        seen = [(await record(client, task_id))["status"]]
        for seconds in (0.999, 0.001, 1.999, 0.001, 2.999, 0.001):
            await mock.advance(seconds)
            seen.append((await record(client, task_id))["status"])
    assert seen == [
        "PENDING",
        "PENDING",
        "TEXT_SUCCESS",
        "TEXT_SUCCESS",
        "FIRST_SUCCESS",
        "FIRST_SUCCESS",
        "SUCCESS",
    ]


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
    assert done["response"]["taskId"] == task_id


async def test_instant_stages(make_mock: Callable[..., MockApp]) -> None:
    """With stage_seconds=0 the first poll already sees SUCCESS."""
    mock = make_mock(stage_seconds=0)
    async with api(mock) as client:
        task_id = await submit(client)
        assert (await record(client, task_id))["status"] == "SUCCESS"


async def test_the_ticker_moves_tasks_nobody_polls(make_mock: Callable[..., MockApp], clock: VirtualClock) -> None:
    """process_due moves every due task (what the background ticker runs), not only the polled ones."""
    mock = make_mock()
    async with api(mock) as client:
        task_id = await submit(client)
        clock.advance(10)
        assert mock.tasks[task_id].status == "PENDING"  # nothing has looked yet
        await mock.process_due()
        assert mock.tasks[task_id].status == "SUCCESS"


async def test_the_record_info_shape(make_mock: Callable[..., MockApp]) -> None:
    """record-info data is a TaskRecord: param is the request as a JSON string, camelCase tracks, null errors."""
    mock = make_mock(stage_seconds=0)
    body = valid_body()
    async with api(mock) as client:
        task_id = await submit(client, body)
        data = await record(client, task_id)
    assert data["taskId"] == task_id
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
        assert set(track) == RECORD_TRACK_KEYS
        assert track["prompt"] == body["prompt"]
        assert track["title"] == body["title"]
        assert track["tags"] == body["style"]
        assert track["modelName"] == "chirp-auk"
        assert track["createTime"] == data["createTime"]


async def test_instrumental_tracks_have_no_lyrics(make_mock: Callable[..., MockApp]) -> None:
    """For instrumental tasks no lyrics come back: the tracks' prompt is empty."""
    mock = make_mock(stage_seconds=0)
    async with api(mock) as client:
        task_id = await submit(client, valid_body(instrumental=True))
        assert [track["prompt"] for track in tracks(await record(client, task_id))] == ["", ""]


async def test_ids_and_tracks_are_deterministic_under_a_seed(clock: VirtualClock) -> None:
    """Two mocks with the same seed give the same task ids and tracks; another seed gives others."""
    results = []
    for seed in (5, 5, 6):
        mock = MockApp(settings(seed=seed, stage_seconds=0), clock=clock)
        async with api(mock) as client:
            ids = [await submit(client) for _ in range(3)]
            results.append([await record(client, task_id) for task_id in ids])
    assert results[0] == results[1]
    assert [data["taskId"] for data in results[0]] != [data["taskId"] for data in results[2]]
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


FINAL = {
    "SUCCESS": ("SUCCESS", None, True),
    "GENERATE_AUDIO_FAILED": ("GENERATE_AUDIO_FAILED", 501, False),
    "SENSITIVE_WORD_ERROR": ("SENSITIVE_WORD_ERROR", 400, False),
    "CREATE_TASK_FAILED": ("CREATE_TASK_FAILED", 500, False),
    "CALLBACK_EXCEPTION": ("CALLBACK_EXCEPTION", 500, True),
    "PENDING_WITH_ERROR": ("PENDING", 501, False),
}


def test_every_outcome_is_covered() -> None:
    """The table above names every outcome the mock offers, and each ends in a status the spec documents."""
    assert set(OUTCOMES) <= set(FINAL)
    assert {FINAL[outcome][0] for outcome in OUTCOMES} <= set(enum_values("TaskStatus"))


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
            task_id = await submit(client, valid_body(prompt=f"la la [mock:{outcome}] la"))
        plain = await submit(client)
        await mock.advance(60)
        data = await record(client, task_id)
        assert (await record(client, plain))["status"] == "SUCCESS"
    status, error_code, has_tracks = FINAL[outcome]
    assert data["status"] == status
    assert data["errorCode"] == error_code
    assert (data["errorMessage"] is None) == (error_code is None)
    assert (len(tracks(data)) == 2) == has_tracks


async def test_pending_with_error_never_leaves_pending(make_mock: Callable[..., MockApp]) -> None:
    """PENDING_WITH_ERROR: errorCode set while the status stays PENDING, however long one waits."""
    mock = make_mock()
    async with api(mock) as client:
        task_id = await submit(client, valid_body(), **{"X-Mock-Outcome": "PENDING_WITH_ERROR"})
        before = await record(client, task_id)
        await mock.advance(10_000)
        after = await record(client, task_id)
    assert (before["status"], before["errorCode"]) == ("PENDING", None)
    assert (after["status"], after["errorCode"]) == ("PENDING", 501)


async def test_default_outcome_setting(make_mock: Callable[..., MockApp]) -> None:
    """default_outcome applies to tasks that request none."""
    mock = make_mock(default_outcome="SENSITIVE_WORD_ERROR", stage_seconds=0)
    async with api(mock) as client:
        task_id = await submit(client)
        assert (await record(client, task_id))["status"] == "SENSITIVE_WORD_ERROR"


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
        response = await client.get(RECORD_INFO, params={"taskId": "f" * 32}, headers=AUTH)
    assert response.status_code == 200
    assert response.json() == {"code": 404, "msg": f"No task with taskId {'f' * 32!r}.", "data": None}


@pytest.mark.parametrize("query", [{}, {"taskId": ""}])
async def test_record_info_needs_a_task_id(make_mock: Callable[..., MockApp], query: dict[str, str]) -> None:
    """record-info without taskId gets the 422 envelope."""
    mock = make_mock()
    async with api(mock) as client:
        envelope = (await client.get(RECORD_INFO, params=query, headers=AUTH)).json()
    assert envelope["code"] == 422
    assert "taskId" in envelope["msg"]
    assert envelope["data"] is None


async def test_an_encoded_task_id_is_read_too(make_mock: Callable[..., MockApp]) -> None:
    """A query with other parameters or escapes is parsed properly (the fast path only takes plain ones)."""
    mock = make_mock()
    async with api(mock) as client:
        task_id = await submit(client)
        url = httpx.URL(RECORD_INFO, params={"extra": "a b", "taskId": task_id})
        assert (await client.get(url, headers=AUTH)).json()["data"]["taskId"] == task_id


async def test_cached_answers_follow_the_step(make_mock: Callable[..., MockApp]) -> None:
    """record-info answers are cached per step, and rebuilt when the step changes."""
    mock = make_mock()
    async with api(mock) as client:
        task_id = await submit(client)
        first = (await client.get(RECORD_INFO, params={"taskId": task_id}, headers=AUTH)).content
        again = (await client.get(RECORD_INFO, params={"taskId": task_id}, headers=AUTH)).content
        await mock.advance(2)
        later = (await client.get(RECORD_INFO, params={"taskId": task_id}, headers=AUTH)).content
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
