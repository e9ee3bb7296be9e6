"""/merge [编号] 目标编号 — 把重复的事件并入讲同一件事的事件（回复重复事件的告警时只写目标编号）。"""

from __future__ import annotations

from bot.cards import is_card
from bot.commands import INCIDENT_NUMBER
from bot.services import Services
from handlers.base import REPEATED, Handler, Request, UsageError, clip


async def run(req: Request, services: Services) -> list[str]:
    assert req.incident is not None
    duplicate, into = await _numbers(req, services)
    target, merged = await services.incidents.merge(
        duplicate,
        into,
        req.actor,
        services.clock.now(),
        chat=req.command.target.key,
        action_id=req.action_id,
    )
    services.wake_delivery()
    if merged is None:
        return [REPEATED.format(number=duplicate)]
    return [
        f"🔗 {duplicate} 已并入 {target.number}「{clip(target.title)}」：现共 {target.spread} 条信息、"
        f"{len(target.sources)} 个来源，{target.tier.roman} {target.tier.label}。{duplicate} 之后的转载并入 {target.number}。"
    ]


async def _numbers(req: Request, services: Services) -> tuple[str, str]:
    """(the duplicate, the incident it joins). `/merge 重复编号 目标编号`; replying to the duplicate's
    card, `/merge 目标编号` (the dispatcher then resolved the written number, the target)."""
    assert req.incident is not None
    if req.args:
        if not INCIDENT_NUMBER.match(req.args[0]):
            raise UsageError(f"「{clip(req.args[0])}」不是事件编号")
        return req.incident.number, req.args[0].upper()
    if req.command.reply_to:
        replied = await services.store.incident_for_message(req.command.target.key, req.command.reply_to)
        if replied and not is_card(replied) and replied != req.incident.number:
            return replied, req.incident.number
    raise UsageError("缺少目标事件编号")


HANDLER = Handler("merge", "/merge [编号] 目标编号", "把重复事件并入同一件事的事件", run, needs_incident=True)
