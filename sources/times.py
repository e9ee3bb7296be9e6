"""Publish times as people and Chinese sites write them → aware datetimes.

Handles ISO 8601, RFC 822 (feeds), `2026年11月26日 08:30`, `2026-11-26`,
`2026/11/26 8:30`, `11-26 08:30` (this year), `3分钟前`, `2小时前`, `刚刚`,
`今天 08:30`, `昨天 14:20`, `前天`. Times without a zone are in the source's
zone (Asia/Shanghai by default); relative ones count back from `now`.
"""

from __future__ import annotations

import email.utils
import re
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

_RELATIVE = re.compile(r"(\d+)\s*(秒|分钟|分|小时|个小时|天|日|周|星期|个月|月|年)\s*前")
_UNIT_SECONDS = {
    "秒": 1, "分钟": 60, "分": 60, "小时": 3600, "个小时": 3600, "天": 86400, "日": 86400,
    "周": 604800, "星期": 604800, "个月": 2592000, "月": 2592000, "年": 31536000,
}  # fmt: skip
_DAY_WORDS = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2}
_CLOCK = re.compile(r"(\d{1,2})\s*[:：时点]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?")
_FULL_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_SHORT_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?(?!\d)")
_ZONE_SUFFIX = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


def parse_time(text: str, now: datetime, zone: tzinfo = SHANGHAI) -> datetime | None:
    """Best-effort parse; None if the text holds no recognisable time."""
    text = (text or "").strip()
    if not text:
        return None
    for parse in (_iso, _rfc822, _relative, _day_word, _dated):
        found = parse(text, now, zone)
        if found is not None:
            return found
    return None


def _iso(text: str, now: datetime, zone: tzinfo) -> datetime | None:
    if not re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", text) or not _ZONE_SUFFIX.search(text):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _rfc822(text: str, now: datetime, zone: tzinfo) -> datetime | None:
    if not re.match(r"^([A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}", text):
        return None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=zone)


def _relative(text: str, now: datetime, zone: tzinfo) -> datetime | None:
    if text.startswith("刚刚") or text == "刚才":
        return now
    m = _RELATIVE.search(text)
    if not m:
        return None
    return now - timedelta(seconds=int(m.group(1)) * _UNIT_SECONDS[m.group(2)])


def _day_word(text: str, now: datetime, zone: tzinfo) -> datetime | None:
    for word, back in _DAY_WORDS.items():
        if text.startswith(word):
            day = now.astimezone(zone).date() - timedelta(days=back)
            return _at(day.year, day.month, day.day, text[len(word) :], zone)
    return None


def _dated(text: str, now: datetime, zone: tzinfo) -> datetime | None:
    m = _FULL_DATE.search(text)
    if m:
        year, month, day = (int(g) for g in m.groups())
        return _at(year, month, day, text[m.end() :], zone)
    m = _SHORT_DATE.search(text)
    if not m:
        return None
    local_now = now.astimezone(zone)
    month, day = int(m.group(1)), int(m.group(2))
    found = _at(local_now.year, month, day, text[m.end() :], zone)
    if found is not None and found > now + timedelta(days=1):  # "12-31" seen on Jan 1st: last year
        found = _at(local_now.year - 1, month, day, text[m.end() :], zone)
    return found


def _at(year: int, month: int, day: int, rest: str, zone: tzinfo) -> datetime | None:
    hour = minute = second = 0
    m = _CLOCK.search(rest)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2))
        second = int(m.group(3) or 0)
        if re.search(r"下午|晚上", rest) and hour < 12:
            hour += 12
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None
