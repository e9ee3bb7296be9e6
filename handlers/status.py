"""/status — 运行状态：来源健康、待发送消息、未办结事件。"""

from __future__ import annotations

from bot.models import Status
from bot.render import local_time
from bot.services import Services
from bot.silences import Silences, status_lines
from handlers.base import Handler, Request


async def run(req: Request, services: Services) -> list[str]:
    store, zone = services.store, services.config.zone
    now = services.clock.now()
    open_count = len(await store.incidents(statuses=[Status.NEW, Status.ACKNOWLEDGED, Status.ASSIGNED]))
    pending = len(await store.pending_notifications(now, limit=10_000))
    lines = [f"📡 运行状态  未办结事件 {open_count} 条  待发送消息 {pending} 条", "来源："]
    for source in services.config.sources:
        if not source.enabled:
            continue
        state = await store.get_source_state(source.id)
        health = state.get("health", {})
        failures = health.get("failures", 0)
        mark = "✅" if failures == 0 and health.get("last_success") else ("❌" if failures else "⏳")
        last_ok = health.get("last_success")
        line = f"{mark} {source.name or source.id}  最近成功 {local_time(_parse(last_ok), zone) if last_ok else '—'}"
        line += f"  累计 {health.get('items_seen', 0)} 条"
        if failures:
            line += f"\n   连续失败 {failures} 次：{health.get('last_error', '')}"
        lines.append(line)
    lines += status_lines(await Silences(store).active(now), zone)
    return ["\n".join(lines)]


def _parse(value: str):
    from datetime import datetime

    return datetime.fromisoformat(value)


HANDLER = Handler("status", "/status", "运行状态与来源健康", run)
