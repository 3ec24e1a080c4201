"""Callbacks: decode a callback body, in the documented shape or the record-info shape some senders use.

The documented shape and its stages are in spec/UPSTREAM.md section 2. Verification (the signature) is in
``suno_api._webhooks``; this module only decodes, tolerantly, like ``suno_api._records``.
"""

from __future__ import annotations

import enum
import functools
import logging
from collections.abc import Mapping
from typing import Any

import attrs

from suno_api._coercion import INVALID, conform_named, load_json, non_empty_string, short, status_means_failure
from suno_api._errors import ResponseDecodeError, coerce_code
from suno_api._names import SpecNames, names
from suno_api._records import TaskRecord, record_from_data
from suno_api._spec import schema
from suno_api_client.models import CallbackData, CallbackPayload, CallbackTrack, CallbackType, RecordTrack, TaskStatus
from suno_api_client.types import Unset

logger = logging.getLogger("suno_api")


class CallbackShape(enum.StrEnum):
    """Which shape a callback body had."""

    CALLBACK = "callback"
    """The documented callback: ``{code, msg, data: {callbackType, task_id, data: [snake_case tracks]}}``."""
    RECORD_INFO = "record-info"
    """A record-info-shaped body: ``{code?, msg?, data: {taskId, status, response: {sunoData}}}``; some
    clients expect this, and some senders send it; decoded as a ``TaskRecord``."""


@functools.cache
def _track_key_styles() -> tuple[frozenset[str], frozenset[str]]:
    """Return the keys only a callback track has (snake_case), and those only a record-info track has."""
    snake = frozenset(schema("CallbackTrack").get("properties", {}))
    camel = frozenset(schema("RecordTrack").get("properties", {}))
    return snake - camel, camel - snake


def _decode_track(item: object, path: str) -> CallbackTrack | RecordTrack | None:
    """Decode one track, by its key style: snake_case is a callback track, camelCase a record-info track."""
    if not isinstance(item, Mapping):
        return None
    keys = set(item)
    snake_only, camel_only = _track_key_styles()
    if keys & snake_only and not keys & camel_only:
        conformed = conform_named(item, "CallbackTrack", path)
        return None if conformed is None else CallbackTrack.from_dict(conformed)
    conformed = conform_named(item, "RecordTrack", path)
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
        # The final stage compared by value, never through the generated enum's member (see _records).
        return self.callback_type == names().stage_complete and self.code in (None, 200)

    @property
    def failed(self) -> bool:
        """True for a failure: an error code, an ``error``/``failed`` stage, or a failure status."""
        if self.code not in (None, 200):
            return True
        if self.record is not None:
            return self.record.failed
        stage = self.callback_type
        return stage is not None and status_means_failure(str(stage))


def _load_callback_body(body: bytes | str | Mapping[str, Any]) -> Mapping[str, Any]:
    decoded: object = body if isinstance(body, Mapping) else load_json(body)
    if decoded is INVALID:
        raise ResponseDecodeError("callback body is not JSON", body=body if isinstance(body, bytes | str) else b"")
    if not isinstance(decoded, Mapping):
        raise ResponseDecodeError(f"callback body is not a JSON object (got {short.repr(decoded)})")
    return decoded


def callback_task_id(body: Mapping[str, Any]) -> str | None:
    """Return the task id a callback body names (``data.task_id``, or ``data.taskId`` in the record-info shape)."""
    spec_names = names()
    data = body.get(spec_names.callback_data)
    if not isinstance(data, Mapping):
        return None
    for key in (spec_names.callback_task_id, spec_names.record_task_id):
        value = non_empty_string(data.get(key))
        if value is not None:
            return value
    return None


def _envelope_message(body: Mapping[str, Any]) -> str | None:
    msg = body.get(names().callback_msg)
    return msg if isinstance(msg, str) else None


def decode_callback(body: Mapping[str, Any]) -> CallbackEvent:
    """Decode an already-parsed callback body; see ``parse_callback``."""
    spec_names = names()
    data = body.get(spec_names.callback_data)
    task_id = callback_task_id(body)
    code = coerce_code(body.get(spec_names.callback_code))
    task_key = spec_names.callback_task_id
    if isinstance(data, Mapping) and (spec_names.callback_type in data or task_key in data):
        if task_id is None:
            raise ResponseDecodeError(f"callback body has no {spec_names.callback_data}.{task_key}")
        # Missing or unusable stage: the event still carries the task id and tracks, with no stage.
        conformed = conform_named({**data, task_key: task_id}, "CallbackData", spec_names.callback_data)
        callback_type = None if conformed is None else CallbackData.from_dict(conformed).callback_type
        envelope = {**body, spec_names.callback_code: code, spec_names.callback_data: conformed}
        full = conform_named(envelope, "CallbackPayload", "")
        payload = None if full is None else CallbackPayload.from_dict(full)
        return CallbackEvent(
            shape=CallbackShape.CALLBACK,
            task_id=task_id,
            callback_type=callback_type,
            status=None,
            code=code,
            message=_envelope_message(body),
            tracks=_decode_tracks(
                data.get(spec_names.callback_tracks), f"{spec_names.callback_data}.{spec_names.callback_tracks}"
            ),
            payload=payload,
            record=None,
            raw=body,
        )
    if isinstance(data, Mapping) and (spec_names.record_task_id in data or spec_names.record_status in data):
        logger.info(
            "callback body is record-info shaped (%s), not the documented callback shape (%s); decoded as a TaskRecord",
            _record_shape(spec_names),
            _callback_shape(spec_names),
        )
        record = record_from_data(data)
        response = data.get(spec_names.record_response)
        listed = response.get(spec_names.response_tracks) if isinstance(response, Mapping) else None
        tracks = _decode_tracks(listed, f"{spec_names.envelope_data}.{spec_names.record_response}")
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
        f"callback body has neither the documented shape ({_callback_shape(spec_names)}) nor the record-info"
        f" shape ({_record_shape(spec_names)}); data is {short.repr(data)}"
    )


def _callback_shape(spec_names: SpecNames) -> str:
    data = spec_names.callback_data
    return f"{data}.{spec_names.callback_type}, {data}.{spec_names.callback_task_id}"


def _record_shape(spec_names: SpecNames) -> str:
    data = spec_names.envelope_data
    return f"{data}.{spec_names.record_task_id}, {data}.{spec_names.record_status}"


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
