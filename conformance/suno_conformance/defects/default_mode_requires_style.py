"""Over-enforced rule: default mode (defaultParamFlag false) refuses an empty style, which only custom mode needs."""

from typing import Any

from suno_api import Violation
from suno_api.spec import names, rule
from suno_conformance.mock import MockApp


class Defect(MockApp):
    def validate_body(self, body: Any) -> list[Violation]:
        found = super().validate_body(body)
        spec_names = names()
        style = rule("custom-mode-requires-style").field
        if isinstance(body, dict) and body.get(spec_names.default_param_flag) is False and not body.get(style):
            found.append(Violation(style, "custom-mode-requires-style", f"`{style}` is required."))
        return found
