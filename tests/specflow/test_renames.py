"""A renamed field, parameter or enum value is one change, labelled for the side it is on; anything less is not.

Every name comes from the vendored spec by its role (``suno_api.spec.names()``), so these tests follow upstream.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from suno_api.spec import names
from suno_api_build import DiffReport, diff_report
from suno_api_build._build import dump_json
from suno_api_build._pairing import pair, similar, similar_names
from suno_api_build._specdiff import compare, diff_specs
from tests.spec_support import models

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "suno-api.yaml"


def owner(role: str) -> tuple[str, str]:
    """Return the component schema that holds the property ``role`` names, and the property's spelling."""
    schema = names().pointer(role).split("/")[3]
    return schema, names().resolve(role)


def properties(spec: dict[str, Any], schema: str) -> dict[str, Any]:
    found: dict[str, Any] = spec["components"]["schemas"][schema]["properties"]
    return found


def rename_property(spec: dict[str, Any], schema: str, old: str, new: str) -> None:
    """Spell ``old`` as ``new`` in ``schema``: its property and its place in ``required``."""
    found = spec["components"]["schemas"][schema]
    found["properties"] = {new if key == old else key: value for key, value in found["properties"].items()}
    if old in found.get("required", []):
        found["required"] = [new if key == old else key for key in found["required"]]


def case_variants(name: str) -> list[str]:
    """Spellings of ``name`` that differ only in case."""
    return sorted({name.lower(), name.upper(), name.swapcase(), name.capitalize()} - {name})


def near(name: str) -> str:
    """A spelling of ``name`` one character longer (``callBack_Url``): a small edit for its length."""
    middle = len(name) // 2
    return f"{name[:middle]}_{name[middle:]}"


def entries(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = diff_specs(old, new).to_dict()["changes"]
    return changes


def test_a_request_field_rename_is_one_breaking_change(committed: dict[str, Any], changed: dict[str, Any]) -> None:
    """A client still sending the old name is refused: breaking, and the rule says so for the mock and the suite."""
    schema, field = owner("callback_url")
    renamed = near(field)
    rename_property(changed, schema, field, renamed)
    (entry,) = entries(committed, changed)
    assert entry["description"] == f"{schema}.{field}: renamed to {renamed}"
    assert (entry["kind"], entry["old"], entry["new"]) == ("renamed", field, renamed)
    required = field in committed["components"]["schemas"][schema].get("required", [])
    # a required field breaks on either side, so its label does not depend on the side
    assert (entry["label"], entry["label_side"]) == ("breaking", None if required else "sent")
    assert entry["facts"]["required"] is required
    assert entry["label_rule"] == ("required field or parameter renamed" if required else "field or parameter renamed")
    assert "the mock rejects it" in entry["label_why"]


def test_a_case_only_rename_is_a_rename(committed: dict[str, Any], changed: dict[str, Any]) -> None:
    schema, field = owner("callback_url")
    renamed = case_variants(field)[0]
    rename_property(changed, schema, field, renamed)
    assert [(entry["description"], entry["label"]) for entry in entries(committed, changed)] == [
        (f"{schema}.{field}: renamed to {renamed}", "breaking")
    ]


def test_a_rename_with_a_type_change_is_a_removal_and_an_addition(
    committed: dict[str, Any], changed: dict[str, Any]
) -> None:
    """Another schema under a similar name is not the same field: removed and added, never paired."""
    schema, field = owner("callback_url")
    renamed = case_variants(field)[0]
    rename_property(changed, schema, field, renamed)
    properties(changed, schema)[renamed] = {"type": "integer"}
    kinds = {entry["location"]: entry["kind"] for entry in entries(committed, changed)}
    assert kinds == {f"{schema}.{field}": "removed", f"{schema}.{renamed}": "added"}


def test_two_candidates_for_one_removal_are_not_paired(committed: dict[str, Any], changed: dict[str, Any]) -> None:
    schema, field = owner("callback_url")
    first, second = case_variants(field)[:2]
    moved = properties(changed, schema).pop(field)
    properties(changed, schema).update({first: moved, second: copy.deepcopy(moved)})
    kinds = sorted((entry["kind"], entry["location"]) for entry in entries(committed, changed))
    assert kinds == sorted(
        [("removed", f"{schema}.{field}"), ("added", f"{schema}.{first}"), ("added", f"{schema}.{second}")]
    )


def test_an_unrelated_new_name_is_not_a_rename(committed: dict[str, Any], changed: dict[str, Any]) -> None:
    """The same schema under a name spelled differently is a removal and an addition."""
    schema, field = owner("callback_url")
    other = "".join(reversed(field))
    rename_property(changed, schema, field, other)
    assert sorted(entry["kind"] for entry in entries(committed, changed)) == ["added", "removed"]


def test_an_inline_object_is_renamed_with_what_is_under_it(committed: dict[str, Any]) -> None:
    """The rename carries its inner fields along; a change inside it makes it another field."""
    schema, _ = owner("record_task_id")
    old, new = copy.deepcopy(committed), copy.deepcopy(committed)
    inline = {"type": "object", "properties": {"inner": {"type": "string"}}}
    properties(old, schema)["extraInfo"] = inline
    properties(new, schema)["extraInfO"] = copy.deepcopy(inline)
    assert [entry["description"] for entry in entries(old, new)] == [f"{schema}.extraInfo: renamed to extraInfO"]
    properties(new, schema)["extraInfO"]["properties"]["inner"]["type"] = "integer"
    assert sorted(entry["kind"] for entry in entries(old, new)) == ["added", "added", "removed", "removed"]


@pytest.mark.parametrize("role", ["record_error_message", "record_task_id"])
def test_a_response_property_rename(committed: dict[str, Any], changed: dict[str, Any], role: str) -> None:
    """Code reading the old name finds nothing: possibly breaking when optional, breaking when required."""
    schema, field = owner(role)
    renamed = case_variants(field)[0]
    rename_property(changed, schema, field, renamed)
    (entry,) = entries(committed, changed)
    assert entry["description"] == f"{schema}.{field}: renamed to {renamed}"
    required = field in committed["components"]["schemas"][schema].get("required", [])
    assert (entry["label"], entry["label_side"]) == (
        ("breaking", None) if required else ("possibly-breaking", "received")
    )


def test_a_query_parameter_rename(committed: dict[str, Any], changed: dict[str, Any]) -> None:
    path = names().resolve("record_info_path")
    parameter = changed["paths"][path]["get"]["parameters"][0]
    old = parameter["name"]
    assert old == names().task_id_param
    parameter["name"] = case_variants(old)[0]
    (entry,) = entries(committed, changed)
    assert entry["description"] == f"GET {path} {parameter['in']} {old}: renamed to {parameter['name']}"
    assert entry["label"] == "breaking"


def test_an_enum_member_rename(committed: dict[str, Any], changed: dict[str, Any]) -> None:
    """A sent value spelled otherwise is refused: one breaking change, not a value added and one removed."""
    model = models()[-1]
    spelled = case_variants(model)[0]
    enum = changed["components"]["schemas"]["SunoModel"]["enum"]
    enum[enum.index(model)] = spelled
    (entry,) = entries(committed, changed)
    assert entry["description"] == f"SunoModel: enum {model} renamed to {spelled}"
    assert (entry["kind"], entry["label"], entry["label_rule"]) == ("value-renamed", "breaking", "enum value renamed")


def test_a_retired_value_and_a_new_one_are_not_a_rename(committed: dict[str, Any], changed: dict[str, Any]) -> None:
    _retired, *kept = models()
    newcomer = "X" + max(kept, key=len)
    changed["components"]["schemas"]["SunoModel"]["enum"] = [*kept, newcomer]
    kinds = sorted(entry["kind"] for entry in entries(committed, changed))
    assert kinds == ["value-added", "value-removed"]


def test_summary_fail_on_json_and_markdown_carry_the_rename(tmp_path: Path, committed: dict[str, Any]) -> None:
    """A renamed parameter (no rule names it, so coverage stays clean): counted, exits 1 under --fail-on breaking."""
    path = names().resolve("record_info_path")
    changed = copy.deepcopy(committed)
    parameter = changed["paths"][path]["get"]["parameters"][0]
    field, renamed = parameter["name"], case_variants(parameter["name"])[0]
    parameter["name"] = renamed
    where = f"GET {path} {parameter['in']} {field}"
    old, new = tmp_path / "old.effective.json", tmp_path / "new.effective.json"
    old.write_text(dump_json(committed), encoding="utf-8")
    new.write_text(dump_json(changed), encoding="utf-8")
    report = diff_report(old, new, fail_on="breaking")
    assert isinstance(report, DiffReport)
    assert report.exit_code == 1
    data = json.loads(json.dumps(report.to_json()))
    assert data["summary"] == {"breaking": 1, "possibly_breaking": 0, "safe": 0}
    assert [change["description"] for change in data["changes"]] == [f"{where}: renamed to {renamed}"]
    assert f"    {where}: renamed to {renamed} [breaking]\n" in report.text()
    assert f"| breaking | `{where}` | renamed to {renamed} |" in report.markdown()


def test_upstream_renaming_the_callback_url_is_a_rename_and_a_callback_move(tmp_path: Path) -> None:
    """The vendored spec renamed everywhere: the field is renamed, the callback read from it moves with it."""
    field = names().callback_url
    renamed = case_variants(field)[0]
    text = SPEC.read_text(encoding="utf-8")
    candidate = tmp_path / "suno-api.yaml"
    candidate.write_text(text.replace(field, renamed), encoding="utf-8")
    report = compare(SPEC, candidate, root=ROOT)
    found = [(change.kind, change.section) for change in report.diff.changes]
    assert found == [("moved", "operation"), ("renamed", "field")]
    moved = report.diff.changes[0]
    assert f"#/{field}}}" in moved.old
    assert f"#/{renamed}}}" in moved.new
    assert report.diff.summary() == {"breaking": 1, "possibly-breaking": 1, "safe": 0}


def test_pairing_is_unique_both_ways() -> None:
    """One removal, one similar addition: paired; two of either: ambiguous, left apart."""
    assert pair(["alphaBeta"], ["alphabeta"], name=str) == {"alphaBeta": "alphabeta"}
    assert pair(["alphaBeta"], ["alphabeta", "ALPHABETA"], name=str) == {}
    assert pair(["alphaBeta", "ALPHAbeta"], ["alphabeta"], name=str) == {}
    assert pair(["alphaBeta"], ["alphabeta"], name=str, same=lambda _old, _new: False) == {}


def test_spelling_is_strict() -> None:
    """Case alone, or a small edit for the length; a changed digit in a short name is another name."""
    assert similar("callMeBack", "callmeback")
    assert similar("weightOfStyle", "weight_OfStyle")
    assert not similar("A3_5", "A5_5")
    assert not similar("same", "same")
    assert similar_names("tagList", ["taglist", "tagLists"]) == ["taglist"]
