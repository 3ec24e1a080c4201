"""Rule not enforced: custom mode is accepted without a style (rule custom-mode-requires-style)."""

from typing import Any

from suno_api import Violation
from suno_conformance.mock import MockApp


class Defect(MockApp):
    def validate_body(self, body: Any) -> list[Violation]:
        return [v for v in super().validate_body(body) if v.rule_id != "custom-mode-requires-style"]
