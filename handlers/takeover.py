"""/takeover（接班，/接班）— 接班人确认已接收交接班。"""

from __future__ import annotations

import re

from bot.roster.handover import accept
from bot.services import Services
from handlers.base import Handler, Request

SLOT_KEY = re.compile(r"^\d{4}-\d{2}-\d{2}:\S+$")  # what a handover card's 接班 button carries


async def run(req: Request, services: Services) -> list[str]:
    slot = req.args[0] if req.args and SLOT_KEY.match(req.args[0]) else ""
    return [await accept(services, req.actor, req.command.target.key, slot)]


HANDLER = Handler("takeover", "/接班（或：接班、/takeover）", "确认接班（交接班卡片）", run)
