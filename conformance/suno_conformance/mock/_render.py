"""Track rendering: what a task looks like in the submit answer, in record-info (camelCase) and in callbacks.

The shapes follow spec/UPSTREAM.md sections 1 (record-info) and 2 (callbacks): record-info lists both tracks
once text is done (unfinished ones as placeholders, ``param`` as a JSON string); a callback carries the finished
tracks only, in snake_case, and ``data`` null on an error.
"""

from __future__ import annotations

from typing import Any

from suno_conformance.mock._outcomes import Step
from suno_conformance.mock._routing import Routing
from suno_conformance.mock._tasks import Task, Track, make_tracks, placeholder


class Rendering(Routing):
    """The layer of ``MockApp`` that renders tasks and tracks as JSON-ready data."""

    def submit_payload(self, task: Task) -> dict[str, Any]:
        """Return the submit answer's ``data``."""
        return {"taskId": task.task_id}

    def record_info_payload(self, task: Task) -> dict[str, Any]:
        """Return record-info ``data``: a TaskRecord with camelCase tracks and ``param`` as a JSON string."""
        step = task.current
        response = None
        if step.tracks is not None:
            listed = [
                track if index < step.tracks else placeholder(track) for index, track in enumerate(self.tracks(task))
            ]
            response = {"taskId": task.task_id, "sunoData": [self.record_track(track) for track in listed]}
        return {
            "taskId": task.task_id,
            "parentMusicId": "",
            "param": task.param,
            "response": response,
            "status": step.status,
            "type": "GENERATE",
            "operationType": "upload_extend",
            "errorCode": step.error_code,
            "errorMessage": step.error_message,
            "createTime": int(task.created_at * 1000),
        }

    def tracks(self, task: Task) -> tuple[Track, ...]:
        """Return the finished tracks of ``task`` (deterministic under the seed)."""
        return make_tracks(self.seed, task)

    def record_track(self, track: Track) -> dict[str, Any]:
        """Render a track as record-info does (camelCase)."""
        return {
            "id": track.id,
            "audioUrl": track.audio_url,
            "sourceAudioUrl": track.source_audio_url,
            "streamAudioUrl": track.stream_audio_url,
            "sourceStreamAudioUrl": track.source_stream_audio_url,
            "imageUrl": track.image_url,
            "sourceImageUrl": track.source_image_url,
            "prompt": track.prompt,
            "modelName": track.model_name,
            "title": track.title,
            "tags": track.tags,
            "createTime": track.create_time,
            "duration": track.duration,
        }

    def callback_payload(self, task: Task, step: Step) -> dict[str, Any]:
        """Return the documented callback body: snake_case tracks, the finished ones only; null on error."""
        tracks = None
        if step.tracks is not None:
            tracks = [self.callback_track(track) for track in self.tracks(task)[: step.tracks]]
        return {
            "code": step.callback_code,
            "msg": step.callback_msg,
            "data": {"callbackType": step.callback, "task_id": task.task_id, "data": tracks},
        }

    def callback_track(self, track: Track) -> dict[str, Any]:
        """Render a track as callbacks do (snake_case)."""
        return {
            "id": track.id,
            "audio_url": track.audio_url,
            "source_audio_url": track.source_audio_url,
            "stream_audio_url": track.stream_audio_url,
            "source_stream_audio_url": track.source_stream_audio_url,
            "image_url": track.image_url,
            "source_image_url": track.source_image_url,
            "prompt": track.prompt,
            "model_name": track.model_name,
            "title": track.title,
            "tags": track.tags,
            "createTime": track.create_time,
            "duration": track.duration,
        }
