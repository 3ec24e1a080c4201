"""Callback signed wrongly: HMAC over timestamp + "." + task_id, where the scheme signs task_id + "." + timestamp."""

from suno_api import compute_signature
from suno_api.spec import names
from suno_conformance.mock import MockApp


class Defect(MockApp):
    def sign_callback(self, task_id: str, timestamp: int) -> dict[str, str]:
        key = self.settings.webhook_key or ""
        swapped = compute_signature(key, str(timestamp), task_id)
        spec_names = names()
        return {spec_names.timestamp_header: str(timestamp), spec_names.signature_header: swapped}
