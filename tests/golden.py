"""Golden files: expected output kept as reviewable JSON beside its fixture, rewritten by one command.

``SUNO_UPDATE_GOLDEN=1 .venv/bin/pytest tests/specflow/test_upstream_change.py`` rewrites the sections a test
checks instead of comparing them; review the change with ``git diff tests/fixtures``. Without it a difference fails
naming the section and that command.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

UPDATE_ENV = "SUNO_UPDATE_GOLDEN"


class Golden:
    """The sections of one golden JSON file; ``check`` compares (or, when updating, records) one section."""

    def __init__(self, path: Path, command: str) -> None:
        self.path = path
        self.command = command
        self.updating = os.environ.get(UPDATE_ENV) == "1"
        self.sections: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    def check(self, section: str, actual: Any) -> None:
        """Assert ``actual`` (JSON-ready) equals the stored section; when updating, store it and write the file."""
        # through JSON, so tuples compare as the lists the file holds
        actual = json.loads(json.dumps(actual))
        if self.updating:
            self.sections[section] = actual
            self.path.write_text(json.dumps(self.sections, indent=2) + "\n", encoding="utf-8")
            return
        expected = self.sections.get(section)
        assert actual == expected, (
            f"{self.path.name} [{section}] differs from what the tools now say; if the new output is right, run"
            f" `{UPDATE_ENV}=1 {self.command}` and review `git diff {self.path}`"
        )
