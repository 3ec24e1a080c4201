"""A spec that removes or renames a generated name cannot make `make generate` or the spec diff crash.

Each candidate is upstream's spec with one name gone: a response enum member (the runtime decodes it by name),
a request field renamed (overlays and rules name it), a whole operation with its models removed. On a temporary
copy of the checkout, ``python -m suno_api_build diff`` and ``generate`` run in fresh interpreters in which
importing ``suno_api`` or ``suno_api_client`` raises: each ends with a report or a message and a documented exit
code, never a traceback; after a generation that succeeded, ``check`` and ``diff`` still run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from suno_api.spec import names
from tests.spec_support import member

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "suno-api.yaml"


# The names the runtime and the overlays depend on, read by role when a test runs; each edit asserts that it
# changed the spec.
def enum_member() -> str:
    return member("status_callback_exception")


def renamed(name: str) -> str:
    """Upstream's kind of rename: the same name in another case (``callBackUrl`` -> ``callbackUrl``)."""
    return name.lower() if name != name.lower() else name.upper()


def drop_value(node: Any, value: str) -> Any:
    if isinstance(node, dict):
        return {key: drop_value(item, value) for key, item in node.items()}
    if isinstance(node, list):
        return [drop_value(item, value) for item in node if item != value]
    return node


def dump(document: Any) -> str:
    text: str = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    return text


def drop_enum_member(text: str) -> str:
    return dump(drop_value(yaml.safe_load(text), enum_member()))


def rename_field(text: str) -> str:
    field = names().callback_url
    return text.replace(field, renamed(field))


def remove_operation(text: str) -> str:
    spec = yaml.safe_load(text)
    del spec["paths"][names().record_info_path]
    return dump(spec)


# candidate -> (edit, diff exit code, generate exit code)
CANDIDATES: dict[str, tuple[Callable[[str], str], int, int]] = {
    # The member's x-names role dies with it: the build names the code that handled it, until the role goes.
    "response-enum-member-removed": (drop_enum_member, 2, 1),
    "response-enum-member-removed-role-dropped": (drop_enum_member, 1, 0),
    "request-field-renamed": (rename_field, 2, 1),
    "operation-and-its-models-removed": (remove_operation, 2, 1),
}


# candidate -> the x-names role its overlay edit drops (the upgrade step the build asks for)
DROPPED_ROLES = {"response-enum-member-removed-role-dropped": "status_callback_exception"}


def drop_role(overlays: Path, role: str) -> None:
    path = overlays / "normalise.overlay.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.strip().startswith(f"{role}:")]
    assert len(kept) == len(lines) - 1
    path.write_text("".join(kept), encoding="utf-8")


def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - the project's own build entry
        [sys.executable, "-m", "suno_api_build", *argv], capture_output=True, encoding="utf-8", env=env, check=False
    )


def assert_clean(result: subprocess.CompletedProcess[str], code: int) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == code, result.stdout + result.stderr


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    root = tmp_path / "checkout"
    for part in ("spec", "overlays", "generated"):
        ignore = shutil.ignore_patterns("__pycache__", "suno_api", "suno_api_build")
        shutil.copytree(ROOT / part, root / part, ignore=ignore)
    return root


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A fresh interpreter's environment in which the runtime packages cannot be imported at all."""
    for name in ("suno_api", "suno_api_client"):
        package = tmp_path / "poison" / name
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(f"raise ImportError('the build imported {name}')\n", encoding="utf-8")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "poison"), str(ROOT / "overlays")])}


def tree(directory: Path) -> dict[str, bytes]:
    return {str(path.relative_to(directory)): path.read_bytes() for path in directory.rglob("*") if path.is_file()}


@pytest.mark.parametrize("name", list(CANDIDATES))
def test_removal_or_rename_never_crashes_the_build(name: str, checkout: Path, env: dict[str, str]) -> None:
    edit, diff_code, generate_code = CANDIDATES[name]
    original = SPEC.read_text(encoding="utf-8")
    candidate = checkout / f"{name}.yaml"
    candidate.write_text(edit(original), encoding="utf-8")
    assert candidate.read_text(encoding="utf-8") != original
    if name in DROPPED_ROLES:
        drop_role(checkout / "overlays", DROPPED_ROLES[name])
    vendored = str(checkout / "spec" / "suno-api.yaml")

    diff = run(["diff", vendored, str(candidate), "--json", "--root", str(checkout)], env)
    assert_clean(diff, diff_code)
    report = json.loads(diff.stdout)
    assert report["exit_code"] == diff_code
    assert report["changes"], "a removal or rename is a change of the surface"
    text = run(["diff", vendored, str(candidate), "--root", str(checkout)], env)
    assert_clean(text, diff_code)
    assert f"(exit {diff_code})" in text.stdout

    before = tree(checkout / "generated")
    generated = run(["generate", "--root", str(checkout), "--spec", str(candidate)], env)
    assert_clean(generated, generate_code)
    if generate_code:
        assert generated.stderr.startswith("error: ")
        assert "overlay.yaml" in generated.stderr, "the message names the overlay to edit"
        assert tree(checkout / "generated") == before, "a failed generation leaves generated/ as it was"
        return

    assert tree(checkout / "generated") != before
    models = checkout / "generated" / "suno_api_client" / "models"
    gone = enum_member()
    attribute = f'{gone} = "{gone}"'
    assert attribute in (ROOT / "generated" / "suno_api_client" / "models" / "task_status.py").read_text(
        encoding="utf-8"
    )
    assert not any(attribute in path.read_text(encoding="utf-8") for path in models.glob("*.py"))
    # The regenerated client no longer has the member; the build still runs, and sees nothing left to change.
    shutil.copyfile(candidate, vendored)
    assert_clean(run(["check", "--root", str(checkout)], env), 0)
    effective = str(checkout / "generated" / "suno-api.effective.json")
    assert_clean(run(["diff", effective, vendored, "--root", str(checkout)], env), 0)
