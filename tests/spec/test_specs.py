"""The vendored spec keeps upstream's shape; the effective spec is valid and fit for the generator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from suno_api import spec
from suno_api_build._build import _inline_single_all_of

ROOT = Path(__file__).resolve().parents[2]
VENDORED = yaml.safe_load((ROOT / "spec" / "suno-api.yaml").read_text(encoding="utf-8"))
EFFECTIVE = json.loads((ROOT / "generated" / "suno-api.effective.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("document", [VENDORED, EFFECTIVE], ids=["vendored", "effective"])
def test_spec_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)


def test_vendored_spec_keeps_upstream_quirks() -> None:
    """Replacing the vendored file with upstream's next version must not need our fixes re-done by hand."""
    post = VENDORED["paths"][spec.names().submit_path]["post"]
    properties = post["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert all(list(prop) == ["allOf"] and len(prop["allOf"]) == 1 for prop in properties.values())
    assert list(post["responses"]["500"]["content"]) == ["_mintlify/placeholder"]


def vendored_request() -> dict[str, Any]:
    submit = VENDORED["paths"][spec.names().submit_path]["post"]
    found: dict[str, Any] = submit["requestBody"]["content"]["application/json"]["schema"]
    return found


def test_the_effective_request_keeps_the_vendored_fields_and_required_list() -> None:
    """The overlays move the request schema into components; they add no field, drop none, and keep `required`."""
    effective = EFFECTIVE["components"]["schemas"][spec.REQUEST_SCHEMA]
    assert effective["required"] == vendored_request()["required"]
    assert list(effective["properties"]) == list(vendored_request()["properties"])


def test_effective_spec_has_no_wrapper_the_generator_would_empty() -> None:
    assert list(_inline_single_all_of(EFFECTIVE)) == []


def test_effective_spec_names_schemas_and_enums() -> None:
    schemas = EFFECTIVE["components"]["schemas"]
    model, status = spec.names().model, spec.names().record_status
    # the named enums hold exactly the vendored inline lists, in upstream's order
    assert schemas["SunoModel"]["enum"] == vendored_request()["properties"][model]["allOf"][0]["enum"]
    assert (
        schemas["TaskStatus"]["enum"] == VENDORED["components"]["schemas"]["TaskRecord"]["properties"][status]["enum"]
    )
    assert schemas[spec.REQUEST_SCHEMA]["properties"][model]["$ref"] == "#/components/schemas/SunoModel"
    assert "enum" not in schemas[spec.REQUEST_SCHEMA]["properties"][model]


def test_effective_spec_links_submit_to_record_info() -> None:
    """The stateful phase of the conformance suite follows this link."""
    names = spec.names()
    link = EFFECTIVE["paths"][names.submit_path]["post"]["responses"]["200"]["links"]["GetRecordInfo"]
    operation_id = EFFECTIVE["paths"][names.record_info_path]["get"]["operationId"]
    assert link["operationId"] == operation_id
    assert operation_id
    assert link["parameters"] == {names.task_id_param: f"$response.body#/{names.envelope_data}/{names.submit_task_id}"}


def test_effective_500_is_json() -> None:
    content = EFFECTIVE["paths"][spec.names().submit_path]["post"]["responses"]["500"]["content"]
    assert content == {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}


def test_empty_ids_are_refused() -> None:
    schemas, names = EFFECTIVE["components"]["schemas"], spec.names()
    assert schemas["UploadExtendData"]["properties"][names.submit_task_id]["minLength"] == 1
    assert schemas["TaskRecord"]["properties"][names.record_task_id]["minLength"] == 1
    assert schemas["CallbackData"]["properties"][names.callback_task_id]["minLength"] == 1
    (parameter,) = EFFECTIVE["paths"][names.record_info_path]["get"]["parameters"]
    assert parameter["schema"]["minLength"] == 1
