"""The API in-process: auth, the validation envelope, credits, rate limit, maintenance, error styles, faults."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suno_api import find_violations
from suno_api._spec import effective_spec_path
from suno_api.spec import REQUEST_SCHEMA, enum_values, names, rules, schema
from suno_conformance.mock import OUTCOMES, ConnectionDroppedError, MockApp, create_app
from suno_conformance.mock import MockSettings as Settings
from suno_conformance.mock._files import pixel_png, silent_mp3
from tests.mock.mock_support import (
    AUTH,
    KEY,
    OTHER_KEY,
    RECORD_INFO,
    SUBMIT,
    Schemas,
    api,
    submit,
    task_query,
    valid_body,
)
from tests.spec_support import undocumented_value

pytestmark = pytest.mark.anyio


class FakeTimer:
    """The rate limiter's clock, stepped by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# ------------------------------------------------------------------------------------------------------- auth


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", f"Basic {KEY}", "Bearer wrong-key", f"Bearer {KEY}x", f"{KEY}", f"Bearer {KEY} x"],
)
async def test_a_missing_or_wrong_token_gets_401(make_mock: Callable[..., MockApp], authorization: str | None) -> None:
    """Without an accepted bearer token, both operations answer the 401 envelope and nothing is created."""
    mock = make_mock()
    headers = {} if authorization is None else {"Authorization": authorization}
    async with api(mock) as client:
        submitted = await client.post(SUBMIT, json=valid_body(), headers=headers)
        polled = await client.get(RECORD_INFO, params=task_query("x"), headers=headers)
    for response in (submitted, polled):
        assert response.status_code == 200
        envelope = response.json()
        assert envelope["code"] == 401
        assert envelope["data"] is None
    assert mock.tasks == {}


@pytest.mark.parametrize("authorization", [f"Bearer {KEY}", f"bearer {KEY}", f"BEARER   {KEY}", f"Bearer {OTHER_KEY}"])
async def test_accepted_tokens(make_mock: Callable[..., MockApp], authorization: str) -> None:
    """Every configured key is accepted; the scheme is case-insensitive."""
    mock = make_mock(api_keys=(KEY, OTHER_KEY))
    async with api(mock) as client:
        response = await client.post(SUBMIT, json=valid_body(), headers={"Authorization": authorization})
    assert response.json()["code"] == 200


async def test_a_wildcard_key_accepts_any_token(make_mock: Callable[..., MockApp]) -> None:
    """api_keys=("*",) accepts any non-empty token, and still refuses a missing one."""
    mock = make_mock(api_keys=("*",))
    async with api(mock) as client:
        anything = await client.post(SUBMIT, json=valid_body(), headers={"Authorization": "Bearer whatever"})
        nothing = await client.post(SUBMIT, json=valid_body())
    assert anything.json()["code"] == 200
    assert nothing.json()["code"] == 401


# ------------------------------------------------------------------------------------------------- validation


async def test_the_422_message_names_every_violation(make_mock: Callable[..., MockApp]) -> None:
    """A body breaking several rules gets one 422 envelope whose msg names each field and rule id."""
    spec_names = names()
    body = valid_body(
        {spec_names.style: "", spec_names.title: None, spec_names.model: undocumented_value("SunoModel")},
        continue_at=0,
        callback_url=None,
        vocal_gender="x",
    )
    violations = find_violations(body)
    assert len(violations) >= 5
    mock = make_mock()
    async with api(mock) as client:
        envelope = (await client.post(SUBMIT, json=body, headers=AUTH)).json()
    assert envelope["code"] == 422
    assert envelope["data"] is None
    assert f"{len(violations)} problems" in envelope["msg"]
    for violation in violations:
        assert f"{violation.field} [{violation.rule_id}]" in envelope["msg"]
    assert mock.tasks == {}


@pytest.mark.parametrize(("content", "rule"), [(b"{not json", "not valid JSON"), (b"[1, 2]", "schema.type")])
async def test_a_body_that_is_no_json_object_gets_422(
    make_mock: Callable[..., MockApp], content: bytes, rule: str
) -> None:
    """Unparseable JSON, or JSON that is not an object, gets the 422 envelope."""
    mock = make_mock()
    async with api(mock) as client:
        envelope = (await client.post(SUBMIT, content=content, headers=AUTH)).json()
    assert envelope["code"] == 422
    assert rule in envelope["msg"]


# From the spec: every model and vocal gender, and one character past each per-model limit.
_PAST_LIMITS = sorted(
    {
        rule.schema["then"]["properties"][rule.field]["maxLength"] + 1
        for rule in rules()
        if rule.models and "maxLength" in rule.schema["then"]["properties"][rule.field]
    }
)
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 400),
    st.floats(-1, 300),
    st.text(max_size=30),
    st.sampled_from(
        [
            *enum_values("SunoModel"),
            *enum_values("VocalGender"),
            "https://example.com/a.mp3",
            *("x" * length for length in _PAST_LIMITS),
        ]
    ),
)
_FIELDS = list(schema(REQUEST_SCHEMA)["properties"])


_SETTINGS = Settings(api_keys=(KEY,), seed=3, stage_seconds=3600, send_callbacks=False)


@settings(max_examples=150)
@given(body=st.dictionaries(st.sampled_from(_FIELDS), _VALUES, max_size=12))
async def test_every_body_gets_a_conforming_answer(body: dict[str, Any], schemas: Schemas) -> None:
    """Any body gets 200 with a taskId when find_violations finds nothing, else 422 naming every rule."""
    async with api(MockApp(_SETTINGS)) as client:
        envelope = (await client.post(SUBMIT, json=body, headers=AUTH)).json()
    violations = find_violations(body)
    if violations:
        assert envelope["code"] == 422
        assert schemas.errors("ErrorResponse", envelope) == []
        for violation in violations:
            assert f"{violation.field or '<body>'} [{violation.rule_id}]" in envelope["msg"]
    else:
        assert envelope["code"] == 200
        assert schemas.errors("UploadExtendResponse", envelope) == []


# ---------------------------------------------------------------------------------------------------- credits


async def test_a_submit_beyond_the_balance_gets_402(make_mock: Callable[..., MockApp]) -> None:
    """With 2 credits at 1 per task, the third submit gets 402 and creates nothing; invalid bodies cost nothing."""
    mock = make_mock(credits=2)
    async with api(mock) as client:
        rejected = await client.post(
            SUBMIT, json=valid_body({names().model: undocumented_value("SunoModel")}), headers=AUTH
        )
        codes = [(await client.post(SUBMIT, json=valid_body(), headers=AUTH)).json()["code"] for _ in range(3)]
    assert rejected.json()["code"] == 422
    assert codes == [200, 200, 402]
    assert len(mock.tasks) == 2
    assert mock.credits == 0


async def test_the_balance_can_be_topped_up(make_mock: Callable[..., MockApp]) -> None:
    """The balance is runtime state: set it directly or with POST /_mock/credits (null for unlimited)."""
    mock = make_mock(credits=0, credits_per_task=2.5)
    async with api(mock) as client:
        assert (await client.post(SUBMIT, json=valid_body(), headers=AUTH)).json()["code"] == 402
        assert (await client.post("/_mock/credits", json={"credits": 5})).json()["credits"] == 5
        codes = [(await client.post(SUBMIT, json=valid_body(), headers=AUTH)).json()["code"] for _ in range(3)]
        assert (await client.post("/_mock/credits", json={"credits": None})).status_code == 200
        assert (await client.post(SUBMIT, json=valid_body(), headers=AUTH)).json()["code"] == 200
        assert (await client.post("/_mock/credits", json={"credits": -1})).status_code == 400
    assert codes == [200, 200, 402]


# ------------------------------------------------------------------------------------------------- rate limit


async def test_the_rate_limit_answers_429_with_retry_after(make_mock: Callable[..., MockApp]) -> None:
    """Beyond the bucket, 429 with Retry-After; the bucket refills at rate_limit per second."""
    timer = FakeTimer()
    mock = make_mock()
    mock = MockApp(mock.settings.evolve(rate_limit=2, rate_burst=2), clock=mock.clock, timer=timer)
    async with api(mock) as client:

        async def poll() -> httpx.Response:
            return await client.get(RECORD_INFO, params=task_query("x"), headers=AUTH)

        first, second, third = [await poll() for _ in range(3)]
        timer.now += 0.5
        after_half_a_second = await poll()
    assert [first.json()["code"], second.json()["code"]] == [404, 404]
    assert third.json()["code"] == 429
    assert third.headers["Retry-After"] == "1"
    assert after_half_a_second.json()["code"] == 404


async def test_rate_limits_are_per_key_and_after_auth(make_mock: Callable[..., MockApp]) -> None:
    """Each key has its own bucket; a request refused for its token does not spend one."""
    timer = FakeTimer()
    settings = make_mock().settings.evolve(rate_limit=1, rate_burst=1, api_keys=(KEY, OTHER_KEY))
    mock = MockApp(settings, timer=timer)
    async with api(mock) as client:
        refused = await client.get(RECORD_INFO, params=task_query("x"), headers={"Authorization": "Bearer bad"})
        mine = await client.get(RECORD_INFO, params=task_query("x"), headers=AUTH)
        other = await client.get(RECORD_INFO, params=task_query("x"), headers={"Authorization": f"Bearer {OTHER_KEY}"})
        mine_again = await client.get(RECORD_INFO, params=task_query("x"), headers=AUTH)
    assert refused.json()["code"] == 401
    assert [mine.json()["code"], other.json()["code"], mine_again.json()["code"]] == [404, 404, 429]


def test_retry_after_rounds_up_to_whole_seconds() -> None:
    """Retry-After is a whole number of seconds, at least 1, never shorter than the real wait."""
    timer = FakeTimer()
    mock = MockApp(Settings(api_keys=(KEY,), rate_limit=0.25, rate_burst=1), timer=timer)
    assert mock.rate_limit(KEY) == 0
    assert mock.rate_limit(KEY) == pytest.approx(4.0)
    assert mock.retry_after(mock.rate_limit(KEY)) == {"Retry-After": "4"}
    assert mock.retry_after(0.01) == {"Retry-After": "1"}


# ------------------------------------------------------------------------------------------------ maintenance


async def test_maintenance_answers_455_to_everything(make_mock: Callable[..., MockApp]) -> None:
    """In maintenance every API request gets 455, even one with a wrong token; debug endpoints still work."""
    mock = make_mock(maintenance=True)
    async with api(mock) as client:
        submitted = await client.post(SUBMIT, json=valid_body(), headers=AUTH)
        polled = await client.get(RECORD_INFO, params=task_query("x"), headers={"Authorization": "Bearer bad"})
        state = await client.get("/_mock/state")
        await client.post("/_mock/maintenance", json={"enabled": False})
        after = await client.post(SUBMIT, json=valid_body(), headers=AUTH)
    assert submitted.json()["code"] == 455
    assert polled.json()["code"] == 455
    assert state.json()["maintenance"] is True
    assert after.json()["code"] == 200


async def test_maintenance_can_be_switched_on_at_runtime(make_mock: Callable[..., MockApp]) -> None:
    """mock.maintenance is runtime state."""
    mock = make_mock()
    async with api(mock) as client:
        mock.maintenance = True
        assert (await client.post(SUBMIT, json=valid_body(), headers=AUTH)).json()["code"] == 455


# ------------------------------------------------------------------------------------------------ error styles


async def _error_responses(mock: MockApp) -> dict[int, httpx.Response]:
    async with api(mock) as client:
        found = {
            401: await client.post(SUBMIT, json=valid_body()),
            402: await client.post(SUBMIT, json=valid_body(), headers=AUTH),
            404: await client.get(RECORD_INFO, params=task_query("nope"), headers=AUTH),
            422: await client.get(RECORD_INFO, headers=AUTH),
            500: await client.get(RECORD_INFO, params=task_query("x"), headers={**AUTH, "X-Mock-Fault": "500"}),
            451: await client.post(SUBMIT, json=valid_body(), headers={**AUTH, "X-Mock-Fault": "451"}),
        }
        mock.maintenance = True
        found[455] = await client.get(RECORD_INFO, params=task_query("x"), headers=AUTH)
        mock.maintenance = False
        found[429] = await client.get(RECORD_INFO, params=task_query("x"), headers={**AUTH, "X-Mock-Fault": "429"})
    return found


async def test_both_error_styles_send_the_same_envelope(make_mock: Callable[..., MockApp], schemas: Schemas) -> None:
    """Upstream style answers HTTP 200, status style answers the code as the HTTP status; the bodies match."""
    upstream = await _error_responses(make_mock(credits=0))
    status = await _error_responses(make_mock(credits=0, error_style="status"))
    for code in upstream:
        assert upstream[code].status_code == 200, code
        assert status[code].status_code == code
        assert upstream[code].json() == status[code].json()
        assert upstream[code].json()["code"] == code
        assert upstream[code].headers["content-type"] == "application/json"
        assert schemas.errors("ErrorResponse", upstream[code].json()) == []
    assert upstream[429].headers["Retry-After"] == status[429].headers["Retry-After"] == "1"


async def test_successes_conform_to_the_response_schemas(make_mock: Callable[..., MockApp], schemas: Schemas) -> None:
    """The submit and record-info answers match the spec's response schemas, at every stage of every outcome."""
    mock = make_mock()
    async with api(mock) as client:
        submitted = await client.post(SUBMIT, json=valid_body(), headers=AUTH)
        assert schemas.errors("UploadExtendResponse", submitted.json()) == []
        ids = [await submit(client, valid_body(), **{"X-Mock-Outcome": outcome}) for outcome in sorted(OUTCOMES)]
        for _ in range(4):
            for task_id in ids:
                answer = (await client.get(RECORD_INFO, params=task_query(task_id), headers=AUTH)).json()
                assert schemas.errors("RecordInfoResponse", answer) == []
            await mock.advance(2)


# ----------------------------------------------------------------------------------------------------- faults


async def test_a_500_fault_answers_without_processing(make_mock: Callable[..., MockApp]) -> None:
    """X-Mock-Fault: 500 answers the 500 envelope and creates nothing; the journal records it."""
    mock = make_mock()
    async with api(mock) as client:
        envelope = (await client.post(SUBMIT, json=valid_body(), headers={**AUTH, "X-Mock-Fault": "500"})).json()
    assert envelope == {"code": 500, "msg": "Internal server error. (injected fault)", "data": None}
    assert mock.tasks == {}
    assert [(record.route, record.code, record.fault) for record in mock.requests] == [("submit", 500, "500")]


async def test_malformed_json_is_processed_but_unreadable(make_mock: Callable[..., MockApp]) -> None:
    """malformed-json: the task is created, the answer is HTTP 200 application/json that does not parse."""
    mock = make_mock()
    async with api(mock) as client:
        response = await client.post(SUBMIT, json=valid_body(), headers={**AUTH, "X-Mock-Fault": "malformed-json"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    assert len(mock.tasks) == 1


async def test_drop_connection_after_processing(make_mock: Callable[..., MockApp]) -> None:
    """drop-connection: the submit takes effect and is recorded, then no answer (in-process: an exception)."""
    mock = make_mock()
    async with api(mock) as client:
        with pytest.raises(ConnectionDroppedError):
            await client.post(SUBMIT, json=valid_body(), headers={**AUTH, "X-Mock-Fault": "drop-connection"})
    assert len(mock.tasks) == 1
    assert [(record.code, record.fault) for record in mock.requests] == [(200, "drop-connection")]


async def test_drop_connection_before_processing(make_mock: Callable[..., MockApp]) -> None:
    """drop-connection=before: nothing happens, and the journal says the request came and got no answer."""
    mock = make_mock()
    async with api(mock) as client:
        with pytest.raises(ConnectionDroppedError):
            await client.post(SUBMIT, json=valid_body(), headers={**AUTH, "X-Mock-Fault": "drop-connection=before"})
    assert mock.tasks == {}
    assert [(record.code, record.fault) for record in mock.requests] == [(None, "drop-connection=before")]


async def test_a_delay_fault_still_answers(make_mock: Callable[..., MockApp]) -> None:
    """delay=SECONDS waits, then processes normally."""
    mock = make_mock()
    async with api(mock) as client:
        response = await client.post(SUBMIT, json=valid_body(), headers={**AUTH, "X-Mock-Fault": "delay=0.01"})
    assert response.json()["code"] == 200
    assert mock.requests[0].fault == "delay=0.01"


async def test_an_invalid_fault_is_rejected_by_name(make_mock: Callable[..., MockApp]) -> None:
    """A fault header the mock cannot parse gets a 422 envelope naming the item."""
    mock = make_mock()
    async with api(mock) as client:
        envelope = (await client.post(SUBMIT, json=valid_body(), headers={**AUTH, "X-Mock-Fault": "boom"})).json()
    assert envelope["code"] == 422
    assert "'boom'" in envelope["msg"]


async def test_armed_faults_apply_to_the_next_requests_of_a_route(make_mock: Callable[..., MockApp]) -> None:
    """An armed fault hits the next `times` requests of its route only; a header wins over it."""
    mock = make_mock()
    mock.arm_fault("503", route="record-info", times=2)
    async with api(mock) as client:
        task_id = await submit(client)
        header_wins = await client.get(RECORD_INFO, params=task_query(task_id), headers={**AUTH, "X-Mock-Fault": "409"})
        codes = [
            (await client.get(RECORD_INFO, params=task_query(task_id), headers=AUTH)).json()["code"] for _ in range(3)
        ]
    assert header_wins.json()["code"] == 409
    assert codes == [503, 503, 200]


async def test_faults_can_be_armed_over_http(make_mock: Callable[..., MockApp]) -> None:
    """POST /_mock/faults arms a fault, DELETE clears them, a bad one is refused."""
    mock = make_mock()
    async with api(mock) as client:
        assert (await client.post("/_mock/faults", json={"fault": "451", "route": "submit"})).json() == {"armed": 1}
        assert (await client.post(SUBMIT, json=valid_body(), headers=AUTH)).json()["code"] == 451
        await client.post("/_mock/faults", json={"fault": "500", "times": 5})
        assert (await client.delete("/_mock/faults")).json() == {"armed": 0}
        assert (await client.post(SUBMIT, json=valid_body(), headers=AUTH)).json()["code"] == 200
        assert (await client.post("/_mock/faults", json={"fault": "nope"})).status_code == 400
        assert (await client.post("/_mock/faults", json={"fault": "500", "route": "elsewhere"})).status_code == 400


async def test_the_fault_setting_applies_to_api_requests_only(make_mock: Callable[..., MockApp]) -> None:
    """fault= in the settings hits every API request, never the spec or the debug endpoints."""
    mock = make_mock(fault="500")
    async with api(mock) as client:
        assert (await client.post(SUBMIT, json=valid_body(), headers=AUTH)).json()["code"] == 500
        assert (await client.get(RECORD_INFO, params=task_query("x"), headers=AUTH)).json()["code"] == 500
        assert (await client.get("/openapi.yaml")).status_code == 200
        assert (await client.get("/_mock/state")).status_code == 200


def test_arm_fault_refuses_nonsense() -> None:
    """arm_fault names what is wrong with its arguments."""
    mock = MockApp()
    with pytest.raises(ValueError, match="spec"):
        mock.arm_fault("")
    with pytest.raises(ValueError, match="route"):
        mock.arm_fault("500", route="upload")
    with pytest.raises(ValueError, match="times"):
        mock.arm_fault("500", times=0)


# ------------------------------------------------------------------------------------- routes, spec, debug API


@pytest.mark.parametrize("error_style", ["upstream", "status"])
async def test_unknown_routes_and_methods_get_envelopes(make_mock: Callable[..., MockApp], error_style: str) -> None:
    """An unknown path gets the 404 envelope, a wrong method the 405 one, in the configured style."""
    mock = make_mock(error_style=error_style)
    async with api(mock) as client:
        missing = await client.get("/api/v1/generate/nothing", headers=AUTH)
        wrong = await client.delete(SUBMIT, headers=AUTH)
    assert missing.json() == {"code": 404, "msg": "No route GET /api/v1/generate/nothing.", "data": None}
    assert wrong.json()["code"] == 405
    assert (missing.status_code, wrong.status_code) == ((404, 405) if error_style == "status" else (200, 200))


async def test_the_effective_spec_is_served(make_mock: Callable[..., MockApp]) -> None:
    """GET /openapi.yaml serves the effective spec byte for byte (JSON is valid YAML); /openapi.json too."""
    mock = make_mock()
    async with api(mock) as client:
        as_yaml = await client.get("/openapi.yaml")
        as_json = await client.get("/openapi.json")
    assert as_yaml.content == effective_spec_path().read_bytes() == as_json.content
    assert as_yaml.headers["content-type"] == "application/yaml"
    assert as_json.headers["content-type"] == "application/json"


async def test_the_debug_endpoints(make_mock: Callable[..., MockApp]) -> None:
    """/_mock reports state, tasks, requests and deliveries, and steps the clock."""
    mock = make_mock(credits=5)
    async with api(mock) as client:
        task_id = await submit(client)
        index = (await client.get("/_mock")).json()
        task = (await client.get(f"/_mock/tasks/{task_id}")).json()
        advanced = (await client.post("/_mock/advance", json={"seconds": 10})).json()
        bad_advance = await client.post("/_mock/advance", json={"seconds": -1})
        not_json = await client.post("/_mock/advance", content=b"[")
        after = (await client.get(f"/_mock/tasks/{task_id}")).json()
        requests = (await client.get("/_mock/requests")).json()
        unknown = await client.get("/_mock/tasks/nope")
        bad_maintenance = await client.post("/_mock/maintenance", json={"enabled": "yes"})
    assert "X-Mock-Fault" in index["headers"]
    spec_names = names()
    assert (task["status"], task["outcome"], task["step"]) == (spec_names.status_pending, spec_names.status_success, 0)
    assert advanced["statuses"] == {spec_names.status_success: 1}
    assert advanced["credits"] == 4
    assert after["nextStepAt"] is None
    assert requests == [{"route": "submit", "method": "POST", "path": SUBMIT, "code": 200, "fault": ""}]
    assert (bad_advance.status_code, not_json.status_code, unknown.status_code) == (400, 400, 404)
    assert bad_maintenance.status_code == 400


async def test_track_files_are_served(make_mock: Callable[..., MockApp]) -> None:
    """Track URLs point at the mock, which serves a silent MP3 and a one-pixel PNG."""
    mock = make_mock(stage_seconds=0)
    async with api(mock) as client:
        task_id = await submit(client)
        track = (await client.get(RECORD_INFO, params=task_query(task_id), headers=AUTH)).json()["data"]
        first = track["response"]["sunoData"][0]
        audio = await client.get(first["audioUrl"])
        stream = await client.get(first["streamAudioUrl"])
        image = await client.get(first["imageUrl"])
    assert audio.headers["content-type"] == "audio/mpeg" == stream.headers["content-type"]
    assert audio.content == silent_mp3()
    assert audio.content[:2] == b"\xff\xfb"
    assert len(audio.content) % 417 == 0
    assert image.headers["content-type"] == "image/png"
    assert image.content == pixel_png()
    assert image.content.startswith(b"\x89PNG\r\n\x1a\n")


async def test_a_crashing_seam_answers_the_500_envelope(make_mock: Callable[..., MockApp]) -> None:
    """A bug in the mock (here a variant) answers the 500 envelope, never an HTML page."""

    class Crashing(MockApp):
        def find_task(self, task_id: str) -> Any:
            raise RuntimeError("boom")

    mock = make_mock(Crashing)
    transport = httpx.ASGITransport(app=mock.app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://mock.test") as client:
        response = await client.get(RECORD_INFO, params=task_query("x"), headers=AUTH)
    await mock.aclose()
    assert response.json() == {"code": 500, "msg": "Internal server error.", "data": None}


# ------------------------------------------------------------------------------------------------------ variants


class NoRetryAfter(MockApp):
    """429 without Retry-After: the client cannot know when to retry."""

    def retry_after(self, seconds: float) -> dict[str, str]:
        return {}


async def test_a_variant_is_a_tiny_subclass() -> None:
    """create_app(settings, mock_class=...) serves a variant; only the overridden behaviour changes."""
    app = create_app(Settings(api_keys=(KEY,), rate_limit=1, rate_burst=1), mock_class=NoRetryAfter)
    mock = app.state.mock
    assert isinstance(mock, NoRetryAfter)
    async with api(mock) as client:
        first = await client.get(RECORD_INFO, params=task_query("x"), headers=AUTH)
        limited = await client.get(RECORD_INFO, params=task_query("x"), headers=AUTH)
    assert first.json()["code"] == 404
    assert limited.json()["code"] == 429
    assert "Retry-After" not in limited.headers
