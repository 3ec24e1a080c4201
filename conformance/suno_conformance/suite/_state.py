"""Callback state, judged from the spec: the stages a task's callbacks pass, and what the final one carries.

The stages are the enum of the callback type in the effective spec's callback schema, in the order the spec
lists them (spec/UPSTREAM.md section 2: lyrics ready, first track ready, all tracks ready, then the failure
stage). The stages up to and including the first final one (``Stages.progress``) are the progress a task makes,
one callback each, in that order; the final stages after it (``Stages.failures``) may end a task at any point.
Nothing follows a final callback.

The final callback and record-info describe the same tracks: a track's field in one and a field in the other are
paired when the spec gives both the same description (``track_pairs``), so a renamed or added field needs no
code change here.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import attrs

from suno_api.spec import effective_spec, names, schema
from suno_conformance.suite._checks import (
    CALLBACK_SCHEMA,
    Result,
    callback_tracks_path,
    callback_type_path,
    documented_schemas,
)
from suno_conformance.suite._oracle import record_info_operation


def record_tracks_path() -> tuple[str, str, str]:
    """Where record-info's answer keeps its tracks."""
    spec_names = names()
    return (spec_names.envelope_data, spec_names.record_response, spec_names.response_tracks)


_SHOWN = 120


def _resolve(node: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow ``$ref`` and pick the structured branch of an ``anyOf``/``oneOf`` (the other one is a loose type)."""
    components = effective_spec()["components"]["schemas"]
    seen = 0
    while seen < 32:  # a cycle in a broken spec must not hang the run
        seen += 1
        if "$ref" in node:
            node = components[str(node["$ref"]).rsplit("/", 1)[-1]]
            continue
        branches = node.get("anyOf") or node.get("oneOf")
        if branches:
            structured = [branch for branch in branches if _structured(_resolve(branch))]
            if structured:
                node = structured[0]
                continue
        return node
    return node


def _structured(node: Mapping[str, Any]) -> bool:
    return any(key in node for key in ("properties", "items", "enum"))


def schema_at(component: str, path: Sequence[str]) -> Mapping[str, Any]:
    """Return the schema of the value at ``path`` (property names) in the component ``component``.

    An array's schema is its items' schema. Raises ``KeyError`` naming the path when the spec has no such place.
    """
    node = _resolve(schema(component))
    for part in path:
        properties = node.get("properties", {})
        if part not in properties:
            raise KeyError(f"{component} has no {'.'.join(path)} in the effective spec")
        node = _resolve(properties[part])
    if "items" in node:
        node = _resolve(node["items"])
    return node


def record_info_schema() -> str:
    """Return the component that documents record-info's answer."""
    operation = record_info_operation()
    return documented_schemas(operation.method, operation.path)[200]


@attrs.frozen
class Stages:
    """The callback stages of the spec, in its order.

    Attributes:
        progress: The stages a task passes on its way to success, the last one final.
        failures: The final stages that end a task at any point.
    """

    progress: tuple[str, ...]
    failures: tuple[str, ...]

    @property
    def known(self) -> frozenset[str]:
        """Every documented stage."""
        return frozenset((*self.progress, *self.failures))

    @property
    def finals(self) -> frozenset[str]:
        """The stages after which no callback may follow."""
        return frozenset((self.progress[-1], *self.failures)) if self.progress else frozenset(self.failures)


def stages(finals: Collection[str]) -> Stages:
    """Return the spec's stages, split at the first of ``finals`` (the callback types that end a task)."""
    order = tuple(str(value) for value in schema_at(CALLBACK_SCHEMA, callback_type_path()).get("enum", ()))
    end = next((index for index, value in enumerate(order) if value in finals), len(order) - 1)
    return Stages(order[: end + 1], tuple(value for value in order[end + 1 :] if value in finals))


def _sequence(types: Sequence[str | None]) -> str:
    return ", ".join(str(value) for value in types)


def judge_stages(types: Sequence[str | None], known: Stages) -> Result:
    """Judge the callback types one task's callbacks had, in arrival order.

    A re-delivery of the same stage (consecutive repeats) is not a new stage. A type outside the documented list
    is drift (or a schema failure): the order is then not judged.
    """
    if not types:
        return Result.not_applicable()
    if any(value not in known.known for value in types):
        return Result.skipped("a stage outside the documented stages (see the drift and callback_schema)")
    sequence = [value for index, value in enumerate(types) if index == 0 or types[index - 1] != value]
    arrived = f"stages in arrival order: {_sequence(types)}; the spec's order: {_sequence(known.progress)}"
    final_at = next((index for index, value in enumerate(sequence) if value in known.finals), None)
    if final_at is not None and final_at < len(sequence) - 1:
        return Result.failed("a callback arrived after the task's final callback", arrived)
    return _judge_progress([value for value in sequence if value in known.progress], known, arrived)


def _judge_progress(progress: list[str | None], known: Stages, arrived: str) -> Result:
    """Every progress stage up to the last one reached arrived once, in the spec's order."""
    if not progress:
        return Result.passed()
    reached = max(known.progress.index(str(value)) for value in progress)
    required: list[str | None] = list(known.progress[: reached + 1])
    missing = [value for value in required if value not in progress]
    if missing:
        return Result.failed(
            "a task's callbacks skipped a stage", f"no {_sequence(missing)} callback before {required[-1]}; {arrived}"
        )
    if progress != required:
        return Result.failed("a task's callbacks arrived out of the spec's stage order", arrived)
    return Result.passed()


@functools.cache
def track_pairs() -> tuple[tuple[str, str], ...]:
    """Return (callback field, record-info field) pairs of the tracks' string fields that describe the same thing.

    Two fields are paired when the spec gives them the same description and no other field of either track shares
    it.
    """
    callback = schema_at(CALLBACK_SCHEMA, callback_tracks_path()).get("properties", {})
    record = schema_at(record_info_schema(), record_tracks_path()).get("properties", {})

    def strings(properties: Mapping[str, Any]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for name, node in properties.items():
            described = _resolve(node)
            if described.get("type") == "string" and isinstance(node.get("description"), str):
                found.setdefault(node["description"], []).append(name)
        return found

    ours, theirs = strings(callback), strings(record)
    return tuple(
        (names[0], theirs[text][0])
        for text, names in ours.items()
        if len(names) == 1 and len(theirs.get(text, ())) == 1
    )


def _by_id(tracks: Any, key: str) -> dict[str, Mapping[str, Any]]:
    if not isinstance(tracks, list):
        return {}
    found: dict[str, Mapping[str, Any]] = {}
    for track in tracks:
        if isinstance(track, Mapping) and isinstance(track.get(key), str):
            found.setdefault(track[key], track)
    return found


def judge_tracks(delivered: Any, listed: Any) -> tuple[Result, Result]:
    """Judge the final callback's tracks against record-info's at success: the same tracks, the same content.

    Returns (the same set of tracks, the paired fields agree). Content is compared where both carry a non-empty
    string: an empty field is a placeholder, not a claim.
    """
    spec_names = names()
    ours, theirs = _by_id(delivered, spec_names.callback_track_id), _by_id(listed, spec_names.track_id)
    extra = sorted(set(ours) - set(theirs))
    missing = sorted(set(theirs) - set(ours))
    if extra:
        same = Result.failed(
            "record-info does not list the tracks the complete callback delivered", f"track ids: {', '.join(extra)}"
        )
    elif missing:
        same = Result.failed(
            "the complete callback does not carry every track record-info lists at SUCCESS",
            f"track ids missing from the callback: {', '.join(missing)}",
        )
    else:
        same = Result.passed()
    fields: set[str] = set()
    details: list[str] = []
    for track_id in sorted(set(ours) & set(theirs)):
        for mine, other in track_pairs():
            left, right = ours[track_id].get(mine), theirs[track_id].get(other)
            if isinstance(left, str) and isinstance(right, str) and left and right and left != right:
                fields.add(f"{mine}/{other}")
                details.append(f"track {track_id}: {mine} {left[:_SHOWN]!r} but {other} {right[:_SHOWN]!r}")
    if not ours or not theirs:
        agree = Result.not_applicable()
    elif fields:
        agree = Result.failed(
            f"the complete callback and record-info disagree on {', '.join(sorted(fields))}", "\n".join(details)
        )
    else:
        agree = Result.passed()
    return same, agree
