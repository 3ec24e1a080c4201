"""Over-enforced rule: default mode (defaultParamFlag false) refuses an empty style, which only custom mode needs."""

from typing import Any

from suno_api import Violation
from suno_conformance.mock import MockApp


class Defect(MockApp):
    def validate_body(self, body: Any) -> list[Violation]:
        found = super().validate_body(body)
        if isinstance(body, dict) and body.get("defaultParamFlag") is False and not body.get("style"):
            found.append(Violation("style", "custom-mode-requires-style", "`style` is required."))
        return found
