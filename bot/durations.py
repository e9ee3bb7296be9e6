"""Durations as people write them in config and chat: 30s, 5m, 2h, 1d, 1h30m, 30分钟."""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS = {
    "s": 1, "sec": 1, "秒": 1,
    "m": 60, "min": 60, "分": 60, "分钟": 60,
    "h": 3600, "小时": 3600, "时": 3600,
    "d": 86400, "天": 86400, "日": 86400,
    "w": 604800, "周": 604800,
}  # fmt: skip
_EXPECTED = "时长应写作 30s、5m、2h、1d 这样的形式"
# Longer than anyone means (a century); beyond it timedelta and datetime arithmetic overflow.
MAX_DURATION = timedelta(days=36500)
_TOO_LONG = f"时长最长 {MAX_DURATION.days} 天（应写作 30s、5m、2h、1d 这样的形式）"
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(分钟|小时|sec|min|[smhdw秒分时天日周])")


def parse_duration(text: str | int | float | timedelta) -> timedelta:
    """Parse '5m' / '1h30m' / '2小时'; a bare number means seconds. Raises ValueError."""
    if isinstance(text, timedelta):
        return text
    if isinstance(text, bool):
        raise ValueError(_EXPECTED)
    if isinstance(text, (int, float)):
        if text < 0:
            raise ValueError(_EXPECTED)
        return _bounded(text)
    if not isinstance(text, str):
        raise ValueError(_EXPECTED)
    s = text.strip().lower()
    if not s:
        raise ValueError(_EXPECTED)
    if re.fullmatch(r"\d+(\.\d+)?", s):
        return _bounded(float(s))
    pos, total = 0, 0.0
    for m in _PART.finditer(s):
        if s[pos : m.start()].strip():
            raise ValueError(_EXPECTED)
        total += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    if pos == 0 or s[pos:].strip():
        raise ValueError(_EXPECTED)
    return _bounded(total)


def _bounded(seconds: float) -> timedelta:
    """A timedelta, or ValueError (never OverflowError) for what no one means: 99999999999999d."""
    if not seconds <= MAX_DURATION.total_seconds():  # also NaN and inf
        raise ValueError(_TOO_LONG)
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    """Short Chinese rendering: 1天2小时, 15分钟, 30秒."""
    seconds = int(abs(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days}天")
    if hours:
        parts.append(f"{hours}小时")
    if minutes and not days:
        parts.append(f"{minutes}分钟")
    if not parts:
        parts.append(f"{secs}秒")
    return "".join(parts)
