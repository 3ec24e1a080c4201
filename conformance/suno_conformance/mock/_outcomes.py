"""What a task goes through: one table of outcomes, each a sequence of steps on the virtual clock.

Step ``i`` of a task is reached ``sum(stage_seconds[:i])`` seconds after the submit; step 0 is where every task
starts (PENDING). A step with a ``callback`` type sends that callback when it is reached.

An outcome is requested per task with the ``X-Mock-Outcome`` header of the submit or a ``[mock:OUTCOME]``
marker in the prompt; otherwise ``MockSettings.default_outcome`` applies.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType

import attrs

from suno_api.spec import SpecNames, names

logger = logging.getLogger("suno_conformance.mock")


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


_AUDIO_FAILED = "Audio generation failed."
_SENSITIVE = "The prompt or lyrics contain sensitive words."


def _builders(spec_names: SpecNames) -> Iterator[Callable[[], tuple[str, tuple[Step, ...]]]]:
    """Yield one builder per outcome: (its name, its steps), the statuses and stages read from the spec.

    Each outcome is built apart, so that a status or stage upstream removes drops only the outcomes that use it.
    """

    def pending() -> Step:
        return Step(spec_names.status_pending)

    def text() -> Step:
        return Step(spec_names.status_text_success, spec_names.stage_text, 200, _TEXT_DONE, tracks=0)

    def first() -> Step:
        return Step(spec_names.status_first_success, spec_names.stage_first, 200, _FIRST_DONE, tracks=1)

    def failure(status: str, code: int, message: str) -> Step:
        return Step(status, spec_names.stage_error, code, message, code, message)

    def success() -> tuple[str, tuple[Step, ...]]:
        done = Step(spec_names.status_success, spec_names.stage_complete, 200, _ALL_DONE, tracks=2)
        return spec_names.status_success, (pending(), text(), first(), done)

    def audio_failed() -> tuple[str, tuple[Step, ...]]:
        status = spec_names.status_generate_audio_failed
        return status, (pending(), text(), failure(status, 501, _AUDIO_FAILED))

    def sensitive() -> tuple[str, tuple[Step, ...]]:
        status = spec_names.status_sensitive_word_error
        return status, (pending(), failure(status, 400, _SENSITIVE))

    def create_failed() -> tuple[str, tuple[Step, ...]]:
        status = spec_names.status_create_task_failed
        return status, (pending(), failure(status, 500, "Task creation failed."))

    def callback_failed() -> tuple[str, tuple[Step, ...]]:
        # The tracks are generated, but delivering the final callback failed upstream: no `complete` callback.
        status = spec_names.status_callback_exception
        message = f"The callback to {spec_names.callback_url} failed."
        return status, (pending(), text(), first(), Step(status, None, 500, "", 500, message, tracks=2))

    def pending_with_error() -> tuple[str, tuple[Step, ...]]:
        # A failure not yet reflected in the status (spec/UPSTREAM.md section 4): PENDING for good, errorCode set.
        status = spec_names.status_pending
        return f"{status}_WITH_ERROR", (pending(), failure(status, 501, _AUDIO_FAILED))

    yield from (success, audio_failed, sensitive, create_failed, callback_failed, pending_with_error)


_TEXT_DONE = "Text generation completed successfully."
_FIRST_DONE = "First track generation completed."
_ALL_DONE = "All generated successfully."


@functools.cache
def outcome_table() -> Mapping[str, tuple[Step, ...]]:
    """Return every outcome a task can be given, by name; the first is the plain success.

    An outcome whose status or stage the spec no longer has is left out (logged), never an error: the mock keeps
    serving the others, and ``make generate`` names the code to edit.
    """
    table: dict[str, tuple[Step, ...]] = {}
    for build in _builders(names()):
        try:
            name, steps = build()
        except LookupError as exc:
            logger.warning("mock outcome %s left out: %s", build.__name__, exc)
            continue
        table[name] = steps
    return MappingProxyType(table)


class _Outcomes(Mapping[str, tuple[Step, ...]]):
    """``outcome_table()`` as a mapping read on first use, so that importing the mock reads no spec name."""

    def __getitem__(self, name: str) -> tuple[Step, ...]:
        return outcome_table()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(outcome_table())

    def __len__(self) -> int:
        return len(outcome_table())

    def __repr__(self) -> str:
        return f"OUTCOMES({', '.join(self)})"


OUTCOMES: Mapping[str, tuple[Step, ...]] = _Outcomes()
"""Every outcome a task can be given, by name (the statuses they end in, and ``PENDING_WITH_ERROR``)."""

OUTCOME_HEADER = b"x-mock-outcome"
_MARKER = re.compile(r"\[mock:([A-Za-z_]+)\]")


def outcome_marker(prompt: object) -> str | None:
    """Return the outcome named by a ``[mock:OUTCOME]`` marker in ``prompt``, if any (upper-cased)."""
    if not isinstance(prompt, str) or "[mock:" not in prompt:
        return None
    found = _MARKER.search(prompt)
    return found.group(1).upper() if found else None
