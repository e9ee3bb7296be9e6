"""/ack [编号] [备注] — 确认收到告警。"""

from __future__ import annotations

from bot.models import ActionKind
from bot.services import Services
from handlers.base import REPEATED, Handler, Request, act, free_text


async def run(req: Request, services: Services) -> list[str]:
    note, shortened = free_text(req.args)
    inc = await act(req, services, ActionKind.ACK, note=note)
    if inc is None:
        return [REPEATED.format(number=req.incident.number)]
    return [f"✅ {inc.number} 已由{req.person.name}确认{shortened}"]


HANDLER = Handler("ack", "/ack [编号] [备注]", "确认收到告警", run, needs_incident=True)
