"""An OpenAPI 3.0 candidate is upgraded to 3.1 before the overlays, or the build says what it needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from suno_api.spec import names
from suno_api_build import DiffReport, diff_report
from suno_api_build._build import BuildError, build_effective_spec, upgrade_openapi_30

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "suno-api.yaml"


def as_30(node: Any) -> Any:
    """Write a 3.1 document the 3.0 way: ``type: [X, 'null']`` as ``type: X, nullable: true``."""
    if isinstance(node, dict):
        converted = {key: as_30(value) for key, value in node.items()}
        kind = converted.get("type")
        if isinstance(kind, list) and "null" in kind:
            (converted["type"],) = [part for part in kind if part != "null"]
            converted["nullable"] = True
        return converted
    if isinstance(node, list):
        return [as_30(value) for value in node]
    return node


@pytest.fixture
def spec_30(tmp_path: Path) -> Path:
    document = as_30(yaml.safe_load(SPEC.read_text(encoding="utf-8")))
    document["openapi"] = "3.0.3"
    assert "nullable: true" in yaml.safe_dump(document)
    path = tmp_path / "suno-api-30.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def test_a_30_candidate_yields_the_same_effective_spec(spec_30: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same API written the 3.0 way makes the same valid 3.1 effective spec, and the build says it upgraded."""
    assert build_effective_spec(spec_30, ROOT / "overlays") == build_effective_spec(SPEC, ROOT / "overlays")
    assert "is OpenAPI 3.0.3: upgraded to 3.1.0 before the overlays (2 `nullable: true`" in capsys.readouterr().err


def test_a_30_candidate_is_no_change_in_the_diff(spec_30: Path) -> None:
    """No false alarm: `nullable: true` is a null type; the note says what was done."""
    report = diff_report(SPEC, spec_30)
    assert isinstance(report, DiffReport)
    assert (report.exit_code, report.to_json()["changes"]) == (0, [])
    (note,) = report.to_json()["new"]["notes"]
    assert "upgraded to 3.1.0" in note
    assert "  note: " in report.text()


def test_the_upgrade_rewrites_30_keywords_the_31_way() -> None:
    document = {
        "openapi": "3.0.2",
        "components": {
            "schemas": {
                "A": {"type": "string", "enum": ["x"], "nullable": True},
                "B": {"$ref": "#/components/schemas/A", "nullable": True, "description": "kept"},
                "C": {"type": "number", "minimum": 0, "exclusiveMinimum": True, "exclusiveMaximum": False},
                "D": {"nullable": False, "type": "integer"},
            }
        },
    }
    upgraded, counts = upgrade_openapi_30(document)
    schemas = upgraded["components"]["schemas"]
    assert upgraded["openapi"] == "3.1.0"
    assert schemas["A"] == {"type": ["string", "null"], "enum": ["x", None]}
    assert schemas["B"] == {"description": "kept", "anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}
    assert schemas["C"] == {"type": "number", "exclusiveMinimum": 0}
    assert schemas["D"] == {"type": "integer"}
    assert sum(counts.values()) == 5
    assert document["components"]["schemas"]["A"]["nullable"] is True, "the input is left as it was"


def test_a_31_document_is_left_alone() -> None:
    document = {"openapi": "3.1.0", "components": {"schemas": {"A": {"type": "string", "nullable": True}}}}
    assert upgrade_openapi_30(document) == (document, {})


def test_an_invalid_30_candidate_is_named_as_such(tmp_path: Path) -> None:
    """Invalid as 3.0 already: the error names upstream's document, not the overlays."""
    document = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    document["openapi"] = "3.0.3"
    document["paths"][names().record_info_path]["get"]["responses"] = "none"
    path = tmp_path / "broken-30.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    with pytest.raises(BuildError, match=r"broken-30\.yaml is not a valid OpenAPI document"):
        build_effective_spec(path, ROOT / "overlays")
