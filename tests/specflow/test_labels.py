"""Every change carries a label for code that uses the client; the summary, ``--fail-on`` and Markdown follow it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from suno_api.spec import names
from suno_api_build import diff_report
from suno_api_build._build import dump_json
from suno_api_build._labels import RULES, schema_sides
from suno_api_build._main import main as build_main
from suno_api_build._specdiff import diff_specs
from tests.spec.upstream_later import later_spec

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "suno-api.yaml"


def schemas(spec: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = spec["components"]["schemas"]
    return found


def drop_a_gender(spec: dict[str, Any]) -> str:
    """Remove the last vocal gender (a request enum value: breaking); return the value removed."""
    removed: str = schemas(spec)["VocalGender"]["enum"].pop()
    return removed


def labelled(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str]]:
    return [(entry["description"], entry["label"]) for entry in diff_specs(old, new).to_dict()["changes"]]


def test_schemas_are_judged_on_the_side_they_are_used(committed: dict[str, Any]) -> None:
    """The request body's schemas are sent; responses and callback payloads are received."""
    sides = schema_sides(committed)
    assert sides["UploadExtendRequest"] == {"sent"}
    assert sides["CallbackPayload"] == {"received"}
    assert sides["TaskStatus"] == {"received"}


def test_request_changes_that_break_callers(committed: dict[str, Any], changed: dict[str, Any]) -> None:
    """Removed, renamed, newly required, enum value removed, bounds tightened: all breaking on the request side."""
    spelled = names()
    request = schemas(changed)["UploadExtendRequest"]
    old_name = spelled.callback_url
    new_name = old_name.lower() if old_name != old_name.lower() else old_name.upper()
    request["properties"] = {
        new_name if key == old_name else key: value for key, value in request["properties"].items()
    }
    request["required"] = [new_name if name == old_name else name for name in request["required"]]
    assert spelled.style not in request["required"], "pick another optional field"
    request["required"].append(spelled.style)
    gender = drop_a_gender(changed)
    weight = request["properties"][spelled.style_weight]
    old_minimum, old_step = weight["minimum"], weight["multipleOf"]
    weight["minimum"], weight["multipleOf"] = old_minimum + 10 * old_step, 2 * old_step
    assert "maxLength" not in request["properties"][spelled.upload_url], "pick another bound to set"
    request["properties"][spelled.upload_url]["maxLength"] = 100
    found = dict(labelled(committed, changed))
    show = json.dumps
    assert found == {
        f"UploadExtendRequest.{old_name}: renamed to {new_name}": "breaking",
        f"UploadExtendRequest.{spelled.style}: now required": "breaking",
        f"UploadExtendRequest.{spelled.style_weight}: minimum {show(old_minimum)} -> {show(weight['minimum'])}": (
            "breaking"
        ),
        f"UploadExtendRequest.{spelled.style_weight}: multipleOf {show(old_step)} -> {show(weight['multipleOf'])}": (
            "breaking"
        ),
        f"UploadExtendRequest.{spelled.upload_url}: maxLength added (100)": "breaking",
        f"VocalGender: enum - {gender}": "breaking",
    }


def test_loosened_request_bounds_and_additions_are_safe(committed: dict[str, Any], changed: dict[str, Any]) -> None:
    """A step that divides the old one (0.01 -> 0.001), a higher maximum, a new value or optional field: safe."""
    request = schemas(changed)["UploadExtendRequest"]
    weight = request["properties"][names().style_weight]
    weight["multipleOf"], weight["maximum"] = weight["multipleOf"] / 10, weight["maximum"] * 2
    request["properties"]["coverSeed"] = {"type": "string"}
    schemas(changed)["VocalGender"]["enum"].append("x")
    assert {label for _, label in labelled(committed, changed)} == {"safe"}


def test_response_changes_are_possibly_breaking(committed: dict[str, Any], changed: dict[str, Any]) -> None:
    """What a client receives: a value removed or added, an optional field gone, a type changed."""
    schemas(changed)["TaskStatus"]["enum"].pop()
    schemas(changed)["TaskStatus"]["enum"].append("QUEUED")
    del schemas(changed)["TaskRecord"]["properties"]["errorMessage"]
    schemas(changed)["TaskRecord"]["properties"]["parentMusicId"]["type"] = "integer"
    assert {label for _, label in labelled(committed, changed)} == {"possibly-breaking"}


def test_a_removed_path_and_a_required_response_field_break(committed: dict[str, Any], changed: dict[str, Any]) -> None:
    record_info, task_id = names().record_info_path, names().submit_task_id
    del changed["paths"][record_info]
    schemas(changed)["UploadExtendData"]["properties"]["jobId"] = schemas(changed)["UploadExtendData"][
        "properties"
    ].pop(task_id)
    schemas(changed)["UploadExtendData"]["required"] = ["jobId"]
    found = labelled(committed, changed)
    assert (f"GET {record_info}: removed", "breaking") in found
    assert (f"UploadExtendData.{task_id}: removed", "breaking") in found
    assert [label for description, label in found if description.startswith("UploadExtendData.jobId: added")] == [
        "safe"
    ]


def test_every_rule_has_a_reason_and_known_labels() -> None:
    assert len({rule.event for rule in RULES}) == len(RULES)
    for rule in RULES:
        assert {rule.sent, rule.received} <= {"breaking", "possibly-breaking", "safe"}, rule
        assert rule.why


def test_summary_and_json_carry_the_labels(committed: dict[str, Any], changed: dict[str, Any]) -> None:
    gender = drop_a_gender(changed)
    schemas(changed)["TaskStatus"]["enum"].append("QUEUED")
    schemas(changed)["UploadExtendRequest"]["properties"]["coverSeed"] = {"type": "string"}
    diff = diff_specs(committed, changed)
    data = diff.to_dict()
    assert data["summary"] == {"breaking": 1, "possibly_breaking": 1, "safe": 1}
    assert {change["label"] for change in data["changes"]} == {"breaking", "possibly-breaking", "safe"}
    assert all(change["label_why"] and change["label_rule"] for change in data["changes"])
    text = diff.to_text()
    assert text.startswith("API surface: 3 change(s): 1 breaking, 1 possibly-breaking, 1 safe\n  breaking: ")
    assert f"    VocalGender: enum - {gender} [breaking]\n" in text


def write_effective(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(dump_json(document), encoding="utf-8")
    return path


@pytest.fixture
def pair(tmp_path: Path, committed: dict[str, Any], changed: dict[str, Any]) -> tuple[Path, dict[str, Any]]:
    """OLD as an effective spec file, and a document to change and write as NEW."""
    return write_effective(tmp_path / "old.effective.json", committed), changed


@pytest.mark.parametrize(
    ("fail_on", "possibly_only", "with_breaking"),
    [("any", 1, 1), ("possibly-breaking", 1, 1), ("breaking", 0, 1)],
)
def test_fail_on_decides_between_0_and_1(
    pair: tuple[Path, dict[str, Any]], tmp_path: Path, fail_on: str, possibly_only: int, with_breaking: int
) -> None:
    """``--fail-on breaking``: a diff with only possibly-breaking changes exits 0, with a breaking one 1."""
    old, changed = pair
    schemas(changed)["TaskStatus"]["enum"].append("QUEUED")
    new = write_effective(tmp_path / "possibly.effective.json", changed)
    assert diff_report(old, new, fail_on=fail_on).exit_code == possibly_only
    drop_a_gender(changed)
    worse = write_effective(tmp_path / "breaking.effective.json", changed)
    assert diff_report(old, worse, fail_on=fail_on).exit_code == with_breaking


def test_fail_on_below_the_level_says_so(pair: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    old, changed = pair
    schemas(changed)["TaskStatus"]["enum"].append("QUEUED")
    report = diff_report(old, write_effective(tmp_path / "new.effective.json", changed), fail_on="breaking")
    assert (
        report.text()
        .rstrip()
        .endswith("none breaking (--fail-on breaking); the overlays apply and the rules cover NEW (exit 0).")
    )
    assert report.to_json()["fail_on"] == "breaking"


def test_overlay_problems_still_exit_2_whatever_fail_on(tmp_path: Path) -> None:
    later = later_spec(tmp_path / "later-suno-api.yaml")
    assert diff_report(SPEC, later, fail_on="breaking").exit_code == 2


def test_markdown_for_a_pull_request(
    pair: tuple[Path, dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A summary table, then one row per change, worst first, and the result."""
    old, changed = pair
    schemas(changed)["TaskStatus"]["enum"].append("QUEUED")
    gender = drop_a_gender(changed)
    new = write_effective(tmp_path / "new.effective.json", changed)
    code = build_main(["diff", str(old), str(new), "--markdown", "--fail-on", "breaking"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith("### Upstream spec diff\n")
    assert "| breaking | 1 | code written for OLD fails" in out
    rows = [line for line in out.splitlines() if line.startswith(("| breaking | `", "| possibly-breaking | `"))]
    assert rows[0].startswith(f"| breaking | `VocalGender` | enum - {gender} |")
    assert rows[1].startswith("| possibly-breaking | `TaskStatus` | enum + QUEUED |")
    assert out.rstrip().endswith("(exit 1).**")


def test_json_from_the_build_command(pair: tuple[Path, dict[str, Any]], tmp_path: Path, capsys: Any) -> None:
    old, changed = pair
    schemas(changed)["TaskStatus"]["enum"].append("QUEUED")
    new = write_effective(tmp_path / "new.effective.json", changed)
    assert build_main(["diff", str(old), str(new), "--json", "--fail-on", "breaking"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["summary"] == {"breaking": 0, "possibly_breaking": 1, "safe": 0}
    assert report["changes"][0]["label"] == "possibly-breaking"


def test_callback_payloads_are_received_and_rules_are_sent(committed: dict[str, Any], changed: dict[str, Any]) -> None:
    """A field gone from the callback payload may break a webhook handler; a rule widened rejects more bodies."""
    payload = schemas(changed)["CallbackPayload"]
    optional = next(name for name in payload["properties"] if name not in payload["required"])
    del payload["properties"][optional]
    rule = next(item for item in schemas(changed)["UploadExtendRequest"]["allOf"] if "x-rule-models" in item)
    rule["x-rule-models"] = [*rule["x-rule-models"], "V9"]
    found = {
        entry["location"]: (entry["label"], entry["label_side"])
        for entry in diff_specs(committed, changed).to_dict()["changes"]
    }
    assert found[f"CallbackPayload.{optional}"] == ("possibly-breaking", "received")
    assert found[rule["x-rule-id"]] == ("breaking", None)
