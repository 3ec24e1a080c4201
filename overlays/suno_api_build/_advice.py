"""Advice for a dead overlay action (its target matches nothing in NEW): delete it, or retarget it, and where to.

A target names its last step, a property or a path (``...properties.negativeTags``). When NEW still has the step's
parent, the step is gone from it: renamed when the parent has exactly one new name (new since OLD; without OLD,
or with several, the one spelled nearly the same by ``_pairing``'s rule, the diff's), else removed upstream. A step
NEW has under another parent moved there. A flatten action (copy of ``X.allOf[0]`` onto ``X``) whose ``X`` is no
longer wrapped was fixed upstream.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from suno_api_build import _build, _pairing

_STEP = re.compile(r"\.([A-Za-z_$][\w$-]*)|\['((?:[^'\\]|\\.)*)'\]|\[\"([^\"]*)\"\]|(\[[^\]]*\])")


def _last_name(target: str) -> tuple[str, int, int] | None:
    """Return the last named step of ``target`` and where it is written (its start and end in the text)."""
    found = None
    for match in _STEP.finditer(target):
        name = match.group(1) or match.group(2) or match.group(3)
        if name is not None:
            found = (name, match.start(), match.end())
    return found


def _step(name: str) -> str:
    return f".{name}" if re.fullmatch(r"[A-Za-z_][\w]*", name) else f"['{name}']"


def _mappings(documents: Sequence[Mapping[str, Any] | None], target: str) -> list[Mapping[str, Any]]:
    for document in documents:
        if document is None:
            continue
        try:
            found = [match.value for match in _build._matches(dict(document), target)]
        except Exception:  # an unparsable target gets no advice, never a crash
            return []
        mappings = [value for value in found if isinstance(value, Mapping)]
        if mappings:
            return mappings
    return []


def _named(node: Any, name: str, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Yield the path of each mapping key ``name`` under a ``properties`` or ``paths`` mapping of ``node``."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == name and path and path[-1] in ("properties", "paths", "schemas"):
                yield (*path, key)
            yield from _named(value, name, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _named(value, name, (*path, index))


def _jsonpath(path: Sequence[str | int]) -> str:
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else _step(part) for part in path)


def advise(  # noqa: PLR0911 - one return per kind of advice
    action: Mapping[str, Any], problem: str, new: Sequence[Mapping[str, Any] | None], old: Mapping[str, Any] | None
) -> str | None:
    """Say whether to delete or retarget a dead action, and to what; None when nothing can be said.

    Args:
        action: the action as the overlay declares it.
        problem: what ``_build.apply_overlays_partially`` said about it.
        new: NEW's documents to look in, the vendored one first, then the effective one.
        old: OLD's vendored document, when there is one (to tell a rename from a removal).
    """
    target = str(action.get("target", ""))
    source = action.get("copy")
    if isinstance(source, str) and problem.startswith("copy source"):
        if source.endswith(".allOf[0]") and _mappings(new, target):
            return "delete it: NEW no longer wraps this in a single-item allOf (fixed upstream)"
        target = source.removesuffix(".allOf[0]")  # a flatten action: what is gone is the wrapped property
    if action.get("remove") is True:
        return "delete it: what it removes is not in NEW (upstream removed or fixed it)"
    last = _last_name(target)
    if last is None:
        return None
    name, start, end = last
    parents = _mappings(new, target[:start]) if start > 1 else []
    if parents:
        keys = [str(key) for parent in parents for key in parent]
        before = {str(key) for parent in _mappings([old], target[:start]) for key in parent} if old else set()
        renamed = [key for key in keys if key not in before] if old else []
        if not old or len(renamed) != 1:
            renamed = _pairing.similar_names(name, keys)  # the diff's rule for a rename
        if len(renamed) == 1:
            retarget = target[:start] + _step(renamed[0]) + target[end:]
            where = "target and copy" if isinstance(source, str) else "target"
            return f"retarget it: upstream renamed {name} to {renamed[0]}? Rename it in its {where}: {retarget!r}"
    elsewhere = [path for document in new if document is not None for path in _named(document, name)][:3]
    if elsewhere:
        places = ", ".join(repr(_jsonpath(path) + target[end:]) for path in elsewhere)
        return f"retarget it: {name} is now at {places}"
    if parents:
        return f"delete it: {name} is gone from NEW (upstream removed it), or retarget it by hand"
    return f"delete it, or retarget it by hand: NEW has neither {name} nor the place it was in"
