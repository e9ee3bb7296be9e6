"""/unmute 编号|关键词 — 解除静默。"""

from __future__ import annotations

from bot.services import Services
from bot.silences import Silences
from handlers.base import Handler, Request, UsageError, clip


async def run(req: Request, services: Services) -> list[str]:
    subject = req.incident.number if req.incident is not None else " ".join(req.args).strip()
    if not subject:
        raise UsageError("缺少事件编号或关键词")
    now = services.clock.now()
    lifted = await Silences(services.store).lift(subject, req.actor, now, req.command.target.key)
    if not lifted:
        return [f"「{clip(subject)}」没有生效中的静默。/status 可查看全部静默"]
    services.wake_delivery()
    return [f"🔔 已解除{lifted[0].label}的静默"]


HANDLER = Handler("unmute", "/unmute 编号|关键词", "解除静默", run)
