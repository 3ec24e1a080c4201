from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.task_status import TaskStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.task_response import TaskResponse


T = TypeVar("T", bound="TaskRecord")


@_attrs_define
class TaskRecord:
    """A task as reported by record-info.

    Attributes:
        task_id (str): Task ID.
        parent_music_id (str | Unset): Id of the music this task derives from, empty when none.
        param (str | Unset): The original request parameters, serialised as a JSON string.
        response (None | TaskResponse | Unset): The generated tracks, once there are some.
        status (str | TaskStatus | Unset): Task status: PENDING, TEXT_SUCCESS (lyrics generated), FIRST_SUCCESS (first
            track done), SUCCESS (all tracks done), CREATE_TASK_FAILED, GENERATE_AUDIO_FAILED, CALLBACK_EXCEPTION,
            SENSITIVE_WORD_ERROR.
        type_ (str | Unset): Task type. Example: GENERATE.
        operation_type (str | Unset): Operation that created the task.
        error_code (int | None | Unset): Error code when the task failed.
        error_message (None | str | Unset): Error message when the task failed.
    """

    task_id: str
    parent_music_id: str | Unset = UNSET
    param: str | Unset = UNSET
    response: None | TaskResponse | Unset = UNSET
    status: str | TaskStatus | Unset = UNSET
    type_: str | Unset = UNSET
    operation_type: str | Unset = UNSET
    error_code: int | None | Unset = UNSET
    error_message: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.task_response import TaskResponse  # noqa: PLC0415

        task_id = self.task_id

        parent_music_id = self.parent_music_id

        param = self.param

        response: dict[str, Any] | None | Unset
        if isinstance(self.response, Unset):
            response = UNSET
        elif isinstance(self.response, TaskResponse):
            response = self.response.to_dict()
        else:
            response = self.response

        status: str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, TaskStatus):
            status = self.status.value
        else:
            status = self.status

        type_ = self.type_

        operation_type = self.operation_type

        error_code: int | None | Unset
        if isinstance(self.error_code, Unset):
            error_code = UNSET
        else:
            error_code = self.error_code

        error_message: None | str | Unset
        if isinstance(self.error_message, Unset):
            error_message = UNSET
        else:
            error_message = self.error_message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "taskId": task_id,
            }
        )
        if parent_music_id is not UNSET:
            field_dict["parentMusicId"] = parent_music_id
        if param is not UNSET:
            field_dict["param"] = param
        if response is not UNSET:
            field_dict["response"] = response
        if status is not UNSET:
            field_dict["status"] = status
        if type_ is not UNSET:
            field_dict["type"] = type_
        if operation_type is not UNSET:
            field_dict["operationType"] = operation_type
        if error_code is not UNSET:
            field_dict["errorCode"] = error_code
        if error_message is not UNSET:
            field_dict["errorMessage"] = error_message

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.task_response import TaskResponse  # noqa: PLC0415

        d = dict(src_dict)
        task_id = d.pop("taskId")

        parent_music_id = d.pop("parentMusicId", UNSET)

        param = d.pop("param", UNSET)

        def _parse_response(data: object) -> None | TaskResponse | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_type_0 = TaskResponse.from_dict(data)

                return response_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TaskResponse | Unset, data)

        response = _parse_response(d.pop("response", UNSET))

        def _parse_status(data: object) -> str | TaskStatus | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = TaskStatus(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(str | TaskStatus | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        type_ = d.pop("type", UNSET)

        operation_type = d.pop("operationType", UNSET)

        def _parse_error_code(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        error_code = _parse_error_code(d.pop("errorCode", UNSET))

        def _parse_error_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error_message = _parse_error_message(d.pop("errorMessage", UNSET))

        task_record = cls(
            task_id=task_id,
            parent_music_id=parent_music_id,
            param=param,
            response=response,
            status=status,
            type_=type_,
            operation_type=operation_type,
            error_code=error_code,
            error_message=error_message,
        )

        task_record.additional_properties = d
        return task_record

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
