"""/status — 运行状态：来源健康、紧急关注、待发送消息、未办结事件。"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.config import SourceConfig
from bot.durations import format_duration
from bot.evidence import pending_numbers
from bot.held_alerts import held_alerts
from bot.models import Status
from bot.redact import redact
from bot.render import local_time
from bot.services import Services
from bot.silences import Silences, status_lines
from bot.source_health import parse_when
from bot.watches import active_watches
from handlers.base import Handler, Request

LIST_ALL_UP_TO = 30  # more sources than this: list only the troubled ones (a chat message has room for ~4,000 chars)


async def run(req: Request, services: Services) -> list[str]:
    store, zone = services.store, services.config.zone
    now = services.clock.now()
    open_count = len(await store.incidents(statuses=[Status.NEW, Status.ACKNOWLEDGED, Status.ASSIGNED]))
    unsent = await store.pending_notifications(now + timedelta(days=3650), limit=10_000)
    held = sum(1 for n in unsent if n.next_attempt_at is not None and n.next_attempt_at > now)
    waiting = f"（其中 {held} 条等待重试、汇总或静默时段结束）" if held else ""
    lines = [f"📡 运行状态  未办结事件 {open_count} 条  待发送消息 {len(unsent)} 条{waiting}"]
    if store.write_error:  # e.g. the disk is full: what happens now is kept in memory only
        lines.append(f"❗ 存储异常：{store.write_error}。新记录暂存内存，恢复写入前请勿重启机器人")
    waiting_evidence = await pending_numbers(store)
    if waiting_evidence:
        shown = "、".join(waiting_evidence[:5]) + ("等" if len(waiting_evidence) > 5 else "")
        lines.append(f"❗ 证据待补存 {len(waiting_evidence)} 个事件（{shown}）：存档写入失败，每分钟重试")
    watches = await active_watches(store, now)
    if watches:
        lines.append("紧急关注：")
        for w in watches:
            left = format_duration(w.until - now)
            lines.append(f"🚨 「{w.term}」至 {local_time(w.until, zone)}（剩 {left}，{w.by or '—'} 开启）")
    lines += await held_lines(services)
    lines += await source_lines(services)
    lines += status_lines(await Silences(store).active(now), zone)
    return [redact("\n".join(lines))]  # source errors and store errors may name URLs


SHOW_HELD = 10


async def held_lines(services: Services) -> list[str]:
    """Incidents whose alert waits (汇总中 / 静默时段 / 等待重发) and when it goes out."""
    zone = services.config.zone
    held = await held_alerts(services.store, services.config, services.clock.now())
    if not held:
        return []
    ordered = sorted(held.items(), key=lambda p: (p[1].until, p[0]))
    lines = [f"告警待发 {len(held)} 条事件："]
    lines += [f"{wait.line(zone)}：{number}" for number, wait in ordered[:SHOW_HELD]]
    if len(ordered) > SHOW_HELD:
        lines.append(f"   （另有 {len(ordered) - SHOW_HELD} 条，/list 查看）")
    return lines


async def source_lines(services: Services) -> list[str]:
    """One line per source; with many sources only the troubled and watch ones, the rest counted."""
    enabled = [s for s in services.config.sources if s.enabled]
    healths = [(await services.store.get_source_state(s.id)).get("health", {}) for s in enabled]
    many = len(enabled) > LIST_ALL_UP_TO
    shown, quiet = [], 0
    for source, health in zip(enabled, healths, strict=True):
        if many and not (health.get("failures") or health.get("down") or health.get("note") or source.watch):
            quiet += 1
            continue
        shown.append(source_line(source, health, services))
    head = f"来源（{len(enabled)} 个）：" if many else "来源："
    tail = [f"✅ 其余 {quiet} 个来源正常"] if quiet else []
    return [head, *shown, *tail]


def source_line(source: SourceConfig, health: dict[str, Any], services: Services) -> str:
    zone = services.config.zone
    failures = int(health.get("failures", 0))
    last_ok = parse_when(health.get("last_success"))
    if health.get("down"):
        mark = "🔴"
    elif failures:
        mark = "❌"
    else:
        mark = "✅" if last_ok else "⏳"
    name = source.name or source.id
    line = f"{mark} {name}  最近成功 {local_time(last_ok, zone)}  累计 {health.get('items_seen', 0)} 条"
    if source.watch:
        line += "  [重点]"
    if failures:
        line += f"\n   连续失败 {failures} 次：{health.get('last_error', '')}"
        retry_at = parse_when(health.get("retry_at"))
        if retry_at and retry_at > services.clock.now():
            line += f"\n   下次重试 {local_time(retry_at, zone)}"
    if health.get("note"):
        line += f"\n   {health['note']}"
    if health.get("down"):
        line += f"\n   自 {local_time(parse_when(health.get('down_since')), zone)} 起判定为异常，已通知监测员"
    return line


HANDLER = Handler("status", "/status", "运行状态、来源健康与紧急关注", run)
