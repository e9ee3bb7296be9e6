"""Read what a briefing needs from the store and config: windows, incidents, sources, watches."""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.briefing.stats import BriefingData, Window, collect, local_midnight, source_problems
from bot.services import Services
from bot.silences import held_back
from bot.watches import active_terms

log = logging.getLogger(__name__)

PERIOD_LABELS = {"today": "今日", "yesterday": "昨日", "week": "近7日", "morning": "晨报"}
LAST_SENT_KEY = "briefing:last_sent"
LONGEST_LOOKBACK = timedelta(days=7)


def period_window(period: str, now: datetime, zone: ZoneInfo, since: datetime | None = None) -> Window:
    """today / yesterday / week by the local calendar; morning = since the last briefing."""
    midnight = local_midnight(now, zone)
    label = PERIOD_LABELS.get(period, period)
    if period == "yesterday":
        return Window(label, midnight - timedelta(days=1), midnight)
    if period == "week":
        return Window(label, midnight - timedelta(days=6), now + timedelta(seconds=1))
    if period == "morning":
        start = since if since is not None and now - LONGEST_LOOKBACK <= since < now else now - timedelta(days=1)
        return Window(label, start, now + timedelta(seconds=1))
    return Window(label, midnight, now + timedelta(seconds=1))


async def last_sent(services: Services) -> datetime | None:
    value = await services.store.get_meta(LAST_SENT_KEY)
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


async def active_watch_terms(services: Services) -> list[str]:
    """Emergency-watch terms (紧急关注, /watch) in force now."""
    try:
        return sorted(await active_terms(services.store, services.clock.now()))
    except Exception:  # a briefing must not fail on the watch list
        log.exception("reading watch terms failed")
        return []


async def source_states(services: Services) -> dict[str, dict]:
    return {s.id: await services.store.get_source_state(s.id) for s in services.config.sources if s.enabled}


async def gather(services: Services, window: Window) -> BriefingData:
    """Everything one briefing shows, read once from the store."""
    now, config = services.clock.now(), services.config
    data = collect(await services.store.incidents(), window, now, config.zone)
    return dataclasses.replace(
        data,
        source_names=services.source_names,
        failing=source_problems(await source_states(services), services.source_names),
        watches=await active_watch_terms(services),
        schemes=[s.name for s in config.schemes],
        held=await held_back(services.store, window.start, window.end),
    )
