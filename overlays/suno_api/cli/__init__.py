"""The ``suno-api`` command line."""

from suno_api.cli._main import main

__all__ = ["main"]
