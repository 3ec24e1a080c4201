"""Limit off by one: an 81-character title passes with V3_5/V4, whose limit is 80 (title-max-length-80)."""

from typing import Any

from suno_api import Violation
from suno_api.spec import rule
from suno_conformance.mock import MockApp

_RULE = "title-max-length-80"


class Defect(MockApp):
    def validate_body(self, body: Any) -> list[Violation]:
        found = super().validate_body(body)
        limit = rule(_RULE)
        longest = limit.schema["then"]["properties"][limit.field]["maxLength"]
        if isinstance(body, dict) and len(str(body.get(limit.field, ""))) == longest + 1:
            found = [v for v in found if v.rule_id != _RULE]
        return found
