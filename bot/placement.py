"""Placing a judged item: it joins the open incident of its story, or starts one.

This stage lives beside the incidents, not in bot/analysis: it reads and writes
the store, while judging an item (bot.analysis) needs neither.

A repost storm of one story becomes one incident whose spread (items,
sources, first and last seen) grows; N similar items within the spread
window raise its tier once per window (at most to I), announced as an upgrade.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.analysis.judge import Judge
from bot.analysis.judgement import Judgement
from bot.incidents import IncidentService
from bot.models import Incident, Item, Status
from bot.store.base import Store

SIGNATURE_META = "simsig:"
SYNC_OVERLAP = timedelta(minutes=1)  # clock skew between processes


@dataclass(frozen=True)
class Placement:
    incident: Incident
    merged: bool = False  # joined an existing incident as spread
    upgraded: bool = False


async def place(item: Item, judgement: Judgement, judge: Judge, incidents: IncidentService, now: datetime) -> Placement:
    """Merge `item` into the open incident of a near-duplicate, else create a new incident."""
    shared = incidents.config.store.backend == "redis"
    if shared:
        await sync_shared(judge, incidents.store, now)
    number = judge.similar(item)
    incident = await incidents.store.get_incident(number) if number else None
    if incident is None or not _accepts(incident, now, judge):
        created = await incidents.create(item, judgement, now)
        sig = judge.remember(item, created.number)
        if shared and sig is not None:
            await incidents.store.set_meta(SIGNATURE_META + created.number, sig)
        return Placement(created)
    judge.remember(item, incident.number)
    updated = await incidents.add_spread(incident.number, item, now)
    upgraded = False
    if judgement.tier < updated.tier:  # the repost itself is graver (e.g. casualties now reported)
        updated = await incidents.upgrade(updated.number, judgement.tier, judgement.reason, now)
        upgraded = True
    decision = judge.spread_upgrade(updated, await incidents.store.actions(updated.number), now)
    if decision is not None:
        updated = await incidents.upgrade(updated.number, decision[0], decision[1], now)
        upgraded = True
    return Placement(updated, merged=True, upgraded=upgraded)


async def sync_shared(judge: Judge, store: Store, now: datetime) -> int:
    """Several processes on one Redis each keep an index: learn the signatures of the incidents
    the others created since the last look, so a repost polled elsewhere still merges."""
    since = (judge.synced_at or now - judge.analysis.merge_window) - SYNC_OVERLAP
    judge.synced_at = now
    learned = 0
    for incident in await store.incidents(since=since):
        if judge.knows(incident.number) or not incident.is_open:
            continue
        sig = await store.get_meta(SIGNATURE_META + incident.number)
        if sig:
            judge.learn(sig, incident.number)
            learned += 1
    return learned


def _accepts(incident: Incident, now: datetime, judge: Judge) -> bool:
    last = incident.last_seen_at or incident.discovered_at
    return incident.is_open and now - last <= judge.analysis.merge_window


async def warm(judge: Judge, store: Store, now: datetime) -> int:
    """Re-index the items of open incidents seen within the merge window (after a restart),
    so a repost arriving after a restart still joins its story. Returns the items indexed."""
    start = now - judge.analysis.merge_window
    owners: dict[str, str] = {}
    for incident in await store.incidents(statuses=[s for s in Status if s is not Status.RESOLVED]):
        if (incident.last_seen_at or incident.discovered_at) >= start:
            owners.update(dict.fromkeys(incident.item_keys, incident.number))
    if not owners:
        return 0
    count = 0
    for item in await store.items_between(start, now + timedelta(seconds=1)):
        if item.key in owners:
            judge.remember(item, owners[item.key])
            count += 1
    return count
