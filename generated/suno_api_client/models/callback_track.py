from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CallbackTrack")


@_attrs_define
class CallbackTrack:
    """A generated track as sent in a callback (snake_case).

    Attributes:
        id (str | Unset): Track ID.
        audio_url (str | Unset): Audio file URL.
        source_audio_url (str | Unset): Original audio file URL.
        stream_audio_url (str | Unset): Streaming audio URL.
        source_stream_audio_url (str | Unset): Original streaming audio URL.
        image_url (str | Unset): Cover image URL.
        source_image_url (str | Unset): Original cover image URL.
        prompt (str | Unset): Prompt or lyrics used; empty for instrumental tracks.
        model_name (str | Unset): Model name used for generation.
        title (str | Unset): Track title.
        tags (str | Unset): Music tags.
        create_time (int | str | Unset): Creation time. Example: 2025-01-01 00:00:00.
        duration (float | None | Unset): Track duration in seconds.
    """

    id: str | Unset = UNSET
    audio_url: str | Unset = UNSET
    source_audio_url: str | Unset = UNSET
    stream_audio_url: str | Unset = UNSET
    source_stream_audio_url: str | Unset = UNSET
    image_url: str | Unset = UNSET
    source_image_url: str | Unset = UNSET
    prompt: str | Unset = UNSET
    model_name: str | Unset = UNSET
    title: str | Unset = UNSET
    tags: str | Unset = UNSET
    create_time: int | str | Unset = UNSET
    duration: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        audio_url = self.audio_url

        source_audio_url = self.source_audio_url

        stream_audio_url = self.stream_audio_url

        source_stream_audio_url = self.source_stream_audio_url

        image_url = self.image_url

        source_image_url = self.source_image_url

        prompt = self.prompt

        model_name = self.model_name

        title = self.title

        tags = self.tags

        create_time: int | str | Unset
        if isinstance(self.create_time, Unset):
            create_time = UNSET
        else:
            create_time = self.create_time

        duration: float | None | Unset
        if isinstance(self.duration, Unset):
            duration = UNSET
        else:
            duration = self.duration

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if audio_url is not UNSET:
            field_dict["audio_url"] = audio_url
        if source_audio_url is not UNSET:
            field_dict["source_audio_url"] = source_audio_url
        if stream_audio_url is not UNSET:
            field_dict["stream_audio_url"] = stream_audio_url
        if source_stream_audio_url is not UNSET:
            field_dict["source_stream_audio_url"] = source_stream_audio_url
        if image_url is not UNSET:
            field_dict["image_url"] = image_url
        if source_image_url is not UNSET:
            field_dict["source_image_url"] = source_image_url
        if prompt is not UNSET:
            field_dict["prompt"] = prompt
        if model_name is not UNSET:
            field_dict["model_name"] = model_name
        if title is not UNSET:
            field_dict["title"] = title
        if tags is not UNSET:
            field_dict["tags"] = tags
        if create_time is not UNSET:
            field_dict["createTime"] = create_time
        if duration is not UNSET:
            field_dict["duration"] = duration

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        audio_url = d.pop("audio_url", UNSET)

        source_audio_url = d.pop("source_audio_url", UNSET)

        stream_audio_url = d.pop("stream_audio_url", UNSET)

        source_stream_audio_url = d.pop("source_stream_audio_url", UNSET)

        image_url = d.pop("image_url", UNSET)

        source_image_url = d.pop("source_image_url", UNSET)

        prompt = d.pop("prompt", UNSET)

        model_name = d.pop("model_name", UNSET)

        title = d.pop("title", UNSET)

        tags = d.pop("tags", UNSET)

        def _parse_create_time(data: object) -> int | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | str | Unset, data)

        create_time = _parse_create_time(d.pop("createTime", UNSET))

        def _parse_duration(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        duration = _parse_duration(d.pop("duration", UNSET))

        callback_track = cls(
            id=id,
            audio_url=audio_url,
            source_audio_url=source_audio_url,
            stream_audio_url=stream_audio_url,
            source_stream_audio_url=source_stream_audio_url,
            image_url=image_url,
            source_image_url=source_image_url,
            prompt=prompt,
            model_name=model_name,
            title=title,
            tags=tags,
            create_time=create_time,
            duration=duration,
        )

        callback_track.additional_properties = d
        return callback_track

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
