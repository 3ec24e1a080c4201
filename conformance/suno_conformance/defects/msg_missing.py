"""msg missing: envelopes carry no msg, where every envelope requires code and msg (ERRATA E-14)."""

from typing import Any

from suno_api.spec import names
from suno_conformance.mock import MockApp


class Defect(MockApp):
    def envelope(self, code: int, msg: str, data: Any) -> dict[str, Any]:
        spec_names = names()
        return {spec_names.envelope_code: code, spec_names.envelope_data: data}
