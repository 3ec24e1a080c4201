"""Limit too strict: a title of exactly 100 characters is refused with V4_5/V4_5PLUS/V5, whose limit is 100."""

from typing import Any

from suno_api import Violation
from suno_api.spec import rule
from suno_conformance.mock import MockApp

_RULE = "title-max-length-100"


class Defect(MockApp):
    def validate_body(self, body: Any) -> list[Violation]:
        found = super().validate_body(body)
        limit = rule(_RULE)
        longest = limit.schema["then"]["properties"][limit.field]["maxLength"]
        if isinstance(body, dict) and len(str(body.get(limit.field, ""))) == longest:
            found.append(Violation(limit.field, _RULE, f"`{limit.field}` may have at most {longest - 1} characters."))
        return found
