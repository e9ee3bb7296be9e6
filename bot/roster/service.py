"""The roster as the running bot sees it: config + CSV (loaded once) + the store's swaps and covers."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.config import PersonConfig
from bot.roster.loading import load_roster
from bot.roster.model import Duty, Roster, duties_between, duty_at, duty_of, next_slot
from bot.roster.overrides import Overrides
from bot.services import Services


def roster_of(services: Services) -> Roster | None:
    """The configured roster, built on first use and kept on the services (None: no roster)."""
    if services.roster is None and services.config.roster.enabled:
        services.roster = load_roster(services.config)
    return services.roster


async def on_duty(services: Services, now: datetime) -> tuple[Duty | None, Duty | None]:
    """(who is on duty now, who takes the next shift); (None, None) without a roster."""
    roster = roster_of(services)
    if roster is None:
        return None, None
    overrides = await Overrides(services.store).all()
    now_duty = duty_at(roster, overrides, now)
    if now_duty is None:
        return None, None
    after = next_slot(roster, now_duty.slot)
    return now_duty, duty_of(roster, overrides, after) if after is not None else None


def person(services: Services, name: str) -> PersonConfig | None:
    return services.people.by_name(name) if name else None


async def today_text(services: Services, now: datetime) -> str:
    """The morning briefing's line: who holds each of today's shifts; "" without a roster."""
    roster = roster_of(services)
    if roster is None:
        return ""
    today = now.astimezone(roster.zone).date()
    start = datetime.combine(today, datetime.min.time(), roster.zone)
    overrides = await Overrides(services.store).all()
    duties = [d for d in duties_between(roster, overrides, start, start + timedelta(days=1)) if d.slot.day == today]
    parts = [f"{d.slot.shift} {d.duty or '⚠️无人'}（备班 {d.backup or '无'}）" for d in duties]
    leaders = "、".join(dict.fromkeys(d.leader for d in duties if d.leader)) or "无"
    return f"👮 今日值班：{'；'.join(parts)}；带班领导 {leaders}"
