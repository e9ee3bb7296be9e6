"""Emergency duty (专班): `/watch 关键词 时长 专班 @甲 @乙 …` names people who take turns, 12 hours each,
for that watch's alerts until it ends; the next in the list is 备班, the roster's 带班领导 stays.

Kept under one store meta key; a task force ends with its watch (/unwatch or expiry).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.codec import decode, encode
from bot.models import Incident
from bot.roster.model import Duty, Slot
from bot.store.base import Store
from bot.watches import active_terms

META_KEY = "roster:task-forces"
SHIFT = timedelta(hours=12)
WATCH_SCHEME = "紧急关注"  # bot.analysis.judge.WATCH_SCHEME (the roster does not import the analysis)


@dataclass(frozen=True)
class TaskForce:
    term: str
    people: tuple[str, ...]
    start: datetime
    until: datetime
    by: str


async def add_task_force(store: Store, force: TaskForce) -> None:
    """Name the 专班 of a watch (a later one for the same term replaces it)."""
    kept = [f for f in await task_forces(store) if f.term != force.term and f.until > force.start]
    await store.set_meta(META_KEY, [encode(f) for f in [*kept, force]])


async def task_forces(store: Store) -> list[TaskForce]:
    return [decode(TaskForce, d) for d in (await store.get_meta(META_KEY) or [])]


async def active_task_forces(store: Store, now: datetime) -> list[TaskForce]:
    forces = [f for f in await task_forces(store) if f.start <= now < f.until]
    if not forces:
        return []
    terms = set(await active_terms(store, now))
    return [f for f in forces if f.term in terms]


def force_duty(force: TaskForce, now: datetime, leader: str = "") -> Duty:
    """Who of the 专班 is on duty now: 12-hour turns from the watch's start."""
    k = int((now - force.start) / SHIFT)
    n = len(force.people)
    start = force.start + k * SHIFT
    slot = Slot(start.date(), f"专班「{force.term}」第{k + 1}班", start, min(start + SHIFT, force.until))
    return Duty(slot, force.people[k % n], force.people[(k + 1) % n] if n > 1 else "", leader)


def duty_for(incident: Incident, forces: list[TaskForce], now: datetime, leader: str = "") -> Duty | None:
    """The 专班 duty for a watch's incident, None for any other incident."""
    if incident.scheme != WATCH_SCHEME or incident.match is None:
        return None
    words = set(incident.match.words())
    for force in reversed(forces):
        if force.term in words:
            return force_duty(force, now, leader)
    return None
