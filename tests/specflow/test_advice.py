"""Overlay health guides: a dead action is to be deleted or retargeted (and to what); discarded lists are compared."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from suno_api.spec import names
from suno_api_build import DiffReport, coverage_report, diff_report

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "suno-api.yaml"

Edit = Callable[[dict[str, Any]], None]


def request_properties(spec: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = spec["paths"][names().submit_path]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]["properties"]
    return found


def record_info_code(spec: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = spec["paths"][names().record_info_path]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]["properties"]["code"]
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
    old, new = names().negative_tags, "excludeTags"
    report = diff_report(SPEC, candidate(tmp_path, rename(old, new)))
    assert isinstance(report, DiffReport)
    (said,) = advice(report)
    assert said.startswith(f"retarget it: upstream renamed {old} to {new}? Rename it in its target and")
    assert said.endswith(f'.schema.properties.{new}"')
    assert "; retarget it: upstream renamed" in report.text()


def test_without_old_a_rename_is_found_by_its_spelling(tmp_path: Path) -> None:
    """Coverage alone has no OLD: a name that differs only in case is still taken for the rename."""
    old = names().callback_url
    new = old.lower() if old != old.lower() else old.upper()
    report = coverage_report(candidate(tmp_path, rename(old, new)))
    assert any(said.startswith(f"retarget it: upstream renamed {old} to {new}?") for said in advice(report))


def test_with_several_new_names_the_one_spelled_alike_is_the_rename(tmp_path: Path) -> None:
    """Two new names beside the dead one: the diff's pairing rule (``_pairing``) picks the one spelled alike."""
    old = names().negative_tags
    new = old.lower() if old != old.lower() else old.upper()

    def edit(spec: dict[str, Any]) -> None:
        rename(old, new)(spec)
        request_properties(spec)["coverSeed"] = {"type": "string"}

    report = diff_report(SPEC, candidate(tmp_path, edit))
    assert isinstance(report, DiffReport)
    target = str(report.new.problems[0].target)
    assert [said for said in advice(report) if said.startswith("retarget it: upstream renamed")] == [
        f"retarget it: upstream renamed {old} to {new}? Rename it in its target and copy: {target.replace(old, new)!r}"
    ]


def test_a_removed_property_is_to_be_deleted(tmp_path: Path) -> None:
    persona = names().persona_id

    def edit(spec: dict[str, Any]) -> None:
        del request_properties(spec)[persona]

    report = diff_report(SPEC, candidate(tmp_path, edit))
    assert advice(report) == [f"delete it: {persona} is gone from NEW (upstream removed it), or retarget it by hand"]


def test_a_wrapper_upstream_removed_is_fixed_upstream(tmp_path: Path) -> None:
    persona = names().persona_id

    def edit(spec: dict[str, Any]) -> None:
        properties = request_properties(spec)
        properties[persona] = properties[persona]["allOf"][0]

    report = diff_report(SPEC, candidate(tmp_path, edit))
    assert advice(report) == ["delete it: NEW no longer wraps this in a single-item allOf (fixed upstream)"]


def test_a_property_moved_elsewhere_is_found_there(tmp_path: Path) -> None:
    persona = names().persona_id

    def edit(spec: dict[str, Any]) -> None:
        moved = request_properties(spec).pop(persona)
        spec["components"]["schemas"]["TaskRecord"]["properties"][persona] = moved

    report = diff_report(SPEC, candidate(tmp_path, edit))
    (said,) = advice(report)
    assert said.startswith(f"retarget it: {persona} is now at '$.components.schemas.TaskRecord.properties.{persona}'")


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
    assert where.startswith(f"$.paths['{names().record_info_path}'].get.responses['200']")
    assert "Not compared: OLD is an effective spec" in report.text()
