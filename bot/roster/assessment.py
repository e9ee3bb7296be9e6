"""The monthly 考核 report: per 值班员, the alerts on their shifts and how they were answered.

An alert belongs to whoever was 值班员 when it was discovered (swaps and covers
included). Figures: shifts held, alerts, acknowledged within the deadline, median
发现→确认 (the definition in bot.response_times), alerts that escalated past the
值班员 and 备班 to the leaders, handovers accepted late or never.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.briefing.document import Bullets, Para, Report, Table
from bot.durations import format_duration
from bot.models import ActionKind, Incident
from bot.response_times import DEFINITION_NOTE, response_times
from bot.roster.loading import RosterError
from bot.roster.model import Override, Roster, duties_between, duty_at
from bot.roster.overrides import Overrides
from bot.roster.service import roster_of
from bot.services import Services

NOBODY = "（无人值班）"


@dataclass
class PersonFigures:
    name: str
    shifts: int = 0
    alerts: int = 0
    acked_in_time: int = 0
    escalated: int = 0
    handover_late: int = 0
    handover_missing: int = 0
    ack_times: list[timedelta] | None = None

    @property
    def median_ack(self) -> str:
        return format_duration(statistics.median(self.ack_times)) if self.ack_times else "—"


def month_window(month: str, roster: Roster) -> tuple[datetime, datetime]:
    """2026-11 → [11-01 00:00, 12-01 00:00) local time."""
    try:
        year, mon = (int(x) for x in month.split("-"))
        first = date(year, mon, 1)
    except ValueError:
        raise RosterError(f"月份应写作 2026-11，收到 {month!r}") from None
    following = date(year + mon // 12, mon % 12 + 1, 1)
    start = datetime.combine(first, datetime.min.time(), roster.zone)
    return start, datetime.combine(following, datetime.min.time(), roster.zone)


async def monthly_figures(services: Services, month: str) -> list[PersonFigures]:
    roster = roster_of(services)
    if roster is None:
        raise RosterError("未配置值班表（config.yaml 的 roster: 段），无法按值班员考核")
    start, end = month_window(month, roster)
    store = services.store
    overrides = await Overrides(store).all()
    figures: dict[str, PersonFigures] = {}

    def of(name: str) -> PersonFigures:
        return figures.setdefault(name or NOBODY, PersonFigures(name or NOBODY, ack_times=[]))

    duties = [d for d in duties_between(roster, overrides, start, end) if start <= d.slot.start < end]
    for d in duties:
        of(d.duty).shifts += 1
    actions = await store.actions(since=start)
    escalated = {a.incident for a in actions if a.kind is ActionKind.ESCALATE and a.incident}
    for incident in await store.incidents(since=start):
        if incident.discovered_at >= end or not incident.tier.pushed:
            continue
        _count(of(_on_duty(roster, overrides, incident)), incident, incident.number in escalated)
    accepted = {a.id.split(":", 2)[2]: a for a in actions if a.id.startswith("roster:handover-accepted:")}
    cards = {a.id.split(":", 2)[2] for a in actions if a.id.startswith("roster:handover:")}
    for d in duties:
        if d.slot.key not in cards:
            continue  # no card was posted (the bot was not running then)
        taken = accepted.get(d.slot.key)
        if taken is None:
            of(d.duty).handover_missing += 1
        elif taken.note.endswith("（超时）"):
            of(taken.actor.person or d.duty).handover_late += 1
    return sorted(figures.values(), key=lambda f: (f.name == NOBODY, -f.alerts, f.name))


def _on_duty(roster: Roster, overrides: list[Override], incident: Incident) -> str:
    duty = duty_at(roster, overrides, incident.discovered_at)
    return duty.duty if duty is not None else ""


def _count(f: PersonFigures, incident: Incident, escalated: bool) -> None:
    f.alerts += 1
    if incident.acked_at is not None and (incident.ack_deadline is None or incident.acked_at <= incident.ack_deadline):
        f.acked_in_time += 1
    to_ack = response_times(incident).to_ack
    if to_ack is not None and f.ack_times is not None:
        f.ack_times.append(to_ack)
    f.escalated += escalated


async def monthly_report(services: Services, month: str) -> Report:
    rows = await monthly_figures(services, month)
    report = Report(f"值班考核月报（{month}）", "按值班员统计：告警归属发现时的值班员（含换班、顶班）")
    table = Table(
        ("值班员", "值班班次", "告警", "按时确认", "确认用时中位数", "升级到领导", "接班超时", "未接班"),
        tuple(
            (
                f.name,
                str(f.shifts),
                str(f.alerts),
                f"{f.acked_in_time}/{f.alerts}",
                f.median_ack,
                str(f.escalated),
                str(f.handover_late),
                str(f.handover_missing),
            )
            for f in rows
        ),
    )
    report.section("一、值班员考核", table)
    report.section(
        "二、口径",
        Bullets(
            (
                "按时确认：在确认时限（tiers.deadlines）内确认的告警",
                "升级到领导：超时未确认、逐级上报到带班领导或全体的告警",
                "接班超时：超过 roster.handover_accept 才发送 /接班；未接班：交接卡片发出后无人接班",
            )
        ),
        Para(DEFINITION_NOTE),
    )
    return report
