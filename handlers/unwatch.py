"""/unwatch 关键词|all — 结束紧急关注。"""

from __future__ import annotations

import uuid

from bot.models import Action, ActionKind
from bot.services import Services
from bot.watches import active_watches, remove_watch
from handlers.base import Handler, Request, UsageError, clip

ALL = {"all", "全部", "*"}


async def run(req: Request, services: Services) -> list[str]:
    if not req.args:
        raise UsageError("请给出要结束的关键词（或 all）")
    term = " ".join(req.args).strip()
    now = services.clock.now()
    removed = await remove_watch(services.store, "*" if term in ALL else term, now)
    if not removed:
        current = [w.term for w in await active_watches(services.store, now)]
        hint = f"当前关注：{'、'.join(current)}" if current else "当前没有紧急关注"
        return [f"没有关于「{clip(term)}」的紧急关注。{hint}"]
    names = "、".join(f"「{w.term}」" for w in removed)
    await services.store.append_action(
        Action(
            id=req.action_id or f"unwatch:{uuid.uuid4().hex}",
            incident="",
            kind=ActionKind.NOTE,
            actor=req.actor,
            at=now,
            note=f"结束紧急关注{names}",
            chat=req.command.target.key,
        )
    )
    return [f"已结束紧急关注{names}，重点来源恢复常规轮询。"]


HANDLER = Handler("unwatch", "/unwatch 关键词|all", "结束紧急关注", run)
