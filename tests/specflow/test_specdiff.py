"""The surface diff names each kind of change, overlay health names broken actions, the CLI's exit codes hold."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from suno_api.spec import names
from suno_api_build._build import dump_json
from suno_api_build._specdiff import Change, diff_specs, main
from tests import spec_support

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "suno-api.yaml"


def schemas(spec: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = spec["components"]["schemas"]
    return found


def described(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [change.to_dict()["description"] for change in diff_specs(old, new).changes]


def test_same_spec_has_no_change(committed: dict[str, Any]) -> None:
    diff = diff_specs(committed, copy.deepcopy(committed))
    assert not diff
    assert diff.to_text() == "API surface: no change\n"


def test_descriptions_and_examples_are_not_surface(committed: dict[str, Any], changed: dict[str, Any]) -> None:
    prompt = schemas(changed)["UploadExtendRequest"]["properties"][names().prompt]
    prompt["description"], prompt["example"] = "reworded", "other"
    assert not diff_specs(committed, changed)


def absent(names: Any) -> str:
    """A name none of ``names`` is (longer than all of them), so the test survives any upstream list."""
    return max(map(str, names), key=len) + "X"


def test_field_added_removed_and_required_changed(committed: dict[str, Any], changed: dict[str, Any]) -> None:
    request = schemas(changed)["UploadExtendRequest"]
    added = absent(request["properties"])
    optional = next(name for name in request["properties"] if name not in request["required"])
    now_optional = request["required"][-1]
    request["properties"][added] = {"type": "string", "enum": ["style_persona", "voice_persona"]}
    del request["properties"][optional]
    request["required"].remove(now_optional)
    assert sorted(described(committed, changed)) == sorted(
        [
            f"UploadExtendRequest.{now_optional}: now optional",
            f"UploadExtendRequest.{added}: added (optional, string, enum style_persona | voice_persona)",
            f"UploadExtendRequest.{optional}: removed",
        ]
    )


def test_enum_values_and_bounds(committed: dict[str, Any], changed: dict[str, Any]) -> None:
    models = list(schemas(committed)["SunoModel"]["enum"])
    first, second = absent(models), absent(models) + "X"
    schemas(changed)["SunoModel"]["enum"] = [*models[1:], first, second]
    style_weight, record_task_id = names().style_weight, names().record_task_id
    weight = schemas(changed)["UploadExtendRequest"]["properties"][style_weight]
    maximum, step = weight["maximum"], weight["multipleOf"]
    weight["maximum"] = maximum * 2
    del weight["multipleOf"]
    task_id = schemas(changed)["TaskRecord"]["properties"][record_task_id]
    assert "maxLength" not in task_id, "pick another bound to add"
    task_id["maxLength"] = 64
    diff = diff_specs(committed, changed)
    assert [change.to_dict()["description"] for change in diff.changes] == [
        f"SunoModel: enum + {first}",
        f"SunoModel: enum + {second}",
        f"SunoModel: enum - {models[0]}",
        f"TaskRecord.{record_task_id}: maxLength added (64)",
        f"UploadExtendRequest.{style_weight}: maximum {maximum} -> {maximum * 2}",
        f"UploadExtendRequest.{style_weight}: multipleOf removed ({step})",
    ]
    text = diff.to_text()
    assert f"    SunoModel: enum + {first}, + {second} [safe]; enum - {models[0]} [breaking]\n" in text
    assert (
        f"    UploadExtendRequest.{style_weight}: maximum {maximum} -> {maximum * 2} [safe];"
        f" multipleOf removed ({step}) [safe]\n"
    ) in text


def test_operations_and_response_codes(committed: dict[str, Any], changed: dict[str, Any]) -> None:
    spelled = names()
    submit = changed["paths"][spelled.submit_path]["post"]
    submit["responses"]["422"] = submit["responses"].pop("500")
    del changed["paths"][spelled.record_info_path]
    found = described(committed, changed)
    assert f"GET {spelled.record_info_path}: removed" in found
    assert f"GET {spelled.record_info_path} query {spelled.task_id_param}: removed" in found
    assert f"POST {spelled.submit_path} 422: added (application/json ErrorResponse)" in found
    assert f"POST {spelled.submit_path} 500: removed" in found


def test_rules_models_and_limits(committed: dict[str, Any], changed: dict[str, Any]) -> None:
    request = schemas(changed)["UploadExtendRequest"]
    limits = next(rule for rule in request["allOf"] if rule["x-rule-id"] == "title-max-length-80")
    old_models, field = list(limits["x-rule-models"]), limits["x-rule-field"]
    old_limit = limits["then"]["properties"][field]["maxLength"]
    newcomer = absent(schemas(committed)["SunoModel"]["enum"])
    limits["x-rule-models"] = [*old_models[1:], newcomer]
    limits["then"] = {"properties": {field: {"maxLength": old_limit + 10}}}
    duration = request["x-audio-rules"][1]
    old_seconds = duration["x-max-duration-seconds"]
    duration["x-max-duration-seconds"] = old_seconds * 4
    assert described(committed, changed) == [
        f"title-max-length-80: x-rule-models + {newcomer}",
        f"title-max-length-80: x-rule-models - {old_models[0]}",
        f"title-max-length-80: {field} maxLength {old_limit} -> {old_limit + 10}",
        f"{duration['x-rule-id']}: x-max-duration-seconds {old_seconds} -> {old_seconds * 4}",
    ]


def test_change_as_json() -> None:
    change = Change("schema", "SunoModel", "value-added", "enum", new="V5_5")
    assert json.loads(json.dumps(change.to_dict())) == {
        "section": "schema",
        "location": "SunoModel",
        "kind": "value-added",
        "aspect": "enum",
        "old": None,
        "new": "V5_5",
        "description": "SunoModel: enum + V5_5",
    }


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the parts of the checkout the diff reads."""
    for part in ("spec", "overlays"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__", "suno_api"))
    return tmp_path


def write_spec(checkout: Path, edit: str, replacement: str) -> Path:
    text = (checkout / "spec" / "suno-api.yaml").read_text(encoding="utf-8")
    assert text.count(edit) == 1
    candidate = checkout / "candidate.yaml"
    candidate.write_text(text.replace(edit, replacement), encoding="utf-8")
    return candidate


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().out


def test_cli_no_change_exits_0(checkout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = str(checkout / "spec" / "suno-api.yaml")
    code, out = run([spec, spec, "--root", str(checkout)], capsys)
    assert code == 0
    assert "API surface: no change" in out
    assert "Result: nothing to do (exit 0)." in out


def test_cli_change_with_healthy_overlays_exits_1(checkout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    candidate = write_spec(
        checkout,
        "          required: true\n          description: The task ID",
        "          required: false\n          description: The task ID",
    )
    spec = str(checkout / "spec" / "suno-api.yaml")
    code, out = run([spec, str(candidate), "--root", str(checkout), "--json"], capsys)
    report = json.loads(out)
    assert code == report["exit_code"] == 1
    assert [change["description"] for change in report["changes"]] == [
        f"GET {names().record_info_path} query {names().task_id_param}: now optional"
    ]
    assert report["coverage"] == []
    assert report["new"]["overlay_problems"] == []


def test_cli_broken_action_exits_2_naming_file_action_and_target(
    checkout: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Upstream renaming a property past recognition breaks its flatten action: reported, the rest still compared."""
    old, new = names().negative_tags, "excludeTags"
    candidate = write_spec(checkout, f"                {old}:\n", f"                {new}:\n")
    spec = str(checkout / "spec" / "suno-api.yaml")
    code, out = run([spec, str(candidate), "--root", str(checkout), "--json"], capsys)
    report = json.loads(out)
    assert code == 2
    broken, leftover, dead_name = report["new"]["overlay_problems"]
    assert "x-names: role 'negative_tags' points at" in dead_name["message"]
    assert broken["overlay"] == "overlays/normalise.overlay.yaml"
    assert broken["action"] == 11
    assert broken["target"].endswith(f".schema.properties.{old}")
    assert "matches nothing" in broken["message"]
    assert leftover["target"].endswith(f".schema.properties.{new}")
    assert leftover["suggestion"].startswith(f"  - target: \"$.paths['{names().submit_path}'].post.")
    assert [change["description"] for change in report["changes"]] == [
        f"UploadExtendRequest.{new}: added (optional, string)",
        f"UploadExtendRequest.{old}: removed",
    ]


def test_cli_coverage_mode(checkout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(["--coverage", "--root", str(checkout)], capsys)
    assert (code, "Rules coverage\n  ok:" in out) == (0, True)
    overlay = checkout / "overlays" / "rules.overlay.yaml"
    rules = yaml.safe_load(overlay.read_text(encoding="utf-8"))
    update = rules["actions"][0]["update"]

    def limits(rule: dict[str, Any]) -> bool:
        bounded = (rule.get("then") or {}).get("properties", {})
        return any(isinstance(schema, dict) and "maxLength" in schema for schema in bounded.values())

    assert any(map(limits, update["allOf"])), "the rules overlay has character-limit rules"
    update["allOf"] = [rule for rule in update["allOf"] if not limits(rule)]
    overlay.write_text(yaml.safe_dump(rules, sort_keys=False), encoding="utf-8")
    code, out = run(["--coverage", "--root", str(checkout)], capsys)
    assert code == 2
    lacking = [line for line in out.splitlines() if "has no character limit for" in line]
    assert sorted(line.split("model ", 1)[1].split(" ", 1)[0] for line in lacking) == sorted(spec_support.models())


def test_effective_spec_file_is_read_as_is(
    committed: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    effective = tmp_path / "suno-api.effective.json"
    effective.write_text(dump_json(committed), encoding="utf-8")
    code, out = run([str(effective), str(SPEC), "--json"], capsys)
    report = json.loads(out)
    assert (code, report["old"]["overlays"], report["changes"]) == (0, None, [])


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param([], id="nothing"),
        pytest.param([str(SPEC)], id="one-spec"),
        pytest.param(["--coverage", str(SPEC), str(SPEC)], id="coverage-and-diff"),
        pytest.param([str(SPEC), "no/such/spec.yaml"], id="missing-file"),
    ],
)
def test_cli_cannot_compare_exits_3(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code: int | str | None
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code  # argparse leaves through SystemExit
    assert code == 3
    assert "error:" in capsys.readouterr().err


def test_openapi_30_nullable_is_a_null_type(committed: dict[str, Any], changed: dict[str, Any]) -> None:
    """`nullable: true` (OpenAPI 3.0) and a 3.1 null type or null branch are the same type: no false alarm."""
    rewritten = []
    for name, schema in schemas(changed).items():
        for field, member in schema.get("properties", {}).items():
            kinds = member.get("type")
            branches = member.get("anyOf", [])
            if isinstance(kinds, list) and "null" in kinds:  # 3.1: type: [number, "null"]
                member["type"], member["nullable"] = next(kind for kind in kinds if kind != "null"), True
                rewritten.append(f"{name}.{field}")
            elif {"type": "null"} in branches and len(branches) == 2:  # 3.1: anyOf: [{$ref: X}, {type: "null"}]
                (other,) = [branch for branch in branches if branch != {"type": "null"}]
                del member["anyOf"]
                member.update({"allOf": [other], "nullable": True} if "$ref" in other else {**other, "nullable": True})
                rewritten.append(f"{name}.{field}")
    assert len(rewritten) >= 2, "the committed spec has nullable fields written both 3.1 ways"
    assert described(committed, changed) == []
    location = rewritten[0]
    name, field = location.split(".")
    schemas(changed)[name]["properties"][field]["nullable"] = False
    (change,) = described(committed, changed)
    before, after = change.removeprefix(f"{location}: type ").split(" -> ")
    assert before == f"{after} | null"


def test_moved_path_is_one_move_and_one_retarget_per_overlay(tmp_path: Path) -> None:
    """Upstream moves the polling path: the report says moved, and which actions to retarget, not dozens of changes."""
    from suno_api_build._specdiff import compare  # noqa: PLC0415 - only this test needs the whole report

    polled = next(
        path for path, item in yaml.safe_load(SPEC.read_text(encoding="utf-8"))["paths"].items() if "get" in item
    )
    moved = polled.replace("/v1/", "/v2/")
    candidate = tmp_path / "suno-api.yaml"
    candidate.write_text(SPEC.read_text(encoding="utf-8").replace(polled, moved), encoding="utf-8")
    report = compare(SPEC, candidate, root=ROOT)
    assert [change.to_dict()["description"] for change in report.diff.changes] == [
        f"GET {moved}: moved from GET {polled}"
    ]
    (problem,) = report.new.problems
    assert problem.overlay == "overlays/normalise.overlay.yaml"
    assert f"upstream moved {polled} to {moved}" in problem.message
    overlay = (ROOT / "overlays" / "normalise.overlay.yaml").read_text(encoding="utf-8")
    actions = yaml.safe_load(overlay)["actions"]
    naming = [index for index, action in enumerate(actions) if polled in f"{action['target']} {action.get('copy', '')}"]
    assert f"action(s) still target the old path: {', '.join(map(str, naming))}." in problem.message
    assert problem.suggestion == f"  replace ['{polled}'] with ['{moved}'] in their target and copy\n"
    assert (report.gaps, report.exit_code) == ((), 2)
