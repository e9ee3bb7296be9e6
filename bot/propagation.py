"""Propagation of one incident from the store: its items, and what the config says about sources.

The figures themselves are worked out in bot.analysis.propagation (pure); this
module only gathers the inputs.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.analysis.propagation import Propagation, Settings, SourceInfo, analyse
from bot.config import Config
from bot.models import Incident, Item
from bot.store.base import Store

AFTER = timedelta(minutes=5)


def settings(config: Config) -> Settings:
    a = config.analysis
    reach = set(a.high_reach) | {name for name, weight in a.author_weights.items() if weight > 1}
    return Settings(frozenset(a.official_media), frozenset(reach), a.jump_ratio, a.jump_min)


def source_infos(config: Config) -> dict[str, SourceInfo]:
    return {s.id: SourceInfo(s.name or s.id, s.source_category, s.official) for s in config.sources}


async def incident_items(store: Store, incident: Incident, now: datetime, before: timedelta) -> list[Item]:
    """The incident's stored items (first and merged), each once; items past `keep_items` are gone.

    Items are looked for from `before` ahead of discovery (a merged item may have been fetched
    before the incident opened: a backfill, or an item that matched only once a watch was set)."""
    wanted = set(incident.item_keys) or {incident.url}
    end = min(now, incident.last_seen_at or now) + AFTER
    found: dict[str, Item] = {}
    for item in await store.items_between(incident.discovered_at - before, end):
        if item.key in wanted and item.key not in found:
            found[item.key] = item
    return list(found.values())


async def incident_propagation(config: Config, store: Store, incident: Incident, now: datetime) -> Propagation:
    items = await incident_items(store, incident, now, config.analysis.merge_window)
    return analyse(items, source_infos(config), settings(config), config.zone)
