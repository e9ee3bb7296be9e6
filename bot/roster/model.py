"""Roster types and the pure who-is-on-duty queries: functions of (roster, overrides, now).

A shift slot is named by the local date it starts on and the shift's name: the 夜班 of
11-26 runs from 17:30 on the 26th to 08:30 on the 27th. Who holds a slot comes from,
in order: a /cover active at that instant, a /swap of that slot, a fixed entry (config
override or CSV row), else the rotation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class ShiftDef:
    name: str
    start: time
    end: time  # at or before start: ends the next day

    def bounds(self, day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
        start = datetime.combine(day, self.start, zone)
        end_day = day + timedelta(days=1) if self.end <= self.start else day
        return start, datetime.combine(end_day, self.end, zone)


@dataclass(frozen=True)
class Slot:
    day: date
    shift: str
    start: datetime
    end: datetime

    @property
    def key(self) -> str:
        return f"{self.day.isoformat()}:{self.shift}"


@dataclass(frozen=True)
class Entry:
    """A fixed assignment of one slot (config override or CSV row); "" = nobody."""

    day: date
    shift: str
    duty: str = ""
    backup: str = ""
    leader: str = ""


@dataclass(frozen=True)
class Override:
    """A change made in chat and kept in the store: a swap of one slot, or a cover from now for a while."""

    id: str
    kind: str  # "swap" | "cover"
    person: str
    by: str
    at: datetime
    slot: str = ""  # swap: Slot.key
    start: datetime | None = None  # cover: [start, end)
    end: datetime | None = None


@dataclass(frozen=True)
class Roster:
    shifts: tuple[ShiftDef, ...]
    zone: ZoneInfo
    rotation: tuple[str, ...] = ()
    leaders: tuple[str, ...] = ()
    hand_on: str = "daily"
    start: date = date(2026, 1, 1)
    entries: dict[tuple[date, str], Entry] = field(default_factory=dict)


@dataclass(frozen=True)
class Duty:
    """Who holds a slot (or, for `duty_at`, an instant): names, "" where nobody."""

    slot: Slot
    duty: str
    backup: str
    leader: str
    covering: Override | None = None  # a /cover in force at that instant
    swapped: Override | None = None

    @property
    def planned_duty(self) -> str:
        return self.duty if self.covering is None else ""


def slots_between(roster: Roster, start: datetime, end: datetime) -> list[Slot]:
    """Every slot overlapping [start, end), in time order."""
    first = start.astimezone(roster.zone).date() - timedelta(days=1)
    last = end.astimezone(roster.zone).date()
    out = []
    day = first
    while day <= last:
        for s in roster.shifts:
            a, b = s.bounds(day, roster.zone)
            if a < end and b > start:
                out.append(Slot(day, s.name, a, b))
        day += timedelta(days=1)
    return sorted(out, key=lambda s: s.start)


def slot_at(roster: Roster, now: datetime) -> Slot | None:
    """The slot holding `now` (the latest started, if shifts overlap); None if no shift covers it."""
    slots = [s for s in slots_between(roster, now, now + timedelta(seconds=1)) if s.start <= now < s.end]
    return slots[-1] if slots else None


def next_slot(roster: Roster, after: Slot) -> Slot | None:
    later = [s for s in slots_between(roster, after.start, after.end + timedelta(days=2)) if s.start > after.start]
    return later[0] if later else None


def planned(roster: Roster, slot: Slot) -> Entry:
    """The roster's own answer for a slot: a fixed entry, else the rotation."""
    fixed = roster.entries.get((slot.day, slot.shift))
    if fixed is not None:
        return fixed
    if not roster.rotation:
        return Entry(slot.day, slot.shift)
    days = (slot.day - roster.start).days
    index = [s.name for s in roster.shifts].index(slot.shift)
    k = {"shift": days * len(roster.shifts) + index, "daily": days, "weekly": days // 7}[roster.hand_on]
    n = len(roster.rotation)
    backup = roster.rotation[(k + 1) % n] if n > 1 else ""
    lead = (
        roster.leaders[(days // 7 if roster.hand_on == "weekly" else days) % len(roster.leaders)]
        if roster.leaders
        else ""
    )
    return Entry(slot.day, slot.shift, roster.rotation[k % n], backup, lead)


def duty_of(roster: Roster, overrides: list[Override], slot: Slot, at: datetime | None = None) -> Duty:
    """Who holds `slot`, with swaps; with `at`, a /cover in force at that instant replaces the 值班员."""
    entry = planned(roster, slot)
    duty = Duty(slot, entry.duty, entry.backup, entry.leader)
    for o in overrides:  # oldest first: the latest change wins
        if o.kind == "swap" and o.slot == slot.key:
            duty = Duty(slot, o.person, duty.backup, duty.leader, None, o)
    if at is not None:
        for o in overrides:
            if o.kind == "cover" and o.start is not None and o.end is not None and o.start <= at < o.end:
                duty = Duty(slot, o.person, duty.backup, duty.leader, o, duty.swapped)
    return duty


def duty_at(roster: Roster, overrides: list[Override], now: datetime) -> Duty | None:
    slot = slot_at(roster, now)
    return duty_of(roster, overrides, slot, now) if slot is not None else None


def duties_between(roster: Roster, overrides: list[Override], start: datetime, end: datetime) -> list[Duty]:
    return [duty_of(roster, overrides, s) for s in slots_between(roster, start, end)]


def gaps(duties: list[Duty], known: set[str]) -> list[tuple[Duty, str]]:
    """Slots with no 值班员, or one no longer in `people`, with the reason in Chinese."""
    out = []
    for d in duties:
        if not d.duty:
            out.append((d, "无人值班"))
        elif d.duty not in known:
            out.append((d, f"值班员 {d.duty} 不在人员名单中"))
    return out
