"""Spec names in one place: every role resolves, a dead one fails only where it is read, the build names its uses."""

from __future__ import annotations

import ast
import copy
import fnmatch
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from suno_api import spec
from suno_api._names import SpecNames, resolve_pointer
from suno_api_build import _build, _names, _specdiff

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "suno-api.yaml"


ALLOWED_LITERALS: Mapping[str, tuple[tuple[str, str], ...]] = {
    # literal: (file pattern, why it is not the spec's name there)
    "type": (
        ("overlays/suno_api/_coercion.py", "the JSON Schema keyword"),
        ("overlays/suno_api_build/*.py", "the JSON Schema keyword, a diff aspect"),
        ("overlays/suno_api/_webhooks.py", "the ASGI message key"),
        ("conformance/suno_conformance/mock/_http.py", "the ASGI message key"),
        ("overlays/suno_api/cli/_group.py", "our JSON output's error type"),
        ("overlays/suno_api/_validation.py", "the JSON Schema keyword"),
        ("overlays/suno_api/cli/_body.py", "the JSON Schema keyword"),
        ("conformance/suno_conformance/mutants/_derive.py", "the JSON Schema keyword"),
        ("conformance/suno_conformance/suite/_cases.py", "the JSON Schema keyword"),
        ("conformance/suno_conformance/suite/_drift.py", "the JSON Schema keyword"),
        ("conformance/suno_conformance/suite/_state.py", "the JSON Schema keyword"),
        ("conformance/suno_conformance/suite/_oracle.py", "the security scheme's keyword"),
    ),
    "id": (
        ("conformance/suno_conformance/suite/_errata.py", "an ERRATA entry's key"),
        ("conformance/suno_conformance/suite/_report.py", "an ERRATA entry's key in the report"),
    ),
    "duration": (
        ("overlays/suno_api/_messages.py", "the audio rules' placeholder"),
        ("overlays/suno_api/_validation.py", "the audio rules' placeholder"),
        ("overlays/suno_api_build/_coverage.py", "the audio rules' placeholder"),
    ),
    "msg": (("conformance/suno_conformance/suite/_checks.py", "json.JSONDecodeError's attribute"),),
    "data": (("conformance/suno_conformance/suite/_runtime.py", "the request's body in requests' keywords"),),
    "error": (
        ("overlays/suno_api/_errors.py", "where non-envelope JSON bodies put their text"),
        ("overlays/suno_api/_webhooks.py", "our receiver's JSON answer"),
        ("overlays/suno_api/cli/_spec.py", "the report's JSON key"),
        ("overlays/suno_api_build/_specdiff.py", "the report's JSON key"),
        ("conformance/suno_conformance/mock/_debug.py", "the debug endpoints' JSON answer"),
        ("conformance/suno_conformance/mock/_settings.py", "a log level"),
    ),
    "status": (
        ("overlays/suno_api/_webhooks.py", "the ASGI message key"),
        ("overlays/suno_api/cli/_group.py", "our JSON output's key"),
        ("overlays/suno_api/cli/_progress.py", "our progress event"),
        ("conformance/suno_conformance/mock/_settings.py", "the mock's error style"),
        ("conformance/suno_conformance/mock/_routing.py", "the mock's error style"),
    ),
    "task_id": (
        ("overlays/suno_api/_webhooks.py", "our receiver's JSON answer"),
        ("overlays/suno_api/cli/_group.py", "our JSON output's key"),
        ("overlays/suno_api/cli/_status.py", "a click argument"),
        ("conformance/suno_conformance/mock/_debug.py", "a debug route's parameter"),
    ),
    "response": (
        ("overlays/suno_api/_download.py", "an httpx event hook"),
        ("overlays/suno_api_build/*.py", "a diff section"),
    ),
    "f": (
        ("overlays/suno_api/_redaction.py", "the JSON escape of form feed"),
        ("overlays/suno_api/_messages.py", "the fixed-point number format"),
    ),
    **dict.fromkeys(
        ("prompt", "style", "title", "model"),
        (("overlays/suno_api_build/_coverage.py", "an x-names role (ours), resolved in the candidate"),),
    ),
    "title": (
        ("overlays/suno_api_build/_coverage.py", "an x-names role (ours), resolved in the candidate"),
        ("conformance/suno_conformance/suite/_errata.py", "an ERRATA entry's key"),
        ("conformance/suno_conformance/suite/_report.py", "an ERRATA entry's key in the report"),
        ("overlays/suno_api_build/_drill.py", "an upgrade case's key"),
    ),
}
"""String literals that equal a spec name but do not mean it, by file."""


def _effective() -> dict[str, Any]:
    return copy.deepcopy(dict(spec.effective_spec()))


def test_every_role_resolves_in_the_effective_spec() -> None:
    """Each role SpecNames declares is in x-names, and every pointer there resolves."""
    declared = _names.declared(spec.effective_spec())
    assert list(declared) == list(SpecNames.roles())
    resolved = {role: spec.names().resolve(role) for role in SpecNames.roles()}
    assert resolved["callback_url"] in spec.schema("UploadExtendRequest")["properties"]
    assert resolved["status_success"] in spec.enum_values("TaskStatus")
    assert (
        resolved["task_id_param"]
        == spec.effective_spec()["paths"][resolved["record_info_path"]]["get"]["parameters"][0]["name"]
    )
    assert all(_names.resolve(spec.effective_spec(), pointer) == resolved[role] for role, pointer in declared.items())


def test_names_is_one_frozen_object() -> None:
    """names() is cached, its attributes are plain strings, and it cannot be changed."""
    assert spec.names() is spec.names()
    assert isinstance(spec.names().submit_path, str)
    with pytest.raises(AttributeError):
        spec.names().callback_url = "x"


def _without_member(document: dict[str, Any], enum: str, member: str) -> dict[str, Any]:
    document["components"]["schemas"][enum]["enum"].remove(member)
    return document


def test_dead_pointer_raises_naming_role_and_pointer_only_when_read() -> None:
    """A removed response-side enum member breaks only the role that points at it, when that role is read."""
    names = SpecNames(_without_member(_effective(), "TaskStatus", "CALLBACK_EXCEPTION"))
    assert names.status_success == "SUCCESS"
    pointer = names.pointer("status_callback_exception")
    with pytest.raises(LookupError, match=r"'status_callback_exception'.*TaskStatus/enum/CALLBACK_EXCEPTION"):
        _ = names.status_callback_exception
    assert pointer.endswith("/CALLBACK_EXCEPTION")


def test_undeclared_role_raises_lookup_error() -> None:
    """A role missing from x-names says where to declare it."""
    document = _effective()
    del document["x-names"]["prompt"]
    with pytest.raises(LookupError, match=r"'prompt' is not declared .*normalise\.overlay\.yaml"):
        _ = SpecNames(document).prompt


@pytest.mark.parametrize(
    ("pointer", "name"),
    [
        ("/components/schemas/UploadExtendRequest/properties/callBackUrl", "callBackUrl"),
        ("/paths/~1api~1v1~1generate~1record-info/get/parameters/0", "taskId"),
        ("/paths/~1api~1v1~1generate~1record-info/get/operationId", "getRecordInfo"),
        ("/components/schemas/ApiCode/enum/455", "455"),
        ("/components/schemas/TaskStatus/enum/SUCCESS", "SUCCESS"),
    ],
)
def test_pointer_rules_agree_between_runtime_and_build(pointer: str, name: str) -> None:
    """The library and the build read a pointer the same way: property, parameter, operation id, enum member."""
    assert resolve_pointer(spec.effective_spec(), pointer) == name
    assert _names.resolve(spec.effective_spec(), pointer) == name
    dead = pointer.rsplit("/", 1)[0] + "/nothing"
    assert _names.resolve(spec.effective_spec(), dead) is None
    with pytest.raises(LookupError):
        resolve_pointer(spec.effective_spec(), dead)


def test_import_survives_a_removed_response_enum_member(tmp_path: Path) -> None:
    """With a status and a stage gone from the spec, the library, CLI and mock import; the mock drops the outcome."""
    document = _without_member(_effective(), "TaskStatus", "CALLBACK_EXCEPTION")
    _without_member(document, "CallbackType", "first")
    effective = tmp_path / "effective.json"
    effective.write_text(json.dumps(document), encoding="utf-8")
    script = f"""
from pathlib import Path
import suno_api._spec
suno_api._spec.effective_spec_path = lambda: Path({str(effective)!r})
import suno_api, suno_api.cli, suno_api.spec, suno_conformance.mock, suno_conformance.pytest_plugin
from suno_conformance.mock import OUTCOMES, MockSettings
print(sorted(OUTCOMES), MockSettings().default_outcome)
"""
    done = subprocess.run(  # noqa: S603 - this interpreter, on a script of ours
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, env={**os.environ}, timeout=120
    )
    assert done.returncode == 0, done.stderr
    # The outcomes through the `first` stage are gone with it; the rest still serve.
    assert "CALLBACK_EXCEPTION" not in done.stdout
    assert "'SENSITIVE_WORD_ERROR'" in done.stdout
    assert "left out" in done.stderr


def test_importing_the_library_and_its_command_line_reads_no_name() -> None:
    """`import suno_api` and `import suno_api.cli` leave names() unread."""
    script = (
        "import suno_api, suno_api.cli, suno_api.spec\n"
        "from suno_api import _names\n"
        "print(_names.names.cache_info().currsize)\n"
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, on a script of ours
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0"]


def _line_of(relative: str, text: str) -> str:
    lines = (ROOT / relative).read_text(encoding="utf-8").splitlines()
    return f"{relative}:{next(number for number, line in enumerate(lines, 1) if text in line)}"


@pytest.fixture(scope="module")
def renamed_spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """spec/suno-api.yaml with callBackUrl renamed callbackUrl, and nothing else fixed."""
    path = tmp_path_factory.mktemp("renamed") / "suno-api.yaml"
    path.write_text(SPEC.read_text(encoding="utf-8").replace("callBackUrl", "callbackUrl"), encoding="utf-8")
    return path


def test_generate_fails_naming_the_role_and_each_use(renamed_spec: Path, tmp_path: Path) -> None:
    """`make generate` on a renamed field fails (non-zero, nothing written) naming role, pointer, file:line."""
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for part in ("overlays", "conformance", "generated"):
        (checkout / part).symlink_to(ROOT / part)
    (checkout / "spec").mkdir()
    code = _build.main(["--root", str(checkout), "generate", "--spec", str(renamed_spec)])
    assert code == 1
    assert (
        not (checkout / "generated" / "suno-api.effective.json")
        .resolve()
        .read_text(encoding="utf-8")
        .count("callbackUrl")
    )
    with pytest.raises(_build.BuildError) as raised:
        _build.build_effective_spec(renamed_spec, ROOT / "overlays")
    message = str(raised.value)
    assert "role 'callback_url' points at /components/schemas/UploadExtendRequest/properties/callBackUrl" in message
    assert f"used at {_line_of('conformance/suno_conformance/mock/_lifecycle.py', 'spec_names.callback_url')}" in (
        message
    )
    assert f"used at {_line_of('conformance/suno_conformance/mock/_serve.py', 'spec_names.callback_url')}" in message
    assert "point the role at /components/schemas/UploadExtendRequest/properties/callbackUrl" in message


def test_coverage_reports_a_dead_role_as_a_problem(renamed_spec: Path) -> None:
    """`suno-api spec coverage` exits 2 and names the x-names action, the role and its uses."""
    report = _specdiff.coverage_report(renamed_spec, root=ROOT)
    assert report.exit_code == 2
    text = report.text()
    index = _names.names_action_index(ROOT / "overlays")
    assert f"normalise.overlay.yaml: action {index} (target '$'): x-names: role 'callback_url'" in text
    assert _line_of("conformance/suno_conformance/mock/_lifecycle.py", "spec_names.callback_url") in text


def test_uses_are_reads_of_the_names_object(tmp_path: Path) -> None:
    """A role's uses are reads through names(), a *names variable or attribute, or the role by name."""
    module = tmp_path / "overlays" / "suno_api" / "probe.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "spec_names = names()\n"
        "a = names().callback_url\n"
        "b = spec_names.callback_url\n"
        "c = self._names.callback_url\n"
        "d = task.callback_url\n"
        "e = spec_names.resolve('callback_url')\n"
        "f = 'callBackUrl'\n",
        encoding="utf-8",
    )
    uses, literals = _names.find_uses(tmp_path, "callback_url", "callBackUrl")
    assert uses == tuple(f"overlays/suno_api/probe.py:{line}" for line in (2, 3, 4, 6))
    assert literals == ("overlays/suno_api/probe.py:7",)


# --- no spec name written as a string literal in hand-written code


def _spec_names(node: Any) -> Iterator[str]:
    """Yield every property, parameter and header name, path, operation id and string enum member of the spec."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == "properties" and isinstance(value, Mapping):
                yield from map(str, value)
            elif key == "parameters" and isinstance(value, list):
                yield from (item["name"] for item in value if isinstance(item, Mapping) and "name" in item)
            elif key == "headers" and isinstance(value, Mapping):
                yield from map(str, value)
            elif key == "enum" and isinstance(value, list):
                yield from (item for item in value if isinstance(item, str))
            elif key == "operationId" and isinstance(value, str):
                yield value
            yield from _spec_names(value)
    elif isinstance(node, list):
        for item in node:
            yield from _spec_names(item)


def _allowed(relative: str, literal: str) -> bool:
    return any(fnmatch.fnmatch(relative, pattern) for pattern, _ in ALLOWED_LITERALS.get(literal, ()))


def test_hand_written_code_writes_no_spec_name() -> None:
    """Outside the names module, no string literal in overlays/ and conformance/ equals a spec name."""
    document = spec.effective_spec()
    names = {*_spec_names({key: value for key, value in document.items() if key != "x-names"}), *document["paths"]}
    found: list[str] = []
    for path in _names.code_files(ROOT):
        relative = str(path.relative_to(ROOT))
        if relative == "overlays/suno_api/_names.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _names._docstrings(tree)  # the same docstring test the build uses
        found.extend(
            f"{relative}:{node.lineno}: {node.value!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value in names
            and id(node) not in docs
            and not _allowed(relative, node.value)
        )
    assert not found, "spec names written as literals (read them from suno_api.spec.names()):\n" + "\n".join(found)


def test_build_code_is_scanned_too() -> None:
    """The scan covers the library, the command line, the mock, the suite and the build tooling."""
    scanned = {str(path.relative_to(ROOT)) for path in _names.code_files(ROOT)}
    assert {
        "overlays/suno_api/_client.py",
        "overlays/suno_api/cli/_task.py",
        "overlays/suno_api_build/_coverage.py",
    } <= scanned
    assert {"conformance/suno_conformance/mock/_render.py", "conformance/suno_conformance/pytest_plugin.py"} <= scanned


# --- overlay actions that name a field in a required list or a link


@pytest.fixture(scope="module")
def task_id_renamed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """spec/suno-api.yaml with every taskId renamed task_id, and nothing else fixed."""
    path = tmp_path_factory.mktemp("task-id") / "suno-api.yaml"
    path.write_text(SPEC.read_text(encoding="utf-8").replace("taskId", "task_id"), encoding="utf-8")
    return path


def _problems(candidate: Path) -> list[str]:
    report = _specdiff.coverage_report(candidate, root=ROOT)
    assert isinstance(report, _specdiff.CoverageReport)
    return [str(problem) for problem in report.spec.problems]


def test_action_setting_a_required_list_is_named_when_a_name_in_it_changes(task_id_renamed: Path) -> None:
    """The actions that make taskId required are named, with what to do."""
    problems = _problems(task_id_renamed)
    for schema in ("UploadExtendData", "TaskRecord"):
        assert any(
            f"(target '$.components.schemas.{schema}'): sets `required` to include taskId" in problem
            for problem in problems
        ), problems


def test_action_setting_a_link_is_named_when_a_name_in_it_changes(task_id_renamed: Path) -> None:
    """The links action names the parameter and the response field that no longer exist."""
    problem = next(problem for problem in _problems(task_id_renamed) if "sets links" in problem)
    assert "responses['200']" in problem
    assert "parameter 'taskId' of getRecordInfo" in problem
    assert "response field '/data/taskId'" in problem
