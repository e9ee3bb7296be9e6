"""Plain-text views of incidents, in Chinese, for the console and WeChat.

Telegram renders its own HTML from the same fields (bot/channels/telegram).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.durations import format_duration
from bot.models import Incident, Status

DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")


def local_time(at: datetime | None, zone: ZoneInfo = DEFAULT_ZONE) -> str:
    return at.astimezone(zone).strftime("%m-%d %H:%M") if at else "—"


def deadline_line(incident: Incident, now: datetime) -> str:
    """What is due next and how long is left (or how overdue it is)."""
    if incident.status is Status.RESOLVED:
        return ""
    if incident.status is Status.NEW and incident.ack_deadline:
        due, what = incident.ack_deadline, "确认"
    elif incident.resolve_deadline:
        due, what = incident.resolve_deadline, "办结"
    else:
        return ""
    left = due - now
    if left.total_seconds() >= 0:
        return f"⏱ {format_duration(left)}内{what}"
    return f"⚠️ 已超时 {format_duration(-left)} 未{what}"


def spread_line(incident: Incident, zone: ZoneInfo = DEFAULT_ZONE, source_name: str = "") -> str:
    """`传播：首发 江城论坛 07:40 · 12 家转载 · 微博热搜第 3`; a single hot-list item: `热榜：…`; else ""."""
    parts = []
    if incident.spread > 1:
        parts += [
            incident.first_or_own(source_name).label(zone, incident.discovered_at),
            f"{incident.spread - 1} 家转载",
        ]
    if incident.hot is not None:
        parts.append(incident.hot.label())
    if not parts:
        return ""
    return ("传播：" if incident.spread > 1 else "热榜：") + " · ".join(parts)


def related_line(incident: Incident) -> str:
    """`疑似同一事件：YQ-…（是的话回复本条 /merge YQ-…）` for an open incident whose story may be
    another open incident's (bot.placement, scored under the merge threshold); else ""."""
    if not incident.related or not incident.is_open:
        return ""
    return f"疑似同一事件：{incident.related}（是的话回复本条 /merge {incident.related}）"


def incident_text(incident: Incident, now: datetime, zone: ZoneInfo = DEFAULT_ZONE, source_name: str = "") -> str:
    tier = incident.tier
    lines = [
        f"{tier.emoji}【{tier.roman} {tier.label}】{incident.number} · {incident.status.label}",
        incident.title,
        f"来源：{source_name or incident.source_id}  发布：{local_time(incident.published_at, zone)}"
        f"  发现：{local_time(incident.discovered_at, zone)}",
    ]
    spread = spread_line(incident, zone, source_name)
    if spread:
        lines.append(spread)
    if incident.match is not None:
        words = "、".join(incident.match.words()[:8])
        lines.append(f"命中：{words}（方案「{incident.scheme}」）")
    if incident.reason:
        lines.append(f"研判：{incident.reason}")
    if incident.progress:
        lines.append(f"进展：{incident.progress}")
    related = related_line(incident)
    if related:
        lines.append(related)
    if incident.assignee:
        lines.append(f"负责人：{incident.assignee}")
    if incident.acked_by:
        lines.append(f"确认：{incident.acked_by} {local_time(incident.acked_at, zone)}")
    if incident.status is Status.RESOLVED:
        lines.append(f"办结：{local_time(incident.resolved_at, zone)} {incident.result}")
    deadline = deadline_line(incident, now)
    if deadline:
        lines.append(deadline)
    if incident.url:
        lines.append(incident.url)
    return "\n".join(lines)


def update_line(incident: Incident, now: datetime, zone: ZoneInfo = DEFAULT_ZONE) -> str:
    """One short line for chats that cannot edit messages (WeChat, console)."""
    detail = {
        Status.NEW: "",
        Status.ACKNOWLEDGED: f"（{incident.acked_by}）",
        Status.ASSIGNED: f"→ {incident.assignee}",
        Status.RESOLVED: f"：{incident.result}",
    }[incident.status]
    tail = deadline_line(incident, now)
    if incident.hot is not None and incident.hot.on_list:
        detail += f" · {incident.hot.label()}"
    return f"更新 {incident.number} {incident.tier.emoji}{incident.tier.roman} {incident.status.label}{detail}" + (
        f"  {tail}" if tail else ""
    )
