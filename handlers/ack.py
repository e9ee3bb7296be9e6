"""/ack [编号] [备注] — 确认收到告警。"""

from __future__ import annotations

from bot.models import ActionKind
from bot.services import Services
from handlers.base import REPEATED, Handler, Request, act


async def run(req: Request, services: Services) -> list[str]:
    inc = await act(req, services, ActionKind.ACK, note=" ".join(req.args))
    if inc is None:
        return [REPEATED.format(number=req.incident.number)]
    return [f"✅ {inc.number} 已由{req.person.name}确认"]


HANDLER = Handler("ack", "/ack [编号] [备注]", "确认收到告警", run, needs_incident=True)
