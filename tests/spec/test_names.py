"""Spec names in one place: every role resolves, a dead one fails only where it is read, the build names its uses."""

from __future__ import annotations

import ast
import copy
import fnmatch
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from suno_api import spec
from suno_api._names import SpecNames, resolve_pointer
from suno_api_build import _build, _names, _specdiff
from tests.spec_support import member

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
    """Every role x-names declares is one of SpecNames's, in its order, and every pointer there resolves.

    A role may be missing from x-names: the upgrade procedure drops the role of a name upstream removed, and the
    code reading it copes (the mock leaves that outcome out); test_undeclared_role_raises_lookup_error covers it.
    """
    declared = _names.declared(spec.effective_spec())
    assert list(declared) == [role for role in SpecNames.roles() if role in declared]
    resolved = {role: spec.names().resolve(role) for role in declared}
    assert resolved["callback_url"] in spec.schema(spec.REQUEST_SCHEMA)["properties"]
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


def _without_member(document: dict[str, Any], role: str) -> dict[str, Any]:
    """Remove from ``document`` the enum member x-names role ``role`` points at (as upstream would)."""
    enum_pointer, member = spec.names().pointer(role).rsplit("/", 1)
    node: Any = document
    for part in enum_pointer[1:].split("/"):
        node = node[part]
    node.remove(next(value for value in node if str(value) == member))
    return document


def _a_status_role() -> str:
    """A declared status role other than the success the tests read (the last one x-names lists)."""
    declared = _names.declared(spec.effective_spec())
    success = declared["status_success"]
    return next(
        role
        for role, pointer in reversed(declared.items())
        if pointer.rsplit("/", 1)[0] == success.rsplit("/", 1)[0] and pointer != success
    )


def test_dead_pointer_raises_naming_role_and_pointer_only_when_read() -> None:
    """A removed response-side enum member breaks only the role that points at it, when that role is read."""
    role = _a_status_role()
    pointer = spec.names().pointer(role)
    names = SpecNames(_without_member(_effective(), role))
    assert names.status_success == spec.names().status_success
    assert names.pointer(role) == pointer
    with pytest.raises(LookupError, match=rf"'{role}'.*{re.escape(pointer)}"):
        names.resolve(role)


def test_undeclared_role_raises_lookup_error() -> None:
    """A role missing from x-names says where to declare it."""
    document = _effective()
    del document["x-names"]["prompt"]
    with pytest.raises(LookupError, match=r"'prompt' is not declared .*normalise\.overlay\.yaml"):
        _ = SpecNames(document).prompt


def _pointer_kinds() -> dict[str, tuple[str, str]]:
    """One pointer of each kind, with the name it gives, taken from today's effective spec."""
    document = spec.effective_spec()
    declared = _names.declared(document)
    record_info = declared["task_id_param"].rsplit("/parameters/", 1)[0]
    operation = document
    for part in record_info[1:].split("/"):
        operation = operation[part.replace("~1", "/").replace("~0", "~")]
    code = document["components"]["schemas"]["ApiCode"]["enum"][-1]
    return {
        "property": (declared["callback_url"], spec.names().callback_url),
        "parameter": (declared["task_id_param"], spec.names().task_id_param),
        "operation id": (f"{record_info}/operationId", operation["operationId"]),
        "numeric enum member": (f"/components/schemas/ApiCode/enum/{code}", str(code)),
        "string enum member": (declared["status_success"], spec.names().status_success),
    }


@pytest.mark.parametrize("kind", ["property", "parameter", "operation id", "numeric enum member", "string enum member"])
def test_pointer_rules_agree_between_runtime_and_build(kind: str) -> None:
    """The library and the build read a pointer the same way: property, parameter, operation id, enum member."""
    pointer, name = _pointer_kinds()[kind]
    assert resolve_pointer(spec.effective_spec(), pointer) == name
    assert _names.resolve(spec.effective_spec(), pointer) == name
    dead = pointer.rsplit("/", 1)[0] + "/nothing"
    assert _names.resolve(spec.effective_spec(), dead) is None
    with pytest.raises(LookupError):
        resolve_pointer(spec.effective_spec(), dead)


def test_import_survives_a_removed_response_enum_member(tmp_path: Path) -> None:
    """With a status and a stage gone from the spec, the library, CLI and mock import; the mock drops the outcome."""
    # the mock's outcome through the callback exception, and the outcomes through the first-track stage
    gone_status, gone_stage = member("status_callback_exception"), member("stage_first")
    kept = member("status_sensitive_word_error")
    document = _without_member(_without_member(_effective(), "status_callback_exception"), "stage_first")
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
    assert repr(gone_status) not in done.stdout
    assert repr(kept) in done.stdout
    assert gone_stage in done.stderr
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


def respelled(name: str) -> str:
    """A new spelling of ``name`` as upstream's renames give: one letter's case changed (callBackUrl -> callbackUrl)."""
    upper = next((index for index, char in enumerate(name) if index and char.isupper()), None)
    if upper is None:
        return name.capitalize() if name[:1].islower() else name.lower()
    return name[:upper] + name[upper].lower() + name[upper + 1 :]


def _renamed(tmp_path_factory: pytest.TempPathFactory, *old: str) -> Path:
    """The vendored spec with each of the names ``old`` respelled wherever it stands as a word, nothing else fixed."""
    text = SPEC.read_text(encoding="utf-8")
    for name in old:
        text = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", respelled(name), text)
    path = tmp_path_factory.mktemp("renamed") / "suno-api.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def renamed_spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The vendored spec with the callback URL field renamed (callBackUrl -> callbackurl today)."""
    return _renamed(tmp_path_factory, spec.names().callback_url)


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
        .count(f'"{respelled(spec.names().callback_url)}"')
    )
    with pytest.raises(_build.BuildError) as raised:
        _build.build_effective_spec(renamed_spec, ROOT / "overlays")
    message = str(raised.value)
    pointer = spec.names().pointer("callback_url")
    assert f"role 'callback_url' points at {pointer}" in message
    assert f"used at {_line_of('conformance/suno_conformance/mock/_lifecycle.py', 'spec_names.callback_url')}" in (
        message
    )
    assert f"used at {_line_of('conformance/suno_conformance/mock/_serve.py', 'spec_names.callback_url')}" in message
    new_pointer = f"{pointer.rsplit('/', 1)[0]}/{respelled(spec.names().callback_url)}"
    assert f"point the role at {new_pointer}" in message


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


ALLOWED_IN_TEXT: Mapping[str, tuple[tuple[str, str], ...]] = {
    # distinctive spec name: (file pattern, why the text may spell it)
    **dict.fromkeys(
        ("V3_5", "V4_5"),
        (
            ("overlays/suno_api/_messages.py", "a placeholder's documented output, as an example"),
            ("overlays/suno_api_build/_coverage.py", "an example of a name in the literal-number scan's docs"),
        ),
    ),
}
"""Text that spells a distinctive spec name on purpose, by file (examples in documentation of our own tools)."""


def _distinctive(names: set[str]) -> set[str]:
    """The names no English text spells by chance: camelCase, paths, CONSTANT_CASE members, hyphenated headers."""
    return {
        name
        for name in names
        if re.search(r"[a-z][A-Z]", name)
        or name.startswith("/")
        or "-" in name
        or (re.fullmatch(r"[A-Z][A-Z0-9_]*", name) is not None and "_" in name)
    }


def _text_literals(tree: ast.AST) -> Iterator[ast.Constant]:
    """Yield the string constants of ``tree`` that are text, not documentation (no docstring, no bare string)."""
    documentation = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in documentation:
            yield node


def test_messages_spell_no_spec_name() -> None:
    """No message, hint or help text in hand-written code spells a spec name: it formats names() in.

    A message that says ``callBackUrl`` after upstream renamed the field misleads the user who reads it; only a
    scan of the text inside string literals finds it (the exact-literal scan above does not).
    """
    document = spec.effective_spec()
    names = _distinctive({*_spec_names({k: v for k, v in document.items() if k != "x-names"}), *document["paths"]})
    pattern = re.compile(
        r"(?<![\w/-])(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")(?![\w-])"
    )
    found: list[str] = []
    for path in _names.code_files(ROOT):
        relative = str(path.relative_to(ROOT))
        if relative == "overlays/suno_api/_names.py":
            continue
        for node in _text_literals(ast.parse(path.read_text(encoding="utf-8"))):
            spelled = {
                name
                for name in pattern.findall(node.value)
                if not any(fnmatch.fnmatch(relative, glob) for glob, _ in ALLOWED_IN_TEXT.get(name, ()))
            }
            if spelled and node.value not in names:
                found.append(f"{relative}:{node.lineno}: {sorted(spelled)} in {node.value[:60]!r}")
    assert not found, f"{len(found)} texts spell a spec name (format names() in):\n" + "\n".join(found)


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
    """The vendored spec with the task id renamed everywhere: the query parameter, the submit answer, the record."""
    names = spec.names()
    return _renamed(tmp_path_factory, *{names.task_id_param, names.submit_task_id, names.record_task_id})


def _problems(candidate: Path) -> list[str]:
    report = _specdiff.coverage_report(candidate, root=ROOT)
    assert isinstance(report, _specdiff.CoverageReport)
    return [str(problem) for problem in report.spec.problems]


def test_action_setting_a_required_list_is_named_when_a_name_in_it_changes(task_id_renamed: Path) -> None:
    """The actions that make the task id required are named, with what to do."""
    problems = _problems(task_id_renamed)
    for schema, name in (
        ("UploadExtendData", spec.names().submit_task_id),
        ("TaskRecord", spec.names().record_task_id),
    ):
        assert any(
            f"(target '$.components.schemas.{schema}'): sets `required` to include {name}" in problem
            for problem in problems
        ), problems


def test_action_setting_a_link_is_named_when_a_name_in_it_changes(task_id_renamed: Path) -> None:
    """The links action names the parameter and the response field that no longer exist."""
    problem = next(problem for problem in _problems(task_id_renamed) if "sets links" in problem)
    assert "responses['200']" in problem
    names = spec.names()
    assert f"parameter '{names.task_id_param}' of {_pointer_kinds()['operation id'][1]}" in problem
    assert f"response field '/{names.envelope_data}/{names.submit_task_id}'" in problem


# --- tests spell no request field, path, parameter, header or enum member either

TESTS = ROOT / "tests"
PRAGMA = "# spec-literal:"
"""A line holding a spec name on purpose ends with this and says why (a word that is not the spec's name there)."""
NOT_SCANNED = {
    # these tests are about literal spec text: pointers, the names scan itself
    "tests/spec/test_names.py",
}


def _request_side_names(document: Mapping[str, Any]) -> set[str]:
    """The names an upstream rename or removal moves under the tests: all but response-only property names.

    A renamed response property renames the generated client's attribute too, which mypy reports in every use;
    the rest (request fields, paths, parameters, headers, operation ids, enum members) no type checker sees.
    """
    spelled = set(_spec_names({key: value for key, value in document.items() if key != "x-names"}))
    properties: set[str] = set()
    shared: set[str] = set()
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            for key, value in node.items():
                if key == "properties" and isinstance(value, Mapping):
                    properties.update(map(str, value))
                elif key in ("parameters", "enum", "headers"):
                    # a property spelled like a parameter, header or member is flagged as those
                    shared.update(_spec_names({key: value}))
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    request = set(document["components"]["schemas"][spec.REQUEST_SCHEMA].get("properties", {}))
    return (spelled - (properties - request - shared)) | set(document["paths"])


def _generated_enum_members() -> dict[str, set[str]]:
    """Map each generated enum class name to its member attribute names (``TaskStatus`` -> ``{"SUCCESS", ...}``)."""
    import enum  # noqa: PLC0415 - only this scan needs it

    from suno_api_client import models  # noqa: PLC0415 - only this scan needs it

    return {
        name: set(value.__members__)
        for name, value in vars(models).items()
        if isinstance(value, type) and issubclass(value, enum.Enum)
    }


def test_tests_spell_no_request_side_spec_name() -> None:
    """No test writes a request field, path, parameter, header or enum member: they read names() or the body helpers.

    So that an upstream rename or removal handled by overlay edits passes `make test` with no test edit.
    """
    document = spec.effective_spec()
    names = _request_side_names(document)
    enums = _generated_enum_members()
    roles = frozenset(SpecNames.roles())
    found: list[str] = []
    for path in sorted(TESTS.rglob("*.py")):
        relative = str(path.relative_to(ROOT))
        if relative in NOT_SCANNED or "fixtures" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text)
        docs = _names._docstrings(tree)
        for node in ast.walk(tree):
            spelled = None
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                spelled = node.value if node.value in names else None
            elif isinstance(node, ast.keyword) and node.arg in names and node.arg not in roles:
                # a keyword that is a role (custom_body(title=...)) is our stable name, not the spec's
                spelled = node.arg
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.attr in enums.get(node.value.id, ())
            ):
                spelled = f"{node.value.id}.{node.attr}"
            if spelled is None:
                continue
            line = getattr(node, "lineno", getattr(getattr(node, "value", None), "lineno", 0))
            if PRAGMA in lines[line - 1]:
                continue
            found.append(f"{relative}:{line}: {spelled!r}")
    assert not found, (
        f"{len(found)} spec names spelled in tests (read them from suno_api.spec.names(), tests.bodies,"
        f" tests.spec_support; or end the line with `{PRAGMA} why`):\n" + "\n".join(found)
    )
