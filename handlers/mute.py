"""/mute [编号] [时长] — 静默一个事件：不再提醒、升级、推送传播与升级通知。"""

from __future__ import annotations

from bot.durations import parse_duration
from bot.render import local_time
from bot.services import Services
from bot.silences import DEFAULT_MUTE, MAX_SILENCE, Silences
from handlers.base import Handler, Request, UsageError, clip


async def run(req: Request, services: Services) -> list[str]:
    assert req.incident is not None
    duration = DEFAULT_MUTE
    if req.args:
        try:
            duration = parse_duration(req.args[0])
        except ValueError:
            raise UsageError(f"时长「{clip(req.args[0])}」看不懂，例如 2h、30m、1d") from None
    if not duration or duration > MAX_SILENCE:
        raise UsageError("时长须大于 0 且不超过 30 天")
    now = services.clock.now()
    silence = await Silences(services.store).add(
        "mute", req.incident.number, req.actor, now, duration, req.command.target.key
    )
    until = local_time(silence.until, services.config.zone)
    return [
        f"🔕 {req.incident.number} 已静默至 {until}：不再提醒、升级或推送传播通知。解除：/unmute {req.incident.number}"
    ]


HANDLER = Handler("mute", "/mute [编号] [时长]", "静默单个事件的提醒（默认 24 小时）", run, needs_incident=True)
