"""The webhook signature scheme, shared by the verifier and the mock that signs its callbacks."""

from __future__ import annotations

import base64
import hashlib
import hmac


def compute_signature(secret: str | bytes, task_id: str, timestamp: str | int) -> str:
    """Return base64(HMAC-SHA256(secret, f"{task_id}.{timestamp}")), the ``X-Webhook-Signature`` value."""
    key = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(key, f"{task_id}.{timestamp}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")
