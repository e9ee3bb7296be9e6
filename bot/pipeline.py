"""One poll of one source, start to finish (the orchestrator).

fetch → exact dedup → store items → judge → incidents → outbox. Health of the
source (last success, failures, last error, items seen) is kept in its state.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.analysis.judge import Judge
from bot.analysis.merge import place
from bot.analysis.similarity import content_key
from bot.models import Incident
from bot.services import Services
from sources.base import Source, SourceError
from sources.http import HttpClient, HttpError

log = logging.getLogger(__name__)


@dataclass
class PollReport:
    source_id: str
    fetched: int = 0
    new: int = 0
    incidents: list[Incident] = field(default_factory=list)
    spread: list[Incident] = field(default_factory=list)  # open incidents a similar item joined
    not_modified: bool = False
    error: str = ""


async def run_source(source: Source, services: Services, client: HttpClient, judge: Judge) -> PollReport:
    store, now = services.store, services.clock.now()
    report = PollReport(source.id)
    state = await store.get_source_state(source.id)
    health = dict(state.get("health", {}))
    try:
        result = await source.fetch(client, state.get("fetch", {}))
    except (HttpError, SourceError) as exc:
        report.error = str(exc)
        health.update(failures=health.get("failures", 0) + 1, last_error=str(exc), last_failure=now.isoformat())
        await store.put_source_state(source.id, dict(state, health=health))
        log.warning("source %s failed: %s", source.id, exc)
        return report
    report.fetched, report.not_modified = len(result.items), result.not_modified
    async with store.batch():
        keys = [k for item in result.items for k in (item.key, content_key(item))]
        claimed = await store.claim_seen(keys, now)  # URL and same-source content: both must be new
        fresh = [url_new and text_new for url_new, text_new in zip(claimed[::2], claimed[1::2], strict=True)]
        new_items = [item for item, is_new in zip(result.items, fresh, strict=True) if is_new]
        report.new = len(new_items)
        await store.add_items(new_items)
        for item in new_items:
            judgement = judge.judge(item)
            if judgement is not None:
                placed = await place(item, judgement, judge, services.incidents, now)
                (report.spread if placed.merged else report.incidents).append(placed.incident)
        health.update(
            failures=0,
            last_error="",
            last_success=now.isoformat(),
            items_seen=health.get("items_seen", 0) + report.new,
        )
        await store.put_source_state(source.id, {"fetch": result.state, "health": health})
    if report.incidents or report.spread:
        services.wake_delivery()
    return report
