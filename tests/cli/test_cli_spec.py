"""``suno-api spec diff NEW [OLD]`` / ``spec coverage [SPEC]``: the build tooling's reports and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from suno_api.spec import names
from tests.cli.cli_support import failure, invoke, process_env, result_of
from tests.spec.upstream_later import later_spec

ROOT = Path(__file__).resolve().parents[2]
VENDORED = str(ROOT / "spec" / "suno-api.yaml")


@pytest.fixture(scope="module")
def later(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The later upstream version of the vendored spec (tests/fixtures/upstream-later/change.yaml applied)."""
    return str(later_spec(tmp_path_factory.mktemp("later") / "later-suno-api.yaml"))


def test_no_change_exits_0() -> None:
    result = invoke("spec", "diff", VENDORED, VENDORED)
    assert result.exit_code == 0
    assert result.stdout.rstrip().endswith("Result: nothing to do (exit 0).")


def test_without_old_new_is_compared_with_the_installed_clients_spec() -> None:
    """The vendored spec is what the installed client was built from: nothing to do."""
    result = invoke("spec", "diff", VENDORED, "--json")
    assert result.exit_code == 0, result.output
    assert result_of(result.stdout)["report"]["exit_code"] == 0


def test_a_later_upstream_needs_overlay_edits_exit_2_with_the_report(later: str) -> None:
    """NEW comes first: the later upstream against the vendored spec."""
    result = invoke("spec", "diff", later, VENDORED, "--json")
    assert result.exit_code == 2
    final = result_of(result.stdout)
    assert final["ok"] is False
    assert final["report"]["exit_code"] == 2
    added = {
        change["new"]
        for change in final["report"]["changes"]
        if (change["location"], change["kind"]) == ("SunoModel", "value-added")
    }
    assert added == set(request_models(later)) - set(request_models(VENDORED))


def request_models(path: str) -> list[str]:
    """The models a raw (vendored-shape) spec lists for the submit's `model` field."""
    spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    request = spec["paths"][names().submit_path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    found: list[str] = request["properties"][names().model]["allOf"][0]["enum"]
    return found


def test_bad_arguments_and_unreadable_specs_exit_3() -> None:
    """3 is "nothing compared": a usage error here must not read as 2, "edit the overlays"."""
    missing = invoke("spec", "diff")
    assert missing.exit_code == 3
    unreadable = invoke("spec", "diff", str(ROOT / "no-such.yaml"), VENDORED, "--json")
    assert unreadable.exit_code == 3
    assert failure(unreadable.stdout)["type"] == "SpecError"


def test_coverage_of_the_installed_and_of_a_later_spec(later: str) -> None:
    result = invoke("spec", "coverage")
    assert result.exit_code == 0
    assert invoke("spec", "coverage", later).exit_code == 2


def test_without_the_spec_extra_the_message_names_it(tmp_path: Path) -> None:
    """PyYAML missing (the 'spec' extra): exit 3, "nothing compared", with the pip command."""
    blocked = "import sys; sys.modules['yaml'] = None; from suno_api.cli import main; sys.exit(main(sys.argv[1:]))"
    completed = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", blocked, "spec", "diff", VENDORED],
        cwd=tmp_path,
        env=process_env(),
        capture_output=True,
        encoding="utf-8",
        check=False,
        timeout=60,
    )
    assert completed.returncode == 3, completed.stderr
    assert "pip install 'suno-upload-extend[spec]'" in completed.stderr


def test_fail_on_and_markdown_reach_the_report(tmp_path: Path) -> None:
    """`--fail-on breaking` exits 0 for a possibly-breaking change alone; `--markdown` prints the PR comment."""
    effective = json.loads((ROOT / "generated" / "suno-api.effective.json").read_text(encoding="utf-8"))
    old = tmp_path / "old.effective.json"
    old.write_text(json.dumps(effective), encoding="utf-8")
    statuses = effective["components"]["schemas"]["TaskStatus"]["enum"]
    statuses.append(f"{statuses[0]}_later")
    new = tmp_path / "new.effective.json"
    new.write_text(json.dumps(effective), encoding="utf-8")
    assert invoke("spec", "diff", str(new), str(old)).exit_code == 1
    gated = invoke("spec", "diff", str(new), str(old), "--fail-on", "breaking", "--json")
    assert gated.exit_code == 0, gated.output
    assert result_of(gated.stdout)["report"]["summary"]["possibly_breaking"] == 1
    markdown = invoke("spec", "diff", str(new), str(old), "--markdown")
    assert markdown.exit_code == 1
    assert markdown.stdout.startswith("### Upstream spec diff\n")
    assert "| possibly-breaking | `TaskStatus` |" in markdown.stdout
    assert invoke("spec", "diff", str(new), str(old), "--fail-on", "nothing").exit_code == 3
