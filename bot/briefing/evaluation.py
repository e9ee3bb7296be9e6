"""总结评估: who responded how fast, against the tier deadlines.

Three intervals per incident, as bot/response_times.py defines them: discovery →
report (first push to a chat), report → ack (from discovery when acked before the
alert went out), ack → resolve. Acks are credited to who acknowledged, resolves
to the assignee (else whoever acknowledged); departments come from `people`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.briefing.stats import Window
from bot.config import PersonConfig
from bot.models import Incident, Tier
from bot.response_times import elapsed, response_times
from bot.roster.figures import PersonFigures

NO_DEPARTMENT = "未分部门"


@dataclass(frozen=True)
class Timing:
    incident: Incident
    to_report: timedelta | None
    to_ack: timedelta | None
    to_resolve: timedelta | None
    ack_limit: timedelta | None
    resolve_limit: timedelta | None
    ack_overdue: bool
    resolve_overdue: bool


@dataclass
class Tally:
    """Response counts and times for one person or department."""

    name: str
    acks: int = 0
    ack_time: timedelta = timedelta(0)
    ack_overdue: int = 0
    resolves: int = 0
    resolve_time: timedelta = timedelta(0)
    resolve_overdue: int = 0

    @property
    def avg_ack(self) -> timedelta | None:
        return self.ack_time / self.acks if self.acks else None

    @property
    def avg_resolve(self) -> timedelta | None:
        return self.resolve_time / self.resolves if self.resolves else None


@dataclass(frozen=True)
class Evaluation:
    window: Window
    now: datetime
    timings: list[Timing]
    people: list[Tally] = field(default_factory=list)
    departments: list[Tally] = field(default_factory=list)
    tiers: list[Tally] = field(default_factory=list)
    duty: list[PersonFigures] = field(default_factory=list)  # per 值班员 and shift; empty without a roster

    @property
    def ack_overdue(self) -> int:
        return sum(t.ack_overdue for t in self.timings)

    @property
    def resolve_overdue(self) -> int:
        return sum(t.resolve_overdue for t in self.timings)

    def average(self, attr: str) -> timedelta | None:
        values = [getattr(t, attr) for t in self.timings if getattr(t, attr) is not None]
        return sum(values, timedelta(0)) / len(values) if values else None


def _late(done: datetime | None, due: datetime | None, now: datetime) -> bool:
    if due is None:
        return False
    return (done or now) > due


def timing(incident: Incident, now: datetime) -> Timing:
    i = incident
    times = response_times(i)
    return Timing(
        incident=i,
        to_report=times.to_report,
        to_ack=times.report_to_ack,
        to_resolve=times.ack_to_resolve,
        ack_limit=elapsed(i.discovered_at, i.ack_deadline),
        resolve_limit=elapsed(i.discovered_at, i.resolve_deadline),
        ack_overdue=_late(i.acked_at, i.ack_deadline, now),
        resolve_overdue=_late(i.resolved_at, i.resolve_deadline, now),
    )


def _tally(timings: Iterable[Timing], ack_key, resolve_key) -> dict[str, Tally]:
    """Acks credited to ack_key(t), resolves to resolve_key(t); "" credits nobody."""
    tallies: dict[str, Tally] = {}
    for t in timings:
        inc = t.incident
        key = ack_key(t)
        if key and (inc.acked_at is not None or t.ack_overdue):
            tally = tallies.setdefault(key, Tally(key))
            if inc.acked_at is not None:
                tally.acks += 1
                tally.ack_time += t.to_ack or timedelta(0)
            tally.ack_overdue += t.ack_overdue
        key = resolve_key(t)
        if key and (inc.resolved_at is not None or t.resolve_overdue):
            tally = tallies.setdefault(key, Tally(key))
            if inc.resolved_at is not None:
                tally.resolves += 1
                tally.resolve_time += t.to_resolve or timedelta(0)
            tally.resolve_overdue += t.resolve_overdue
    return tallies


def _worst_first(tallies: dict[str, Tally]) -> list[Tally]:
    return sorted(tallies.values(), key=lambda x: (-(x.ack_overdue + x.resolve_overdue), -x.acks, x.name))


def tier_name(tier: Tier) -> str:
    return f"{tier.label}（{tier.roman}）"


def evaluate(incidents: Iterable[Incident], window: Window, now: datetime, people: list[PersonConfig]) -> Evaluation:
    """Evaluate the pushed incidents discovered in the window."""
    chosen = [i for i in incidents if i.tier is not Tier.BELOW and window.start <= i.discovered_at < window.end]
    chosen.sort(key=lambda i: (i.discovered_at, i.number))
    timings = [timing(i, now) for i in chosen]
    dept = {p.name: p.department or NO_DEPARTMENT for p in people}

    def owner(t: Timing) -> str:
        return t.incident.assignee or t.incident.acked_by

    by_tier = _tally(timings, lambda t: tier_name(t.incident.tier), lambda t: tier_name(t.incident.tier))
    return Evaluation(
        window=window,
        now=now,
        timings=timings,
        people=_worst_first(_tally(timings, lambda t: t.incident.acked_by, owner)),
        departments=_worst_first(
            _tally(
                timings,
                lambda t: dept.get(t.incident.acked_by, NO_DEPARTMENT) if t.incident.acked_by else "",
                lambda t: dept.get(owner(t), NO_DEPARTMENT) if owner(t) else "",
            )
        ),
        tiers=[by_tier[tier_name(t)] for t in Tier if tier_name(t) in by_tier],
    )
