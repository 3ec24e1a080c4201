"""Invalid bodies crash: a body that breaks the spec gets code 500 instead of a 4xx-class rejection (422)."""

from collections.abc import Sequence

from suno_api import Violation
from suno_conformance.mock import MockApp, MockError


class Defect(MockApp):
    def violations_message(self, violations: Sequence[Violation]) -> str:
        raise MockError(500, "NullPointerException")
