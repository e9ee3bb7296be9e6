"""/watch 关键词 [时长] — 紧急关注：突发事件期间临时加一个监测词，并加密轮询。"""

from __future__ import annotations

import uuid
from datetime import timedelta

from bot.durations import format_duration, parse_duration
from bot.models import Action, ActionKind
from bot.render import local_time
from bot.services import Services
from bot.watches import DEFAULT_DURATION, MAX_DURATION, MAX_TERM, add_watch
from handlers.base import Handler, Request, UsageError


def parse_args(args: tuple[str, ...]) -> tuple[str, timedelta]:
    """(term, duration): a last argument that reads as a duration is the duration."""
    if not args:
        raise UsageError("请给出要紧急关注的关键词")
    duration = DEFAULT_DURATION
    words = list(args)
    if len(words) >= 2:
        try:
            duration = parse_duration(words[-1])
            words.pop()
        except ValueError:
            pass
    term = " ".join(words).strip()
    if not term or len(term) > MAX_TERM:
        raise UsageError(f"关键词应为 1 到 {MAX_TERM} 个字")
    if not duration.total_seconds() or duration > MAX_DURATION:
        raise UsageError(f"时长应在 {format_duration(MAX_DURATION)} 以内，例如 24h、6小时")
    return term, duration


async def run(req: Request, services: Services) -> list[str]:
    term, duration = parse_args(req.args)
    now = services.clock.now()
    note = f"开启紧急关注「{term}」，时长 {format_duration(duration)}"
    action = Action(
        id=req.action_id or f"watch:{uuid.uuid4().hex}",
        incident="",
        kind=ActionKind.NOTE,
        actor=req.actor,
        at=now,
        note=note,
        chat=req.command.target.key,
    )
    found = 0
    if await services.store.append_action(action):
        watch = await add_watch(services.store, term, duration, req.person.name, now)
        until = watch.until
        if services.watch_backfill is not None:
            found = await services.watch_backfill(term)
    else:  # the same message delivered twice: already done
        until = now + duration
    fast = [s for s in services.config.sources if s.enabled and s.watch]
    lines = [
        f"🚨 已开启紧急关注「{term}」，至 {local_time(until, services.config.zone)}（{format_duration(duration)}）。"
    ]
    lines.append("含该词的内容将作为「紧急关注」事件推送。")
    if found:
        lines.append(f"已回溯最近24小时已采集的内容，新发现 {found} 条相关事件。")
    if fast:
        every = min(s.watch_every for s in fast)
        lines.append(f"{len(fast)} 个重点来源改为每 {format_duration(every)} 轮询一次。")
    lines.append(f"结束请发送 /unwatch {term}")
    return ["\n".join(lines)]


HANDLER = Handler("watch", "/watch 关键词 [时长，默认24h]", "紧急关注：临时监测词并加密轮询", run)
