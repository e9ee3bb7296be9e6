"""/note [编号] 内容 — 给事件添加备注（记入处置记录，不改变状态）。"""

from __future__ import annotations

import uuid

from bot.models import Action, ActionKind
from bot.services import Services
from handlers.base import REPEATED, Handler, Request, UsageError, free_text


async def run(req: Request, services: Services) -> list[str]:
    assert req.incident is not None
    text, shortened = free_text(req.args)
    if not text:
        raise UsageError("缺少备注内容")
    number = req.incident.number
    action = Action(
        id=req.action_id or uuid.uuid4().hex,
        incident=number,
        kind=ActionKind.NOTE,
        actor=req.actor,
        at=services.clock.now(),
        note=text,
        chat=req.command.target.key,
    )
    # A note changes no state, so no card is re-rendered; it shows in /brief 编号 and the export.
    if not await services.store.append_action(action):
        return [REPEATED.format(number=number)]
    return [f"📝 {number} 已记录备注：{text}{shortened}"]


HANDLER = Handler("note", "/note [编号] 内容", "添加备注（记入处置记录）", run, needs_incident=True)
