"""The later upstream version the specflow tests upgrade to, made from today's vendored spec when a test needs it.

tests/fixtures/upstream-later/change.yaml holds the edits upstream's later page made (spec/UPSTREAM.md section 5:
V4_5ALL and V5_5 added, V3_5 dropped, `personaModel` added, 8-minute uploads), with today's names as
``suno_api.spec.names()`` roles. ``later_spec(destination)`` applies them to spec/suno-api.yaml, so the later
version follows every upgrade of the vendored spec (a rename, a new model, a removed status) instead of freezing a
whole copy of it; when an upgrade makes one of them no longer apply, ``StaleChangeError`` names it and says what
to do.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import yaml

from suno_api.spec import SpecNames, names

ROOT = Path(__file__).resolve().parents[2]
VENDORED = ROOT / "spec" / "suno-api.yaml"
FIXTURES = ROOT / "tests" / "fixtures" / "upstream-later"
CHANGES = FIXTURES / "change.yaml"
GOLDEN_COMMAND = ".venv/bin/pytest tests/specflow/test_upstream_change.py"
"""The test whose golden file records what the tools say about the later version."""
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


class StaleChangeError(AssertionError):
    """A change of change.yaml no longer matches the vendored spec: the message names it and says what to do."""


@dataclasses.dataclass(frozen=True)
class Change:
    """One edit of change.yaml: ``replace`` becomes ``with``, ``count`` times; ``{role}`` is a names() role."""

    number: int
    why: str
    replace: str
    new: str
    count: int

    def _stale(self, detail: str) -> StaleChangeError:
        return StaleChangeError(
            f"{CHANGES.relative_to(ROOT)}: change {self.number} ({self.why}) no longer applies to spec/suno-api.yaml:"
            f" {detail}. The vendored spec changed under it: rewrite its `replace`/`with` against today's"
            " spec/suno-api.yaml so that it still makes this change (or drop it if upstream has made it), then run"
            f" `SUNO_UPDATE_GOLDEN=1 {GOLDEN_COMMAND}` and review `git diff {FIXTURES.relative_to(ROOT)}`"
        )

    def _fill(self, text: str, spec_names: SpecNames) -> str:
        def name(match: re.Match[str]) -> str:
            try:
                return spec_names.resolve(match[1])
            except LookupError as exc:
                raise self._stale(f"{match[0]} names nothing in today's spec ({exc})") from None

        return PLACEHOLDER.sub(name, text)

    def apply(self, text: str, spec_names: SpecNames) -> str:
        """Return ``text`` with the change made; raise ``StaleChangeError`` unless it matches ``count`` times."""
        first, *rest = self._fill(self.replace, spec_names).split("\n")
        # later lines sit at the indentation of the line the match starts on (see change.yaml)
        pattern = re.compile(
            "^(?P<indent> *)(?P<lead>[^\n]*?)"
            + re.escape(first)
            + "".join("\n" + ("(?P=indent)" + re.escape(line) if line else "") for line in rest),
            re.MULTILINE,
        )
        found = len(pattern.findall(text))
        if found != self.count:
            raise self._stale(f"{self._fill(self.replace, spec_names)!r} occurs {found} times, not {self.count}")
        new_first, *new_rest = self._fill(self.new, spec_names).split("\n")

        def replacement(match: re.Match[str]) -> str:
            indent = match["indent"]
            lines = "".join("\n" + (indent + line if line else "") for line in new_rest)
            return f"{indent}{match['lead']}{new_first}{lines}"

        return pattern.sub(replacement, text)


def load_changes() -> tuple[Change, ...]:
    """Return the changes of change.yaml, numbered from 1 as a reader counts them."""
    items = yaml.safe_load(CHANGES.read_text(encoding="utf-8"))["changes"]
    return tuple(
        Change(number, item["why"], item["replace"], item["with"], item["count"])
        for number, item in enumerate(items, 1)
    )


def later_spec(destination: Path, vendored: Path = VENDORED) -> Path:
    """Write the later version of ``vendored`` (change.yaml applied, with today's names) to ``destination``."""
    text = vendored.read_text(encoding="utf-8")
    for change in load_changes():
        text = change.apply(text, names())
    destination.write_text(text, encoding="utf-8")
    return destination
