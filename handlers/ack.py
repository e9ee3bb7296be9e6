"""/ack [编号] [备注] — 确认收到告警。"""

from __future__ import annotations

from bot.models import ActionKind
from bot.services import Services
from handlers.base import Handler, Request


async def run(req: Request, services: Services) -> list[str]:
    assert req.incident is not None
    inc, event = await services.incidents.act(
        req.incident.number,
        ActionKind.ACK,
        req.actor,
        services.clock.now(),
        note=" ".join(req.args),
        chat=req.command.target.key,
        action_id=req.action_id,
    )
    services.wake_delivery()
    if event is None:
        return [f"{inc.number} 此前已处理，未重复操作"]
    return [f"✅ {inc.number} 已由{req.person.name}确认"]


HANDLER = Handler("ack", "/ack [编号] [备注]", "确认收到告警", run, needs_incident=True)
