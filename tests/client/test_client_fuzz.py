"""Fuzzed answers and callbacks: nothing but our typed errors ever comes out, and what decodes is well typed.

The deterministic fuzzer mutates real and documented payloads (delete, replace, add, duplicate, retype fields;
truncate, corrupt or re-encode the bytes; odd HTTP statuses and Retry-After values) and sends them through the
real client over an in-process transport. It is seeded, so a failure names a case that reproduces. A
Hypothesis property adds arbitrary JSON on top.
"""

from __future__ import annotations

import functools
import json
import random
from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, Final

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suno_api import (
    AsyncSunoClient,
    CallbackEvent,
    CallbackTrack,
    CallbackType,
    RecordTrack,
    SunoClient,
    SunoError,
    TaskRecord,
    TaskStatus,
    compute_signature,
    parse_callback,
    verify_webhook,
)
from suno_api._records import decode_record_response, decode_submit_response
from suno_api._spec import effective_spec
from suno_api.spec import names
from suno_api_client.types import Unset
from tests.bodies import custom_body
from tests.client.client_support import TOKEN, envelope, load_payload, record
from tests.spec_support import present

SEED: Final = 20_251_123
RESPONSES: Final = 10_000  # through the sync client: record-info and submit answers
CALLBACKS: Final = 10_000  # through parse_callback, a fifth of them through verify_webhook too
ASYNC_RESPONSES: Final = 1_000

KEYS: Final = sorted(
    {
        name
        for component in effective_spec()["components"]["schemas"].values()
        for name in component.get("properties", {})
    }
    | {"code", "msg", "data", "extra", "personaModel", "operationType"}
)


@functools.cache
def weird() -> list[Any]:
    """Values the fuzzer puts anywhere: odd types and numbers, and statuses and stages, known and not."""
    spec_names = names()
    return [
        None, True, False, 0, -1, 200, 401, 429, 455, 500, 531, "200", "429", "", " ", "null", 1.5, 200.0,
        float("nan"), float("inf"), -float("inf"), 10**30, -(10**20), 2**64, "GENERATING", "FAILED",
        spec_names.status_success, spec_names.status_pending, spec_names.stage_complete, "failed", [], {}, [None],
        {"x": None}, "é" * 3, "\x00", "2025-01-01 00:00:00", 1763169558062, "1e400", "-0", "119.5", "task-1",
        "https://cdn.example/a.mp3",
    ]  # fmt: skip


STATUSES: Final = [200] * 40 + [
    201,
    204,
    301,
    302,
    400,
    401,
    402,
    404,
    409,
    418,
    422,
    429,
    451,
    455,
    500,
    502,
    503,
    504,
    599,
]
RETRY_AFTER: Final = ["1", "0", "-5", "soon", "1e999", "NaN", "Wed, 21 Oct 2015 07:28:00 GMT", "99999999999", ""]


def track_camel() -> dict[str, Any]:
    """A record-info track as documented."""
    spec_names = names()
    return {
        spec_names.track_id: "a",
        spec_names.track_audio_url: "https://a",
        spec_names.track_stream_audio_url: "",
        spec_names.track_image_url: "",
        spec_names.track_title: "",
        spec_names.track_tags: "",
        spec_names.track_model_name: "chirp-auk-turbo",
        spec_names.track_create_time: 1763169558062,
        spec_names.track_duration: None,
        spec_names.track_prompt: "",
    }


# A callback track as documented (its keys are snake_case, unlike record-info's).
TRACK_SNAKE = {"id": "a", "audio_url": "https://a", "stream_audio_url": "", "image_url": "", "model_name": "chirp-v4",
               "createTime": "2025-01-01 00:00:00", "duration": 12.5}  # fmt: skip


def record_templates() -> list[Any]:
    spec_names = names()
    pending = spec_names.status_pending
    param = json.dumps({spec_names.model: spec_names.model_v4})
    return [
        load_payload("record-info-success-live.json"),
        record(pending),
        record("GENERATING", response=None),
        *(
            record(first, response={"sunoData": [track_camel(), track_camel()]})
            for first in present("status_first_success")
        ),
        record(pending, errorCode=413, errorMessage="matches an existing work", response={}),
        *(
            record(failed, errorCode="501", errorMessage=None, param=param)
            for failed in present("status_generate_audio_failed")
        ),
        envelope(404, "not found"),
        envelope("455", "maintenance", None),
        {"data": {spec_names.record_task_id: "x", spec_names.record_status: spec_names.status_success}},
    ]


def submit_templates() -> list[Any]:
    task_id = names().submit_task_id
    return [
        envelope(data={task_id: "task-1"}),
        {"code": "200", "data": {task_id: 7}},
        envelope(422, "bad"),
        {"code": 200},
    ]


def callback_templates() -> list[Any]:
    def documented(stage: str, code: int, tracks: Any) -> dict[str, Any]:
        return {"code": code, "msg": "ok", "data": {"callbackType": stage, "task_id": "task-1", "data": tracks}}

    # stage role: (code, tracks); a stage upstream removed is left out
    stages = {
        "stage_complete": (200, [TRACK_SNAKE, TRACK_SNAKE]),
        "stage_text": (200, []),
        "stage_first": (200, [TRACK_SNAKE, {"id": "", "audio_url": "", "duration": None}]),
        "stage_error": (501, None),
    }
    return [
        *(documented(stage, code, tracks) for role, (code, tracks) in stages.items() for stage in present(role)),
        documented("failed", 531, None),
        load_payload("callback-expected-by-a-client-success.json"),
        load_payload("callback-expected-by-a-client-failure.json"),
        load_payload("record-info-success-live.json"),
    ]


def random_json(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth > 3 or roll < 0.6:
        return rng.choice(weird())
    if roll < 0.8:
        return [random_json(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(KEYS): random_json(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def mutate(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        mutated: dict[str, Any] = {}
        for key, item in value.items():
            roll = rng.random()
            if roll < 0.08:
                continue  # delete the field
            mutated[key] = random_json(rng) if roll < 0.18 else mutate(item, rng)
        if rng.random() < 0.15:
            mutated[rng.choice(KEYS)] = random_json(rng)  # add or overwrite a field
        return mutated
    if isinstance(value, list):
        items = [mutate(item, rng) for item in value if rng.random() > 0.1]
        if rng.random() < 0.1:
            items.append(random_json(rng))
        return items * 3 if rng.random() < 0.05 else items
    return random_json(rng) if rng.random() < 0.1 else value


def serialise(value: Any, rng: random.Random) -> bytes:
    text = json.dumps(value)  # NaN and Infinity come out as the non-standard tokens some servers send
    roll = rng.random()
    if roll < 0.85:
        return text.encode()
    if roll < 0.90:
        return text.encode()[: rng.randint(0, len(text))]
    if roll < 0.93:
        return rng.randbytes(rng.randint(0, 40))
    if roll < 0.95:
        return b"\xef\xbb\xbf" + text.encode()
    if roll < 0.97:
        return b"[" * 5000 + b"]" * 5000
    return text.encode("utf-16")


def cases(templates: list[Any], count: int, rng: random.Random) -> Iterator[tuple[int, bytes, int, dict[str, str]]]:
    for index in range(count):
        body = serialise(mutate(rng.choice(templates), rng), rng)
        status = rng.choice(STATUSES)
        headers = {"Retry-After": rng.choice(RETRY_AFTER)} if rng.random() < 0.1 else {}
        yield index, body, status, headers


# --- what a decoded value must look like ---------------------------------------------------------------------


def _optional(value: Any, *types: type) -> bool:
    """``value`` is UNSET or one of ``types``; a bool never passes for an int."""
    return isinstance(value, (Unset, *types)) and not isinstance(value, bool)


def check_track(track: RecordTrack | CallbackTrack) -> None:
    texts = (track.id, track.audio_url, track.stream_audio_url, track.image_url, track.prompt, track.model_name,
             track.title, track.tags)  # fmt: skip
    for index, value in enumerate(texts):
        assert _optional(value, str), (index, value, track)
    assert _optional(track.create_time, int, str), track.create_time
    assert track.duration is None or _optional(track.duration, float), track.duration
    track.to_dict()


def check_record(decoded: TaskRecord) -> None:
    assert isinstance(decoded, TaskRecord)
    assert isinstance(decoded.task_id, str)
    assert decoded.task_id
    assert _optional(decoded.status, str)
    assert decoded.status_name is None or isinstance(decoded.status_name, str)
    assert decoded.known_status is None or isinstance(decoded.known_status, TaskStatus)
    assert decoded.error_code_value is None or (type(decoded.error_code_value) is int)
    assert decoded.error_message_value is None or isinstance(decoded.error_message_value, str)
    assert decoded.original_request is None or isinstance(decoded.original_request, dict)
    assert isinstance(decoded.tracks, list)
    for track in decoded.tracks:
        assert isinstance(track, RecordTrack)
        check_track(track)
    assert {decoded.succeeded, decoded.failed, decoded.finished} <= {True, False}
    decoded.to_dict()


def check_event(event: CallbackEvent) -> None:
    assert isinstance(event.task_id, str)
    assert event.task_id
    assert event.callback_type is None or isinstance(event.callback_type, CallbackType | str)
    assert event.code is None or type(event.code) is int
    assert event.message is None or isinstance(event.message, str)
    assert isinstance(event.tracks, tuple)
    for track in event.tracks:
        assert isinstance(track, RecordTrack | CallbackTrack)
        check_track(track)
    if event.record is not None:
        check_record(event.record)
    assert {event.succeeded, event.failed} <= {True, False}


def outcome(action: Callable[[], Any], check: Callable[[Any], None], label: str) -> str:
    """Run one case: a well-typed result or one of our errors; anything else fails the test, naming the case."""
    try:
        result = action()
    except SunoError as error:
        typed: SunoError | None = error
    except Exception as error:
        pytest.fail(f"{label}: {type(error).__name__}: {error}")
    else:
        typed = None
    if typed is not None:
        assert TOKEN not in str(typed)
        return type(typed).__name__
    check(result)
    return "ok"


def seeded(offset: int) -> random.Random:
    """The fuzzer's generator: deterministic, so that a failing case number reproduces."""
    return random.Random(SEED + offset)  # noqa: S311 - reproducible test data, not cryptography


# --- the runs --------------------------------------------------------------------------------------------------


def test_ten_thousand_fuzzed_answers_through_the_client_raise_only_typed_errors() -> None:
    rng = seeded(0)
    current: dict[str, httpx.Response] = {}
    client = SunoClient(api_key=TOKEN, max_retries=0, transport=httpx.MockTransport(lambda request: current["answer"]))
    outcomes: Counter[str] = Counter()
    body = custom_body()
    with client:
        record_cases = cases(record_templates(), RESPONSES * 6 // 10, rng)
        for index, content, status, headers in record_cases:
            current["answer"] = httpx.Response(status, content=content, headers=headers)
            outcomes[
                "record:" + outcome(lambda: client.get_record("task-1"), check_record, f"record case {index}")
            ] += 1
        for index, content, status, headers in cases(submit_templates(), RESPONSES * 4 // 10, rng):
            current["answer"] = httpx.Response(status, content=content, headers=headers)

            def check_task_id(task_id: Any) -> None:
                assert isinstance(task_id, str)
                assert task_id

            outcomes["submit:" + outcome(lambda: client.submit(body), check_task_id, f"submit case {index}")] += 1
    assert sum(outcomes.values()) == RESPONSES
    # The fuzzer must reach every path, or it proves nothing.
    for expected in ("record:ok", "record:ResponseDecodeError", "record:UnknownAPIError", "record:ServerError",
                     "record:RateLimitError", "submit:ok", "submit:SubmitOutcomeUnknownError"):  # fmt: skip
        assert outcomes[expected] > 20, (expected, outcomes)


def test_ten_thousand_fuzzed_callbacks_decode_or_raise_typed_errors() -> None:
    rng = seeded(1)
    outcomes: Counter[str] = Counter()
    for index, content, _status, _headers in cases(callback_templates(), CALLBACKS, rng):
        outcomes["parse:" + outcome(partial(parse_callback, content), check_event, f"callback case {index}")] += 1
        if index % 5 == 0:
            # Signed for task-1 at a fixed time: valid whenever the mutation kept the task id and the bytes.
            headers = {
                names().timestamp_header: "1700000000",
                names().signature_header: compute_signature("s", "task-1", "1700000000"),
            }
            if rng.random() < 0.3:
                headers = {key: rng.choice([str(v) for v in weird()]) for key in headers if rng.random() < 0.7}
            verify = partial(verify_webhook, content, headers, secret="s", now=1_700_000_100)
            outcomes["verify:" + outcome(verify, check_event, f"webhook case {index}")] += 1
    assert sum(v for k, v in outcomes.items() if k.startswith("parse:")) == CALLBACKS
    assert outcomes["parse:ok"] > 1000, outcomes
    assert outcomes["parse:ResponseDecodeError"] > 100, outcomes
    assert outcomes["verify:ok"] > 100, outcomes
    assert outcomes["verify:WebhookVerificationError"] > 100, outcomes


@pytest.mark.anyio
async def test_fuzzed_answers_through_the_async_client_raise_only_typed_errors() -> None:
    rng = seeded(2)
    current: dict[str, httpx.Response] = {}
    outcomes: Counter[str] = Counter()
    async with AsyncSunoClient(
        api_key=TOKEN, max_retries=0, transport=httpx.MockTransport(lambda request: current["answer"])
    ) as client:
        for index, content, status, headers in cases(record_templates(), ASYNC_RESPONSES, rng):
            current["answer"] = httpx.Response(status, content=content, headers=headers)
            try:
                check_record(await client.get_record("task-1"))
                outcomes["ok"] += 1
            except SunoError as error:
                outcomes[type(error).__name__] += 1
            except Exception as error:
                pytest.fail(f"async record case {index}: {type(error).__name__}: {error}")
    assert outcomes["ok"] > 50, outcomes


# Deferred: the statuses among weird() are read when Hypothesis first draws, not at import.
JSON_VALUES = st.deferred(
    lambda: st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10) | st.sampled_from(weird()),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=5), children, max_size=5)
        ),
        max_leaves=25,
    )
)


@settings(max_examples=500)
@given(value=JSON_VALUES, status=st.sampled_from(STATUSES))
def test_arbitrary_json_never_escapes_the_typed_errors(value: Any, status: int) -> None:
    content = json.dumps(value).encode()
    for wrapped in (value, {"code": 200, "msg": "ok", "data": value}, {"data": value}):
        raw = json.dumps(wrapped).encode()
        outcome(partial(decode_record_response, status, {}, raw, task_id="t"), check_record, repr(wrapped))
        outcome(partial(decode_submit_response, status, {}, raw), lambda task_id: None, repr(wrapped))
        outcome(partial(parse_callback, raw), check_event, repr(wrapped))
    outcome(partial(parse_callback, content), check_event, repr(value))
