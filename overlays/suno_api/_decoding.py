"""Tolerant decoding: what the service really sends, turned into the generated models or one of our errors.

The generated models are typed from the effective spec but do not check what they are given: a wrong type
passes straight through (``status: 5``), and a missing required key raises ``KeyError``. Real payloads
(FIELD-NOTES section 2) have unknown enum values, codes as strings, ``null`` where an object was promised,
placeholder tracks and extra fields. So every body goes through ``_conform`` first, which walks the body
alongside the effective spec's response schemas and makes each known field fit its declared type:

- scalars are coerced where the meaning is unambiguous (``"200"`` -> 200 for an integer, ``7`` -> ``"7"`` for a
  string, ``"119.1"`` -> 119.1 for a number); a value that cannot fit is dropped from the model (it stays in
  ``raw``) and logged at DEBUG;
- values outside a documented enum are kept as plain strings or integers (the generated models type response
  enums ``Enum | str``), never dropped and never an error;
- list items that are not objects are dropped; extra fields are kept in ``additional_properties``.

Only then is the generated ``from_dict`` called, so decoding raises nothing but ``APIError`` (an error code)
and ``ResponseDecodeError`` (no JSON, or not the expected envelope).
"""

from __future__ import annotations

import email.utils
import enum
import json
import logging
import math
import re
import reprlib
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

import attrs

from suno_api._errors import ResponseDecodeError, coerce_code, error_from_response
from suno_api._spec import schema
from suno_api_client.models import (
    CallbackData,
    CallbackPayload,
    CallbackTrack,
    CallbackType,
    RecordTrack,
    TaskStatus,
    UploadExtendData,
)
from suno_api_client.models import TaskRecord as _GeneratedTaskRecord
from suno_api_client.types import Unset

logger = logging.getLogger("suno_api")

_short = reprlib.Repr()
_short.maxstring = 40
_short.maxother = 40


class _Invalid(enum.Enum):
    """Marks a value that cannot fit its schema (a sentinel that mypy can narrow)."""

    INVALID = enum.auto()


_INVALID: Final = _Invalid.INVALID
_INTEGER_TEXT: Final = re.compile(r"-?[0-9]{1,18}")
_REF_PREFIX = "#/components/schemas/"

# Statuses the documentation lists as failures. Unknown statuses count as failures when their name says so
# (FIELD-NOTES section 2 shows `FAILED`); any other unknown status (`GENERATING`) counts as still running.
_FAILURE_STATUSES: Final = frozenset(
    {
        TaskStatus.CREATE_TASK_FAILED,
        TaskStatus.GENERATE_AUDIO_FAILED,
        TaskStatus.CALLBACK_EXCEPTION,
        TaskStatus.SENSITIVE_WORD_ERROR,
    }
)
_FAILURE_WORDS: Final = ("FAIL", "ERROR", "EXCEPTION")


def _status_means_failure(status: str) -> bool:
    return status in _FAILURE_STATUSES or any(word in status.upper() for word in _FAILURE_WORDS)


# --- schema-guided conforming ---------------------------------------------------------------------------------


def _resolve(node: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(_REF_PREFIX):
        return schema(ref.removeprefix(_REF_PREFIX))
    return node


def _as_string(value: Any) -> Any:
    if isinstance(value, str):
        return value
    # A number where a string is declared (an id sent as 7): its text is unambiguous. Not so for bool or null.
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return str(value) if number and (not isinstance(value, float) or math.isfinite(value)) else _INVALID


def _as_integer(value: Any) -> Any:
    # 1763169558062 (milliseconds), "200", 200.0; not True, not 1.5, not a 400-digit monster.
    if isinstance(value, bool):
        return _INVALID
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    elif isinstance(value, str):
        value = int(value) if _INTEGER_TEXT.fullmatch(value.strip()) else _INVALID
    return value if isinstance(value, int) and abs(value) < 2**63 else _INVALID


def _as_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return _INVALID
    try:
        # float() of a str accepts "119.1"; of a huge int (JSON allows 400 digits) it overflows.
        number = float(value.strip() if isinstance(value, str) else value)
    except (ValueError, OverflowError):
        return _INVALID
    return number if math.isfinite(number) else _INVALID


_SCALARS: Final[Mapping[str, Callable[[Any], Any]]] = {
    "string": _as_string,
    "integer": _as_integer,
    "number": _as_number,
    "boolean": lambda value: value if isinstance(value, bool) else _INVALID,
    "null": lambda value: None if value is None else _INVALID,
}


def _first_fit(value: Any, branches: Iterable[Mapping[str, Any]], path: str) -> Any:
    """Return ``value`` conformed to the first branch it fits, in order, or ``_INVALID``."""
    for branch in branches:
        conformed = _conform(value, branch, path)
        if conformed is not _INVALID:
            return conformed
    return _INVALID


def _conform_leaf(value: Any, node: Mapping[str, Any]) -> Any:
    kind = node.get("type")
    conformed = _SCALARS[kind](value) if isinstance(kind, str) and kind in _SCALARS else value
    fits = (
        conformed is not _INVALID
        and ("enum" not in node or conformed in node["enum"])
        and (not isinstance(conformed, str) or len(conformed) >= node.get("minLength", 0))
    )
    return conformed if fits else _INVALID


def _conform(value: Any, node: Mapping[str, Any], path: str) -> Any:
    """Return ``value`` made to fit the schema ``node``, or ``_INVALID`` when it cannot."""
    node = _resolve(node)
    kinds = node.get("type")
    if "anyOf" in node:
        # The enum branch comes first and the open `string`/`integer` one after it: an undocumented value
        # falls through to the open branch and is kept as it came.
        return _first_fit(value, node["anyOf"], path)
    if isinstance(kinds, list):
        return _first_fit(value, ({**node, "type": kind} for kind in kinds), path)
    if kinds == "object" or "properties" in node:
        return _conform_object(value, node, path)
    if kinds == "array":
        return _conform_array(value, node, path)
    return _conform_leaf(value, node)


def _conform_object(value: Any, node: Mapping[str, Any], path: str) -> Any:
    if not isinstance(value, Mapping):
        return _INVALID
    properties: Mapping[str, Any] = node.get("properties", {})
    result: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            continue
        if key not in properties:
            result[key] = item  # extra fields are kept: the generated models put them in additional_properties
            continue
        conformed = _conform(item, properties[key], f"{path}.{key}")
        if conformed is _INVALID:
            # A JSON null for an optional field means "absent"; anything else is worth a line when debugging.
            if item is not None:
                logger.debug("decoding: dropped %s=%s, which does not fit the spec", f"{path}.{key}", _short.repr(item))
            continue
        result[key] = conformed
    if any(required not in result for required in node.get("required", ())):
        return _INVALID
    return result


def _conform_array(value: Any, node: Mapping[str, Any], path: str) -> Any:
    if not isinstance(value, list):
        return _INVALID
    items = node.get("items", {})
    conformed = [_conform(item, items, f"{path}[{index}]") for index, item in enumerate(value)]
    return [item for item in conformed if item is not _INVALID]


def _conform_named(value: Any, name: str, path: str) -> dict[str, Any] | None:
    conformed = _conform(value, {"$ref": _REF_PREFIX + name}, path)
    return conformed if isinstance(conformed, dict) else None


# --- the task record ----------------------------------------------------------------------------------------


@attrs.define
class TaskRecord(_GeneratedTaskRecord):
    """A task as reported by record-info: the generated ``TaskRecord`` plus tolerant accessors.

    The generated fields (``task_id``, ``status``, ``response``, ``param``, ``error_code``...) hold what the
    service sent, made to fit the spec; ``status`` is a ``TaskStatus`` when documented, else the string as
    received. ``raw`` is the record exactly as received, for what did not fit.
    """

    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False, kw_only=True)

    @property
    def status_name(self) -> str | None:
        """The status as a plain string (documented or not), ``None`` when the record has none."""
        return None if isinstance(self.status, Unset) else str(self.status)

    @property
    def known_status(self) -> TaskStatus | None:
        """The status when it is a documented ``TaskStatus``, else ``None`` (see ``status_name``)."""
        return self.status if isinstance(self.status, TaskStatus) else None

    @property
    def tracks(self) -> list[RecordTrack]:
        """The tracks generated so far; never ``None`` (empty when ``response`` or ``sunoData`` is null).

        Placeholder tracks (empty strings, ``duration`` null) are included as sent.
        """
        if self.response is None or isinstance(self.response, Unset):
            return []
        data = self.response.suno_data
        return [] if data is None or isinstance(data, Unset) else list(data)

    @property
    def original_request(self) -> dict[str, Any] | None:
        """The original request, parsed from ``param`` (a JSON string); ``None`` when absent or not JSON."""
        if isinstance(self.param, Unset):
            return None
        try:
            parsed = json.loads(self.param)
        except (ValueError, RecursionError):
            return None
        return parsed if isinstance(parsed, dict) else None

    @property
    def error_code_value(self) -> int | None:
        """``errorCode`` as an int, ``None`` when absent or null."""
        return None if isinstance(self.error_code, Unset) else self.error_code

    @property
    def error_message_value(self) -> str | None:
        """``errorMessage``, ``None`` when absent, null or empty."""
        return None if isinstance(self.error_message, Unset) else (self.error_message or None)

    @property
    def succeeded(self) -> bool:
        """True when the status is ``SUCCESS`` (every track done)."""
        return self.status_name == TaskStatus.SUCCESS

    @property
    def failed(self) -> bool:
        """True on a failure status, or when an error is reported while the status is not ``SUCCESS``.

        Upstream sometimes sets ``errorCode``/``errorMessage`` while the status still says ``PENDING``: that is
        a failure not yet reflected in the status, and counts as one.
        """
        if self.succeeded:
            return False
        name = self.status_name
        if name is not None and _status_means_failure(name):
            return True
        return self.error_code_value not in (None, 0) or self.error_message_value is not None

    @property
    def finished(self) -> bool:
        """True once the task succeeded or failed."""
        return self.succeeded or self.failed


def record_from_data(data: object, *, task_id: str | None = None, http_status: int = 200) -> TaskRecord:
    """Decode the ``data`` object of a record-info answer into a ``TaskRecord``.

    Args:
        data: The ``data`` member of the envelope.
        task_id: The task asked for; fills a missing ``taskId``.
        http_status: For the error message only.

    Raises:
        ResponseDecodeError: ``data`` is not an object, or has no task id and none was given.
    """
    if not isinstance(data, Mapping):
        raise ResponseDecodeError(
            f"record-info answer has no task record (data is {_short.repr(data)})", http_status=http_status
        )
    filled: dict[str, Any] = dict(data)
    if task_id and _conform(filled.get("taskId"), {"type": "string", "minLength": 1}, "") is _INVALID:
        filled["taskId"] = task_id
    conformed = _conform_named(filled, "TaskRecord", "data")
    if conformed is None:
        raise ResponseDecodeError("record-info answer has a task record without taskId", http_status=http_status)
    record = TaskRecord.from_dict(conformed)
    record.raw = dict(data)
    return record


# --- envelopes ------------------------------------------------------------------------------------------------


def parse_retry_after(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Return the seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date), else ``None``."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _load_json(content: bytes | str) -> object:
    """Return the decoded JSON, or ``_INVALID`` when ``content`` is not JSON."""
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        # ValueError covers JSONDecodeError, UnicodeDecodeError and int() digit limits; RecursionError covers
        # absurd nesting.
        return _INVALID


def _check_envelope(
    http_status: int,
    headers: Mapping[str, str],
    content: bytes,
    *,
    task_id: str | None,
    what: str,
    decoded: object = _INVALID,
) -> Mapping[str, Any]:
    """Raise the error the answer stands for; return the envelope of a successful answer."""
    retry_after = parse_retry_after(headers)
    if decoded is _INVALID:
        decoded = _load_json(content)
    envelope = None if decoded is _INVALID else decoded
    error = error_from_response(http_status, envelope, task_id=task_id, retry_after=retry_after)
    if error is not None:
        raise error
    if decoded is _INVALID:
        raise ResponseDecodeError(f"{what} answer is not JSON", http_status=http_status, body=content)
    if not isinstance(decoded, Mapping):
        raise ResponseDecodeError(
            f"{what} answer is not an envelope (a JSON object with code, msg, data)",
            http_status=http_status,
            body=content,
        )
    return decoded


def decode_submit_response(http_status: int, headers: Mapping[str, str], content: bytes) -> str:
    """Return the task id of an upload-extend answer, or raise the error it stands for.

    Raises:
        APIError: the answer carries an error code (envelope or HTTP status).
        ResponseDecodeError: the answer is not JSON, not an envelope, or a success without ``data.taskId``.
    """
    envelope = _check_envelope(http_status, headers, content, task_id=None, what="upload-extend")
    data = _conform_named(envelope.get("data"), "UploadExtendData", "data")
    if data is None:
        raise ResponseDecodeError(
            "upload-extend answer reports success but carries no data.taskId", http_status=http_status, body=content
        )
    return UploadExtendData.from_dict(data).task_id


def decode_record_response(http_status: int, headers: Mapping[str, str], content: bytes, *, task_id: str) -> TaskRecord:
    """Return the ``TaskRecord`` of a record-info answer, or raise the error it stands for.

    Raises:
        APIError: the answer carries an error code (envelope or HTTP status); ``task_id`` is set on it.
        ResponseDecodeError: the answer is not JSON, not an envelope, or a success without a task record.
    """
    envelope = _check_envelope(http_status, headers, content, task_id=task_id, what="record-info")
    return record_from_data(envelope.get("data"), task_id=task_id, http_status=http_status)


def parse_record_info(body: bytes | str | Mapping[str, Any], *, task_id: str | None = None) -> TaskRecord:
    """Decode a whole record-info answer (the envelope) into a ``TaskRecord``, tolerating real-world quirks.

    Args:
        body: The answer's bytes, text, or already-decoded JSON object.
        task_id: The task asked for, if known: fills a missing ``taskId``.

    Raises:
        APIError: the envelope carries an error code.
        ResponseDecodeError: not JSON, not an envelope, or no task record.
    """
    if isinstance(body, Mapping):
        envelope = _check_envelope(200, {}, b"", task_id=task_id, what="record-info", decoded=body)
    else:
        raw = body.encode() if isinstance(body, str) else body
        envelope = _check_envelope(200, {}, raw, task_id=task_id, what="record-info")
    return record_from_data(envelope.get("data"), task_id=task_id)


# --- callbacks ------------------------------------------------------------------------------------------------


class CallbackShape(enum.StrEnum):
    """Which shape a callback body had."""

    CALLBACK = "callback"
    """The documented callback: ``{code, msg, data: {callbackType, task_id, data: [snake_case tracks]}}``."""
    RECORD_INFO = "record-info"
    """A record-info-shaped body: ``{code?, msg?, data: {taskId, status, response: {sunoData}}}``; some
    clients expect this, and some senders send it; decoded as a ``TaskRecord``."""


_SNAKE_ONLY_TRACK_KEYS: Final = frozenset(
    {"audio_url", "source_audio_url", "stream_audio_url", "source_stream_audio_url", "image_url", "model_name"}
)
_CAMEL_ONLY_TRACK_KEYS: Final = frozenset(
    {"audioUrl", "sourceAudioUrl", "streamAudioUrl", "sourceStreamAudioUrl", "imageUrl", "modelName"}
)


def _decode_track(item: object, path: str) -> CallbackTrack | RecordTrack | None:
    """Decode one track, by its key style: snake_case is a callback track, camelCase a record-info track."""
    if not isinstance(item, Mapping):
        return None
    keys = set(item)
    if keys & _SNAKE_ONLY_TRACK_KEYS and not keys & _CAMEL_ONLY_TRACK_KEYS:
        conformed = _conform_named(item, "CallbackTrack", path)
        return None if conformed is None else CallbackTrack.from_dict(conformed)
    conformed = _conform_named(item, "RecordTrack", path)
    return None if conformed is None else RecordTrack.from_dict(conformed)


def _decode_tracks(items: object, path: str) -> tuple[CallbackTrack | RecordTrack, ...]:
    if not isinstance(items, list):
        return ()
    decoded = (_decode_track(item, f"{path}[{index}]") for index, item in enumerate(items))
    return tuple(track for track in decoded if track is not None)


@attrs.frozen
class CallbackEvent:
    """A decoded callback body, whichever shape it had; ``shape`` says which.

    Attributes:
        shape: ``CallbackShape.CALLBACK`` (documented) or ``CallbackShape.RECORD_INFO``.
        task_id: The task the callback is about.
        callback_type: The stage (``CallbackType`` when documented, the string as sent otherwise); ``None`` for
            a record-info-shaped body, which has a ``status`` instead.
        status: The task status of a record-info-shaped body; ``None`` for the documented shape.
        code: The envelope code (``None`` when the body has none).
        message: The envelope ``msg`` (``None`` when absent).
        tracks: The tracks in the body (snake_case ``CallbackTrack`` or camelCase ``RecordTrack``, by the keys
            each track had); empty when ``data`` is null or ``[]``.
        payload: The documented-shape body as the generated ``CallbackPayload``, when it has every required
            field; else ``None``.
        record: The record-info-shaped body as a ``TaskRecord``; else ``None``.
        raw: The body exactly as received.
    """

    shape: CallbackShape
    task_id: str
    callback_type: CallbackType | str | None
    status: TaskStatus | str | None
    code: int | None
    message: str | None
    tracks: tuple[CallbackTrack | RecordTrack, ...]
    payload: CallbackPayload | None = attrs.field(repr=False)
    record: TaskRecord | None = attrs.field(repr=False)
    raw: Mapping[str, Any] = attrs.field(repr=False)

    @property
    def succeeded(self) -> bool:
        """True for the final success stage: ``complete`` with code 200 (or no code), or status ``SUCCESS``."""
        if self.record is not None:
            return self.record.succeeded and self.code in (None, 200)
        return self.callback_type == CallbackType.COMPLETE and self.code in (None, 200)

    @property
    def failed(self) -> bool:
        """True for a failure: an error code, an ``error``/``failed`` stage, or a failure status."""
        if self.code not in (None, 200):
            return True
        if self.record is not None:
            return self.record.failed
        stage = self.callback_type
        return stage is not None and (stage == CallbackType.ERROR or _status_means_failure(str(stage)))


def _load_callback_body(body: bytes | str | Mapping[str, Any]) -> Mapping[str, Any]:
    decoded: object = body if isinstance(body, Mapping) else _load_json(body)
    if decoded is _INVALID:
        raise ResponseDecodeError("callback body is not JSON", body=body if isinstance(body, bytes | str) else b"")
    if not isinstance(decoded, Mapping):
        raise ResponseDecodeError(f"callback body is not a JSON object (got {_short.repr(decoded)})")
    return decoded


def callback_task_id(body: Mapping[str, Any]) -> str | None:
    """Return the task id a callback body names (``data.task_id``, or ``data.taskId`` in the record-info shape)."""
    data = body.get("data")
    if not isinstance(data, Mapping):
        return None
    for key in ("task_id", "taskId"):
        value = _conform(data.get(key), {"type": "string", "minLength": 1}, "")
        if isinstance(value, str):
            return value
    return None


def _envelope_message(body: Mapping[str, Any]) -> str | None:
    msg = body.get("msg")
    return msg if isinstance(msg, str) else None


def decode_callback(body: Mapping[str, Any]) -> CallbackEvent:
    """Decode an already-parsed callback body; see ``parse_callback``."""
    data = body.get("data")
    task_id = callback_task_id(body)
    code = coerce_code(body.get("code"))
    if isinstance(data, Mapping) and ("callbackType" in data or "task_id" in data):
        if task_id is None:
            raise ResponseDecodeError("callback body has no data.task_id")
        # Missing or unusable callbackType: the event still carries the task id and tracks, with no stage.
        conformed = _conform_named({**data, "task_id": task_id}, "CallbackData", "data")
        callback_type = None if conformed is None else CallbackData.from_dict(conformed).callback_type
        full = _conform_named({**body, "code": code, "data": conformed}, "CallbackPayload", "")
        payload = None if full is None else CallbackPayload.from_dict(full)
        return CallbackEvent(
            shape=CallbackShape.CALLBACK,
            task_id=task_id,
            callback_type=callback_type,
            status=None,
            code=code,
            message=_envelope_message(body),
            tracks=_decode_tracks(data.get("data"), "data.data"),
            payload=payload,
            record=None,
            raw=body,
        )
    if isinstance(data, Mapping) and ("taskId" in data or "status" in data):
        logger.info(
            "callback body is record-info shaped (data.taskId, data.status), not the documented callback shape"
            " (data.callbackType, data.task_id); decoded as a TaskRecord"
        )
        record = record_from_data(data)
        response = data.get("response")
        tracks = _decode_tracks(response.get("sunoData") if isinstance(response, Mapping) else None, "data.response")
        status = None if isinstance(record.status, Unset) else record.status
        return CallbackEvent(
            shape=CallbackShape.RECORD_INFO,
            task_id=record.task_id,
            callback_type=None,
            status=status,
            code=code,
            message=_envelope_message(body),
            tracks=tracks,
            payload=None,
            record=record,
            raw=body,
        )
    raise ResponseDecodeError(
        "callback body has neither the documented shape (data.callbackType, data.task_id) nor the record-info"
        f" shape (data.taskId, data.status); data is {_short.repr(data)}"
    )


def parse_callback(body: bytes | str | Mapping[str, Any]) -> CallbackEvent:
    """Decode a callback body into a ``CallbackEvent`` without verifying its signature.

    Use ``verify_webhook`` for anything received from the network; this is for bodies already verified, or
    for tests. Both the documented callback shape and the record-info shape some senders use are accepted;
    ``event.shape`` says which one arrived.

    Args:
        body: The raw body (bytes or text), or an already-decoded JSON object.

    Raises:
        ResponseDecodeError: the body is not JSON, not an object, or has neither shape (or no task id).
    """
    return decode_callback(_load_callback_body(body))
