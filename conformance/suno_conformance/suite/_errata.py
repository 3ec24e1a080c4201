"""The ERRATA decisions the suite judges, and the ones it lists as not judged (our client's own cautions).

Each entry of ``spec/ERRATA.md`` ends with ``**Enforced by servers:** yes`` or ``no (client caution)``. The file
ships in the build tooling's wheel (``suno_api_build/_data/spec/ERRATA.md``); it is read from there without
importing that package, else from the checkout. When neither exists the report says so instead of guessing.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from collections.abc import Collection
from pathlib import Path

import attrs

_ENTRY = re.compile(r"^## (E-\d+) (.+)$", re.MULTILINE)
_ENFORCED = re.compile(r"^\*\*Enforced by servers:\*\* *(.+?) *$", re.MULTILINE)
_IMPLEMENTED = re.compile(r"^\*\*Implemented by:\*\*(.+?)(?:\n\n|\n\*\*|\Z)", re.MULTILINE | re.DOTALL)
_NAME = re.compile(r"`([^`]+)`")
_PACKAGE_DATA = ("_data", "spec", "ERRATA.md")
UNAVAILABLE = "not judged: errata unavailable"


@attrs.frozen
class ErrataEntry:
    """One ERRATA decision.

    Attributes:
        id: ``E-7``.
        title: The heading after the id.
        enforced: Whether a conforming server must behave so (``None``: the entry says neither).
        implemented_by: The names its ``Implemented by`` line quotes (rule ids, ``schema.<keyword>``, modules).
    """

    id: str
    title: str
    enforced: bool | None
    implemented_by: tuple[str, ...] = ()


@attrs.frozen
class Errata:
    """The parsed ERRATA, or why there is none (``problem``)."""

    entries: tuple[ErrataEntry, ...] = ()
    source: Path | None = None
    problem: str | None = None

    def not_judged(self, unjudgeable: Collection[str] = ()) -> list[dict[str, str]]:
        """Return what the suite does not judge, one ``{id, title, reason}`` each, for the reports.

        Args:
            unjudgeable: Rule ids a server must enforce but the suite cannot send a case for (rules that need the
                source audio): an enforced entry implemented by one of them is listed too, with that reason.
        """
        if self.problem is not None:
            return [{"id": "ERRATA", "title": "spec/ERRATA.md", "reason": self.problem}]
        found = []
        for entry in self.entries:
            if entry.enforced is False:
                found.append({"id": entry.id, "title": entry.title, "reason": "client caution"})
            elif entry.enforced is None:
                found.append({"id": entry.id, "title": entry.title, "reason": "no `Enforced by servers` decision"})
            else:
                missed = [name for name in entry.implemented_by if name in unjudgeable]
                if missed:
                    reason = f"enforced, but {', '.join(missed)} needs the source audio, which the suite never sends"
                    found.append({"id": entry.id, "title": entry.title, "reason": reason})
        return found

    def enforced(self) -> tuple[ErrataEntry, ...]:
        """Return the entries a conforming server must follow."""
        return tuple(entry for entry in self.entries if entry.enforced)


def parse_errata(text: str, source: Path | None = None) -> Errata:
    """Parse the text of ``spec/ERRATA.md``."""
    headings = list(_ENTRY.finditer(text))
    entries = []
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        section = text[heading.end() : end]
        decision = _ENFORCED.search(section)
        enforced = None if decision is None else decision.group(1).lower().startswith("yes")
        implemented = _IMPLEMENTED.search(section)
        names = tuple(_NAME.findall(implemented.group(1))) if implemented is not None else ()
        entries.append(ErrataEntry(heading.group(1), heading.group(2).strip(), enforced, names))
    return Errata(tuple(entries), source)


def errata_path() -> Path | None:
    """Return where ``ERRATA.md`` is: the build tooling's package data, else the checkout, else ``None``."""
    spec = importlib.util.find_spec("suno_api_build")
    for location in (spec.submodule_search_locations or []) if spec is not None else []:
        candidate = Path(location).joinpath(*_PACKAGE_DATA)
        if candidate.is_file():
            return candidate
    checkout = Path(__file__).resolve().parents[3] / "spec" / "ERRATA.md"
    return checkout if checkout.is_file() else None


@functools.cache
def load_errata() -> Errata:
    """Return the ERRATA decisions (cached), or an ``Errata`` whose ``problem`` says why there are none."""
    path = errata_path()
    if path is None:
        return Errata(problem=UNAVAILABLE)
    try:
        return parse_errata(path.read_text(encoding="utf-8"), path)
    except (OSError, UnicodeDecodeError) as exc:
        return Errata(source=path, problem=f"{UNAVAILABLE} ({exc})")
