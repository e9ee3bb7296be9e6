"""Hot-list ranks applied to incidents, after every poll of a hot-list source.

The source (sources/hotlist.py) reads the list and keeps each entry's rank history; the
decision which signals raise a tier is pure (bot/analysis/hotsignals.py). This module ties
the two to incidents: an entry placed into an incident is linked to it (in the rank history,
so the link survives restarts), the incident's `hot` follows the entry's rank (cards
re-render when the rank moves into another band), each signal raises the tier once per
incident (an upgrade, announced with the reason), and dropping off the list is a line in
the incident's timeline, not an alert.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.analysis.hotsignals import RankReading, dropped_note, preferred, signals, upgrade_reason, worth_showing
from bot.incidents import IncidentService
from bot.models import SYSTEM, Action, ActionKind, HotRank, Incident
from bot.placement import StoreLedger

REFRESH = timedelta(minutes=30)  # an unchanged rank is written back this often (time on the list moves on)
SIGNAL_ID = ":hot:"  # action id `<number>:hot:<signal>`: one per signal and incident


async def adopt(seen: dict[str, str], readings: Sequence[RankReading], ledger: StoreLedger) -> dict[str, str]:
    """Links for entries whose item was already seen (another list served the same URL first): the open
    incident holding that item key (URL), for each such entry (entry key → item key) not linked yet."""
    unlinked = {r.entry for r in readings if not r.incident and not r.dropped}
    wanted = {entry: key for entry, key in seen.items() if entry in unlinked}
    if not wanted:
        return {}
    owners: dict[str, str] = {}
    for incident in await ledger.open_incidents():  # the poll's ledger: read once, shared with placement
        owners.update((key, incident.number) for key in (*incident.item_keys, incident.url) if key not in owners)
    return {entry: owners[key] for entry, key in wanted.items() if key in owners}


async def follow(
    readings: Sequence[RankReading], links: dict[str, str], incidents: IncidentService, now: datetime
) -> dict[str, str]:
    """Apply this poll's readings to their incidents; return the links (entry key → incident) to keep."""
    keep: dict[str, str] = {}
    for reading in readings:
        number = links.get(reading.entry) or reading.incident
        if not number:
            continue
        keep[reading.entry] = number
        incident = await incidents.store.get_incident(number)
        if incident is None or not incident.is_open:
            continue
        await _apply(reading, incident, incidents, now)
    return keep


async def _apply(reading: RankReading, incident: Incident, incidents: IncidentService, now: datetime) -> None:
    store, number, hot = incidents.store, incident.number, reading.hot()
    if reading.dropped:
        note = dropped_note(reading)
        action_id = f"{number}:hot-off:{reading.source_id}:{reading.entry}:{reading.seen_at.isoformat()}"
        await store.append_action(Action(action_id, number, ActionKind.HOTLIST, SYSTEM, now, note=note))
        if incident.hot is not None and _same_entry(incident.hot, hot):
            await incidents.set_hot(number, hot, now, rerender=False)  # shown as 已掉榜 the next time a card renders
        return
    thresholds = incidents.config.analysis.hotlist
    found = signals(reading, thresholds)
    if found:  # only then read the trail: most polls move nothing
        fired = {a.id.rsplit(":", 1)[1] for a in await store.actions(number) if SIGNAL_ID in a.id}
        found = signals(reading, thresholds, fired)
    new = []
    for signal in found:
        action = Action(f"{number}{SIGNAL_ID}{signal.kind}", number, ActionKind.HOTLIST, SYSTEM, now, signal.reason)
        if await store.append_action(action):  # False: another process fired it first
            new.append(signal)
    if preferred(incident.hot, hot) and _changed(incident.hot, hot):
        incident = await incidents.set_hot(number, hot, now, rerender=not new and worth_showing(incident.hot, hot))
    tier = incident.tier.upgraded()
    if new and tier < incident.tier:
        await incidents.upgrade(number, tier, upgrade_reason(incident.reason, new, tier), now)


def _same_entry(a: HotRank, b: HotRank) -> bool:
    return (a.source_id, a.entry) == (b.source_id, b.entry)


def _changed(before: HotRank | None, after: HotRank) -> bool:
    """Worth writing: another entry or rank or heat, or the time on the list grew by REFRESH."""
    if before is None or not _same_entry(before, after):
        return True
    if (before.rank, before.heat, before.best, before.since) != (after.rank, after.heat, after.best, after.since):
        return True
    return before.seen_at is None or after.seen_at is None or after.seen_at - before.seen_at >= REFRESH
