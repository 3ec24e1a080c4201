"""Records and envelopes: the answers of submit and record-info, decoded into a record or one of our errors.

Every body is conformed to the effective spec first (``suno_api._coercion``), and only then given to the
generated ``from_dict``, so decoding raises nothing but ``APIError`` (an error code) and
``ResponseDecodeError`` (no JSON, or not the expected envelope). Decoding never alters the data: secrets are
redacted from the messages of the errors it raises, never from the body.
"""

from __future__ import annotations

import email.utils
import functools
import json
import math
import re
import time
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from suno_api._coercion import INVALID, conform_named, load_json, non_empty_string, status_means_failure
from suno_api._errors import ResponseDecodeError, error_from_response
from suno_api._names import names
from suno_api._redaction import excerpt
from suno_api_client.models import RecordTrack, TaskStatus
from suno_api_client.models import TaskRecord as _GeneratedTaskRecord
from suno_api_client.types import Unset

_RECORD = "TaskRecord"


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _shown(value: object, secrets: Iterable[str]) -> str:
    try:
        text = repr(value)
    except RecursionError:
        return "<deeply nested value>"
    return excerpt(text, secrets, 60)


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
        # The final success status compared by value, never through the generated enum's member, so a
        # regeneration that renames or drops the member cannot break decoding.
        return self.status_name == names().status_success

    @property
    def failed(self) -> bool:
        """True on a failure status, or when an error is reported while the status is not ``SUCCESS``.

        Upstream sometimes sets ``errorCode``/``errorMessage`` while the status still says ``PENDING``: that is
        a failure not yet reflected in the status, and counts as one.
        """
        if self.succeeded:
            return False
        name = self.status_name
        if name is not None and status_means_failure(name):
            return True
        return self.error_code_value not in (None, 0) or self.error_message_value is not None

    @property
    def finished(self) -> bool:
        """True once the task succeeded or failed."""
        return self.succeeded or self.failed


def record_from_data(
    data: object, *, task_id: str | None = None, http_status: int = 200, secrets: Iterable[str] = ()
) -> TaskRecord:
    """Decode the ``data`` object of a record-info answer into a ``TaskRecord``.

    Args:
        data: The ``data`` member of the envelope.
        task_id: The task asked for; fills a missing ``taskId``, and a different one is refused.
        http_status: For the error message only.
        secrets: Secrets to keep out of error messages.

    Raises:
        ResponseDecodeError: ``data`` is not an object, has no task id and none was given, or is the record
            of another task than ``task_id``.
    """
    if not isinstance(data, Mapping):
        raise ResponseDecodeError(
            f"record-info answer has no task record (data is {_shown(data, secrets)})",
            http_status=http_status,
            secrets=secrets,
        )
    spec_names = names()
    key = spec_names.record_task_id
    filled: dict[str, Any] = dict(data)
    sent = non_empty_string(filled.get(key))
    if task_id and sent is None:
        filled[key] = task_id
    elif task_id and sent != task_id:
        # An answer about another task (a caching proxy, a server bug) must not pass for this task's record.
        raise ResponseDecodeError(
            f"record-info answer is the record of task {excerpt(sent or '', secrets, 80)!r}, not of {task_id!r}"
            " that was asked for",
            http_status=http_status,
            secrets=secrets,
        )
    conformed = conform_named(filled, _RECORD, spec_names.envelope_data)
    if conformed is None:
        raise ResponseDecodeError(
            f"record-info answer has a task record without {key}", http_status=http_status, secrets=secrets
        )
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


def _text(content: bytes | str) -> str:
    return content.decode("utf-8", "replace") if isinstance(content, bytes) else content


def check_envelope(
    http_status: int,
    headers: Mapping[str, str],
    content: bytes,
    *,
    task_id: str | None,
    what: str,
    decoded: object = INVALID,
    secrets: Iterable[str] = (),
) -> Mapping[str, Any]:
    """Raise the error the answer stands for; return the envelope of a successful answer."""
    retry_after = parse_retry_after(headers)
    if decoded is INVALID:
        decoded = load_json(content)
    envelope = None if decoded is INVALID else decoded
    error = error_from_response(
        http_status,
        envelope,
        task_id=task_id,
        retry_after=retry_after,
        text=_text(content) if envelope is None else "",
        secrets=secrets,
    )
    if error is not None:
        raise error
    if decoded is INVALID:
        raise ResponseDecodeError(f"{what} answer is not JSON", http_status=http_status, body=content, secrets=secrets)
    if not isinstance(decoded, Mapping):
        raise ResponseDecodeError(
            f"{what} answer is not an envelope (a JSON object with code, msg, data)",
            http_status=http_status,
            body=content,
            secrets=secrets,
        )
    return decoded


@functools.cache
def _submit_keys() -> tuple[str, tuple[str, str]]:
    """Return the envelope's data key and the task id's documented and snake_case spellings (read once)."""
    spec_names = names()
    key = spec_names.submit_task_id
    return spec_names.envelope_data, (key, _snake(key))


def _submit_task_id(envelope: Mapping[str, Any]) -> str | None:
    """Return the id of a successful submit: ``data.taskId`` as documented, else the spellings seen in the wild.

    ``data.task_id`` (the callback's spelling) and the same two names at the root of the envelope; see
    spec/ERRATA.md E-18. The documented place wins when several are present.
    """
    data_key, keys = _submit_keys()
    data = envelope.get(data_key)
    places = (data, envelope) if isinstance(data, Mapping) else (envelope,)
    for place in places:
        for name in keys:
            found = non_empty_string(place.get(name))
            if found is not None:
                return found
    return None


def decode_submit_response(
    http_status: int, headers: Mapping[str, str], content: bytes, *, secrets: Iterable[str] = ()
) -> str:
    """Return the task id of an upload-extend answer, or raise the error it stands for.

    Raises:
        APIError: the answer carries an error code (envelope or HTTP status).
        ResponseDecodeError: the answer is not JSON, not an envelope, or a success without a task id.
    """
    envelope = check_envelope(http_status, headers, content, task_id=None, what="upload-extend", secrets=secrets)
    task_id = _submit_task_id(envelope)
    if task_id is None:
        raise ResponseDecodeError(
            f"upload-extend answer reports success but carries no data.{names().submit_task_id}",
            http_status=http_status,
            body=content,
            secrets=secrets,
        )
    return task_id


def decode_record_response(
    http_status: int, headers: Mapping[str, str], content: bytes, *, task_id: str, secrets: Iterable[str] = ()
) -> TaskRecord:
    """Return the ``TaskRecord`` of a record-info answer, or raise the error it stands for.

    Raises:
        APIError: the answer carries an error code (envelope or HTTP status); ``task_id`` is set on it.
        ResponseDecodeError: the answer is not JSON, not an envelope, a success without a task record, or the
            record of another task.
    """
    envelope = check_envelope(http_status, headers, content, task_id=task_id, what="record-info", secrets=secrets)
    data = envelope.get(names().envelope_data)
    return record_from_data(data, task_id=task_id, http_status=http_status, secrets=secrets)


def parse_record_info(body: bytes | str | Mapping[str, Any], *, task_id: str | None = None) -> TaskRecord:
    """Decode a whole record-info answer (the envelope) into a ``TaskRecord``, tolerating real-world quirks.

    Args:
        body: The answer's bytes, text, or already-decoded JSON object.
        task_id: The task asked for, if known: fills a missing ``taskId``; a record of another task is refused.

    Raises:
        APIError: the envelope carries an error code.
        ResponseDecodeError: not JSON, not an envelope, no task record, or the record of another task.
    """
    if isinstance(body, Mapping):
        envelope = check_envelope(200, {}, b"", task_id=task_id, what="record-info", decoded=body)
    else:
        raw = body.encode() if isinstance(body, str) else body
        envelope = check_envelope(200, {}, raw, task_id=task_id, what="record-info")
    return record_from_data(envelope.get(names().envelope_data), task_id=task_id)
