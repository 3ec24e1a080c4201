r"""Redaction of secrets from human-facing text: messages, log lines, reports. Never applied to data.

A secret can come back from a server in many spellings: as sent, JSON-escaped (``\"``, ``\/``, ``\u0073``,
or escaped twice when a JSON document travels inside a JSON string), or percent-encoded (``%73``, ``%2573``).
Each character of a secret is matched in any of its spellings, so mixed spellings (``sk\u002dkey``) are caught
too. Excerpts are cut after redaction and never inside the marker, so no fragment of a secret survives a cut.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import weakref
from collections.abc import Iterable
from typing import Any, Final

REDACTED: Final = "[REDACTED]"

# JSON's short escapes, by the character they stand for (``/`` may be escaped as ``\/``).
_SHORT_ESCAPES: Final = {'"': '"', "\\": "\\\\", "/": "/", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t"}
_BACKSLASHES: Final = r"\\+"  # one backslash, or several when escaped text was escaped again


def _hex(value: int, width: int) -> str:
    """Return a pattern for ``value`` in hex digits of either case (an escape may be spelt either way)."""
    return "".join(f"[{digit.lower()}{digit.upper()}]" if digit.isalpha() else digit for digit in f"{value:0{width}x}")


def _char_pattern(char: str) -> str:
    code = ord(char)
    forms = [re.escape(char), _BACKSLASHES + re.escape(char)]
    if char in _SHORT_ESCAPES:
        forms.append(_BACKSLASHES + re.escape(_SHORT_ESCAPES[char]))
    if code > 0xFFFF:
        high, low = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
        forms.append(f"{_BACKSLASHES}u{_hex(high, 4)}{_BACKSLASHES}u{_hex(low, 4)}")
    else:
        forms.append(f"{_BACKSLASHES}u{_hex(code, 4)}")
    utf8 = char.encode("utf-8", "surrogatepass")
    # A Python repr of the text (\xe9) or of its UTF-8 bytes (b'\xc3\xa9'), as an httpcore log line shows it.
    if code <= 0xFF:
        forms.append(f"{_BACKSLASHES}x{_hex(code, 2)}")
    forms.append("".join(f"{_BACKSLASHES}x{_hex(byte, 2)}" for byte in utf8))
    # Percent-encoding of each UTF-8 byte, once or twice (%2D, %252D).
    forms.append("".join(f"%(?:25)*{_hex(byte, 2)}" for byte in utf8))
    return "(?:" + "|".join(forms) + ")"


@functools.lru_cache(maxsize=64)
def _pattern(secrets: tuple[str, ...]) -> re.Pattern[str] | None:
    # Longest first, so that a secret containing another is replaced whole.
    usable = sorted({secret for secret in secrets if secret}, key=len, reverse=True)
    if not usable:
        return None
    return re.compile("|".join("".join(_char_pattern(char) for char in secret) for secret in usable))


def _normalise(secrets: Iterable[str | bytes | None]) -> tuple[str, ...]:
    if isinstance(secrets, str | bytes):
        # One secret passed bare: iterating it would make every one of its characters a secret.
        secrets = (secrets,)
    found: list[str] = []
    for secret in secrets:
        text = secret.decode("utf-8", "replace") if isinstance(secret, bytes) else secret
        if text:
            found.append(text)
    return tuple(found)


def redact(text: str, secrets: Iterable[str | bytes | None]) -> str:
    """Return ``text`` with every secret, in any escaped or encoded spelling, replaced by ``[REDACTED]``.

    For messages, log lines and reports only: never apply it to data before decoding it (a one-letter key
    would rewrite every occurrence of that letter).

    Args:
        text: Human-facing text.
        secrets: The secrets to remove (empty and ``None`` entries are ignored).
    """
    pattern = _pattern(_normalise(secrets))
    if pattern is None or not text:
        return text
    return pattern.sub(REDACTED, text)


# Longest spelling of one character of a secret worth planning for (``\\u00e9`` escaped twice is 8).
_SPELLING_WIDTH: Final = 32


def _redacted_prefix(text: str, secrets: tuple[str, ...], limit: int) -> str:
    """Return ``redact`` of enough of ``text`` to cut ``limit`` characters from, without redacting all of it.

    A secret cut by the end of the window could leave a fragment, but only at the window's last
    ``margin`` characters; the window grows until those lie beyond the cut (or it holds the whole text).
    """
    margin = _SPELLING_WIDTH * max((len(secret) for secret in secrets), default=0)
    window = max(limit + margin, 1)
    while True:
        redacted = redact(text[:window], secrets)
        if window >= len(text) or len(redacted) - margin > limit:
            return redacted
        window *= 2


def excerpt(text: str, secrets: Iterable[str | bytes | None], limit: int) -> str:
    """Return the beginning of ``text``, redacted first and then cut to at most ``limit`` characters.

    A cut never falls inside a ``[REDACTED]`` marker (the marker is dropped whole instead), and a cut text
    ends with ``…``, so no fragment of a secret and no half-marker is ever shown.

    Args:
        text: Human-facing text (a body, a message).
        secrets: The secrets to remove first.
        limit: Largest length of the result, ``…`` included (below 1: the result is empty).
    """
    if limit < 1:
        return ""
    found = _normalise(secrets)
    redacted = _redacted_prefix(text, found, limit)
    if len(redacted) <= limit:
        return redacted
    cut = max(limit - 1, 0)
    # A marker that starts before the cut and ends after it goes whole.
    straddling = redacted.find(REDACTED, max(0, cut - len(REDACTED) + 1))
    if -1 < straddling < cut:
        cut = straddling
    return redacted[:cut] + "…"


def redact_exception(exc: BaseException, secrets: Iterable[str | bytes | None]) -> BaseException:
    """Redact ``secrets`` from an exception's message, its string attributes and its notes, in place."""
    found = _normalise(secrets)
    if not found:
        return exc
    exc.args = tuple(redact(arg, found) if isinstance(arg, str) else arg for arg in exc.args)
    for name in ("message", "error_message"):
        value = getattr(exc, name, None)
        if isinstance(value, str):
            with contextlib.suppress(AttributeError):
                setattr(exc, name, redact(value, found))
    notes = getattr(exc, "__notes__", None)
    if isinstance(notes, list):
        notes[:] = [redact(note, found) if isinstance(note, str) else note for note in notes]
    return exc


class _RedactingFilter(logging.Filter):
    """Redacts the secrets of every live client from log records (installed by the clients, see below)."""

    def __init__(self) -> None:
        super().__init__()
        # By identity: holders need not be hashable.
        self._holders: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()

    def hold(self, holder: Any) -> None:
        """Redact ``holder.secrets`` for as long as ``holder`` lives."""
        self._holders[id(holder)] = holder

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = tuple(secret for holder in list(self._holders.values()) for secret in holder.secrets)
        if secrets:
            message = record.getMessage()
            redacted = redact(message, secrets)
            if redacted != message:
                record.msg, record.args = redacted, None
        return True


# httpcore logs every header it receives at DEBUG (a server may echo the key in one); httpx logs each request
# line. Filters on a logger do not see records of its children, so each httpcore logger is named.
_LOGGERS: Final = (
    "suno_api",
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
_FILTER: Final = _RedactingFilter()


def hold_secrets(holder: Any) -> None:
    """Keep ``holder.secrets`` out of the ``suno_api``, ``httpx`` and ``httpcore`` log records while it lives.

    The filter is attached on first use (never at import time), once per logger.
    """
    for name in _LOGGERS:
        target = logging.getLogger(name)
        if _FILTER not in target.filters:
            target.addFilter(_FILTER)
    _FILTER.hold(holder)
