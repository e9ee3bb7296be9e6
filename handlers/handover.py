"""/handover 备注（交接)— 给本班的交接班卡片加一条备注，换班时随卡片交给下一班。"""

from __future__ import annotations

from bot.roster.handover import add_note
from bot.services import Services
from handlers.base import Handler, Request, UsageError


async def run(req: Request, services: Services) -> list[str]:
    text = " ".join(req.args).strip()
    if not text:
        raise UsageError("请写下要交接的备注")
    return [await add_note(services, text, req.actor, req.command.target.key, req.action_id)]


HANDLER = Handler("handover", "/handover 备注（或：交接 备注）", "给本班交接班卡片加备注", run)
