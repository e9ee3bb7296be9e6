"""Storm control, as alert managers do it: group waits, digests, quiet hours.

Tier I and II alerts are never delayed. For tier III/IV, a chat gets at most
one message per `group_interval`: the first alert goes out (after an
optional `group_wait` that gathers others), and whatever arrives for that
chat within the interval waits and goes out as one digest message. In a
tier's quiet hours its alerts wait until the window ends (the morning),
then go out as a digest like any other group.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.models import Incident, NoticeKind, Notification, Tier
from bot.render import local_time


def grouped(config: Config, tier: Tier) -> bool:
    """Whether alerts of this tier go through group wait and digests."""
    return config.storm.enabled and tier in config.storm.tiers


def hold_until(config: Config, tier: Tier, now: datetime) -> datetime | None:
    """When a new alert of `tier` may first be sent; None means at once."""
    if tier in (Tier.I, Tier.II):
        return None
    wait = config.storm.group_wait
    due = now + wait if grouped(config, tier) and wait > timedelta(0) else None
    end = quiet_until(config, tier, now)
    if end is not None and (due is None or end > due):
        due = end
    return due


def quiet_until(config: Config, tier: Tier, now: datetime) -> datetime | None:
    """The end of `tier`'s quiet hours if `now` is inside them, else None."""
    window = config.quiet_hours.window(tier)
    return quiet_end(window, now, config.zone) if window is not None else None


def quiet_end(window: tuple[time, time], now: datetime, zone: ZoneInfo) -> datetime | None:
    """If `now` falls inside the local window, the moment it ends; else None."""
    start, end = window
    local = now.astimezone(zone)
    today = local.date()
    if start <= end:
        inside = start <= local.time() < end
        end_at = datetime.combine(today, end, zone)
    else:  # crosses midnight, e.g. 22:00-08:00
        inside = local.time() >= start or local.time() < end
        end_day = today + timedelta(days=1) if local.time() >= start else today
        end_at = datetime.combine(end_day, end, zone)
    return end_at if inside else None


def is_storm_alert(config: Config, note: Notification) -> bool:
    return (
        note.kind is NoticeKind.ALERT
        and note.priority in {t.value for t in config.storm.tiers}
        and config.storm.enabled
    )


def group_members(
    config: Config, first: Notification, pending: list[Notification], now: datetime
) -> list[Notification]:
    """The pending storm alerts for `first`'s chat that go out with it now.

    Those held only by the group wait join early; those held by quiet hours
    (or a failed attempt) keep waiting.
    """
    horizon = now + config.storm.group_wait
    return [
        n
        for n in pending
        if n.target == first.target
        and is_storm_alert(config, n)
        and n.attempts == 0
        and (n.next_attempt_at is None or n.next_attempt_at <= horizon)
    ]


def digest_text(incidents: list[Incident], now: datetime, zone: ZoneInfo, names: dict[str, str] | None = None) -> str:
    """One message for many tier III/IV incidents, most serious first."""
    names = names or {}
    ordered = sorted(incidents, key=lambda i: (i.tier.value, i.discovered_at))
    lines = [f"📋 舆情汇总：{len(ordered)} 条较大/一般事件（{local_time(now, zone)}）"]
    for inc in ordered:
        source = names.get(inc.source_id, inc.source_id)
        lines.append(f"{inc.tier.emoji}{inc.tier.roman} {inc.number} {inc.title[:40]}（{source}）")
        if inc.url:
            lines.append(f"   {inc.url}")
    lines.append("回复 /ack 编号 确认，/list 查看全部")
    return "\n".join(lines)


def last_digest_key(target: str) -> str:
    return f"storm:last-digest:{target}"
