"""multipleOf ignored: weights such as styleWeight 0.295 pass, where the spec allows two decimals (0.01 steps)."""

from typing import Any

from suno_api import Violation
from suno_conformance.mock import MockApp


class Defect(MockApp):
    def validate_body(self, body: Any) -> list[Violation]:
        return [v for v in super().validate_body(body) if v.rule_id != "schema.multipleOf"]
