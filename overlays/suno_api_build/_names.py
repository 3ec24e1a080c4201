"""Check the spec-name roles (``x-names``) against a candidate effective spec, and find the code that uses each.

The normalise overlay declares ``x-names`` (role -> JSON pointer, see ``suno_api._names``); hand-written code
reads names only through those roles. A pointer that no longer resolves means upstream renamed or removed a name
that code depends on: the build refuses it and says where the role is used (``names().role`` and other
``.role`` attribute reads) and where the old name is still written as a string literal. The build never imports
``suno_api``, so the pointer rules are read here again, the same way.
"""

from __future__ import annotations

import ast
import functools
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from suno_api_build import _pairing

NAMES_KEY = "x-names"
NORMALISE_OVERLAY = "overlays/normalise.overlay.yaml"
CODE_DIRS = ("overlays/suno_api", "overlays/suno_api_build", "conformance/suno_conformance")
"""The hand-written code (library, command line, build, mock, suite) that reads spec names, in a checkout."""


def _unescape(segment: str) -> str:
    return segment.replace("~1", "/").replace("~0", "~")


def resolve(document: Mapping[str, Any], pointer: str) -> str | None:
    """Return the name ``pointer`` gives in ``document`` (the rules of ``suno_api._names``), None when it is dead."""
    if not pointer.startswith("/"):
        return None
    parts = [_unescape(segment) for segment in pointer[1:].split("/")]
    node: Any = document
    for index, part in enumerate(parts):
        parent = parts[index - 1] if index else ""
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and parent == "enum" and index == len(parts) - 1:
            return part if any(str(value) == part for value in node) else None
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    if len(parts) > 1 and parts[-2] == "parameters" and isinstance(node, Mapping):
        name = node.get("name")
        return name if isinstance(name, str) else None
    if isinstance(node, str) and parts[-1] == "operationId":
        return node
    return parts[-1]


@attrs.frozen
class DeadName:
    """A role whose pointer does not resolve in the candidate, and the code that depends on it."""

    role: str
    pointer: str
    old_name: str
    """The name the role had (in the reference spec, else the pointer's last segment)."""
    uses: tuple[str, ...]
    """``file:line`` of each read of the role (``names().role``, ``spec_names.role``) in hand-written code."""
    literals: tuple[str, ...]
    """``file:line`` of each string literal equal to ``old_name`` in hand-written code."""
    renamed_to: str | None = None
    """The pointer to the name that looks like its rename (a new name beside it, spelled nearly the same)."""

    def __str__(self) -> str:
        if self.renamed_to is not None:
            advice = f"upstream renamed it? point the role at {self.renamed_to} in {NORMALISE_OVERLAY}"
        else:
            advice = (
                f"upstream renamed or removed it: point the role at the new name in {NORMALISE_OVERLAY}, or, for a"
                " removed name, change the code below and then drop the role"
            )
        lines = [
            f"{NAMES_KEY}: role {self.role!r} points at {self.pointer}, which the spec no longer has (the name was"
            f" {self.old_name!r}); {advice}"
        ]
        lines.extend(f"    used at {use}" for use in self.uses)
        lines.extend(f"    old name {self.old_name!r} still written at {where}" for where in self.literals)
        if not self.uses and not self.literals:
            lines.append("    no hand-written code found that uses it")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Return the dead name as JSON-ready data."""
        return {**attrs.asdict(self), "uses": list(self.uses), "literals": list(self.literals)}


def declared(document: Mapping[str, Any]) -> dict[str, str]:
    """Return the roles ``document`` declares (role -> pointer); empty when it has no ``x-names``."""
    found = document.get(NAMES_KEY)
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, Mapping) else {}


def _docstrings(tree: ast.AST) -> set[int]:
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, kinds)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _reads_names(node: ast.expr) -> bool:
    """Whether ``node`` is the names object: ``names()``, or a variable or attribute ``*names`` holding it.

    ``spec.names().callback_url``, ``spec_names.callback_url``, ``self._names.callback_url``: the convention
    that tells a role's reads from other attributes of the same name.
    """
    if isinstance(node, ast.Call):
        node = node.func
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return name.lower().endswith("names")


@functools.cache
def _index(path: Path, mtime_ns: int) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Return (attribute name -> lines, string literal -> lines) of one source file; docstrings left out."""
    del mtime_ns  # part of the cache key only: an edited file is read again
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return {}, {}
    docs = _docstrings(tree)
    attributes: dict[str, list[int]] = {}
    literals: dict[str, list[int]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _reads_names(node.value):
            attributes.setdefault(node.attr, []).append(node.lineno)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            literals.setdefault(node.value, []).append(node.lineno)
    return attributes, literals


def code_files(root: Path) -> Iterator[Path]:
    """Yield the hand-written Python files of the checkout ``root`` that may read spec names."""
    for directory in CODE_DIRS:
        base = root / directory
        if base.is_dir():
            yield from sorted(path for path in base.rglob("*.py") if "__pycache__" not in path.parts)


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def find_uses(root: Path, role: str, old_name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return (reads of ``.role``, string literals equal to ``old_name``) in ``root``'s code, as ``file:line``."""
    uses: list[str] = []
    literals: list[str] = []
    for path in code_files(root):
        attributes, strings = _index(path, path.stat().st_mtime_ns)
        where = _display(path, root)
        # A role is read as an attribute, or by its name (``spec_names.resolve("model_v4")``) in a table.
        lines = {*attributes.get(role, ()), *strings.get(role, ())}
        uses.extend(f"{where}:{line}" for line in sorted(lines))
        literals.extend(f"{where}:{line}" for line in sorted(set(strings.get(old_name, ()))))
    return tuple(uses), tuple(literals)


def _node(document: Mapping[str, Any] | None, parts: list[str]) -> Any:
    node: Any = document
    for part in parts:
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def _rename(effective: Mapping[str, Any], reference: Mapping[str, Any] | None, pointer: str, old: str) -> str | None:
    """Return the pointer with its first dead step replaced by the one new sibling spelled nearly the same.

    The step is the name itself (a renamed property or enum member) or a step on the way (a renamed callback
    expression); the result must resolve. None when there is no such sibling, or more than one.
    """
    parts = [_unescape(segment) for segment in pointer[1:].split("/")]
    dead = next((index for index in range(1, len(parts) + 1) if _node(effective, parts[:index]) is None), len(parts))
    here, before = _node(effective, parts[: dead - 1]), _node(reference, parts[: dead - 1])
    step = parts[dead - 1]
    if isinstance(here, Mapping):
        siblings = [str(key) for key in here]
    elif isinstance(here, list) and dead == len(parts) and parts[-2:-1] == ["enum"]:
        siblings = [str(value) for value in here]
    else:
        return None
    if isinstance(before, Mapping | list):
        known = {str(key) for key in before}
        siblings = [name for name in siblings if name not in known]
    # The diff's rule (_pairing): V3_5 -> V5_5 is a removal and an addition, callBackUrl -> callbackUrl a rename.
    close = _pairing.similar_names(step if dead < len(parts) else old, siblings)
    if len(close) != 1:
        return None
    renamed = "/" + "/".join(_escape(part) for part in [*parts[: dead - 1], close[0], *parts[dead:]])
    return renamed if resolve(effective, renamed) is not None else None


def path_pointer(path: str) -> str:
    """Return the JSON pointer of the path item ``path`` (``/paths/~1api~1...``)."""
    return "/paths/" + _escape(path)


def moved_pointer(pointer: str, moves: Mapping[str, str]) -> str:
    """Return ``pointer`` with a moved path (old path -> new path) renamed; unchanged when it names none."""
    for old, new in moves.items():
        prefix = path_pointer(old)
        if pointer == prefix or pointer.startswith(prefix + "/"):
            return path_pointer(new) + pointer[len(prefix) :]
    return pointer


def reference_spec(root: Path) -> Mapping[str, Any] | None:
    """Return the checkout's current effective spec (the names before the candidate), None when there is none."""
    path = root / "generated" / "suno-api.effective.json"
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


def dead_names(
    effective: Mapping[str, Any], root: Path | None, reference: Mapping[str, Any] | None = None
) -> tuple[DeadName, ...]:
    """Return every role of ``effective``'s ``x-names`` whose pointer does not resolve in it.

    Args:
        effective: the candidate effective spec (its ``x-names`` comes from the normalise overlay).
        root: the checkout whose hand-written code is searched for uses; None searches nothing.
        reference: a spec in which the roles resolved (default: ``root``'s current effective spec), for the
            old names of pointers that do not end in the name (a parameter by index).
    """
    roles = declared(effective)
    dead = {role: pointer for role, pointer in roles.items() if resolve(effective, pointer) is None}
    if not dead:
        return ()
    if reference is None and root is not None:
        reference = reference_spec(root)
    found = []
    for role, pointer in dead.items():
        old = resolve(reference, pointer) if reference is not None else None
        old_name = old or _unescape(pointer.rsplit("/", 1)[-1])
        uses, literals = find_uses(root, role, old_name) if root is not None else ((), ())
        renamed = _rename(effective, reference, pointer, old_name)
        found.append(DeadName(role, pointer, old_name, uses, literals, renamed))
    return tuple(found)


def names_action_index(overlays_dir: Path) -> int | None:
    """Return the position of the normalise overlay's action that declares ``x-names``, None when none does."""
    from suno_api_build import _build  # noqa: PLC0415 - _build imports this module

    overlay = _build.load_document(overlays_dir / Path(NORMALISE_OVERLAY).name)
    for index, action in enumerate(overlay.get("actions", [])):
        update = action.get("update") if isinstance(action, Mapping) else None
        if isinstance(update, Mapping) and NAMES_KEY in update:
            return index
    return None
