"""A client library for accessing Suno API - Upload And Extend Audio"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
