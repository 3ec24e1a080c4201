"""The files that track URLs point at: a second of silent MP3 and a one-pixel PNG, built once.

Upstream serves generated audio from a CDN; the mock serves placeholders from itself, so a client that downloads
what it was given can be tested offline.
"""

from __future__ import annotations

import functools
import struct
import zlib

# MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, mono, no CRC, no padding: 417-byte frames of 1152 samples. An all-zero
# side info and main data decode as silence.
_MP3_HEADER = bytes((0xFF, 0xFB, 0x90, 0xC0))
_MP3_FRAME_BYTES = 417
_MP3_FRAMES_PER_SECOND = 39  # 44100 / 1152, rounded up


@functools.cache
def silent_mp3() -> bytes:
    """Return about one second of silent MP3."""
    frame = _MP3_HEADER + bytes(_MP3_FRAME_BYTES - len(_MP3_HEADER))
    return frame * _MP3_FRAMES_PER_SECOND


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@functools.cache
def pixel_png() -> bytes:
    """Return a 1x1 grey PNG."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1x1, 8-bit greyscale
    pixels = zlib.compress(b"\x00\x80")  # filter byte 0, one grey pixel
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", pixels) + _png_chunk(b"IEND", b"")


def file_for(name: str) -> tuple[bytes, str]:
    """Return (content, media type) for a track file name (``<id>.png`` is an image, anything else audio)."""
    if name.endswith(".png"):
        return pixel_png(), "image/png"
    return silent_mp3(), "audio/mpeg"
