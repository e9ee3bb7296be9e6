"""Swaps and covers asked for in chat: checked, kept, recorded and announced to every other chat."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from bot.incidents import text_notification
from bot.models import Actor
from bot.roster.model import Override, Roster, Slot, slots_between
from bot.roster.overrides import Overrides
from bot.routing import all_targets
from bot.services import Services

MAX_COVER = timedelta(hours=24)


def parse_day(text: str, now: datetime, roster: Roster) -> date | None:
    """2026-11-28, 11-28, 11/28, 今天, 明天, 后天 → a date (local); None if it reads as none of these."""
    today = now.astimezone(roster.zone).date()
    relative = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2}
    if text in relative:
        return today + timedelta(days=relative[text])
    parts = text.replace("/", "-").replace(".", "-").split("-")
    try:
        if len(parts) == 3:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        if len(parts) == 2:
            day = date(today.year, int(parts[0]), int(parts[1]))
            return day if day >= today - timedelta(days=180) else date(today.year + 1, day.month, day.day)
    except ValueError:
        return None
    return None


def find_slot(roster: Roster, day: date, shift: str) -> Slot | None:
    start = datetime.combine(day, datetime.min.time(), roster.zone)
    found = [s for s in slots_between(roster, start, start + timedelta(days=1)) if s.day == day and s.shift == shift]
    return found[0] if found else None


async def record(services: Services, override: Override, actor: Actor, text: str, chat: str) -> bool:
    """Keep the change, audit it, and tell every other chat; False if this message was applied before."""
    if not await Overrides(services.store).add(override, actor, text, chat):
        return False
    targets = [t for t in all_targets(services.config.chats) if t.key != chat]
    notes = [text_notification(t, f"📋 值班调整：{text}", override.at, override.id) for t in targets]
    if notes:
        await services.store.enqueue(notes)
        services.wake_delivery()
    return True


def override_id(kind: str, action_id: str) -> str:
    """Stable per chat message (a re-delivered command changes nothing twice)."""
    return f"roster:{kind}:{action_id or uuid.uuid4().hex}"
