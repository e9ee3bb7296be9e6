"""Briefings (舆情简报) and single-incident reports (舆情专报), as Chinese text.

First plain version: counts by tier, open and overdue incidents, resolved
ones with results. The full briefing (chart, docx, evaluation) replaces it.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta

from bot.models import Status, Tier
from bot.render import deadline_line, local_time
from bot.services import Services

PERIOD_NAMES = {"today": "今日", "yesterday": "昨日", "week": "近7日"}


def period_bounds(period: str, now: datetime, zone) -> tuple[datetime, datetime]:
    local_midnight = datetime.combine(now.astimezone(zone).date(), time(), zone)
    if period == "yesterday":
        return local_midnight - timedelta(days=1), local_midnight
    if period == "week":
        return local_midnight - timedelta(days=6), now + timedelta(seconds=1)
    return local_midnight, now + timedelta(seconds=1)


async def build_briefing(services: Services, period: str = "today") -> str:
    now, zone = services.clock.now(), services.config.zone
    start, end = period_bounds(period, now, zone)
    every = await services.store.incidents()
    new = [i for i in every if start <= i.discovered_at < end]
    by_tier = Counter(i.tier for i in new)
    negative = sum(1 for i in new if i.sentiment.label == "negative")
    lines = [
        f"📰 舆情简报（{PERIOD_NAMES.get(period, period)}）{local_time(start, zone)} 至 {local_time(min(end, now), zone)}",
        f"新增 {len(new)} 条："
        + "  ".join(f"{t.emoji}{t.roman} {by_tier.get(t, 0)}" for t in Tier)
        + f"  负面 {negative}",
    ]
    open_ = [i for i in every if i.is_open and i.tier.pushed]
    if open_:
        lines.append(f"未办结 {len(open_)} 条：")
        for inc in sorted(open_, key=lambda i: (i.tier.value, i.discovered_at))[:15]:
            who = inc.assignee or "未指派"
            lines.append(f"  {inc.tier.emoji}{inc.number} {inc.title[:30]}（{who}）{deadline_line(inc, now)}")
    resolved = [i for i in every if i.status is Status.RESOLVED and i.resolved_at and start <= i.resolved_at < end]
    if resolved:
        lines.append(f"已办结 {len(resolved)} 条：")
        lines += [f"  {i.number} {i.title[:30]}：{i.result}" for i in resolved[:15]]
    return "\n".join(lines)


async def incident_report(services: Services, number: str) -> str:
    zone = services.config.zone
    inc = await services.store.get_incident(number)
    if inc is None:
        return f"没有编号为 {number} 的事件"
    lines = [
        f"📑 舆情专报 {inc.number}",
        f"{inc.tier.emoji}{inc.tier.roman} {inc.tier.label} · {inc.status.label}",
        f"标题：{inc.title}",
        f"链接：{inc.url}",
        f"研判：{inc.reason}",
        "时间线：",
    ]
    for action in await services.store.actions(number):
        note = f"：{action.note}" if action.note else ""
        extra = f" → {action.assignee}" if action.assignee else ""
        lines.append(f"  {local_time(action.at, zone)} {action.actor.display} {action.kind.value}{extra}{note}")
    return "\n".join(lines)


async def send_scheduled_briefing(services: Services, slot: str) -> bool:
    """Queue the briefing for `slot` (HH:MM) to every chat, at most once per day."""
    from bot.incidents import text_notification
    from bot.routing import all_targets

    now, zone = services.clock.now(), services.config.zone
    key = f"briefing:{now.astimezone(zone):%Y%m%d}:{slot}"
    if not await services.store.set_meta_if_absent(key, now.isoformat()):
        return False
    text = await build_briefing(services, "today")
    await services.store.enqueue([text_notification(t, text, now, key) for t in all_targets(services.config.chats)])
    services.wake_delivery()
    return True
