"""Callback tracks carry other URLs than record-info's for the same track (audio, stream, image URLs differ)."""

from typing import Any

from suno_conformance.mock import MockApp, Track


class Defect(MockApp):
    def callback_track(self, track: Track) -> dict[str, Any]:
        rendered = super().callback_track(track)
        return {
            name: f"{value}?from=callback" if isinstance(value, str) and value.startswith("http") else value
            for name, value in rendered.items()
        }
