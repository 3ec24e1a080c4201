"""The request bodies every row sends: one realistic valid body, the same for ours and the baseline."""

from __future__ import annotations

from typing import Any

SUBMIT_PATH = "/api/v1/generate/upload-extend"
RECORD_INFO_PATH = "/api/v1/generate/record-info"


def valid_body() -> dict[str, Any]:
    """Return a custom-mode, vocal upload-extend body that exercises every rule: lengths, ranges, formats.

    Its ``callBackUrl`` is a dead loopback port: the mock is run with callbacks off, and nothing else calls it.
    """
    return {
        "uploadUrl": "https://storage.example.com/uploads/2025/01/source-track.mp3",
        "defaultParamFlag": True,
        "instrumental": False,
        "prompt": "Verse one: the city lights are fading slow, / and every street remembers where we go.",
        "style": "Indie folk, warm acoustic guitar, soft female vocals",
        "title": "Where We Go (Extended)",
        "continueAt": 42.5,
        "model": "V4_5",
        "callBackUrl": "http://127.0.0.1:9/suno-callback",
        "negativeTags": "Heavy Metal, Upbeat Drums",
        "vocalGender": "f",
        "styleWeight": 0.65,
        "weirdnessConstraint": 0.5,
        "audioWeight": 0.65,
    }
