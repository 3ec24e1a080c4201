"""The public API the command line calls: diff_report and coverage_report, and where they find their inputs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import suno_api_build
from suno_api_build import _main, _sources
from suno_api_build._build import build_effective_spec, dump_json
from suno_api_build._coverage import check_coverage, read_errata, request_schema_name

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "suno-api.yaml"
EFFECTIVE = ROOT / "generated" / "suno-api.effective.json"


def test_exports_are_sorted_and_resolve() -> None:
    assert suno_api_build.__all__ == sorted(suno_api_build.__all__)
    for name in suno_api_build.__all__:
        assert getattr(suno_api_build, name).__module__ == "suno_api_build._specdiff"
    with pytest.raises(AttributeError):
        _ = suno_api_build.no_such_name


def test_diff_against_the_installed_client(tmp_path: Path) -> None:
    """With no OLD, the effective spec the client was built from is compared, as an effective spec."""
    report = suno_api_build.diff_report(None, SPEC)
    assert isinstance(report, suno_api_build.DiffReport)
    assert (report.exit_code, report.old.source, report.old.overlays) == (0, EFFECTIVE, None)
    assert report.text().endswith("Result: nothing to do (exit 0).\n")
    assert json.loads(json.dumps(report.to_json()))["exit_code"] == 0

    candidate = tmp_path / "suno-api.yaml"
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    spec["paths"]["/api/v1/ping"] = {"get": {"operationId": "ping", "responses": {"200": {"description": "pong"}}}}
    candidate.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    changed = suno_api_build.diff_report(None, candidate)
    assert changed.exit_code == 1
    assert "GET /api/v1/ping: added" in changed.text()


def test_coverage_of_the_installed_client() -> None:
    report = suno_api_build.coverage_report(None)
    assert isinstance(report, suno_api_build.CoverageReport)
    assert (report.exit_code, report.spec.source, report.spec.overlays) == (0, EFFECTIVE, None)
    assert report.to_json()["coverage"] == []
    vendored = suno_api_build.coverage_report(SPEC)
    assert (vendored.exit_code, "Rules coverage" in vendored.text()) == (0, True)


@pytest.mark.parametrize("which", ["diff", "coverage"])
def test_unreadable_spec_is_not_compared_and_says_why(which: str, tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    report = suno_api_build.diff_report(SPEC, missing) if which == "diff" else suno_api_build.coverage_report(missing)
    assert isinstance(report, suno_api_build.NotCompared)
    assert report.exit_code == 3
    assert report.text().startswith("error: ")
    assert "missing.yaml" in report.text()
    assert report.to_json() == {"error": report.message, "exit_code": 3}  # spec-literal: the report's own JSON key


def test_no_installed_spec_is_not_compared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_sources, "installed_effective_spec", lambda: None)
    for report in (suno_api_build.diff_report(None, SPEC), suno_api_build.coverage_report(None)):
        assert isinstance(report, suno_api_build.NotCompared)
        assert "installed client" in report.message


def test_installed_wheel_layout(tmp_path: Path) -> None:
    """Outside a checkout: the wheel's _data/ holds the overlays and ERRATA, suno_api holds _effective_spec.json.

    The runtime package here raises on import: finding its effective spec must not import it.
    """
    site = tmp_path / "site-packages"
    shutil.copytree(
        ROOT / "overlays" / "suno_api_build", site / "suno_api_build", ignore=shutil.ignore_patterns("__pycache__")
    )
    data = site / "suno_api_build" / "_data"
    for name in ("normalise.overlay.yaml", "rules.overlay.yaml"):
        (data / "overlays").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "overlays" / name, data / "overlays" / name)
    (data / "spec").mkdir()
    shutil.copyfile(ROOT / "spec" / "ERRATA.md", data / "spec" / "ERRATA.md")
    (site / "suno_api").mkdir()
    (site / "suno_api" / "__init__.py").write_text("raise ImportError('imported the runtime')\n", encoding="utf-8")
    shutil.copyfile(EFFECTIVE, site / "suno_api" / "_effective_spec.json")
    code = (
        "import json, sys; from pathlib import Path; from suno_api_build import _sources, diff_report, coverage_report;"
        "d = diff_report(None, Path(sys.argv[1])); c = coverage_report(None);"
        "found = [_sources.checkout_root(), _sources.data_root(), _sources.installed_effective_spec()];"
        "print(json.dumps([*map(str, found), d.exit_code, c.exit_code, d.to_json()['old']['source']]))"
    )
    result = subprocess.run(  # noqa: S603 - fixed command
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {code}", str(SPEC)],
        capture_output=True,
        encoding="utf-8",
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": ""},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    checkout, data_root, installed, diff_code, coverage_code, old = json.loads(result.stdout)
    packaged = str(site / "suno_api" / "_effective_spec.json")
    assert (checkout, data_root, installed) == ("None", str(data), packaged)
    assert (diff_code, coverage_code, old) == (0, 0, packaged)


def test_request_schema_comes_from_the_submit_operation() -> None:
    """Renaming the request schema (and its $ref) keeps coverage full; the messages name the new name."""
    effective = build_effective_spec(SPEC, ROOT / "overlays")
    assert request_schema_name(effective) == "UploadExtendRequest"
    text = (
        dump_json(effective)
        .replace('UploadExtendRequest"', 'ExtendBody"')
        .replace('/UploadExtendRequest"', '/ExtendBody"')
    )
    renamed: dict[str, Any] = json.loads(text)
    assert request_schema_name(renamed) == "ExtendBody"
    assert check_coverage(renamed, read_errata(ROOT)) == ()
    renamed["components"]["schemas"]["ExtendBody"]["properties"]["prompt2"] = {"type": "string"}
    renamed["components"]["schemas"]["ExtendBody"]["required"].append("prompt2")
    (gap,) = check_coverage(renamed, read_errata(ROOT))
    assert (gap.kind, gap.subject) == ("undiscussed-required", "prompt2")

    for item in renamed["paths"].values():
        for operation in item.values():
            operation.pop("requestBody", None)
    (gap,) = check_coverage(renamed)
    assert (gap.kind, gap.subject, gap.edit) == ("missing-schema", "request body", "overlays/normalise.overlay.yaml")


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        pytest.param(["diff", str(SPEC)], 0, id="diff-new-only"),
        pytest.param(["diff", str(EFFECTIVE), str(SPEC), "--json"], 0, id="diff-json"),
        pytest.param(["coverage"], 0, id="coverage-vendored"),
        pytest.param(["diff"], 3, id="diff-nothing"),
        pytest.param(["diff", str(SPEC), str(SPEC), str(SPEC)], 3, id="diff-three"),
        pytest.param(["diff", "no/such.yaml"], 3, id="diff-missing"),
        pytest.param(["frobnicate"], 3, id="unknown-command"),
    ],
)
def test_module_entry_exit_codes(argv: list[str], code: int, capsys: pytest.CaptureFixture[str]) -> None:
    got: int | str | None
    try:
        got = _main.main(argv)
    except SystemExit as exit_:
        got = exit_.code  # argparse leaves through SystemExit
    assert got == code
    captured = capsys.readouterr()
    if code == 3:
        assert "error:" in captured.err
    elif "--json" in argv:
        assert json.loads(captured.out)["exit_code"] == code
    else:
        assert f"(exit {code})" in captured.out
