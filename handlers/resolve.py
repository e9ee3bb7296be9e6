"""/resolve [编号] 处置结果 — 办结事件并记录处置结果。"""

from __future__ import annotations

from bot.models import ActionKind
from bot.services import Services
from handlers.base import REPEATED, Handler, Request, UsageError, act, free_text


async def run(req: Request, services: Services) -> list[str]:
    result, shortened = free_text(req.args)
    if not result:
        raise UsageError("缺少处置结果")
    inc = await act(req, services, ActionKind.RESOLVE, note=result)
    if inc is None:
        return [REPEATED.format(number=req.incident.number)]
    return [f"🏁 {inc.number} 已办结：{result}{shortened}"]


HANDLER = Handler("resolve", "/resolve [编号] 处置结果", "办结并记录处置结果", run, needs_incident=True)
