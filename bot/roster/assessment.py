"""The monthly 考核 report: per 值班员, the alerts on their shifts and how they were answered.

An alert belongs to whoever was 值班员 when it was discovered (swaps and covers
included). Figures: shifts held, alerts, acknowledged within the deadline, median
发现→确认 (the definition in bot.response_times), alerts that escalated past the
值班员 and 备班 to the leaders, handovers accepted late or never.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.briefing.document import Bullets, Para, Report
from bot.models import ActionKind, Incident
from bot.response_times import DEFINITION_NOTE, response_times
from bot.roster.figures import COUNTING, NOBODY, PersonFigures, figures_table
from bot.roster.loading import RosterError
from bot.roster.model import Roster, duties_between, duty_at
from bot.roster.overrides import Overrides
from bot.roster.service import roster_of
from bot.services import Services


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
    roster = _roster(services)
    start, end = month_window(month, roster)
    return await duty_figures(services, start, end)


def _roster(services: Services) -> Roster:
    roster = roster_of(services)
    if roster is None:
        raise RosterError("未配置值班表（config.yaml 的 roster: 段），无法按值班员考核")
    return roster


async def duty_figures(
    services: Services, start: datetime, end: datetime, by_shift: bool = False
) -> list[PersonFigures]:
    """Per 值班员 (and per shift name with `by_shift`): the figures of the shifts starting in [start, end).

    The one computation behind the monthly report and the 总结评估's 值班员 table.
    """
    roster = _roster(services)
    store = services.store
    overrides = await Overrides(store).all()
    figures: dict[tuple[str, str], PersonFigures] = {}

    def of(name: str, shift: str) -> PersonFigures:
        key = (name or NOBODY, shift if by_shift else "")
        return figures.setdefault(key, PersonFigures(key[0], key[1], ack_times=[]))

    duties = [d for d in duties_between(roster, overrides, start, end) if start <= d.slot.start < end]
    for d in duties:
        of(d.duty, d.slot.shift).shifts += 1
    actions = await store.actions(since=start)
    escalated = {a.incident for a in actions if a.kind is ActionKind.ESCALATE and a.incident}
    for incident in await store.incidents(since=start):
        if incident.discovered_at >= end or not incident.tier.pushed:
            continue
        duty = duty_at(roster, overrides, incident.discovered_at)
        who = of(duty.duty, duty.slot.shift) if duty is not None else of("", "")
        _count(who, incident, incident.number in escalated)
    accepted = {a.id.split(":", 2)[2]: a for a in actions if a.id.startswith("roster:handover-accepted:")}
    cards = {a.id.split(":", 2)[2] for a in actions if a.id.startswith("roster:handover:")}
    for d in duties:
        if d.slot.key not in cards:
            continue  # no card was posted (the bot was not running then)
        taken = accepted.get(d.slot.key)
        if taken is None:
            of(d.duty, d.slot.shift).handover_missing += 1
        elif taken.note.endswith("（超时）"):
            of(taken.actor.person or d.duty, d.slot.shift).handover_late += 1
    order = {s.name: i for i, s in enumerate(roster.shifts)}
    return sorted(figures.values(), key=lambda f: (f.name == NOBODY, -f.alerts, f.name, order.get(f.shift, -1)))


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
    report.section("一、值班员考核", figures_table(rows))
    report.section(
        "二、口径",
        Bullets(COUNTING),
        Para(DEFINITION_NOTE),
    )
    return report
