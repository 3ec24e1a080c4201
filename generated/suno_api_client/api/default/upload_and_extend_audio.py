from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.upload_extend_request import UploadExtendRequest
from ...models.upload_extend_response import UploadExtendResponse
from ...types import Response


def _get_kwargs(
    *,
    body: UploadExtendRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/generate/upload-extend",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | UploadExtendResponse | None:
    if response.status_code == 200:
        response_200 = UploadExtendResponse.from_dict(response.json())

        return response_200

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | UploadExtendResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: UploadExtendRequest,
) -> Response[ErrorResponse | UploadExtendResponse]:
    """Upload And Extend Audio

     This API extends audio tracks while preserving the original style of the audio track. It includes
    Suno's upload functionality, allowing users to upload audio files for processing. The expected
    result is a longer track that seamlessly continues the input style.

    Args:
        body (UploadExtendRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | UploadExtendResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: UploadExtendRequest,
) -> ErrorResponse | UploadExtendResponse | None:
    """Upload And Extend Audio

     This API extends audio tracks while preserving the original style of the audio track. It includes
    Suno's upload functionality, allowing users to upload audio files for processing. The expected
    result is a longer track that seamlessly continues the input style.

    Args:
        body (UploadExtendRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | UploadExtendResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: UploadExtendRequest,
) -> Response[ErrorResponse | UploadExtendResponse]:
    """Upload And Extend Audio

     This API extends audio tracks while preserving the original style of the audio track. It includes
    Suno's upload functionality, allowing users to upload audio files for processing. The expected
    result is a longer track that seamlessly continues the input style.

    Args:
        body (UploadExtendRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | UploadExtendResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: UploadExtendRequest,
) -> ErrorResponse | UploadExtendResponse | None:
    """Upload And Extend Audio

     This API extends audio tracks while preserving the original style of the audio track. It includes
    Suno's upload functionality, allowing users to upload audio files for processing. The expected
    result is a longer track that seamlessly continues the input style.

    Args:
        body (UploadExtendRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | UploadExtendResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
