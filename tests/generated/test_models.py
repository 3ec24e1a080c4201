"""The generated package, untouched: its models round-trip the published examples, its client speaks HTTP."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from suno_api.spec import names
from suno_api_client import AuthenticatedClient
from suno_api_client.api.default import get_record_info, upload_and_extend_audio
from suno_api_client.models import (
    CallbackPayload,
    RecordInfoResponse,
    TaskStatus,
    UploadExtendRequest,
    UploadExtendResponse,
)
from tests.spec_support import undocumented_value

ROOT = Path(__file__).resolve().parents[2]
EFFECTIVE = json.loads((ROOT / "generated" / "suno-api.effective.json").read_text(encoding="utf-8"))
REAL_PAYLOADS = ROOT / "tests" / "fixtures" / "real-payloads"


def submit() -> dict[str, Any]:
    found: dict[str, Any] = EFFECTIVE["paths"][names().submit_path]["post"]
    return found


def request_example() -> dict[str, Any]:
    found: dict[str, Any] = submit()["requestBody"]["content"]["application/json"]["example"]
    return found


def response_example() -> dict[str, Any]:
    found: dict[str, Any] = submit()["responses"]["200"]["content"]["application/json"]["example"]
    return found


def record_example() -> dict[str, Any]:
    operation = EFFECTIVE["paths"][names().record_info_path]["get"]
    found: dict[str, Any] = operation["responses"]["200"]["content"]["application/json"]["example"]
    return found


def callback_example() -> dict[str, Any]:
    (callback,) = submit()["callbacks"]["audioExtensionCompleted"].values()
    found: dict[str, Any] = callback["post"]["requestBody"]["content"]["application/json"]["example"]
    return found


@pytest.mark.parametrize(
    ("model_class", "example"),
    [
        (UploadExtendRequest, request_example),
        (UploadExtendResponse, response_example),
        (RecordInfoResponse, record_example),
        (CallbackPayload, callback_example),
    ],
    ids=["request", "submit-response", "record-info", "callback"],
)
def test_examples_round_trip_unchanged(model_class: Any, example: Callable[[], dict[str, Any]]) -> None:
    original = copy.deepcopy(example())
    assert model_class.from_dict(example()).to_dict() == original


def test_live_record_info_round_trips_with_undocumented_values() -> None:
    """The live capture: integer createTime, unknown `type`/`modelName`, extra fields, null error fields."""
    live = json.loads((REAL_PAYLOADS / "record-info-success-live.json").read_text(encoding="utf-8"))
    decoded = RecordInfoResponse.from_dict(copy.deepcopy(live))
    assert decoded.to_dict() == live
    assert decoded.data is not None
    assert decoded.data.status == TaskStatus(names().status_success)
    assert decoded.data.additional_properties["createTime"] == 1763169463000


def test_unknown_status_is_kept_as_a_string() -> None:
    """Response-side enums accept values the spec does not list (ERRATA E-11)."""
    spec_names, unknown = names(), undocumented_value("TaskStatus")
    record = {spec_names.record_task_id: "t", spec_names.record_status: unknown}
    decoded = RecordInfoResponse.from_dict(
        {spec_names.envelope_code: 200, spec_names.envelope_msg: "ok", spec_names.envelope_data: record}
    )
    assert decoded.data is not None
    assert decoded.data.status == unknown
    assert not isinstance(decoded.data.status, TaskStatus)


def test_generated_client_posts_and_polls_over_a_transport() -> None:
    """The generated functions send the bearer token and JSON body, and decode the envelope."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "POST":
            return httpx.Response(200, json=response_example())
        return httpx.Response(200, json=record_example())

    client = AuthenticatedClient(
        base_url="https://api.kie.ai", token="sk-test", httpx_args={"transport": httpx.MockTransport(handler)}
    )
    with client:
        submitted = upload_and_extend_audio.sync(client=client, body=UploadExtendRequest.from_dict(request_example()))
        polled = get_record_info.sync(client=client, task_id="5c79****be8e")

    assert isinstance(submitted, UploadExtendResponse)
    assert submitted.data is not None
    assert submitted.data.task_id == "5c79****be8e"
    assert isinstance(polled, RecordInfoResponse)
    assert polled.data is not None
    assert polled.data.status == TaskStatus(names().status_success)
    post, get = seen
    assert post.url.path == names().submit_path
    assert post.headers["Authorization"] == "Bearer sk-test"
    assert json.loads(post.content) == request_example()
    assert get.url.params[names().task_id_param] == "5c79****be8e"


async def _poll_async(client: AuthenticatedClient) -> Any:
    async with client:
        return await get_record_info.asyncio(client=client, task_id="5c79****be8e")


@pytest.mark.anyio
async def test_generated_client_polls_asynchronously() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=record_example())

    client = AuthenticatedClient(
        base_url="https://api.kie.ai", token="sk-test", httpx_args={"transport": httpx.MockTransport(handler)}
    )
    polled = await _poll_async(client)
    assert isinstance(polled, RecordInfoResponse)
    assert polled.code == 200


def _response_enums() -> set[str]:
    """The enums the normalise overlay opens up in responses (``anyOf: [$ref, {type}]``): members may vanish."""
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for branch in node.get("anyOf", ()):
                ref = branch.get("$ref", "") if isinstance(branch, dict) else ""
                if ref.startswith("#/components/schemas/"):
                    found.add(ref.rsplit("/", 1)[1])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(EFFECTIVE["components"]["schemas"])
    return {name for name in found if "enum" in EFFECTIVE["components"]["schemas"][name]}


def test_no_hand_written_module_names_a_member_of_a_response_enum() -> None:
    """Regeneration guard: a spec that drops a response enum value must not break hand-written code.

    Statuses, stages and codes are compared by value; naming a member (``TaskStatus.SUCCESS``) would raise
    AttributeError once a regeneration removes it (issue 13 item 2).
    """
    import ast  # noqa: PLC0415 - only this test parses sources

    enums = _response_enums()
    assert {"TaskStatus", "CallbackType"} <= enums
    offenders = []
    for path in sorted([*(ROOT / "overlays").rglob("*.py"), *(ROOT / "conformance").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
                continue
            if node.value.id in enums and node.attr.isupper():
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value.id}.{node.attr}")
    assert offenders == []
