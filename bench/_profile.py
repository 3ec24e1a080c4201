"""Where the time goes when a row misses its target: cProfile, summarised per profiled operation.

py-spy and pyinstrument are not dependencies of the project; cProfile is enough to tell our frames from
httpx's, and its overhead falls on every frame alike, so shares are read, not absolute times. In-process
profiles use cProfile's default clock; servers profile themselves in CPU time (``bench._served``), because on
two cores the load generator keeps preempting them and wall time would charge that to whatever frame ran.
"""

from __future__ import annotations

import cProfile
import pstats
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
_WAITING = ("select.epoll", "select.select", "select.poll", "time.sleep", "lock' objects>")
_WRAPPER_SHARE = 0.8  # a frame holding this much of a profile (or of our outermost frame) only wraps the culprits
_OURS = (str(ROOT / "overlays"), str(ROOT / "generated"), str(ROOT / "conformance"))


Entries = dict[tuple[str, int, str], tuple[int, int, float, float, Any]]


def entries_of(source: cProfile.Profile | str | Path) -> Entries:
    """Return the raw pstats entries of a profiler or of a file written by ``python -m cProfile -o``."""
    stats = pstats.Stats(source if isinstance(source, cProfile.Profile) else str(source))
    found: Entries = stats.stats  # type: ignore[attr-defined]
    return found


def _where(key: tuple[str, int, str]) -> str:
    filename, line, name = key
    if filename == "~":
        return name  # a builtin: "<built-in method ...>"
    path = Path(filename)
    try:
        shown = str(path.relative_to(ROOT))
    except ValueError:
        parts = path.parts
        shown = "/".join(parts[parts.index("site-packages") + 1 :]) if "site-packages" in parts else path.name
    return f"{shown}:{line}({name})"


def is_ours(key: tuple[str, int, str]) -> bool:
    """Return whether a profile entry is a frame of this repository's code (overlay, generated, mock)."""
    return key[0].startswith(_OURS)


def profile(call: Callable[[], object], operations: int, *, limit: int = 12) -> dict[str, Any]:
    """Profile ``call`` (which performs ``operations`` operations); return ``summarise`` of it."""
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    return summarise(entries_of(profiler), operations, limit=limit)


def summarise(entries: Entries, operations: int, *, limit: int = 20) -> dict[str, Any]:
    """Return the top frames of a profile per operation.

    Returns:
        ``total_us``: profiled microseconds per operation; ``ours_cumulative``: our frames by cumulative time
        (microseconds per operation and share of the total); ``all_self``: every frame by its own time.
    """
    total = max(sum(value[2] for value in entries.values()), 1e-12)

    def row(key: tuple[str, int, str], seconds: float) -> dict[str, Any]:
        return {
            "frame": _where(key),
            "us_per_op": round(seconds / operations * 1e6, 2),
            "share": round(seconds / total, 3),
        }

    ours = sorted((item for item in entries.items() if is_ours(item[0])), key=lambda item: -item[1][3])
    own = sorted(entries.items(), key=lambda item: -item[1][2])
    return {
        "total_us": round(total / operations * 1e6, 2),
        "ours_cumulative": [row(key, value[3]) for key, value in ours[:limit]],
        "all_self": [row(key, value[2]) for key, value in own[:limit]],
    }


def _culprits(profiled: dict[str, Any]) -> list[dict[str, Any]]:
    """Return our frames by cumulative time without the entry points that wrap most of our time."""
    frames: list[dict[str, Any]] = profiled["ours_cumulative"]
    if not frames:
        return []
    outermost = max(item["us_per_op"] for item in frames)
    return [
        item for item in frames if item["share"] < _WRAPPER_SHARE and item["us_per_op"] < _WRAPPER_SHARE * outermost
    ]


def heaviest(profiled: dict[str, Any], *, count: int = 5, unit: str = "us", scale: float = 1.0) -> str:
    """Return our heaviest frames by cumulative time, skipping entry points that span most of the run."""
    return "; ".join(f"{item['frame']} {item['us_per_op'] * scale:.3g} {unit}" for item in _culprits(profiled)[:count])


def origin(key: tuple[str, int, str]) -> str:
    """Return who a frame belongs to: our package, a third-party distribution, a stdlib module, or C."""
    filename = key[0]
    path = Path(filename)
    parts = path.parts
    stdlib = next((index for index, part in enumerate(parts) if re.fullmatch(r"python3\.\d+", part)), None)
    if filename == "~" and any(word in key[2] for word in _WAITING):
        found = "waiting (epoll, select, sleep)"
    elif filename == "~":
        found = "C calls (builtins, extension methods)"
    elif filename.startswith(str(ROOT / "overlays")):
        found = "suno_api (overlay)"
    elif filename.startswith(str(ROOT / "generated")):
        found = "suno_api_client (generated)"
    elif filename.startswith(str(ROOT / "conformance")):
        found = "conformance." + path.relative_to(ROOT / "conformance").parts[0]
    elif "site-packages" in parts:
        found = parts[parts.index("site-packages") + 1].removesuffix(".py")
    elif filename.startswith("<frozen"):
        found = "stdlib:importlib"
    elif stdlib is not None and stdlib + 1 < len(parts):
        found = "stdlib:" + parts[stdlib + 1].removesuffix(".py")
    else:
        found = path.name
    return found


def by_origin(entries: Entries, operations: int) -> dict[str, float]:
    """Return the self time of each origin in microseconds per operation."""
    totals: dict[str, float] = {}
    for key, value in entries.items():
        name = origin(key)
        totals[name] = totals.get(name, 0.0) + value[2]
    return {name: seconds / operations * 1e6 for name, seconds in totals.items()}


def origin_diff(
    ours: Entries, ours_ops: int, baseline: Entries, baseline_ops: int, *, limit: int = 10
) -> list[dict[str, Any]]:
    """Return, per origin, the self time per operation on each side and what ours adds, largest first."""
    a, b = by_origin(ours, ours_ops), by_origin(baseline, baseline_ops)
    rows: list[dict[str, Any]] = [
        {
            "origin": name,
            "ours_us": round(a.get(name, 0.0), 2),
            "baseline_us": round(b.get(name, 0.0), 2),
            "extra_us": round(a.get(name, 0.0) - b.get(name, 0.0), 2),
        }
        for name in a.keys() | b.keys()
    ]
    return sorted(rows, key=lambda row: -row["extra_us"])[:limit]


def brief_diff(rows: list[dict[str, Any]], *, count: int = 5) -> str:
    """Return one line: how the extra self time per operation splits between origins (shares of the extra).

    Shares, not microseconds: the profiler's own overhead inflates every frame, so only proportions hold.
    """
    extra = [row for row in rows if row["extra_us"] > 0]
    total = sum(row["extra_us"] for row in extra) or 1.0
    shares = "; ".join(f"{row['origin']} {row['extra_us'] / total:.0%}" for row in extra[:count])
    return f"The extra time by origin (cProfile, shares of what ours adds): {shares}"
