from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.api_code import ApiCode
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.upload_extend_data import UploadExtendData


T = TypeVar("T", bound="UploadExtendResponse")


@_attrs_define
class UploadExtendResponse:
    """
    Attributes:
        code (ApiCode | int): Response status code

            - **200**: Success - Request has been processed successfully
            - **401**: Unauthorized - Authentication credentials are missing or invalid
            - **402**: Insufficient Credits - Account does not have enough credits to perform the operation
            - **404**: Not Found - The requested resource or endpoint does not exist
            - **409**: Conflict - WAV record already exists
            - **422**: Validation Error - The request parameters failed validation checks
            - **429**: Rate Limited - Request limit has been exceeded for this resource
            - **451**: Unauthorized - Failed to fetch the image. Kindly verify any access limits set by you or your service
            provider.
            - **455**: Service Unavailable - System is currently undergoing maintenance
            - **500**: Server Error - An unexpected error occurred while processing the request
        msg (str): Error message when code != 200 Example: success.
        data (None | Unset | UploadExtendData):
    """

    code: ApiCode | int
    msg: str
    data: None | Unset | UploadExtendData = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.upload_extend_data import UploadExtendData  # noqa: PLC0415

        code: int
        if isinstance(self.code, ApiCode):
            code = self.code.value
        else:
            code = self.code

        msg = self.msg

        data: dict[str, Any] | None | Unset
        if isinstance(self.data, Unset):
            data = UNSET
        elif isinstance(self.data, UploadExtendData):
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
        from ..models.upload_extend_data import UploadExtendData  # noqa: PLC0415

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

        def _parse_data(data: object) -> None | Unset | UploadExtendData:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                data_type_0 = UploadExtendData.from_dict(data)

                return data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UploadExtendData, data)

        data = _parse_data(d.pop("data", UNSET))

        upload_extend_response = cls(
            code=code,
            msg=msg,
            data=data,
        )

        upload_extend_response.additional_properties = d
        return upload_extend_response

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
