"""Success for an invalid model: a model outside V3_5, V4, V4_5, V4_5PLUS, V5 is accepted (schema enum)."""

from typing import Any

from suno_api import Violation
from suno_api.spec import names
from suno_conformance.mock import MockApp


class Defect(MockApp):
    def validate_body(self, body: Any) -> list[Violation]:
        model = names().model
        return [v for v in super().validate_body(body) if not (v.field == model and v.rule_id == "schema.enum")]
