"""Callback with a stale timestamp: signed an hour in the past, outside any replay window a receiver accepts."""

from suno_conformance.mock import MockApp


class Defect(MockApp):
    def callback_timestamp(self) -> int:
        return super().callback_timestamp() - 3600
