"""Callback signed wrongly: HMAC over timestamp + "." + task_id, where the scheme signs task_id + "." + timestamp."""

from suno_api import compute_signature
from suno_conformance.mock import MockApp


class Defect(MockApp):
    def sign_callback(self, task_id: str, timestamp: int) -> dict[str, str]:
        key = self.settings.webhook_key or ""
        swapped = compute_signature(key, str(timestamp), task_id)
        return {"X-Webhook-Timestamp": str(timestamp), "X-Webhook-Signature": swapped}
