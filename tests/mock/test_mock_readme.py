"""The README documents every setting of the mock: its table is the one ``settings_table_markdown()`` renders."""

from __future__ import annotations

from pathlib import Path

import pytest

from suno_conformance.mock import settings_table_markdown

README = Path(__file__).resolve().parents[2] / "README.md"
START, END = "<!-- mock-settings -->", "<!-- /mock-settings -->"


def test_the_readme_holds_the_settings_table() -> None:
    """Between the README's mock-settings markers stands exactly the generated table."""
    text = README.read_text(encoding="utf-8")
    if START not in text:
        pytest.skip(f"README.md has no {START} section yet (the lead pastes settings_table_markdown() there)")
    section = text.split(START, 1)[1].split(END, 1)[0]
    assert section.strip() == settings_table_markdown().strip()
