"""/resolve [编号] 处置结果 — 办结事件并记录处置结果。"""

from __future__ import annotations

from bot.models import ActionKind
from bot.services import Services
from handlers.base import Handler, Request, UsageError


async def run(req: Request, services: Services) -> list[str]:
    assert req.incident is not None
    result = " ".join(req.args).strip()
    if not result:
        raise UsageError("缺少处置结果")
    inc, event = await services.incidents.act(
        req.incident.number,
        ActionKind.RESOLVE,
        req.actor,
        services.clock.now(),
        note=result,
        chat=req.command.target.key,
        action_id=req.action_id,
    )
    services.wake_delivery()
    if event is None:
        return [f"{inc.number} 此前已处理，未重复操作"]
    return [f"🏁 {inc.number} 已办结：{result}"]


HANDLER = Handler("resolve", "/resolve [编号] 处置结果", "办结并记录处置结果", run, needs_incident=True)
