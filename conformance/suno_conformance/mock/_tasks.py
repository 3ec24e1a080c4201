"""Tasks and their tracks: what a submit creates and what record-info and callbacks report.

A task keeps only what its answers need; tracks are derived on demand from the seed and the task id, so the
same seed gives the same ids and tracks, and 10,000 tasks stay small.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from typing import Any

import attrs

from suno_api.spec import names
from suno_conformance.mock._outcomes import Step

TRACKS_PER_TASK = 2


@functools.cache
def model_names() -> Mapping[str, str]:
    """Return model -> the internal name upstream reports for it (spec/UPSTREAM.md section 4); ours stand in.

    A model the spec no longer has is left out; a model without an entry gets its own name, lower-cased.
    """
    spec_names = names()
    found: dict[str, str] = {}
    for role, internal in (
        ("model_v3_5", "chirp-v3-5"),
        ("model_v4", "chirp-v4"),
        ("model_v4_5", "chirp-auk"),
        ("model_v4_5plus", "chirp-bluejay"),
        ("model_v5", "chirp-crow"),
    ):
        try:
            found[spec_names.resolve(role)] = internal
        except LookupError:
            continue
    return found


def digest(seed: int, *parts: object) -> bytes:
    """Return 16 bytes that depend only on ``seed`` and ``parts``."""
    text = ":".join(map(str, (seed, *parts)))
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def task_id_for(seed: int, number: int) -> str:
    """Return the id of the ``number``-th task of a mock seeded with ``seed`` (32 hex digits, like upstream)."""
    return digest(seed, "task", number).hex()


class TaskIds:
    """``task_id_for(seed, 0)``, ``task_id_for(seed, 1)``...: the same ids, from a pre-hashed prefix."""

    def __init__(self, seed: int) -> None:
        self._prefix = hashlib.blake2b(f"{seed}:task:".encode(), digest_size=16)

    def __call__(self, number: int) -> str:
        hasher = self._prefix.copy()
        hasher.update(str(number).encode())
        return hasher.hexdigest()


def _uuid(raw: bytes) -> str:
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def request_param(body: Mapping[str, Any]) -> str:
    """Return the record-info ``param``: the request as a JSON string (compact, sorted keys, like upstream)."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"))


@attrs.define(eq=False)
class Task:
    """A task created by a submit.

    Attributes:
        task_id: The id returned by the submit.
        number: Its position among the mock's tasks (0 for the first).
        created_at: Virtual time of the submit.
        outcome: The outcome name (a key of ``OUTCOMES``).
        steps: The steps of that outcome.
        raw: The submitted body as JSON bytes (``body`` parses it: kept as bytes, a task stays small).
        callback_url: The ``callBackUrl`` of the submit.
        base_url: The mock's URL as the submitter reached it; track URLs point there.
        step: Index of the step reached so far.
    """

    task_id: str
    number: int
    created_at: float
    outcome: str
    steps: tuple[Step, ...]
    raw: bytes = attrs.field(repr=False)
    callback_url: str = attrs.field(repr=False)
    base_url: str = attrs.field(repr=False)
    step: int = 0

    @property
    def current(self) -> Step:
        """The step reached so far."""
        return self.steps[self.step]

    @property
    def status(self) -> str:
        """The record-info status of the step reached so far."""
        return self.steps[self.step].status

    @property
    def finished(self) -> bool:
        """Whether the task has reached its last step."""
        return self.step == len(self.steps) - 1

    @property
    def body(self) -> dict[str, Any]:
        """The submitted body (parsed anew at each access)."""
        loaded: dict[str, Any] = json.loads(self.raw)
        return loaded

    @property
    def param(self) -> str:
        """The submitted body as the JSON string record-info reports."""
        return request_param(self.body)


@attrs.frozen
class Track:
    """A generated track, in neutral form; ``MockApp.record_track``/``callback_track`` render it."""

    id: str
    audio_url: str
    source_audio_url: str
    stream_audio_url: str
    source_stream_audio_url: str
    image_url: str
    source_image_url: str
    prompt: str
    model_name: str
    title: str
    tags: str
    create_time: int
    duration: float | None


@functools.cache
def _body_keys() -> tuple[str, str, str, str, str, str]:
    """Return the request fields a track is made from, read from the spec once."""
    spec_names = names()
    return (
        spec_names.model,
        spec_names.instrumental,
        spec_names.continue_at,
        spec_names.prompt,
        spec_names.title,
        spec_names.style,
    )


def make_tracks(seed: int, task: Task) -> tuple[Track, ...]:
    """Return the finished tracks of ``task``: the same for the same seed, task id and body."""
    body = task.body
    model_key, instrumental_key, continue_at_key, prompt_key, title_key, style_key = _body_keys()
    model = str(body.get(model_key, ""))
    instrumental = body.get(instrumental_key) is True
    continue_at = body.get(continue_at_key)
    start = float(continue_at) if isinstance(continue_at, int | float) and not isinstance(continue_at, bool) else 0.0
    tracks = []
    for index in range(TRACKS_PER_TASK):
        raw = digest(seed, task.task_id, index)
        track_id = _uuid(raw)
        files = f"{task.base_url}_mock/files/{track_id}"
        tracks.append(
            Track(
                id=track_id,
                audio_url=f"{files}.mp3",
                source_audio_url=f"{files}.source.mp3",
                stream_audio_url=files,
                source_stream_audio_url=f"{files}.source",
                image_url=f"{files}.png",
                source_image_url=f"{files}.source.png",
                prompt="" if instrumental else str(body.get(prompt_key, "")),
                model_name=model_names().get(model, model.lower()),
                title=str(body.get(title_key) or "Extended track"),
                tags=str(body.get(style_key) or ""),
                create_time=int(task.created_at * 1000),
                duration=round(start + 30 + int.from_bytes(raw[:4], "big") % 9000 / 100, 2),
            )
        )
    return tuple(tracks)


def placeholder(track: Track) -> Track:
    """Return ``track`` as upstream lists it before it is done: no URLs yet, ``duration`` null."""
    return attrs.evolve(
        track,
        audio_url="",
        source_audio_url="",
        stream_audio_url="",
        source_stream_audio_url="",
        image_url="",
        source_image_url="",
        duration=None,
    )
