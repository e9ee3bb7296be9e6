"""Source health as pure functions of (health dict, now, source config).

Health lives in each source's stored state under "health": since (first
poll), last_success, last_new, failures, last_error, last_failure, retry_at,
items_seen, down, down_since. A failing source waits exponentially longer
(jittered, capped at `backoff_max`, at least the server's Retry-After) and
recovers by itself on its next success.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from bot.config import SourceConfig
from bot.durations import format_duration
from bot.redact import redact

_rng = random.Random()
RETRY_AFTER_MAX = timedelta(hours=6)


def backoff_delay(
    failures: int, every: timedelta, cap: timedelta, retry_after: float | None = None, rng: random.Random = _rng
) -> timedelta:
    """every·2^(failures-1) with ±25% jitter, capped; never shorter than every or Retry-After."""
    raw = every * (2 ** min(max(failures - 1, 0), 20))
    delay = min(raw * (0.75 + 0.5 * rng.random()), max(cap, every))
    delay = max(delay, every)
    if retry_after:
        delay = max(delay, min(timedelta(seconds=retry_after), RETRY_AFTER_MAX))
    return delay


def record_failure(
    health: Mapping[str, Any], error: str, now: datetime, config: SourceConfig, retry_after: float | None = None
) -> dict[str, Any]:
    failures = int(health.get("failures", 0)) + 1
    delay = backoff_delay(failures, config.every, config.backoff_max, retry_after)
    out = dict(health, failures=failures, last_error=redact(error)[:500], last_failure=now.isoformat())
    out.setdefault("since", now.isoformat())
    out["retry_at"] = (now + delay).isoformat()
    return out


def record_success(health: Mapping[str, Any], now: datetime, new: int) -> dict[str, Any]:
    out = dict(health, failures=0, last_error="", last_success=now.isoformat())
    out["items_seen"] = int(health.get("items_seen", 0)) + new
    out.setdefault("since", now.isoformat())
    if new:
        out["last_new"] = now.isoformat()
    out.pop("retry_at", None)
    return out


def is_due(health: Mapping[str, Any], now: datetime) -> bool:
    """False while a failing source is backing off."""
    retry_at = parse_when(health.get("retry_at"))
    return retry_at is None or now >= retry_at


def down_reason(health: Mapping[str, Any], config: SourceConfig, now: datetime) -> str:
    """Why the source counts as down ('' if it does not): failing, or silent, too long."""
    since = parse_when(health.get("since"))
    if since is None:
        return ""
    failures = int(health.get("failures", 0))
    limit = config.expect_every or config.every * 3
    if failures:
        ok = parse_when(health.get("last_success")) or since
        if now - ok >= limit:
            return (
                f"已 {format_duration(now - ok)} 未能成功获取（连续失败 {failures} 次）：{health.get('last_error', '')}"
            )
    if config.expect_every:
        fresh = parse_when(health.get("last_new")) or since
        if now - fresh >= config.expect_every:
            return f"已 {format_duration(now - fresh)} 没有新内容（预期每 {format_duration(config.expect_every)} 至少一条）"
    return ""


def parse_when(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
