"""Values derived from the effective spec for tests that need "one the spec does not document".

A test that picks a literal as its example of an undocumented code or status breaks the day upstream documents
it; these are absent by construction, whatever the spec lists.
"""

from __future__ import annotations

from typing import Any

from suno_api.spec import enum_values


def undocumented_value(enum: str) -> Any:
    """Return a value of the enum component ``enum``'s type that it does not list (codes: the largest plus one)."""
    values = enum_values(enum)
    if all(isinstance(value, int) and not isinstance(value, bool) for value in values):
        return max(values) + 1
    # longer than every member, so none of them
    return "X" + max((str(value) for value in values), key=len)


def models() -> tuple[str, ...]:
    """Return the documented models, in the spec's order."""
    return tuple(enum_values("SunoModel"))
