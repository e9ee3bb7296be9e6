"""/watch 关键词 [时长] — 紧急关注：突发事件期间临时加一个监测词，并加密轮询。"""

from __future__ import annotations

import uuid
from datetime import timedelta

from bot.durations import format_duration, parse_duration
from bot.models import Action, ActionKind
from bot.render import local_time
from bot.roster.taskforce import SHIFT, TaskForce, add_task_force
from bot.services import Services
from bot.watches import DEFAULT_DURATION, MAX_DURATION, MAX_TERM, add_watch
from handlers.base import Handler, Request, UsageError

TASK_FORCE = "专班"


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


def split_task_force(args: tuple[str, ...], services: Services) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(watch args, 专班 names): `… 专班 @甲 @乙` names people who take the watch's alerts in turns."""
    if TASK_FORCE not in args:
        return args, ()
    at = args.index(TASK_FORCE)
    names = []
    for raw in args[at + 1 :]:
        person = services.people.by_name(raw)
        if person is None:
            raise UsageError(f"专班成员「{raw.lstrip('@')}」不在人员名单中")
        names.append(person.name)
    if not names:
        raise UsageError("「专班」后请列出成员，如 专班 @李明 @赵磊")
    return args[:at], tuple(dict.fromkeys(names))


async def run(req: Request, services: Services) -> list[str]:
    args, force = split_task_force(req.args, services)
    term, duration = parse_args(args)
    now = services.clock.now()
    note = f"开启紧急关注「{term}」，时长 {format_duration(duration)}"
    if force:
        note += f"，专班 {'、'.join(force)}"
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
        if force:
            await add_task_force(services.store, TaskForce(term, force, now, until, req.person.name))
        if services.watch_backfill is not None:
            found = await services.watch_backfill(term)
    else:  # the same message delivered twice: already done
        until = now + duration
    fast = [s for s in services.config.sources if s.enabled and s.watch]
    lines = [
        f"🚨 已开启紧急关注「{term}」，至 {local_time(until, services.config.zone)}（{format_duration(duration)}）。"
    ]
    lines.append("含该词的内容将作为「紧急关注」事件推送。")
    if force:
        hours = format_duration(SHIFT)
        lines.append(f"👮 专班：{'、'.join(force)}，每 {hours}轮换（下一位为备班），该关注的告警 @ 专班值班员。")
    if found:
        lines.append(f"已回溯最近24小时已采集的内容，新发现 {found} 条相关事件。")
    if fast:
        every = min(s.watch_every for s in fast)
        lines.append(f"{len(fast)} 个重点来源改为每 {format_duration(every)} 轮询一次。")
    lines.append(f"结束请发送 /unwatch {term}")
    return ["\n".join(lines)]


HANDLER = Handler(
    "watch", "/watch 关键词 [时长，默认24h] [专班 @甲 @乙…]", "紧急关注：临时监测词并加密轮询（可指定专班）", run
)
