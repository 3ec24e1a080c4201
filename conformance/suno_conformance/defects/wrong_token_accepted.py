"""A wrong token is accepted: any bearer token gets in, where only a valid key may (401 otherwise)."""

from typing import Any

from suno_conformance.mock import MockApp


class Defect(MockApp):
    def authenticate(self, request: Any) -> str | None:
        header = request.headers.get("authorization", "")
        return header.removeprefix("Bearer ").strip() or None
