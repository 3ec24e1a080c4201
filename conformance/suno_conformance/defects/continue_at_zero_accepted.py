"""continueAt 0 accepted: the range is "greater than 0" (continue-at-after-start), read here as ">= 0"."""

from typing import Any

from suno_api import Violation
from suno_api.spec import rule
from suno_conformance.mock import MockApp

_RULE = "continue-at-after-start"


class Defect(MockApp):
    def validate_body(self, body: Any) -> list[Violation]:
        found = super().validate_body(body)
        field = rule(_RULE).field
        if isinstance(body, dict) and body.get(field) == 0:
            found = [v for v in found if v.rule_id != _RULE]
        return found
