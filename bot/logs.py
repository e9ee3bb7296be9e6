"""Log lines stamped in the configured timezone with its offset, as the chats show times.

A duty officer compares a log line with an alert in the group: both must read
the same clock (Asia/Shanghai by default), not the machine's UTC.
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.redact import RedactingFormatter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class ZonedFormatter(logging.Formatter):
    """`2026-11-26 08:30:00.123+08:00`: local time of `zone` and the offset."""

    def __init__(self, zone: ZoneInfo | None, fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        self.zone = zone

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        stamp = datetime.fromtimestamp(record.created, self.zone).astimezone(self.zone)
        return stamp.isoformat(sep=" ", timespec="milliseconds")


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is now (tests swap it), not the one at creation."""

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


def setup_logging(verbose: bool, zone: ZoneInfo | None = None) -> None:
    """One stderr handler for the whole process; call again once the config (its timezone) is read."""
    root = logging.getLogger()
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    handler = next((h for h in root.handlers if getattr(h, "yuqing", False)), None)
    if handler is None:
        handler = _Stderr()
        handler.yuqing = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    handler.setFormatter(RedactingFormatter(ZonedFormatter(zone)))  # every line and traceback: no secrets
