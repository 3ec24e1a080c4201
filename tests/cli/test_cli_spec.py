"""``suno-api spec diff`` / ``spec coverage``: the report of ``make spec-diff``, with its own exit codes."""

from __future__ import annotations

from pathlib import Path

from tests.cli.cli_support import invoke, result_of

ROOT = Path(__file__).resolve().parents[2]
VENDORED = str(ROOT / "spec" / "suno-api.yaml")
LATER = str(ROOT / "tests" / "fixtures" / "upstream-later" / "suno-api.yaml")


def test_no_change_exits_0() -> None:
    result = invoke("spec", "diff", VENDORED, VENDORED)
    assert result.exit_code == 0
    assert result.stdout.rstrip().endswith("Result: nothing to do (exit 0).")


def test_a_later_upstream_needs_overlay_edits_exit_2_with_the_report() -> None:
    result = invoke("spec", "diff", VENDORED, LATER, "--json")
    assert result.exit_code == 2
    final = result_of(result.stdout)
    assert final["ok"] is False
    assert final["report"]["exit_code"] == 2
    assert any("V4_5ALL" in str(change) for change in final["report"]["changes"])


def test_bad_arguments_and_unreadable_specs_exit_3() -> None:
    """3 is "nothing compared": a usage error here must not read as 2, "edit the overlays"."""
    missing = invoke("spec", "diff", VENDORED)
    assert missing.exit_code == 3
    unreadable = invoke("spec", "diff", VENDORED, str(ROOT / "no-such.yaml"), "--json")
    assert unreadable.exit_code == 3
    assert result_of(unreadable.stdout)["error"]["type"] == "SpecError"


def test_coverage_of_the_vendored_spec() -> None:
    result = invoke("spec", "coverage")
    assert result.exit_code == 0
    assert invoke("spec", "coverage", LATER).exit_code == 2
