"""The request bodies every row sends: one realistic valid body, the same for ours and the baseline.

Field names and paths come from the effective spec (``suno_api.spec.names()``), so the rows keep measuring a valid
request after an upstream rename handled by the overlays.
"""

from __future__ import annotations

from typing import Any

from suno_api.spec import names

SUBMIT_PATH = names().submit_path
RECORD_INFO_PATH = names().record_info_path


def valid_body() -> dict[str, Any]:
    """Return a custom-mode, vocal upload-extend body that exercises every rule: lengths, ranges, formats.

    Its callback URL is a dead loopback port: the mock is run with callbacks off, and nothing else calls it.
    """
    spec_names = names()
    return {
        spec_names.upload_url: "https://storage.example.com/uploads/2025/01/source-track.mp3",
        spec_names.default_param_flag: True,
        spec_names.instrumental: False,
        spec_names.prompt: "Verse one: the city lights are fading slow, / and every street remembers where we go.",
        spec_names.style: "Indie folk, warm acoustic guitar, soft female vocals",
        spec_names.title: "Where We Go (Extended)",
        spec_names.continue_at: 42.5,
        spec_names.model: spec_names.model_v4_5,
        spec_names.callback_url: "http://127.0.0.1:9/suno-callback",
        spec_names.negative_tags: "Heavy Metal, Upbeat Drums",
        spec_names.vocal_gender: "f",
        spec_names.style_weight: 0.65,
        spec_names.weirdness_constraint: 0.5,
        spec_names.audio_weight: 0.65,
    }
