"""/silence 词 时长 — 含该词的新事件暂不推送，列入简报（如已处置的已知事件）。"""

from __future__ import annotations

from bot.durations import parse_duration
from bot.render import local_time
from bot.services import Services
from bot.silences import MAX_SILENCE, Silences
from handlers.base import Handler, Request, UsageError, clip

MAX_WORD = 50  # a silenced word is matched against every new incident


async def run(req: Request, services: Services) -> list[str]:
    if len(req.args) < 2:
        raise UsageError("缺少关键词或时长")
    word, spec = " ".join(req.args[:-1]).strip(), req.args[-1]
    try:
        duration = parse_duration(spec)
    except ValueError:
        raise UsageError(f"时长「{clip(spec)}」看不懂，例如 2h、1d") from None
    if not duration or duration > MAX_SILENCE:
        raise UsageError("时长须大于 0 且不超过 30 天")
    if len(word) < 2:
        raise UsageError("关键词至少两个字，以免误屏蔽")
    if len(word) > MAX_WORD:
        raise UsageError(f"关键词最多 {MAX_WORD} 个字")
    now = services.clock.now()
    silence = await Silences(services.store).add("silence", word, req.actor, now, duration, req.command.target.key)
    until = local_time(silence.until, services.config.zone)
    return [f"🔕 至 {until}，含「{word}」的新事件不推送，记录在案并列入简报。解除：/unmute {word}"]


HANDLER = Handler("silence", "/silence 关键词 时长", "暂不推送含某词的新事件（列入简报）", run)
