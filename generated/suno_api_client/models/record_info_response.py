from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.api_code import ApiCode
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.task_record import TaskRecord


T = TypeVar("T", bound="RecordInfoResponse")


@_attrs_define
class RecordInfoResponse:
    """
    Attributes:
        code (ApiCode | int): Response status code (see the upload-extend response for their meaning).
        msg (str): Error message when code != 200 Example: success.
        data (None | TaskRecord | Unset):
    """

    code: ApiCode | int
    msg: str
    data: None | TaskRecord | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.task_record import TaskRecord  # noqa: PLC0415

        code: int
        if isinstance(self.code, ApiCode):
            code = self.code.value
        else:
            code = self.code

        msg = self.msg

        data: dict[str, Any] | None | Unset
        if isinstance(self.data, Unset):
            data = UNSET
        elif isinstance(self.data, TaskRecord):
            data = self.data.to_dict()
        else:
            data = self.data

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "msg": msg,
            }
        )
        if data is not UNSET:
            field_dict["data"] = data

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.task_record import TaskRecord  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_code(data: object) -> ApiCode | int:
            try:
                if not isinstance(data, int):
                    raise TypeError()
                code_type_0 = ApiCode(data)

                return code_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ApiCode | int, data)

        code = _parse_code(d.pop("code"))

        msg = d.pop("msg")

        def _parse_data(data: object) -> None | TaskRecord | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                data_type_0 = TaskRecord.from_dict(data)

                return data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TaskRecord | Unset, data)

        data = _parse_data(d.pop("data", UNSET))

        record_info_response = cls(
            code=code,
            msg=msg,
            data=data,
        )

        record_info_response.additional_properties = d
        return record_info_response

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
