"""Build the effective spec and regenerate the client from it.

The pipeline is: vendored spec (``spec/suno-api.yaml``) -> overlays, in the fixed order of ``OVERLAY_ORDER``
-> effective spec (``generated/suno-api.effective.json``) -> pinned openapi-python-client ->
``generated/suno_api_client``. Run it as ``python -m suno_api_build generate|check`` (the Makefile does).

oas-patch applies the overlays but says nothing when an action's target matches nothing, and the generator
says nothing when it meets a single-item inline ``allOf``; both are turned into build errors here, because
either one silently produces a client that does not match the spec.

Speed (``make bench`` row 6 holds ``make generate`` to 1.5x the bare generator): nothing heavy is imported at
module level; only the effective spec is validated (the vendored one only to say who is to blame when the
effective one is invalid), while the generator subprocess works, and not at all when the same bytes passed the
same validator version before (``_verdict_path``; ``SUNO_API_BUILD_VALIDATION_CACHE=0`` turns that off).
oas-patch's ``apply_overlay`` is loaded without the rest of its package and given a cached JSONPath parser (see
``_overlay_applier``; spec/UPSTREAM.md section 6 has the oas-patch behaviour this relies on).
"""

from __future__ import annotations

import argparse
import copy
import difflib
import filecmp
import functools
import importlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from suno_api_build import _names

OVERLAY_ORDER = ("normalise", "rules")
"""Overlay documents ``overlays/<name>.overlay.yaml``, applied in this order."""

GENERATED_PACKAGE = "suno_api_client"
EFFECTIVE_SPEC_NAME = "suno-api.effective.json"
GENERATOR_CONFIG = "openapi-python-client.config.yaml"


class BuildError(Exception):
    """The spec or an overlay cannot produce a trustworthy client; the message says which file to fix."""


def repo_root() -> Path:
    """Return the checkout this module lives in (``overlays/suno_api_build/_build.py`` -> the repo)."""
    return Path(__file__).resolve().parents[2]


def load_document(path: Path) -> dict[str, Any]:
    """Read a YAML or JSON document into a dict."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BuildError(f"{path}: cannot read it: {exc}") from exc
    loaded: Any = None
    if path.suffix == ".json":
        # An effective spec is JSON; the stdlib reads it in a fraction of YAML's time.
        try:
            loaded = json.loads(text)
        except ValueError:
            loaded = None
    if loaded is None:
        import yaml  # noqa: PLC0415 - a build-time dependency; the runtime package never needs it

        # libyaml's loader reads the same documents as SafeLoader, several times faster.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        try:
            loaded = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader, C or Python
        except yaml.YAMLError as exc:
            raise BuildError(f"{path}: cannot read it as YAML/JSON: {exc}") from exc
    if not isinstance(loaded, dict):
        raise BuildError(f"{path}: expected a mapping at the top level, got {type(loaded).__name__}")
    return loaded


def overlay_paths(overlays_dir: Path) -> list[Path]:
    """Return the overlay documents in application order; a missing one is an error."""
    paths = [overlays_dir / f"{name}.overlay.yaml" for name in OVERLAY_ORDER]
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        raise BuildError(f"overlay document(s) missing: {', '.join(missing)}")
    return paths


@functools.cache
def _jsonpath_parser() -> Any:
    from jsonpath_ng.ext.parser import ExtendedJsonPathParser  # noqa: PLC0415 - build-time dependency

    return ExtendedJsonPathParser()


@functools.cache
def _parsed(target: str) -> Any:
    # jsonpath-ng's parse() builds a new parser on every call; one parser, and one parse per target, serve the
    # ~150 targets the build matches and applies.
    return _jsonpath_parser().parse(target)


_OAS_PATCH_OVERLAY = "_suno_api_build_oas_patch_overlay"


@functools.cache
def _overlay_applier() -> Callable[[dict[str, Any], dict[str, Any]], Any]:
    """Return oas-patch's ``apply_overlay``, loaded from its own module file, parsing targets through ``_parsed``.

    ``import oas_patch.overlay`` runs the package's ``__init__``, which imports its command line, validator and
    diff tool (deepdiff, jsonschema): most of a second cold, for a module that needs only jsonpath-ng. And
    ``apply_overlay`` parses every target anew. So the module is loaded alone under a private name (the real
    ``oas_patch.overlay`` is never touched) and its ``parse`` replaced by the cached one. When the file is not
    where oas-patch keeps it, the ordinary import is used.
    """
    package = importlib.util.find_spec("oas_patch")
    locations = list(package.submodule_search_locations or []) if package is not None else []
    source = Path(locations[0]) / "overlay.py" if locations else None
    spec = importlib.util.spec_from_file_location(_OAS_PATCH_OVERLAY, source) if source and source.is_file() else None
    if spec is None or spec.loader is None:
        module = importlib.import_module("oas_patch.overlay")
        apply: Callable[[dict[str, Any], dict[str, Any]], Any] = module.apply_overlay
        return apply
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    setattr(module, "parse", _parsed)  # noqa: B010 - a module object mypy knows nothing of
    applier: Callable[[dict[str, Any], dict[str, Any]], Any] = module.apply_overlay
    return applier


def _matches(document: dict[str, Any], target: str) -> list[Any]:
    return list(_parsed(target).find(document))


def _parent_target(target: str) -> str | None:
    """Return the JSONPath of ``target``'s parent, for a copy that creates its target."""
    if target.endswith("]") and "['" in target:
        return target[: target.rindex("['")]
    head, dot, _ = target.rpartition(".")
    return head if dot and head else None


class BrokenAction(NamedTuple):
    """An overlay action that matches nothing in the document it is applied to."""

    overlay: str
    """The overlay document's file name."""
    action_index: int
    """The action's position in the document's ``actions``."""
    target: str
    problem: str

    def __str__(self) -> str:
        return f"{self.overlay}: action {self.action_index} (target {self.target!r}): {self.problem}"


def _retargeted(action: dict[str, Any], moves: Mapping[str, str]) -> dict[str, Any]:
    """Return ``action`` with each moved path renamed: in its target and copy source, and in x-names pointers."""
    moved = dict(action)
    for key in ("target", "copy"):
        if isinstance(moved.get(key), str):
            for old, new in moves.items():
                moved[key] = moved[key].replace(f"['{old}']", f"['{new}']").replace(f'["{old}"]', f'["{new}"]')
    update = moved.get("update")
    if isinstance(update, Mapping) and isinstance(update.get(_names.NAMES_KEY), Mapping):
        pointers = {role: _names.moved_pointer(str(p), moves) for role, p in update[_names.NAMES_KEY].items()}
        moved["update"] = {**update, _names.NAMES_KEY: pointers}
    return moved


def apply_overlays_partially(
    spec: dict[str, Any], overlay_files: Sequence[Path], *, moves: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], list[BrokenAction]]:
    """Apply the overlays in order to a copy of ``spec``, skipping broken actions; return it and those actions.

    An action is broken when its target matches nothing (for ``copy``, when its source or its target's parent
    matches nothing: copy may create its target), or when its update makes required a name the schema it
    updates does not define. Broken actions are skipped and the rest still applied, so one run reports every
    broken action of every overlay. ``moves`` (old path -> new path) retargets the actions that name a path
    upstream moved, to see what the overlays would do once edited.
    """
    apply_overlay = _overlay_applier()
    document = copy.deepcopy(spec)
    broken: list[BrokenAction] = []
    for path in overlay_files:
        overlay = load_document(path)
        for index, declared in enumerate(overlay.get("actions", [])):
            action = _retargeted(declared, moves) if moves else declared
            target = action.get("target", "")
            problem = None
            if "copy" in action:
                parent = _parent_target(target)
                if not _matches(document, action["copy"]):
                    problem = f"copy source {action['copy']!r} matches nothing"
                elif not _matches(document, target) and (parent is None or not _matches(document, parent)):
                    problem = "matches nothing, and neither does its parent"
            elif not _matches(document, target):
                problem = "matches nothing"
            if problem is None:
                apply_overlay(document, {"actions": [action]})
                if "update" in action:
                    nodes = [m.value for m in _matches(document, target)]
                    problem = _undefined_required(action["update"], nodes) or _broken_links(
                        action["update"], nodes, document
                    )
            if problem is not None:
                broken.append(BrokenAction(path.name, index, target, problem))
    return document, broken


def _required_gaps(update: Any, node: Any) -> Iterator[str]:
    """Yield each name an update's ``required`` list gives that the schema it lands in does not define."""
    if not (isinstance(update, dict) and isinstance(node, dict)):
        return
    required, properties = update.get("required"), node.get("properties")
    if isinstance(required, list) and isinstance(properties, dict):
        yield from (str(name) for name in required if name not in properties)
    for key, value in update.items():
        # A rule (an allOf item) names fields of the schema around it; rules coverage checks those.
        if key not in ("allOf", "anyOf", "oneOf", "required"):
            yield from _required_gaps(value, node.get(key))


def _undefined_required(update: Any, nodes: Sequence[Any]) -> str | None:
    """Say which names an update makes required that its target does not define (upstream renamed them?)."""
    missing = list(dict.fromkeys(name for node in nodes for name in _required_gaps(update, node)))
    if not missing:
        return None
    return (
        f"sets `required` to include {', '.join(missing)}, which the schema it updates does not define (upstream"
        " renamed or removed it?): rename it in this action's `required` list, or drop it"
    )


def _operations(document: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for item in (document.get("paths") or {}).values():
        for operation in item.values() if isinstance(item, Mapping) else ():
            if isinstance(operation, Mapping):
                yield operation


def _schema_at(document: Mapping[str, Any], schema: Any, steps: Sequence[str]) -> bool:
    """Whether the properties ``steps`` lead somewhere in ``schema`` (through ``$ref``, ``allOf``, ``anyOf``...)."""
    if not steps:
        return True
    if not isinstance(schema, Mapping):
        return False
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = document
        for part in ref[2:].split("/"):
            target = target.get(part) if isinstance(target, Mapping) else None
        if _schema_at(document, target, steps):
            return True
    branches = [branch for key in ("allOf", "anyOf", "oneOf") for branch in schema.get(key, [])]
    if any(_schema_at(document, branch, steps) for branch in branches):
        return True
    properties = schema.get("properties")
    return (
        isinstance(properties, Mapping)
        and steps[0] in properties
        and _schema_at(document, properties[steps[0]], steps[1:])
    )


def _link_gaps(link: Mapping[str, Any], response: Mapping[str, Any], document: Mapping[str, Any]) -> Iterator[str]:
    """Yield what one link names that the spec does not have: its operation, a parameter, a response field."""
    operation = next((op for op in _operations(document) if op.get("operationId") == link.get("operationId")), None)
    if operation is None:
        yield f"operation {link.get('operationId')!r}"
        return
    parameters = {p.get("name") for p in operation.get("parameters", []) if isinstance(p, Mapping)}
    bodies = [media.get("schema") for media in (response.get("content") or {}).values() if isinstance(media, Mapping)]
    for name, expression in (link.get("parameters") or {}).items():
        if name not in parameters:
            yield f"parameter {name!r} of {link.get('operationId')}"
        prefix = "$response.body#/"
        if isinstance(expression, str) and expression.startswith(prefix):
            steps = [step.replace("~1", "/").replace("~0", "~") for step in expression[len(prefix) :].split("/")]
            if not any(_schema_at(document, body, steps) for body in bodies):
                yield f"response field {expression[len(prefix) - 1 :]!r}"


def _broken_links(update: Any, nodes: Sequence[Any], document: Mapping[str, Any]) -> str | None:
    """Say what the links an update sets name that the spec no longer has (upstream renamed a field?)."""
    links = update.get("links") if isinstance(update, Mapping) else None
    if not isinstance(links, Mapping):
        return None
    missing = [
        f"{name}: {gap}"
        for node in nodes
        if isinstance(node, Mapping)
        for name, link in links.items()
        if isinstance(link, Mapping)
        for gap in _link_gaps(link, node, document)
    ]
    if not missing:
        return None
    return (
        f"sets links naming what the spec no longer has ({'; '.join(dict.fromkeys(missing))}; upstream renamed or"
        " removed it?): rename it in this action's links, or drop the link"
    )


def broken_actions(spec: dict[str, Any], overlay_files: Sequence[Path]) -> Iterator[str]:
    """Apply the overlays in order to a copy of ``spec``, yielding a message for each action that matches nothing.

    See ``apply_overlays_partially``: one run reports every broken action of every overlay.
    """
    for broken in apply_overlays_partially(spec, overlay_files)[1]:
        yield str(broken)


def _refusal(broken: Sequence[BrokenAction], dead: Sequence[_names.DeadName]) -> str:
    """Say why the overlays did not yield a trustworthy effective spec: broken actions, then dead name roles."""
    parts = []
    if broken:
        parts.append(
            "overlay actions whose target matches nothing (upstream changed the spec, or the overlay has a typo;"
            " edit the overlay named):\n  " + "\n  ".join(map(str, broken))
        )
    if dead:
        parts.append(
            "spec names that hand-written code depends on no longer resolve (see x-names in"
            f" {_names.NORMALISE_OVERLAY}):\n  " + "\n  ".join(str(name) for name in dead)
        )
    return "\n".join(parts)


def apply_overlays(
    spec: dict[str, Any], overlay_files: Sequence[Path], *, code_root: Path | None = None
) -> dict[str, Any]:
    """Return the effective spec: ``spec`` with every overlay applied; raise if any action or name role is broken.

    Every role of ``x-names`` must resolve in the result; ``code_root`` is the checkout whose hand-written code
    is searched for the uses of a role that does not (None: report the roles alone).
    """
    document, broken = apply_overlays_partially(spec, overlay_files)
    # The names are checked even when actions broke: a rename upstream breaks both, and the code to edit
    # matters as much as the overlay action.
    dead = _names.dead_names(document, code_root)
    if broken or dead:
        raise BuildError(_refusal(broken, dead))
    return document


def single_all_of_wrappers(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Yield the path (keys and indexes from ``node``) of every single-item inline ``allOf`` wrapper in ``node``."""
    if isinstance(node, dict):
        all_of = node.get("allOf")
        if isinstance(all_of, list) and len(all_of) == 1 and "$ref" not in all_of[0]:
            yield path
        for key, value in node.items():
            yield from single_all_of_wrappers(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from single_all_of_wrappers(value, (*path, index))


def _inline_single_all_of(node: Any) -> Iterator[str]:
    for path in single_all_of_wrappers(node):
        yield "#" + "".join(f"/{part}" for part in path)


def _wrappers_message(spec: dict[str, Any]) -> str | None:
    wrappers = list(_inline_single_all_of(spec))
    if not wrappers:
        return None
    return (
        "single-item inline allOf wrappers remain (openapi-python-client turns them into empty classes);"
        " add a flatten action to overlays/normalise.overlay.yaml for:\n  " + "\n  ".join(wrappers)
    )


def check_generator_input(spec: dict[str, Any]) -> None:
    """Refuse a spec the generator would silently mistranslate."""
    message = _wrappers_message(spec)
    if message:
        raise BuildError(message)


def validate_openapi(spec: dict[str, Any], name: str) -> None:
    """Validate ``spec`` as OpenAPI 3.1, naming ``name`` in the error."""
    from openapi_spec_validator import validate  # noqa: PLC0415 - build-time dependency

    try:
        validate(spec)
    except Exception as exc:  # the validator raises several unrelated types; all mean "invalid"
        raise BuildError(f"{name} is not a valid OpenAPI document: {exc}") from exc


def validate_effective(spec: dict[str, Any], effective: dict[str, Any], spec_path: Path) -> None:
    """Validate the effective spec; when it is invalid, say whether the vendored spec already was.

    The generator reads only the effective spec, so that is the one that must be valid; an upstream document
    that the overlays repair (an OpenAPI 3.0 candidate, say) is fine.
    """
    try:
        validate_openapi(effective, f"the effective spec ({spec_path} + overlays)")
    except BuildError:
        validate_openapi(spec, str(spec_path))  # raises naming upstream's document when it is the invalid one
        raise


OPENAPI_30_NOTE = "is OpenAPI {version}: upgraded to 3.1.0 before the overlays ({changes})"


def _nullable_to_31(node: dict[str, Any], counts: dict[str, int]) -> None:
    """Rewrite one schema's ``nullable`` (3.0) as a null type (3.1), in place."""
    if node.pop("nullable") is not True:
        counts["`nullable: false` dropped"] = counts.get("`nullable: false` dropped", 0) + 1
        return
    kind = node.get("type")
    if isinstance(kind, str | list):
        node["type"] = [*([kind] if isinstance(kind, str) else kind), "null"]
        if isinstance(node.get("enum"), list) and None not in node["enum"]:
            node["enum"].append(None)  # 3.1 checks enum too: null must be one of its values
        counts["`nullable: true` -> a null type"] = counts.get("`nullable: true` -> a null type", 0) + 1
        return
    branches = [key for key in ("$ref", "allOf", "anyOf", "oneOf") if key in node]
    if not branches:
        counts["`nullable` without a type dropped"] = counts.get("`nullable` without a type dropped", 0) + 1
        return
    inner = {key: node.pop(key) for key in branches}
    node["anyOf"] = [inner, {"type": "null"}]
    counts["`nullable: true` -> anyOf [..., null]"] = counts.get("`nullable: true` -> anyOf [..., null]", 0) + 1


def _exclusive_to_31(node: dict[str, Any], counts: dict[str, int]) -> None:
    """Rewrite boolean ``exclusiveMinimum``/``exclusiveMaximum`` (3.0) as numbers (3.1), in place."""
    for exclusive, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(node.get(exclusive), bool):
            if node.pop(exclusive) and bound in node:
                node[exclusive] = node.pop(bound)
            counts[f"boolean `{exclusive}` -> a number"] = counts.get(f"boolean `{exclusive}` -> a number", 0) + 1


def upgrade_openapi_30(spec: dict[str, Any]) -> tuple[dict[str, Any], dict[str, int]]:
    """Return an OpenAPI 3.0.x document rewritten as 3.1, and what was rewritten (count per kind).

    The overlays and the generator speak 3.1 (null types, numeric exclusive bounds); upstream might publish a
    3.0 document. The rewrite is 3.0's meaning said the 3.1 way: ``nullable: true`` becomes a null type (or an
    ``anyOf`` branch beside a ``$ref``), boolean exclusive bounds become numbers. A 3.1 document is returned as is.
    """
    version = str(spec.get("openapi", ""))
    if not version.startswith("3.0"):
        return spec, {}
    upgraded = copy.deepcopy(spec)
    counts: dict[str, int] = {}
    pending: list[Any] = [upgraded]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if isinstance(node.get("nullable"), bool):
                _nullable_to_31(node, counts)
            _exclusive_to_31(node, counts)
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    upgraded["openapi"] = "3.1.0"
    return upgraded, counts


def describe_upgrade(name: str, version: str, counts: Mapping[str, int]) -> str:
    """Say what ``upgrade_openapi_30`` did to the document ``name``."""
    changes = ", ".join(f"{count} {kind}" for kind, count in counts.items()) or "nothing to rewrite"
    return f"{name} " + OPENAPI_30_NOTE.format(version=version, changes=changes)


def load_vendored(path: Path) -> tuple[dict[str, Any], str | None]:
    """Read a vendored spec, upgraded to 3.1 when it is 3.0.x; return it and a note saying so (else None).

    Raises:
        BuildError: it cannot be read, or it is not valid OpenAPI (3.0 documents are validated as 3.0 first).
    """
    document = load_document(path)
    version = str(document.get("openapi", ""))
    if not version.startswith("3.0"):
        return document, None
    validate_openapi(document, str(path))
    upgraded, counts = upgrade_openapi_30(document)
    note = describe_upgrade(str(path), version, counts)
    try:
        validate_openapi(upgraded, f"{path} (upgraded from OpenAPI {version} to 3.1.0)")
    except BuildError as exc:
        raise BuildError(
            f"{note}, but the result is not valid 3.1: convert what the message names by hand (or vendor a 3.1"
            f" document): {exc}"
        ) from exc
    return upgraded, note


def _overlaid(spec_path: Path, overlays_dir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    spec, note = load_vendored(spec_path)
    if note:
        print(f"note: {note}", file=sys.stderr)
    effective, broken = apply_overlays_partially(spec, overlay_paths(overlays_dir))
    # Every reason at once: broken actions, dead name roles (with the code using them), leftover wrappers.
    dead = _names.dead_names(effective, overlays_dir.parent)
    problems = [_refusal(broken, dead)] if broken or dead else []
    wrappers = None if broken else _wrappers_message(effective)
    if problems or wrappers:
        raise BuildError("\n".join([*problems, *([wrappers] if wrappers else [])]))
    return spec, effective


def build_effective_spec(spec_path: Path, overlays_dir: Path) -> dict[str, Any]:
    """Load and overlay the vendored spec, check the result; return the effective spec."""
    spec, effective = _overlaid(spec_path, overlays_dir)
    validate_effective(spec, effective, spec_path)
    return effective


def dump_json(document: dict[str, Any]) -> str:
    """Serialise a document the same way every time (key order kept, UTF-8, trailing newline)."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _tool(name: str) -> str:
    beside_python = Path(sys.executable).parent / name
    found = str(beside_python) if beside_python.exists() else shutil.which(name)
    if found is None:
        raise BuildError(f"{name} is not installed; run `make generate`, which bootstraps .venv")
    return found


def generate_into(root: Path, out_dir: Path, spec_path: Path | None = None) -> None:
    """Write the effective spec and the generated package into ``out_dir`` (which must not exist yet)."""
    root = root.resolve()  # the generator runs in out_dir: a relative --root would point elsewhere there
    spec_path = spec_path or root / "spec" / "suno-api.yaml"
    spec, effective = _overlaid(spec_path, root / "overlays")
    out_dir.mkdir(parents=True)
    effective_path = out_dir / EFFECTIVE_SPEC_NAME
    effective_text = dump_json(effective)
    effective_path.write_text(effective_text, encoding="utf-8")
    verdict = _verdict_path(effective_text)
    # The post-hooks call ruff by name: put the pinned one first on PATH, and let no user config reach it.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("RUFF_CACHE_DIR", None)
    command = [
        _tool("openapi-python-client"),
        "generate",
        "--path",
        str(effective_path),
        "--meta",
        "none",
        "--config",
        str(root / "overlays" / GENERATOR_CONFIG),
        "--output-path",
        str(out_dir / GENERATED_PACKAGE),
        "--fail-on-warning",
    ]
    generator = subprocess.Popen(  # noqa: S603 - the pinned generator, on a file we wrote
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=out_dir
    )
    try:
        # Validation (and importing the validator) takes about half the generator's time: do it meanwhile, on
        # the other core, unless these very bytes passed it before. The output stays in out_dir, which nobody
        # uses when this raises.
        if verdict is None or not verdict.is_file():
            validate_effective(spec, effective, spec_path)
            _remember(verdict)
    except BaseException:
        generator.kill()
        generator.communicate()
        raise
    stdout, stderr = generator.communicate()
    if generator.returncode != 0:
        raise BuildError(f"openapi-python-client failed:\n{stdout}{stderr}")
    # --meta none writes no PEP 561 marker; without it mypy ignores the package's types in users' code.
    (out_dir / GENERATED_PACKAGE / "py.typed").write_text("", encoding="utf-8")


VALIDATION_CACHE_ENV = "SUNO_API_BUILD_VALIDATION_CACHE"
"""Set to ``0`` to validate the effective spec on every build (the cache is on by default)."""


def _verdict_path(effective_text: str) -> Path | None:
    """Return where a pass of the validator over exactly ``effective_text`` is recorded, None when not cached.

    The verdict of one validator version over the same bytes cannot change, so it is kept in the environment
    the validator is installed in (a venv is per checkout and disposable); only passes are recorded.
    """
    if os.environ.get(VALIDATION_CACHE_ENV) == "0":
        return None
    import hashlib  # noqa: PLC0415 - only with the cache
    import importlib.metadata  # noqa: PLC0415 - only with the cache

    try:
        version = importlib.metadata.version("openapi-spec-validator")
    except importlib.metadata.PackageNotFoundError:
        return None
    digest = hashlib.sha256(f"openapi-spec-validator {version}\0{effective_text}".encode()).hexdigest()
    return Path(sys.prefix) / ".cache" / "suno-api-build" / "valid-effective-specs" / digest


def _remember(verdict: Path | None) -> None:
    if verdict is None:
        return
    try:
        verdict.parent.mkdir(parents=True, exist_ok=True)
        verdict.write_text("passed openapi-spec-validator\n", encoding="utf-8")
    except OSError:
        pass  # a read-only environment validates every time


def _tree(directory: Path) -> dict[str, Path]:
    return {
        str(path.relative_to(directory)): path
        for path in sorted(directory.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def diff_trees(expected: Path, actual: Path) -> str:
    """Return a unified diff of two directory trees ('' when they are identical)."""
    expected_files, actual_files = _tree(expected), _tree(actual)
    chunks: list[str] = []
    for name in sorted(expected_files.keys() | actual_files.keys()):
        old, new = actual_files.get(name), expected_files.get(name)
        if old is not None and new is not None and filecmp.cmp(old, new, shallow=False):
            continue
        old_lines = old.read_text(encoding="utf-8").splitlines(keepends=True) if old else []
        new_lines = new.read_text(encoding="utf-8").splitlines(keepends=True) if new else []
        chunks.extend(difflib.unified_diff(old_lines, new_lines, f"generated/{name}", f"regenerated/{name}"))
    return "".join(chunks)


def generate(root: Path, spec_path: Path | None = None) -> None:
    """Regenerate ``generated/`` in place, replacing it only once the new output is complete."""
    target = root / "generated"
    with tempfile.TemporaryDirectory(prefix="suno-generate-") as scratch:
        fresh = Path(scratch) / "generated"
        generate_into(root, fresh, spec_path)
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(fresh, target)


def check(root: Path) -> str:
    """Regenerate into a scratch directory and return the diff against ``generated/`` ('' when up to date)."""
    with tempfile.TemporaryDirectory(prefix="suno-check-") as scratch:
        fresh = Path(scratch) / "generated"
        generate_into(root, fresh)
        return diff_trees(fresh, root / "generated")


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry: ``generate [--spec PATH]`` or ``check``."""
    parser = argparse.ArgumentParser(prog="python -m suno_api_build._build", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=repo_root(), help="the checkout (default: this one)")
    commands = parser.add_subparsers(dest="command", required=True)
    generate_parser = commands.add_parser("generate", help="regenerate generated/ from spec/ and overlays/")
    generate_parser.add_argument("--spec", type=Path, help="a candidate spec instead of spec/suno-api.yaml")
    commands.add_parser("check", help="fail with a diff when generated/ is stale or was edited by hand")
    args = parser.parse_args(argv)
    try:
        if args.command == "generate":
            generate(args.root, args.spec)
            print(f"generated/ rebuilt from {args.spec or 'spec/suno-api.yaml'} and overlays/", file=sys.stderr)
            return 0
        difference = check(args.root)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if difference:
        sys.stdout.write(difference)
        print(
            "\nerror: generated/ does not match what the spec and overlays produce (stale, or edited by hand)."
            "\nRun `make generate` and commit the result; never edit files under generated/.",
            file=sys.stderr,
        )
        return 1
    print("generated/ is up to date", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
