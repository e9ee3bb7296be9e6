"""What a briefing says, as plain data: counts, lists and series over a window.

Pure functions of incidents and a time window, so the same numbers feed the
chat text, the chart, the Markdown and the Word file, and tests can assert
them exactly.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.models import Incident, Status, Tier

PUSHED_TIERS = (Tier.I, Tier.II, Tier.III, Tier.IV)
SENTIMENTS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class Window:
    """The period a briefing covers: [start, end)."""

    label: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class SourceProblem:
    source_id: str
    name: str
    failures: int
    last_error: str
    last_success: datetime | None


@dataclass(frozen=True)
class DayCount:
    day: date
    by_tier: dict[Tier, int]
    negative: int

    @property
    def total(self) -> int:
        return sum(self.by_tier.values())

    @property
    def negative_share(self) -> float:
        return self.negative / self.total if self.total else 0.0


@dataclass(frozen=True)
class BriefingData:
    window: Window
    now: datetime
    new: list[Incident]
    by_tier: dict[Tier, int]
    by_sentiment: dict[str, int]
    open: list[Incident]
    overdue: list[Incident]
    resolved: list[Incident]
    top_spread: list[Incident]
    daily: list[DayCount]  # the last 7 local days, oldest first
    month: list[DayCount]  # the last 30 local days, oldest first
    previous_total: int
    failing: list[SourceProblem] = field(default_factory=list)
    watches: list[str] = field(default_factory=list)
    schemes: list[str] = field(default_factory=list)
    held: list[Incident] = field(default_factory=list)  # held back by a /silence: listed, not pushed
    source_names: dict[str, str] = field(default_factory=dict)  # source id → the name readers know

    def source_name(self, source_id: str) -> str:
        return self.source_names.get(source_id, source_id)


def local_midnight(at: datetime, zone: ZoneInfo) -> datetime:
    return datetime.combine(at.astimezone(zone).date(), time(), zone)


def next_due(incident: Incident) -> tuple[datetime | None, str]:
    """The deadline that matters now (ack while new, else resolve) and its verb."""
    if incident.status is Status.RESOLVED:
        return None, ""
    if incident.status is Status.NEW and incident.ack_deadline:
        return incident.ack_deadline, "确认"
    return incident.resolve_deadline, "办结"


def is_overdue(incident: Incident, now: datetime) -> bool:
    due, _ = next_due(incident)
    return due is not None and due < now


def _open_order(incident: Incident, now: datetime) -> tuple:
    due, _ = next_due(incident)
    far = now + timedelta(days=36500)
    return (not is_overdue(incident, now), incident.tier.value, due or far, incident.number)


def daily_counts(incidents: list[Incident], last_day: date, days: int, zone: ZoneInfo) -> list[DayCount]:
    """New pushed incidents per local day, by tier, for `days` days ending `last_day`."""
    first = last_day - timedelta(days=days - 1)
    tiers: dict[date, Counter[Tier]] = {first + timedelta(days=n): Counter() for n in range(days)}
    negative: Counter[date] = Counter()
    for inc in incidents:
        if not inc.tier.pushed:
            continue
        day = inc.discovered_at.astimezone(zone).date()
        if day in tiers:
            tiers[day][inc.tier] += 1
            negative[day] += inc.sentiment.label == "negative"
    return [DayCount(d, {t: c[t] for t in PUSHED_TIERS}, negative[d]) for d, c in tiers.items()]


def collect(incidents: list[Incident], window: Window, now: datetime, zone: ZoneInfo) -> BriefingData:
    """Everything a briefing shows about incidents, for one window. A duplicate merged into its
    story (/merge) is that story: counted and listed once, under the story's number."""
    incidents = [i for i in incidents if not i.merged_into]
    start, end = window.start, window.end
    new = sorted(
        (i for i in incidents if start <= i.discovered_at < end),
        key=lambda i: (i.tier.value, i.discovered_at, i.number),
    )
    open_ = sorted((i for i in incidents if i.is_open and i.tier.pushed), key=lambda i: _open_order(i, now))
    resolved = sorted(
        (i for i in incidents if i.status is Status.RESOLVED and i.resolved_at and start <= i.resolved_at < end),
        key=lambda i: (i.resolved_at, i.number),
    )
    spreading = [i for i in incidents if i.spread > 1 and (i.last_seen_at or i.discovered_at) >= start]
    spreading.sort(key=lambda i: (-i.spread, -len(i.sources), i.number))
    length = end - start
    previous = sum(1 for i in incidents if start - length <= i.discovered_at < start)
    sentiments = Counter(i.sentiment.label for i in new)
    month = daily_counts(incidents, (end - timedelta(microseconds=1)).astimezone(zone).date(), 30, zone)
    return BriefingData(
        window=window,
        now=now,
        new=new,
        by_tier={t: sum(1 for i in new if i.tier is t) for t in Tier},
        by_sentiment={s: sentiments.get(s, 0) for s in SENTIMENTS},
        open=open_,
        overdue=[i for i in open_ if is_overdue(i, now)],
        resolved=resolved,
        top_spread=spreading[:5],
        daily=month[-7:],
        month=month,
        previous_total=previous,
    )


def source_problems(states: dict[str, dict], names: dict[str, str]) -> list[SourceProblem]:
    """Sources failing or marked down (silent too long), most failures first (from state["health"])."""
    out = []
    for source_id, state in states.items():
        health = (state or {}).get("health") or {}
        failures = int(health.get("failures") or 0)
        if failures <= 0 and not health.get("down"):
            continue
        last_success = health.get("last_success")
        if isinstance(last_success, str):
            try:
                last_success = datetime.fromisoformat(last_success)
            except ValueError:
                last_success = None
        out.append(
            SourceProblem(
                source_id,
                names.get(source_id, source_id),
                failures,
                str(health.get("last_error") or ("" if failures else "长时间没有新内容")),
                last_success if isinstance(last_success, datetime) else None,
            )
        )
    out.sort(key=lambda p: (-p.failures, p.source_id))
    return out
