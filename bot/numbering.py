"""Incident numbers YQ-YYYYMMDD-NNNN, by the configured timezone's calendar day."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def day_key(now: datetime, zone: ZoneInfo) -> str:
    return now.astimezone(zone).strftime("%Y%m%d")


def format_number(day: str, sequence: int) -> str:
    return f"YQ-{day}-{sequence:04d}"
