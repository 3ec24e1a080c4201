"""The build tooling and the runtime package never import each other, and the build's speed tricks change nothing."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from suno_api_build import _build

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ("suno_api", "suno_api_client")

# Generate, check, diff and coverage in one clean interpreter; print every runtime module that got imported.
IN_PROCESS = """
import json, sys
from pathlib import Path
import suno_api_build
from suno_api_build import _build
root = Path(sys.argv[1])
_build.generate(root)
assert _build.check(root) == "", "the drift gate disagrees with a fresh generation"
diff = suno_api_build.diff_report(None, root / "spec" / "suno-api.yaml", root=root)
coverage = suno_api_build.coverage_report(None, root=root)
assert (diff.exit_code, coverage.exit_code) == (0, 0), (diff.text(), coverage.text())
runtime = {"suno_api", "suno_api_client"}
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in runtime)))
"""


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    for part in ("spec", "overlays", "generated"):
        ignore = shutil.ignore_patterns("__pycache__", "suno_api", "suno_api_build")
        shutil.copytree(ROOT / part, tmp_path / "checkout" / part, ignore=ignore)
    return tmp_path / "checkout"


def test_build_never_imports_the_runtime_package(checkout: Path) -> None:
    """generate, check, diff_report and coverage_report leave suno_api and suno_api_client out of sys.modules."""
    result = subprocess.run(  # noqa: S603 - fixed command
        [sys.executable, "-c", IN_PROCESS, str(checkout)], capture_output=True, encoding="utf-8", check=False
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def poisoned_path(tmp_path: Path) -> dict[str, str]:
    """An environment in which importing suno_api or suno_api_client raises."""
    for name in RUNTIME:
        package = tmp_path / "poison" / name
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(f"raise ImportError('the build imported {name}')\n", encoding="utf-8")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "poison"), str(ROOT / "overlays")])}


def test_command_line_works_when_the_runtime_package_cannot_be_imported(checkout: Path, tmp_path: Path) -> None:
    """With a suno_api that raises on import first on the path, every command still runs (find_spec only looks)."""
    env = poisoned_path(tmp_path)
    for argv, code in (
        (["check", "--root", str(checkout)], 0),
        (["diff", str(checkout / "spec" / "suno-api.yaml"), "--root", str(checkout)], 0),
        (["coverage", "--root", str(checkout)], 0),
    ):
        result = subprocess.run(  # noqa: S603 - fixed command
            [sys.executable, "-m", "suno_api_build", *argv], capture_output=True, encoding="utf-8", env=env, check=False
        )
        assert (result.returncode, "Traceback" in result.stderr) == (code, False), (argv, result.stderr)


def test_runtime_package_never_imports_the_build() -> None:
    code = "import sys, suno_api, suno_api.spec; print([m for m in sys.modules if m.startswith('suno_api_build')])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, encoding="utf-8", check=False)  # noqa: S603
    assert (result.returncode, result.stdout) == (0, "[]\n"), result.stderr


def test_overlays_applied_as_oas_patch_applies_them() -> None:
    """The build loads oas-patch's overlay module alone, with a cached parser: the result is oas-patch's own."""
    from oas_patch import apply_overlay  # noqa: PLC0415 - the whole package, as the trick avoids at build time

    spec = _build.load_document(ROOT / "spec" / "suno-api.yaml")
    expected = copy.deepcopy(spec)
    for path in _build.overlay_paths(ROOT / "overlays"):
        apply_overlay(expected, _build.load_document(path))
    assert _build.apply_overlays(spec, _build.overlay_paths(ROOT / "overlays")) == expected
    assert _build._overlay_applier().__module__ == "_suno_api_build_oas_patch_overlay"
    assert "_suno_api_build_oas_patch_overlay" not in sys.modules, "the private copy must not shadow anything"


def test_only_the_effective_spec_must_be_valid(tmp_path: Path) -> None:
    """A vendored spec the overlays repair is fine; an effective spec that is invalid names who is to blame."""
    spec = _build.load_document(ROOT / "spec" / "suno-api.yaml")
    effective = _build.apply_overlays(spec, _build.overlay_paths(ROOT / "overlays"))
    broken_upstream = {**spec, "info": {}}  # info needs a title and a version
    _build.validate_effective(broken_upstream, effective, tmp_path / "suno-api.yaml")
    with pytest.raises(_build.BuildError, match=r"suno-api\.yaml is not a valid OpenAPI document"):
        _build.validate_effective(broken_upstream, {**effective, "info": {}}, tmp_path / "suno-api.yaml")
    with pytest.raises(_build.BuildError, match=r"the effective spec .* is not a valid OpenAPI document"):
        _build.validate_effective(spec, {**effective, "info": {}}, tmp_path / "suno-api.yaml")


def test_generation_stops_on_an_invalid_effective_spec(tmp_path: Path) -> None:
    """Validation runs beside the generator; when it fails, nothing is written to generated/."""
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT / "spec", checkout / "spec")
    shutil.copytree(ROOT / "overlays", checkout / "overlays", ignore=shutil.ignore_patterns("suno_api*"))
    rules = checkout / "overlays" / "rules.overlay.yaml"
    # An update that empties `info` (title and version are required) makes the effective spec invalid.
    rules.write_text(
        rules.read_text(encoding="utf-8").replace("actions:\n", "actions:\n  - target: $.info\n    remove: true\n", 1),
        encoding="utf-8",
    )
    with pytest.raises(_build.BuildError, match="not a valid OpenAPI document"):
        _build.generate(checkout)
    assert not (checkout / "generated").exists()


def test_validation_verdict_is_reused_only_for_the_same_bytes(
    checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pass is recorded per effective spec; the same bytes skip the validator, other bytes or cache=0 do not."""
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
    monkeypatch.delenv(_build.VALIDATION_CACHE_ENV, raising=False)
    _build.generate(checkout)
    (verdict,) = (tmp_path / "venv" / ".cache" / "suno-api-build" / "valid-effective-specs").iterdir()

    def refuse(spec: object, name: str) -> None:
        raise _build.BuildError(f"{name} validated again")

    monkeypatch.setattr(_build, "validate_openapi", refuse)
    _build.generate(checkout)  # the same bytes: the recorded pass stands
    monkeypatch.setenv(_build.VALIDATION_CACHE_ENV, "0")
    with pytest.raises(_build.BuildError, match="validated again"):
        _build.generate(checkout)
    monkeypatch.delenv(_build.VALIDATION_CACHE_ENV)
    spec = checkout / "spec" / "suno-api.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("\ninfo:\n", "\ninfo:\n  x-note: edited\n", 1), "utf-8")
    with pytest.raises(_build.BuildError, match="validated again"):
        _build.generate(checkout)
    assert verdict.is_file()
