"""Tolerant decoding, gathered: the work is done by ``_coercion``, ``_records`` and ``_callbacks``.

Schema coercion, records and envelopes, and callbacks each have their module; this one only gathers their
names for code written before the split (the command line, the benches). New code imports from the module
that does the job.
"""

from suno_api._callbacks import CallbackEvent, CallbackShape, callback_task_id, decode_callback, parse_callback
from suno_api._records import (
    TaskRecord,
    check_envelope,
    decode_record_response,
    decode_submit_response,
    parse_record_info,
    parse_retry_after,
    record_from_data,
)

__all__ = [
    "CallbackEvent",
    "CallbackShape",
    "TaskRecord",
    "callback_task_id",
    "check_envelope",
    "decode_callback",
    "decode_record_response",
    "decode_submit_response",
    "parse_callback",
    "parse_record_info",
    "parse_retry_after",
    "record_from_data",
]
