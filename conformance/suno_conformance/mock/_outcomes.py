"""What a task goes through: one table of outcomes, each a sequence of steps on the virtual clock.

Step ``i`` of a task is reached ``sum(stage_seconds[:i])`` seconds after the submit; step 0 is where every task
starts (PENDING). A step with a ``callback`` type sends that callback when it is reached.

An outcome is requested per task with the ``X-Mock-Outcome`` header of the submit or a ``[mock:OUTCOME]``
marker in the prompt; otherwise ``MockSettings.default_outcome`` applies.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import attrs


@attrs.frozen
class Step:
    """One state of a task.

    Attributes:
        status: The record-info ``status``.
        callback: The ``callbackType`` sent when the step is reached (``None``: no callback).
        callback_code: The ``code`` of that callback.
        callback_msg: The ``msg`` of that callback.
        error_code: The record-info ``errorCode``.
        error_message: The record-info ``errorMessage``.
        tracks: ``None``: record-info ``response`` is null and the callback ``data`` null; otherwise how many of
            the two tracks are done (record-info lists both, unfinished ones as placeholders; a callback carries
            the finished ones only).
    """

    status: str
    callback: str | None = None
    callback_code: int = 200
    callback_msg: str = "success"
    error_code: int | None = None
    error_message: str | None = None
    tracks: int | None = None

    @property
    def failed(self) -> bool:
        """Whether this step reports an error."""
        return self.error_code is not None


_PENDING = Step("PENDING")
_TEXT = Step("TEXT_SUCCESS", "text", 200, "Text generation completed successfully.", tracks=0)
_FIRST = Step("FIRST_SUCCESS", "first", 200, "First track generation completed.", tracks=1)
_COMPLETE = Step("SUCCESS", "complete", 200, "All generated successfully.", tracks=2)
_AUDIO_FAILED = "Audio generation failed."
_SENSITIVE = "The prompt or lyrics contain sensitive words."

OUTCOMES: Mapping[str, tuple[Step, ...]] = {
    "SUCCESS": (_PENDING, _TEXT, _FIRST, _COMPLETE),
    "GENERATE_AUDIO_FAILED": (
        _PENDING,
        _TEXT,
        Step("GENERATE_AUDIO_FAILED", "error", 501, _AUDIO_FAILED, 501, _AUDIO_FAILED),
    ),
    "SENSITIVE_WORD_ERROR": (
        _PENDING,
        Step("SENSITIVE_WORD_ERROR", "error", 400, _SENSITIVE, 400, _SENSITIVE),
    ),
    "CREATE_TASK_FAILED": (
        _PENDING,
        Step("CREATE_TASK_FAILED", "error", 500, "Task creation failed.", 500, "Task creation failed."),
    ),
    # The tracks are generated, but delivering the final callback failed upstream: no `complete` callback.
    "CALLBACK_EXCEPTION": (
        _PENDING,
        _TEXT,
        _FIRST,
        Step("CALLBACK_EXCEPTION", None, 500, "", 500, "The callback to callBackUrl failed.", tracks=2),
    ),
    # A failure not yet reflected in the status (spec/UPSTREAM.md section 4): PENDING for good, errorCode set.
    "PENDING_WITH_ERROR": (
        _PENDING,
        Step("PENDING", "error", 501, _AUDIO_FAILED, 501, _AUDIO_FAILED),
    ),
}
"""Every outcome a task can be given, by name."""

OUTCOME_HEADER = b"x-mock-outcome"
_MARKER = re.compile(r"\[mock:([A-Za-z_]+)\]")


def outcome_marker(prompt: object) -> str | None:
    """Return the outcome named by a ``[mock:OUTCOME]`` marker in ``prompt``, if any (upper-cased)."""
    if not isinstance(prompt, str) or "[mock:" not in prompt:
        return None
    found = _MARKER.search(prompt)
    return found.group(1).upper() if found else None
