"""/takeover（接班，/接班）— 接班人确认已接收交接班。"""

from __future__ import annotations

from bot.roster.handover import accept
from bot.services import Services
from handlers.base import Handler, Request


async def run(req: Request, services: Services) -> list[str]:
    return [await accept(services, req.actor, req.command.target.key)]


HANDLER = Handler("takeover", "/接班（或：接班、/takeover）", "确认接班（交接班卡片）", run)
