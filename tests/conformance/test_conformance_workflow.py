"""The example workflow runs conformance in anyone's CI: installed with pip, pointed at a URL, reports published."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from suno_conformance.suite import SUITE_SETTINGS

yaml = pytest.importorskip("yaml")  # PyYAML comes with the `spec` and `dev` extras

WORKFLOW = Path(__file__).resolve().parents[2] / "examples" / "github-actions-conformance.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return data


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    (job,) = workflow["jobs"].values()
    steps: list[dict[str, Any]] = job["steps"]
    return steps


def test_it_installs_the_suite_with_pip_and_clones_nothing(workflow: dict[Any, Any]) -> None:
    """No actions/checkout: the suite comes from `pip install 'suno-upload-extend[conformance]'`."""
    steps = _steps(workflow)
    assert not any(str(step.get("uses", "")).startswith("actions/checkout") for step in steps)
    scripts = "\n".join(str(step.get("run", "")) for step in steps)
    assert "pip install" in scripts
    assert "suno-upload-extend[conformance]" in scripts
    assert "make " not in scripts


def test_the_target_is_an_input_and_the_credentials_are_secrets(workflow: dict[Any, Any]) -> None:
    """The URL is a workflow_dispatch input; the key and the webhook key come from secrets, never inputs."""
    inputs = workflow[True]["workflow_dispatch"]["inputs"]  # YAML 1.1 reads the key `on` as True
    assert inputs["base_url"]["required"] is True
    (suite,) = [step for step in _steps(workflow) if step.get("id") == "suite"]
    assert suite["env"]["KIE_API_KEY"] == "${{ secrets.KIE_API_KEY }}"
    assert suite["env"]["SUNO_WEBHOOK_SECRET"] == "${{ secrets.SUNO_WEBHOOK_SECRET }}"
    assert "${{" not in suite["run"]  # inputs reach the script through the environment only


def test_it_runs_the_command_with_both_reports_and_only_known_settings(workflow: dict[Any, Any]) -> None:
    """`suno-api conformance --base-url --junit --json-report`; every variable it sets is a suite setting."""
    (suite,) = [step for step in _steps(workflow) if step.get("id") == "suite"]
    script = suite["run"]
    for option in ("--base-url", "--junit", "--json-report"):
        assert option in script
    assert "suno-api conformance" in script
    assert "continue-on-error" not in suite  # a target that does not conform fails the job
    known = {setting.env for setting in SUITE_SETTINGS if setting.env}
    named = {name for name in suite["env"] if name.startswith(("SUNO_", "KIE_"))}
    assert named <= known, sorted(named - known)
    options = {setting.option for setting in SUITE_SETTINGS if not setting.secret}
    assert {"--base-url", "--junit", "--json-report"} <= options


def test_the_junit_report_is_published_whatever_the_verdict(workflow: dict[Any, Any]) -> None:
    """An artifact and a test-report action, both run even when the suite step failed."""
    steps = _steps(workflow)
    uses = {str(step.get("uses", "")).split("@")[0]: step for step in steps if "uses" in step}
    assert "actions/upload-artifact" in uses
    reporter = uses["mikepenz/action-junit-report"]
    assert reporter["if"] == "always()"
    assert uses["actions/upload-artifact"]["if"] == "always()"
    assert reporter["with"]["report_paths"].endswith("conformance.xml")
