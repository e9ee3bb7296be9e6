"""/cover 时长 [@某人]（顶班）— 从现在起由某人（缺省为自己）临时顶班，记录在案并通知各群。"""

from __future__ import annotations

from bot.durations import format_duration, parse_duration
from bot.render import local_time
from bot.roster.changes import MAX_COVER, override_id, record
from bot.roster.model import Override
from bot.roster.service import roster_of
from bot.services import Services
from handlers.base import REPEATED, Handler, Request, UsageError


async def run(req: Request, services: Services) -> list[str]:
    if roster_of(services) is None:
        return ["未配置值班表（config.yaml 的 roster: 段），无法顶班"]
    if not 1 <= len(req.args) <= 2:
        raise UsageError("需要时长，可再加接替的人")
    try:
        duration = parse_duration(req.args[0])
    except ValueError:
        raise UsageError(f"时长「{req.args[0]}」看不懂，例如 2h、90m") from None
    if not duration or duration > MAX_COVER:
        raise UsageError(f"时长须大于 0 且不超过 {format_duration(MAX_COVER)}")
    person = services.people.by_name(req.args[1]) if len(req.args) == 2 else req.person
    if person is None:
        raise UsageError(f"「{req.args[1].lstrip('@')}」不在人员名单中")
    now = services.clock.now()
    end = now + duration
    text = f"{person.name} 顶班至 {local_time(end, services.config.zone)}（{format_duration(duration)}，{req.person.name} 操作）"
    override = Override(
        override_id("cover", req.action_id), "cover", person.name, req.person.name, now, start=now, end=end
    )
    if not await record(services, override, req.actor, text, req.command.target.key):
        return [REPEATED.format(number="该顶班")]
    return [f"🛡 已顶班：{text}，期间告警 @ {person.name}"]


HANDLER = Handler("cover", "/cover 时长 [@某人]（如 /cover 2h @王芳）", "顶班：从现在起某人临时值班", run)
