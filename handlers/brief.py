"""/brief [today|yesterday|week|编号] — 简报。"""

from __future__ import annotations

from bot.briefing import build_briefing, incident_report
from bot.commands import INCIDENT_NUMBER
from bot.services import Services
from handlers.base import Handler, Request, UsageError

PERIODS = {
    "today": "today",
    "今天": "today",
    "yesterday": "yesterday",
    "昨天": "yesterday",
    "week": "week",
    "本周": "week",
}


async def run(req: Request, services: Services) -> list[str]:
    arg = req.args[0] if req.args else "today"
    if req.incident is not None:
        return [await incident_report(services, req.incident.number)]
    if INCIDENT_NUMBER.match(arg):
        return [f"没有编号为 {arg.upper()} 的事件"]
    if arg not in PERIODS:
        raise UsageError(f"未知时段「{arg}」")
    return [await build_briefing(services, PERIODS[arg])]


HANDLER = Handler("brief", "/brief [today|yesterday|week|编号]", "简报或单个事件专报", run)
