"""Exceptions raised by the overlay package.

Every exception derives from ``SunoError``; catch it to catch them all::

    SunoError
    └── ValidationError (also ValueError)     the body breaks the spec or a rule; nothing was sent
"""

from __future__ import annotations

import reprlib
from collections.abc import Sequence
from typing import Any

import attrs

_short = reprlib.Repr()
_short.maxstring = 60
_short.maxother = 60


class SunoError(Exception):
    """Root of every exception this package raises."""


@attrs.frozen
class Violation:
    """One way in which a request body breaks the spec or a rule.

    Attributes:
        field: Path of the offending field in the body (``"style"``; ``""`` for the body itself).
        rule_id: The rule's stable id (``custom-mode-requires-style``), or ``schema.<keyword>`` for a plain
            schema constraint (``schema.required``, ``schema.enum``...).
        message: What to change, in the user's terms.
        value: The offending value (``None`` when the field is missing).

    """

    field: str
    rule_id: str
    message: str
    value: Any = None

    def __str__(self) -> str:
        shown = "" if self.value is None else f" (got {_short.repr(self.value)})"
        return f"{self.field or '<body>'}: {self.message}{shown} [{self.rule_id}]"


class ValidationError(SunoError, ValueError):
    """A request body breaks the spec or a rule; raised before anything is sent.

    Attributes:
        violations: Every violation found, not just the first.

    """

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations: tuple[Violation, ...] = tuple(violations)
        count = len(self.violations)
        lines = "\n".join(f"  - {violation}" for violation in self.violations)
        super().__init__(f"the upload-extend body has {count} problem{'s' if count != 1 else ''}:\n{lines}")

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The rule ids of the violations, in order."""
        return tuple(violation.rule_id for violation in self.violations)
