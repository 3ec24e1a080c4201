"""Track rendering: what a task looks like in the submit answer, in record-info (camelCase) and in callbacks.

The shapes follow spec/UPSTREAM.md sections 1 (record-info) and 2 (callbacks): record-info lists both tracks
once text is done (unfinished ones as placeholders, ``param`` as a JSON string); a callback carries the finished
tracks only, in snake_case, and ``data`` null on an error.
"""

from __future__ import annotations

import functools
from typing import Any

from suno_api.spec import names
from suno_conformance.mock._outcomes import Step
from suno_conformance.mock._routing import Routing
from suno_conformance.mock._tasks import Task, Track, make_tracks, placeholder


@functools.cache
def _record_keys() -> tuple[str, ...]:
    """Return the keys of a record-info task record, in render order (read from the spec once)."""
    spec_names = names()
    return (
        spec_names.record_task_id,
        spec_names.record_parent_music_id,
        spec_names.record_param,
        spec_names.record_response,
        spec_names.record_status,
        spec_names.record_type,
        spec_names.record_operation_type,
        spec_names.record_error_code,
        spec_names.record_error_message,
        # Upstream's record carries the creation time under its tracks' key, undocumented on the record.
        spec_names.track_create_time,
    )


@functools.cache
def _track_keys(callback: bool) -> tuple[str, ...]:
    """Return the keys of a track (snake_case in callbacks, camelCase in record-info), in ``_track_values`` order."""
    spec_names = names()
    if callback:
        return (
            spec_names.callback_track_id,
            spec_names.callback_track_audio_url,
            spec_names.callback_track_source_audio_url,
            spec_names.callback_track_stream_audio_url,
            spec_names.callback_track_source_stream_audio_url,
            spec_names.callback_track_image_url,
            spec_names.callback_track_source_image_url,
            spec_names.callback_track_prompt,
            spec_names.callback_track_model_name,
            spec_names.callback_track_title,
            spec_names.callback_track_tags,
            spec_names.callback_track_create_time,
            spec_names.callback_track_duration,
        )
    return (
        spec_names.track_id,
        spec_names.track_audio_url,
        spec_names.track_source_audio_url,
        spec_names.track_stream_audio_url,
        spec_names.track_source_stream_audio_url,
        spec_names.track_image_url,
        spec_names.track_source_image_url,
        spec_names.track_prompt,
        spec_names.track_model_name,
        spec_names.track_title,
        spec_names.track_tags,
        spec_names.track_create_time,
        spec_names.track_duration,
    )


def _track_values(track: Track) -> tuple[Any, ...]:
    return (
        track.id,
        track.audio_url,
        track.source_audio_url,
        track.stream_audio_url,
        track.source_stream_audio_url,
        track.image_url,
        track.source_image_url,
        track.prompt,
        track.model_name,
        track.title,
        track.tags,
        track.create_time,
        track.duration,
    )


@functools.cache
def _small_keys() -> tuple[str, str, str, str, str, str, str, str, str]:
    """Return the submit data's task id key, the result's two keys, the callback's envelope and data keys."""
    spec_names = names()
    return (
        spec_names.submit_task_id,
        spec_names.response_task_id,
        spec_names.response_tracks,
        spec_names.callback_code,
        spec_names.callback_msg,
        spec_names.callback_data,
        spec_names.callback_type,
        spec_names.callback_task_id,
        spec_names.callback_tracks,
    )


class Rendering(Routing):
    """The layer of ``MockApp`` that renders tasks and tracks as JSON-ready data."""

    def submit_payload(self, task: Task) -> dict[str, Any]:
        """Return the submit answer's ``data``."""
        return {_small_keys()[0]: task.task_id}

    def record_info_payload(self, task: Task) -> dict[str, Any]:
        """Return record-info ``data``: a TaskRecord with camelCase tracks and ``param`` as a JSON string."""
        step = task.current
        response = None
        if step.tracks is not None:
            listed = [
                track if index < step.tracks else placeholder(track) for index, track in enumerate(self.tracks(task))
            ]
            _, task_key, tracks_key, *_ = _small_keys()
            response = {task_key: task.task_id, tracks_key: [self.record_track(track) for track in listed]}
        values = (
            task.task_id,
            "",
            task.param,
            response,
            step.status,
            "GENERATE",
            "upload_extend",
            step.error_code,
            step.error_message,
            int(task.created_at * 1000),
        )
        return dict(zip(_record_keys(), values, strict=True))

    def tracks(self, task: Task) -> tuple[Track, ...]:
        """Return the finished tracks of ``task`` (deterministic under the seed)."""
        return make_tracks(self.seed, task)

    def record_track(self, track: Track) -> dict[str, Any]:
        """Render a track as record-info does (camelCase)."""
        return dict(zip(_track_keys(False), _track_values(track), strict=True))

    def callback_payload(self, task: Task, step: Step) -> dict[str, Any]:
        """Return the documented callback body: snake_case tracks, the finished ones only; null on error."""
        tracks = None
        if step.tracks is not None:
            tracks = [self.callback_track(track) for track in self.tracks(task)[: step.tracks]]
        *_, code, msg, data, stage, task_key, tracks_key = _small_keys()
        return {
            code: step.callback_code,
            msg: step.callback_msg,
            data: {stage: step.callback, task_key: task.task_id, tracks_key: tracks},
        }

    def callback_track(self, track: Track) -> dict[str, Any]:
        """Render a track as callbacks do (snake_case)."""
        return dict(zip(_track_keys(True), _track_values(track), strict=True))
