"""Limit too strict: a title of exactly 100 characters is refused with V4_5/V4_5PLUS/V5, whose limit is 100."""

from typing import Any

from suno_api import Violation
from suno_conformance.mock import MockApp


class Defect(MockApp):
    def validate_body(self, body: Any) -> list[Violation]:
        found = super().validate_body(body)
        if isinstance(body, dict) and len(str(body.get("title", ""))) == 100:
            found.append(Violation("title", "title-max-length-100", "`title` may have at most 99 characters."))
        return found
