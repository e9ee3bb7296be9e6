"""The public builders: briefing text and chart, 专报, evaluation, and their documents."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import timedelta

from bot.briefing.chart import ChartError, render_chart
from bot.briefing.chattext import report_text
from bot.briefing.content import PERIOD_LABELS, gather, period_window
from bot.briefing.document import Figure, Heading, Report
from bot.briefing.evaluation import Evaluation, evaluate
from bot.briefing.propagation import propagation_blocks, timeline_png
from bot.briefing.reports import briefing_document, evaluation_document, incident_document
from bot.briefing.stats import BriefingData, Window, local_midnight
from bot.briefing.text import render_text
from bot.evidence import EvidenceArchive
from bot.propagation import incident_propagation
from bot.services import Services

log = logging.getLogger(__name__)


def heading_for(data: BriefingData, zone, kind: str = "舆情简报") -> str:
    return f"{kind}（{data.window.label}）{data.now.astimezone(zone):%m月%d日}"


async def briefing_data(services: Services, period: str = "today") -> BriefingData:
    now, zone = services.clock.now(), services.config.zone
    return await gather(services, period_window(period, now, zone))


async def build_briefing(services: Services, period: str = "today") -> str:
    """The briefing for today / yesterday / week as one chat message."""
    data = await briefing_data(services, period)
    return render_text(data, services.config.zone, heading_for(data, services.config.zone))


async def chart_png(data: BriefingData, heading: str) -> bytes | None:
    """The chart, drawn off the event loop; None (logged) if it cannot be drawn."""
    try:
        return await asyncio.to_thread(render_chart, data.daily, data.month, heading)
    except ChartError as exc:
        log.warning("briefing chart skipped: %s", exc)
    except Exception:  # the text briefing must stand alone
        log.exception("briefing chart failed")
    return None


async def incident_document_for(services: Services, number: str) -> Report | None:
    inc = await services.store.get_incident(number)
    if inc is None:
        return None
    actions = await services.store.actions(number)
    config = services.config
    manifest = EvidenceArchive(config.evidence.path, config.zone).manifest(inc) if config.evidence.enabled else None
    now = services.clock.now()
    spread = await incident_propagation(config, services.store, inc, now)
    chart = await timeline_png(spread, f"{inc.number} 传播趋势", config.zone)
    blocks = propagation_blocks(spread, config.zone, chart)
    return incident_document(
        inc, actions, now, config.zone, manifest, services.source_names, services.chat_names, blocks
    )


async def incident_report(services: Services, number: str) -> str:
    """舆情专报 for one incident, as one chat message."""
    return (await incident_report_with_figures(services, number))[0]


async def incident_report_with_figures(services: Services, number: str) -> tuple[str, list[Figure]]:
    """舆情专报 as one chat message, and its pictures (the timeline chart) to send after it."""
    report = await incident_document_for(services, number)
    if report is None:
        return f"没有编号为 {number} 的事件", []
    return report_text(report), report.figures


async def evaluation(services: Services, period: str = "week") -> Evaluation:
    now, zone = services.clock.now(), services.config.zone
    window = period_window(period, now, zone)
    if period == "week":  # a full 7 days, ending now
        window = Window(PERIOD_LABELS["week"], local_midnight(now, zone) - timedelta(days=6), window.end)
    ev = evaluate(await services.store.incidents(), window, now, services.config.people)
    if not services.config.roster.enabled:
        return ev
    from bot.roster.assessment import duty_figures  # imports bot.briefing: a top-level import would cycle

    return replace(ev, duty=await duty_figures(services, window.start, window.end, by_shift=True))


async def evaluation_text(services: Services, period: str = "week") -> str:
    return report_text(evaluation_document(await evaluation(services, period), services.config.zone), "📊")


async def report_document(services: Services, kind: str, arg: str = "") -> Report | None:
    """The Report for `yuqing-bot report` and `/brief … 文档`: daily, weekly, incident, evaluation."""
    zone = services.config.zone
    if kind == "incident":
        return await incident_document_for(services, arg)
    if kind == "evaluation":
        return evaluation_document(await evaluation(services, arg or "week"), zone)
    period = "week" if kind == "weekly" else (arg or "today")
    data = await briefing_data(services, period)
    title = "舆情周报" if kind == "weekly" else "舆情日报"
    report = briefing_document(
        data, zone, f"{title}（{data.window.label}）", await chart_png(data, heading_for(data, zone, title))
    )
    if kind == "weekly":
        ev = evaluation_document(await evaluation(services, "week"), zone)
        report.section("七、总结评估")
        report.blocks.extend(Heading(b.text, 2) if isinstance(b, Heading) else b for b in ev.blocks)
    return report
