"""The build refuses what would silently produce a wrong client, and the drift gate catches hand edits."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from suno_api.spec import names
from suno_api_build import _build

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the parts of the checkout the build reads and writes."""
    for part in ("spec", "overlays", "generated"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__", "suno_api"))
    return tmp_path


def test_action_matching_nothing_fails_naming_overlay_and_action(checkout: Path) -> None:
    path = checkout / "overlays" / "rules.overlay.yaml"
    overlay = yaml.safe_load(path.read_text(encoding="utf-8"))
    overlay["actions"][0]["target"] = "$.components.schemas.NoSuchSchema"
    path.write_text(yaml.safe_dump(overlay, sort_keys=False), encoding="utf-8")
    with pytest.raises(_build.BuildError, match=r"rules\.overlay\.yaml: action 0 .*NoSuchSchema.*matches nothing"):
        _build.build_effective_spec(checkout / "spec" / "suno-api.yaml", checkout / "overlays")


def test_copy_whose_source_vanished_fails(checkout: Path) -> None:
    """Upstream renaming a property must break the flatten action loudly, not skip it."""
    spec_path = checkout / "spec" / "suno-api.yaml"
    old = names().negative_tags
    spec_path.write_text(spec_path.read_text(encoding="utf-8").replace(f"{old}:", f"{old}Renamed:"), encoding="utf-8")
    broken = list(_build.broken_actions(_build.load_document(spec_path), _build.overlay_paths(checkout / "overlays")))
    assert any("normalise.overlay.yaml" in message and old in message for message in broken), broken


def test_leftover_wrapper_is_refused() -> None:
    spec = {"components": {"schemas": {"X": {"properties": {"a": {"allOf": [{"type": "string"}]}}}}}}
    with pytest.raises(_build.BuildError, match=r"#/components/schemas/X/properties/a"):
        _build.check_generator_input(spec)


def test_hand_edit_under_generated_fails_the_gate_with_a_fix(
    checkout: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Editing generated code by hand makes the drift gate fail and say to run `make generate`."""
    assert _build.main(["--root", str(checkout), "check"]) == 0
    model = checkout / "generated" / "suno_api_client" / "models" / "suno_model.py"
    model.write_text(model.read_text(encoding="utf-8") + "# hand edit\n", encoding="utf-8")
    assert _build.main(["--root", str(checkout), "check"]) == 1
    captured = capsys.readouterr()
    assert "-# hand edit" in captured.out
    assert "make generate" in captured.err


def test_regeneration_is_byte_identical(checkout: Path) -> None:
    """Generating twice gives the same bytes: the committed tree equals a fresh generation of itself."""
    _build.generate(checkout)
    assert _build.diff_trees(checkout / "generated", ROOT / "generated") == ""


def test_required_list_naming_a_renamed_field_names_its_action(checkout: Path) -> None:
    """Upstream renames a field an overlay action lists in `required`: that action is named, not left to mislead."""
    old = names().callback_task_id
    overlay = yaml.safe_load((checkout / "overlays" / "normalise.overlay.yaml").read_text(encoding="utf-8"))
    (index,) = [i for i, action in enumerate(overlay["actions"]) if old in action.get("update", {}).get("required", [])]
    spec_path = checkout / "spec" / "suno-api.yaml"
    spec_path.write_text(spec_path.read_text(encoding="utf-8").replace(old, f"{old}Renamed"), encoding="utf-8")
    broken = list(_build.broken_actions(_build.load_document(spec_path), _build.overlay_paths(checkout / "overlays")))
    assert any(
        message.startswith(f"normalise.overlay.yaml: action {index} ") and f"`required` to include {old}" in message
        for message in broken
    ), broken
