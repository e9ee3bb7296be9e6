"""Which incidents have an alert waiting, why, and when it goes out: /list and /status say it.

Storm control and quiet hours hold tier III/IV alerts in the outbox (their
`next_attempt_at` is in the future). Without a word about it, /list shows an
incident whose alert has not appeared yet; this module names the wait.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.models import NoticeKind, Notification, Tier
from bot.render import local_time
from bot.store.base import Store
from bot.storm import grouped, quiet_until

DIGEST = "汇总中"
QUIET = "静默时段"
RETRY = "等待重发"


@dataclass(frozen=True)
class Held:
    reason: str  # DIGEST, QUIET or RETRY
    until: datetime

    def line(self, zone: ZoneInfo) -> str:
        """`⏳ 告警汇总中，预计 11-26 08:35 发出` — what a duty officer reads under the incident."""
        mark = "🌙" if self.reason == QUIET else "⏳"
        return f"{mark} 告警{self.reason}，预计 {local_time(self.until, zone)} 发出"


def why_held(config: Config, note: Notification, now: datetime) -> Held | None:
    """The wait of one unsent alert entry, or None when it goes out now."""
    if note.kind is not NoticeKind.ALERT or note.sent_at is not None:
        return None
    if note.next_attempt_at is None or note.next_attempt_at <= now:
        return None
    if note.attempts:
        return Held(RETRY, note.next_attempt_at)
    tier = Tier(note.priority) if note.priority in {t.value for t in Tier} else None
    if tier is not None and quiet_until(config, tier, now) is not None:
        return Held(QUIET, note.next_attempt_at)
    if tier is None or grouped(config, tier):
        return Held(DIGEST, note.next_attempt_at)
    return Held(RETRY, note.next_attempt_at)


async def held_alerts(store: Store, config: Config, now: datetime) -> dict[str, Held]:
    """Incident number → its earliest waiting alert (one incident may wait in several chats)."""
    pending = await store.pending_notifications(now + timedelta(days=3650), limit=100_000)
    held: dict[str, Held] = {}
    for note in pending:
        wait = why_held(config, note, now)
        if wait is None or not note.incident:
            continue
        if note.incident not in held or wait.until < held[note.incident].until:
            held[note.incident] = wait
    return held
