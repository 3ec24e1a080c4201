"""Auth ignored: requests without a bearer token are served; the API requires one on every request (401)."""

from typing import Any

from suno_conformance.mock import MockApp


class Defect(MockApp):
    def authenticate(self, request: Any) -> str | None:
        return "anonymous"
