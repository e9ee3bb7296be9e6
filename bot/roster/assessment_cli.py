"""`yuqing-bot report monthly --month 2026-11 [-o 文件.docx|.md]`: the 考核 report as a file or on screen."""

from __future__ import annotations

from bot.briefing.export import ReportError, check_request, write_files
from bot.clock import SystemClock
from bot.config import Config
from bot.incidents import IncidentService
from bot.people import People
from bot.roster.assessment import monthly_report
from bot.roster.loading import RosterError
from bot.services import Services
from bot.store import read_store


async def export_monthly(config: Config, month: str, out: str | None) -> str:
    if not month:
        raise RosterError("report monthly 需要 --month，例如 --month 2026-11")
    try:
        check_request("monthly", "", out)
    except ReportError as exc:
        raise RosterError(str(exc)) from None
    async with read_store(config.store) as store:  # works while the bot runs
        services = Services(config, store, SystemClock(), People(config.people), IncidentService(config, store))
        report = await monthly_report(services, month)
    return write_files(report, out)
