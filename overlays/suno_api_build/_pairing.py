"""Tell a rename from a removal: pair a name that is gone with the one new name spelled nearly the same.

One rule for every part of the build that has to guess a rename: the surface diff (a renamed field, parameter or
enum member is one change), the advice for a dead overlay action (retarget it to the new name) and the advice for
a dead ``x-names`` role. Two spellings are similar when they are equal ignoring case (``callBackUrl`` and
``callbackUrl``), or when ``difflib`` finds them at least ``CUTOFF`` alike: strict on purpose, so that
``V3_5`` and ``V5_5`` (one model retired, another added) stay a removal and an addition.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Final, TypeVar

T = TypeVar("T")

CUTOFF: Final = 0.85
"""The least ``difflib`` ratio for two different spellings to be taken for one name."""


def similar(old: str, new: str) -> bool:
    """Say whether ``new`` is spelled nearly as ``old`` (equal ignoring case, or at least ``CUTOFF`` alike)."""
    if old == new:
        return False
    if old.casefold() == new.casefold():
        return True
    return difflib.SequenceMatcher(None, old, new).ratio() >= CUTOFF


def similar_names(name: str, candidates: Iterable[str]) -> list[str]:
    """Return the ``candidates`` spelled nearly as ``name``: those equal ignoring case, else the similar ones."""
    pool = list(dict.fromkeys(candidates))
    same_case = [candidate for candidate in pool if candidate != name and candidate.casefold() == name.casefold()]
    return same_case or [candidate for candidate in pool if similar(name, candidate)]


def pair(
    gone: Sequence[T],
    came: Sequence[T],
    *,
    name: Callable[[T], str],
    same: Callable[[T, T], bool] = lambda _old, _new: True,
) -> dict[T, T]:
    """Return old -> new for each item of ``gone`` that has exactly one rename in ``came``, and is its only one.

    A rename is an item of ``came`` for which ``same`` holds (the same parent and schema, say) and whose ``name``
    is ``similar`` to the old one; one equal ignoring case wins over nearer spellings, as in ``similar_names``.
    An old item with two candidates, or a new one claimed by two old items, is ambiguous and left unpaired: a
    removal and an addition are reported rather than a wrong rename.
    """
    candidates: dict[int, list[int]] = {}
    for index, old in enumerate(gone):
        spelled = name(old)
        # Spelling first (cheap), then ``same`` (which may compare whole schemas); a case-only match wins.
        alike = [other for other, new in enumerate(came) if similar(spelled, name(new))]
        tiers = [[other for other in alike if name(came[other]).casefold() == spelled.casefold()], alike]
        candidates[index] = next((found for tier in tiers if (found := [o for o in tier if same(old, came[o])])), [])
    claims = Counter(other for found in candidates.values() for other in found)
    return {
        gone[index]: came[found[0]] for index, found in candidates.items() if len(found) == 1 and claims[found[0]] == 1
    }
