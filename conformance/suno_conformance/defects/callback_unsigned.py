"""Callback not signed: no X-Webhook-Timestamp / X-Webhook-Signature although the account has a webhook key."""

from suno_conformance.mock import MockApp


class Defect(MockApp):
    def sign_callback(self, task_id: str, timestamp: int) -> dict[str, str]:
        return {}
