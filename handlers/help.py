"""/help — 命令一览。"""

from __future__ import annotations

from bot.permissions import who_may
from bot.services import Services
from handlers.base import Handler, Request


async def run(req: Request, services: Services) -> list[str]:
    from handlers import REGISTRY  # the registry imports this module

    lines = ["🤖 舆情值守机器人 命令："]
    for handler in REGISTRY.values():
        if handler.name == "start":
            continue
        lines.append(f"{handler.usage} — {handler.summary}（{who_may(handler.name)}）")
    lines.append("编号可省略：直接回复告警消息即可。中文命令：确认、指派、办结、简报、列表、状态、帮助")
    return ["\n".join(lines)]


HANDLER = Handler("help", "/help", "命令一览", run)
START = Handler("start", "/start", "命令一览", run)
