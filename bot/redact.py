"""The one redaction helper: no secret is ever printed or stored.

Secrets are known two ways. By shape: the password part of any URL
(`redis://:PASSWORD@host`) and Telegram bot tokens (`123456:ABC…`, also
inside `/bot<token>/` API URLs). By value: every secret the config holds
(token and password keys, URL passwords, and ${ENV} values whose variable
name says TOKEN, PASSWORD, SECRET or KEY) is registered at load time with
`register`, and then replaced wherever it appears (a token echoed in a
query string or an error page included).

Used by the log formatter (`RedactingFormatter`, set by bot.logs: every line and traceback),
exception texts shown to users (`配置错误`/`存储错误`), /status, /healthz,
and what is stored (source errors).
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

MASK = "***"
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^:/?#@\s]*:)(?P<password>[^@/?#\s]+)(?=@)")
_BOT_TOKEN = re.compile(r"\b\d{5,12}:[A-Za-z0-9_\-]{30,}")
_MIN_SECRET = 4  # shorter "secrets" would mask ordinary words
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None
_lock = threading.Lock()


def register(*values: str) -> None:
    """Remember secret values; from now on `redact` masks them wherever they appear."""
    global _pattern
    fresh = {v for v in values if v and len(v) >= _MIN_SECRET} - _secrets
    if not fresh:
        return
    with _lock:
        _secrets.update(fresh)
        ordered = sorted(_secrets, key=len, reverse=True)  # a longer secret before any part of it
        _pattern = re.compile("|".join(re.escape(s) for s in ordered))


def redact(text: Any) -> str:
    """`text` (anything; str() taken) with every known and every recognisable secret masked."""
    out = str(text)
    if _pattern is not None:
        out = _pattern.sub(MASK, out)
    out = _URL_PASSWORD.sub(lambda m: m.group("head") + MASK, out)
    return _BOT_TOKEN.sub(MASK, out)


def redact_url(url: str) -> str:
    return redact(url)


class RedactingFormatter(logging.Formatter):
    """Wraps a handler's formatter: formats as it does, then masks secrets in the whole text, traceback included."""

    def __init__(self, inner: logging.Formatter) -> None:
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        return redact(self.inner.format(record))
