"""Stored items are kept for `store.keep_items`, so the store does not grow without end.

Items serve replay and the watch backfill; what an office must keep (incidents,
actions, evidence) is never pruned, nor are the seen marks: forgetting one
would let an old item still listed by its feed alert again. Hot-list rank history follows
the same `keep_items`, pruned by the source itself at each fetch (sources/hotlist.py).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.services import Services

log = logging.getLogger(__name__)

EVERY = timedelta(hours=6)


async def prune_items(services: Services) -> int:
    before = services.clock.now() - services.config.store.keep_items
    gone = await services.store.prune_items(before)
    if gone:
        log.info("dropped %d stored item(s) fetched before %s", gone, before.isoformat(timespec="minutes"))
    return gone


def add_retention_job(scheduler: AsyncIOScheduler, services: Services) -> None:
    """Prune soon after start, then every six hours."""
    scheduler.add_job(
        prune_items,
        "interval",
        seconds=EVERY.total_seconds(),
        args=[services],
        id="retention",
        replace_existing=True,
        next_run_time=datetime.now(scheduler.timezone) + timedelta(minutes=1),
    )
