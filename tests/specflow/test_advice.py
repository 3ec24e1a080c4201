"""Overlay health guides: a dead action is to be deleted or retargeted (and to what); discarded lists are compared."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from suno_api_build import DiffReport, coverage_report, diff_report

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "suno-api.yaml"
SUBMIT = "/api/v1/generate/upload-extend"
RECORD_INFO = "/api/v1/generate/record-info"

Edit = Callable[[dict[str, Any]], None]


def request_properties(spec: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = spec["paths"][SUBMIT]["post"]["requestBody"]["content"]["application/json"]["schema"][
        "properties"
    ]
    return found


def record_info_code(spec: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = spec["paths"][RECORD_INFO]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]["properties"]["code"]
    return found


def candidate(tmp_path: Path, edit: Edit) -> Path:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    edit(spec)
    path = tmp_path / "candidate.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def advice(report: Any) -> list[str]:
    data = report.to_json()
    spec = data["new"] if "new" in data else data["spec"]  # a diff's NEW, or coverage's one spec
    return [problem["advice"] for problem in spec["overlay_problems"] if problem["advice"]]


def rename(old: str, new: str) -> Edit:
    def edit(spec: dict[str, Any]) -> None:
        properties = request_properties(spec)
        properties[new] = properties.pop(old)

    return edit


def test_a_renamed_property_gets_its_new_target(tmp_path: Path) -> None:
    """Compared with OLD, the one new name in the same place is the rename, however it is spelled."""
    report = diff_report(SPEC, candidate(tmp_path, rename("negativeTags", "excludeTags")))
    assert isinstance(report, DiffReport)
    (said,) = advice(report)
    assert said.startswith("retarget it: upstream renamed negativeTags to excludeTags? Rename it in its target and")
    assert said.endswith('.schema.properties.excludeTags"')
    assert "; retarget it: upstream renamed" in report.text()


def test_without_old_a_rename_is_found_by_its_spelling(tmp_path: Path) -> None:
    """Coverage alone has no OLD: a name that differs only in case is still taken for the rename."""
    report = coverage_report(candidate(tmp_path, rename("callBackUrl", "callbackUrl")))
    assert any(said.startswith("retarget it: upstream renamed callBackUrl to callbackUrl?") for said in advice(report))


def test_a_removed_property_is_to_be_deleted(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        del request_properties(spec)["personaId"]

    report = diff_report(SPEC, candidate(tmp_path, edit))
    assert advice(report) == ["delete it: personaId is gone from NEW (upstream removed it), or retarget it by hand"]


def test_a_wrapper_upstream_removed_is_fixed_upstream(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        properties = request_properties(spec)
        properties["personaId"] = properties["personaId"]["allOf"][0]

    report = diff_report(SPEC, candidate(tmp_path, edit))
    assert advice(report) == ["delete it: NEW no longer wraps this in a single-item allOf (fixed upstream)"]


def test_a_property_moved_elsewhere_is_found_there(tmp_path: Path) -> None:
    def edit(spec: dict[str, Any]) -> None:
        moved = request_properties(spec).pop("personaId")
        spec["components"]["schemas"]["TaskRecord"]["properties"]["personaId"] = moved

    report = diff_report(SPEC, candidate(tmp_path, edit))
    (said,) = advice(report)
    assert said.startswith("retarget it: personaId is now at '$.components.schemas.TaskRecord.properties.personaId'")


@pytest.fixture
def codes_changed(tmp_path: Path) -> Path:
    """Record-info's own code list (the overlays replace it by the shared code enum): 455 gone, 503 new."""

    def edit(spec: dict[str, Any]) -> None:
        code = record_info_code(spec)
        code["enum"] = [value for value in code["enum"] if value != 455] + [503]

    return candidate(tmp_path, edit)


def test_a_discarded_code_list_is_compared_in_the_vendored_specs(codes_changed: Path) -> None:
    report = diff_report(SPEC, codes_changed)
    assert isinstance(report, DiffReport)
    changes = [(change["kind"], change["label"]) for change in report.to_json()["changes"]]
    assert changes == [("value-added", "possibly-breaking"), ("value-removed", "possibly-breaking")]
    assert all(change["section"] == "vendored" for change in report.to_json()["changes"])
    assert "properties.code: enum + 503, - 455 [possibly-breaking]" in report.text()
    assert report.exit_code == 1


def test_against_an_effective_old_the_discarded_lists_are_named(codes_changed: Path) -> None:
    """The installed client's spec has no vendored document: the report says what it could not compare."""
    report = diff_report(None, codes_changed)
    assert isinstance(report, DiffReport)
    (where,) = report.to_json()["lists_not_compared"]
    assert where.startswith(f"$.paths['{RECORD_INFO}'].get.responses['200']")
    assert "Not compared: OLD is an effective spec" in report.text()
