"""Contains all the data models used in inputs/outputs"""

from .api_code import ApiCode
from .callback_code import CallbackCode
from .callback_data import CallbackData
from .callback_payload import CallbackPayload
from .callback_track import CallbackTrack
from .callback_type import CallbackType
from .error_response import ErrorResponse
from .record_info_response import RecordInfoResponse
from .record_track import RecordTrack
from .suno_model import SunoModel
from .task_record import TaskRecord
from .task_response import TaskResponse
from .task_status import TaskStatus
from .upload_extend_data import UploadExtendData
from .upload_extend_request import UploadExtendRequest
from .upload_extend_response import UploadExtendResponse
from .vocal_gender import VocalGender

__all__ = (
    "ApiCode",
    "CallbackCode",
    "CallbackData",
    "CallbackPayload",
    "CallbackTrack",
    "CallbackType",
    "ErrorResponse",
    "RecordInfoResponse",
    "RecordTrack",
    "SunoModel",
    "TaskRecord",
    "TaskResponse",
    "TaskStatus",
    "UploadExtendData",
    "UploadExtendRequest",
    "UploadExtendResponse",
    "VocalGender",
)
