"""/reopen [编号] [原因] — 重新打开已办结的事件。"""

from __future__ import annotations

from bot.models import ActionKind
from bot.services import Services
from handlers.base import REPEATED, Handler, Request, act, free_text


async def run(req: Request, services: Services) -> list[str]:
    reason, shortened = free_text(req.args)
    inc = await act(req, services, ActionKind.REOPEN, note=reason)
    if inc is None:
        return [REPEATED.format(number=req.incident.number)]
    return [f"↩️ {inc.number} 已重新打开（{inc.status.label}）{shortened}"]


HANDLER = Handler("reopen", "/reopen [编号] [原因]", "重新打开已办结事件", run, needs_incident=True)
