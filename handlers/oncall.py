"""/oncall（值班）— 现在谁值班、下一班是谁，含备班与带班领导。"""

from __future__ import annotations

from bot.roster.render import duty_text
from bot.roster.service import on_duty
from bot.services import Services
from handlers.base import Handler, Request


async def run(req: Request, services: Services) -> list[str]:
    now_duty, next_duty = await on_duty(services, services.clock.now())
    zone = services.config.zone
    if now_duty is None:
        monitors = "、".join(p.name for p in services.people.with_role("monitor")) or "无"
        return [f"未配置值班表：告警 @ 全体监测员（{monitors}），超时升级到领导。"]
    lines = [f"👮 当前值班 {duty_text(now_duty, zone)}"]
    if next_duty is not None:
        lines.append(f"⏭ 下一班 {duty_text(next_duty, zone)}")
    return ["\n".join(lines)]


HANDLER = Handler("oncall", "/oncall（或：值班）", "现在谁值班，下一班是谁", run)
