"""Values derived from the effective spec for tests: an undocumented value, the models, a name that may be gone.

A test that picks a literal as its example of an undocumented code or status breaks the day upstream documents
it; these are absent by construction, whatever the spec lists. A test about one particular status, stage or model
reads it with ``member(role)``: the day upstream removes it (and its ``x-names`` role goes), the test skips saying
so, instead of failing on a name that the spec, the client and the mock have all dropped.
"""

from __future__ import annotations

from typing import Any

import pytest

from suno_api.spec import enum_values, names


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


def member(role: str) -> str:
    """Return the spec name of ``role``; skip the calling test, naming the role, when the spec no longer has it.

    For response-side names that upstream may remove (a status, a stage, a model): call it inside the test (or a
    fixture), never at import or in a ``parametrize`` list, so that only the tests about that name skip.
    """
    try:
        return names().resolve(role)
    except LookupError as exc:
        pytest.skip(f"the effective spec no longer has the {role} name: {exc}")


def present(*roles: str) -> list[str]:
    """Return the spec names of those ``roles`` the spec still has, for ``parametrize`` lists (the rest are gone)."""
    found = []
    for role in roles:
        try:
            found.append(names().resolve(role))
        except LookupError:
            continue
    return found
