"""Validate an upload-extend body against the effective spec before anything is sent.

The rules are not written here: they are the ``allOf`` items of ``UploadExtendRequest`` in the effective spec
(from ``overlays/rules.overlay.yaml``), checked by jsonschema-rs, which handles ``multipleOf: 0.01`` exactly
where python-jsonschema's float division rejects 0.07 or 0.29. This module only turns the validator's errors
into violations a user can act on, and applies the audio-aware rules when the caller knows the duration. Their
messages are the overlay's texts with the placeholders filled from the schema (``_messages``): the bounds they
state are the ones enforced.

Two client-side checks come first, because no schema can express them:

- the body must be sendable as JSON (``json.*`` rule ids): finite numbers, strings without lone surrogates,
  only JSON types, string keys, and at most ``MAX_DEPTH`` levels of nesting. A body that fails them is not
  given to the schema validator at all (a non-string key or 10,000 levels would break it);
- a caution of the client's own, not a rule upstream states, so only ``validate_upload_extend`` and the client
  apply it (``find_violations`` with ``cautions=True``; the mock and the conformance suite judge by the spec and
  its rules alone): every ``format: uri`` field must be an http(s) URL (``url.http-scheme``). ``format: uri``
  admits ``file:``, ``mailto:`` or ``javascript:``, which the service can neither fetch nor POST to
  (spec/ERRATA.md E-19).
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final

import jsonschema_rs

from suno_api._errors import ValidationError, Violation
from suno_api._messages import choices, field_values, fill, number, rule_values
from suno_api._spec import REQUEST_SCHEMA, effective_spec, rules, schema

if TYPE_CHECKING:
    from suno_api_client.models import UploadExtendRequest

_GENERIC_MESSAGES = {
    "required": "`{field}` is required.",
    "enum": "`{field}` must be one of {allowed}.",
    "type": "`{field}` must be of type {expected}.",
    "format": "`{field}` must be an absolute URI such as https://example.com/audio.mp3.",
    "minimum": "`{field}` must be at least {limit}.",
    "maximum": "`{field}` must be at most {limit}.",
    "multipleOf": "`{field}` must be a multiple of {limit}.",
    "minLength": "`{field}` must have at least {limit} character(s).",
    "maxLength": "`{field}` must have at most {limit} characters.",
}


#: Deepest nesting a body may have (the schema's own depth is 2; this only stops pathological input).
MAX_DEPTH: Final = 32
_HTTP_SCHEMES: Final = ("http", "https")


def _path(parent: str, key: object) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else str(key)


def _has_lone_surrogate(text: str) -> bool:
    if text.isascii():  # the common case, and far cheaper than encoding: ASCII holds no surrogate
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


_PLAIN_SCALARS: frozenset[type] = frozenset({bool, int, type(None)})


def _is_flat_and_sendable(body: Mapping[Any, Any]) -> bool:
    """Whether ``body`` is a flat object of ASCII strings, booleans, integers and finite floats.

    That is almost every body, and it needs no walk: this check is what keeps validation cheap on the hot path of
    the client and the mock. Anything else (nesting, non-ASCII text, other types) takes the full walk.
    """
    for key, value in body.items():
        kind = type(value)
        if type(key) is not str:
            return False
        if kind is str:
            if not value.isascii():
                return False
        elif kind is float:
            if not math.isfinite(value):
                return False
        elif kind not in _PLAIN_SCALARS:
            return False
    return True


def _json_violations(body: Mapping[Any, Any]) -> list[Violation]:
    """Return why ``body`` cannot be sent as JSON (empty when it can); iterative, so depth cannot crash it."""
    if _is_flat_and_sendable(body):
        return []
    found: list[Violation] = []
    stack: list[tuple[str, Any, int]] = [("", body, 0)]
    while stack:
        path, container, depth = stack.pop()
        if depth >= MAX_DEPTH:
            found.append(Violation(path, "json.depth", f"`{path}` is nested more than {MAX_DEPTH} levels deep."))
            continue
        is_object = isinstance(container, Mapping)
        for key, value in container.items() if is_object else enumerate(container):
            if is_object and type(key) is not str and not isinstance(key, str):
                shown = _path(path, repr(key))
                message = f"`{shown}`: JSON object keys must be strings, not {type(key).__name__}."
                found.append(Violation(shown, "json.key", message, key))
                continue
            kind = type(value)
            # Exact types first: a body is almost always plain str/int/bool, and ABC checks cost more.
            if kind is str or isinstance(value, str):
                if _has_lone_surrogate(value):
                    field = _path(path, key)
                    message = f"`{field}` contains a lone surrogate (half of a UTF-16 pair), which UTF-8 cannot encode."
                    found.append(Violation(field, "json.unicode", message, value))
            elif kind is bool or kind is int or value is None:
                continue
            elif isinstance(value, float):
                if not math.isfinite(value):
                    field = _path(path, key)
                    message = f"`{field}` must be a finite number; JSON has no NaN or Infinity."
                    found.append(Violation(field, "json.finite-number", message, value))
            elif isinstance(value, Mapping | list | tuple):
                stack.append((_path(path, key), value, depth + 1))
            elif not isinstance(value, int):
                field = _path(path, key)
                message = f"`{field}` is a {type(value).__name__}, which JSON cannot represent."
                found.append(Violation(field, "json.type", message, value))
    return sorted(found, key=lambda violation: violation.field)


@functools.cache
def _uri_fields() -> tuple[str, ...]:
    properties: Mapping[str, Any] = schema(REQUEST_SCHEMA).get("properties", {})
    return tuple(name for name, node in properties.items() if isinstance(node, Mapping) and node.get("format") == "uri")


def _scheme_violations(body: Mapping[str, Any]) -> Iterator[Violation]:
    for field in _uri_fields():
        value = body.get(field)
        if not isinstance(value, str) or ":" not in value:
            continue  # absent, or not a URI at all: the schema's own violation says so
        scheme = value.split(":", 1)[0].lower()
        if scheme not in _HTTP_SCHEMES:
            message = (
                f"`{field}` must be an http(s) URL the service can reach; `{scheme}:` URLs are valid URIs but the"
                " service can neither fetch from nor post to them."
            )
            yield Violation(field, "url.http-scheme", message, value)


@functools.cache
def _validator() -> jsonschema_rs.Validator:
    # Refs in the request schema point at #/components/schemas/...: carry the components along so the
    # validator resolves them against this same document.
    document = {**schema(REQUEST_SCHEMA), "components": effective_spec()["components"]}
    return jsonschema_rs.validator_for(document, validate_formats=True)


def _hints() -> Mapping[str, Mapping[str, str]]:
    hints: Mapping[str, Mapping[str, str]] = schema(REQUEST_SCHEMA).get("x-field-hints", {})
    return hints


@functools.cache
def _field_values(field: str) -> Mapping[str, str]:
    return field_values(schema(REQUEST_SCHEMA), field, effective_spec())


def _kind_details(error: jsonschema_rs.ValidationError) -> tuple[str | None, Any]:
    """Return (the missing property for ``required``, the limit or expectation for other keywords)."""
    kind = error.kind
    missing = getattr(kind, "property", None)
    for attribute in ("limit", "multiple_of", "options", "types", "format"):
        if hasattr(kind, attribute):
            return missing, getattr(kind, attribute)
    return missing, None


def hint_message(field: str, keyword: str, *, value: Any = None, detail: Any = None) -> str:
    """Return what to tell the user when ``field`` breaks the schema keyword ``keyword`` with ``value``.

    The field's x-field-hints entry for the keyword, else a generic message; either is filled from the field's
    schema (its bounds, steps and enum) and from the case (``detail`` is the validator's limit or list).

    Raises:
        MessageError: the text uses a placeholder that is unknown or has no value for this field.
    """
    listed = isinstance(detail, list | tuple)
    values = {
        **_field_values(field),
        "field": field,
        "value": number(value),
        "limit": number(detail),
        "expected": choices(detail) if listed else str(detail),
    }
    if listed:
        values["allowed"] = choices(detail)
    hint = _hints().get(field, {}).get(keyword)
    template = hint or _GENERIC_MESSAGES.get(keyword)
    if template is None:
        return f"`{field}` is invalid."
    where = f"x-field-hints.{field}.{keyword}" if hint else f"the generic message for {keyword}"
    return fill(template, values, subject=where)


def _schema_violation(error: jsonschema_rs.ValidationError, body: Mapping[str, Any]) -> Violation:
    keyword = str(error.schema_path[-1]) if error.schema_path else "schema"
    missing, detail = _kind_details(error)
    field = str(missing) if keyword == "required" and missing else ".".join(map(str, error.instance_path))
    value: Any = error.instance if error.instance_path else None
    if keyword in _GENERIC_MESSAGES or keyword in _hints().get(field, {}):
        message = hint_message(field, keyword, value=value, detail=detail)
    else:
        message = f"`{field}` is invalid: {error.message}"
    if not field and keyword == "type":
        message, value = "The body must be a JSON object.", body
    return Violation(field=field, rule_id=f"schema.{keyword}", message=message, value=value)


def _violations(body: Mapping[str, Any]) -> Iterator[Violation]:
    rule_list = rules()
    reported: set[tuple[str, str]] = set()
    for error in _validator().iter_errors(body):
        path = list(error.schema_path)
        if len(path) >= 2 and path[0] == "allOf" and isinstance(path[1], int):
            rule = rule_list[path[1]]
            violation = Violation(rule.field, rule.id, rule.message, body.get(rule.field))
        else:
            violation = _schema_violation(error, body)
        if (violation.field, violation.rule_id) not in reported:
            reported.add((violation.field, violation.rule_id))
            yield violation


def _audio_rules() -> Mapping[str, Mapping[str, Any]]:
    return {item["x-rule-id"]: item for item in schema(REQUEST_SCHEMA).get("x-audio-rules", ())}


def _audio_violations(body: Mapping[str, Any], duration: float) -> Iterator[Violation]:
    audio_rules = _audio_rules()
    limit_rule = audio_rules["upload-duration-limit"]
    limit = float(limit_rule["x-max-duration-seconds"])
    measured = {"duration": number(duration)}
    if duration > limit:
        message = fill(
            limit_rule["x-rule-message"], {**rule_values(limit_rule), **measured}, subject="rule upload-duration-limit"
        )
        yield Violation(limit_rule["x-rule-field"], "upload-duration-limit", message, duration)
    within_rule = audio_rules["continue-at-within-audio"]
    field = within_rule["x-rule-field"]
    continue_at = body.get(field)
    if isinstance(continue_at, int | float) and not isinstance(continue_at, bool) and continue_at >= duration:
        message = fill(
            within_rule["x-rule-message"],
            {**rule_values(within_rule), **measured},
            subject="rule continue-at-within-audio",
        )
        yield Violation(field, "continue-at-within-audio", message, continue_at)


def read_audio_duration(path: str | os.PathLike[str]) -> float:
    """Return the duration in seconds of the local audio file ``path`` (needs the ``audio`` extra: mutagen).

    Raises:
        ValidationError: the file cannot be read as audio, naming the file.

    """
    try:
        import mutagen  # noqa: PLC0415 - optional dependency, imported only when a file is read
    except ImportError as exc:
        hint = "reading an audio file's duration needs mutagen: pip install 'suno-upload-extend[audio]'"
        raise ImportError(hint) from exc
    shown = os.fspath(path)
    try:
        # mutagen documents File and MutagenError at its top level, but its __init__ re-exports them implicitly.
        audio = mutagen.File(shown)  # type: ignore[attr-defined]
    except (OSError, mutagen.MutagenError) as exc:  # type: ignore[attr-defined]
        raise ValidationError(
            [Violation("audio_file", "audio.readable", f"cannot read {shown}: {exc}", shown)]
        ) from exc
    if audio is None or not getattr(audio.info, "length", None):
        message = f"{shown} is not an audio file mutagen can read"
        raise ValidationError([Violation("audio_file", "audio.readable", message, shown)])
    return float(audio.info.length)


def _find(
    body: Mapping[str, Any] | UploadExtendRequest,
    audio_duration: float | None,
    audio_file: str | os.PathLike[str] | None,
    *,
    cautions: bool,
) -> tuple[list[Violation], Any]:
    """Return the violations of ``body`` and the JSON-ready value that was checked."""
    as_dict: Any = body.to_dict() if hasattr(body, "to_dict") else body
    if not isinstance(as_dict, Mapping):
        return [Violation("", "schema.type", "The body must be a JSON object.", as_dict)], as_dict
    unsendable = _json_violations(as_dict)
    if unsendable:
        return unsendable, as_dict
    # Almost every body is valid: is_valid stops at the first error and builds no error objects, so it is the
    # cheaper pass; iter_errors runs only to explain a body that fails.
    found = [] if _validator().is_valid(as_dict) else list(_violations(as_dict))
    if cautions:
        found.extend(_scheme_violations(as_dict))
    if audio_file is not None and audio_duration is None:
        audio_duration = read_audio_duration(audio_file)
    if audio_duration is not None:
        if not math.isfinite(audio_duration) or audio_duration <= 0:
            message = "the audio duration must be a positive, finite number of seconds."
            found.append(Violation("audio_duration", "audio.duration", message, audio_duration))
        else:
            found.extend(_audio_violations(as_dict, audio_duration))
    return found, as_dict


def find_violations(
    body: Mapping[str, Any] | UploadExtendRequest,
    *,
    audio_duration: float | None = None,
    audio_file: str | os.PathLike[str] | None = None,
    cautions: bool = False,
) -> list[Violation]:
    """Return every violation of ``body`` (empty when it is valid); see ``validate_upload_extend``.

    With ``cautions=True`` the client's own cautions are checked too (``url.http-scheme``), as
    ``validate_upload_extend`` and the client do; without, only the spec, its rules and JSON itself.
    """
    return _find(body, audio_duration, audio_file, cautions=cautions)[0]


def checked_body(
    body: Mapping[str, Any] | UploadExtendRequest,
    *,
    audio_duration: float | None = None,
    audio_file: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """Validate ``body`` and return it as the JSON-ready dict that was checked (what the client sends).

    Raises:
        ValidationError: as ``validate_upload_extend``.
    """
    violations, as_dict = _find(body, audio_duration, audio_file, cautions=True)
    if violations:
        raise ValidationError(violations)
    return dict(as_dict)


def validate_upload_extend(
    body: Mapping[str, Any] | UploadExtendRequest,
    *,
    audio_duration: float | None = None,
    audio_file: str | os.PathLike[str] | None = None,
) -> None:
    """Check an upload-extend body against the effective spec and its rules; raise listing every violation.

    Args:
        body: The JSON body as a dict, or the generated ``UploadExtendRequest`` model.
        audio_duration: The source audio's duration in seconds, if known: enables the audio-aware rules
            (``0 < continueAt < duration``, the upload duration limit). Never fetched from the network.
        audio_file: A local copy of the source audio; its duration is read with mutagen when
            ``audio_duration`` is not given.

    Raises:
        ValidationError: one exception listing every violation (field, rule id, message, value).

    """
    checked_body(body, audio_duration=audio_duration, audio_file=audio_file)
