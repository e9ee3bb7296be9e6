"""One poll of one source, start to finish (the orchestrator).

fetch → exact dedup → store items → judge → incidents → outbox. Health of the
source (last success, failures, last error, items seen) is kept in its state.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.analysis.judge import Judge
from bot.analysis.similarity import content_key
from bot.hotranks import adopt, follow
from bot.models import Incident
from bot.placement import StoreLedger, place
from bot.services import Services
from bot.source_health import record_failure, record_success
from sources.base import Source, SourceError
from sources.hotlist import await_link, awaiting, link
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


async def run_source(
    source: Source, services: Services, client: HttpClient, judge: Judge, watch_terms: Sequence[str] = ()
) -> PollReport:
    store, now = services.store, services.clock.now()
    report = PollReport(source.id)
    state = await store.get_source_state(source.id)
    health = dict(state.get("health", {}))
    try:
        result = await source.fetch(client, state.get("fetch", {}))
    except (HttpError, SourceError) as exc:
        report.error = str(exc)
        health = record_failure(health, str(exc), now, source.config, getattr(exc, "retry_after", None))
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
        links: dict[str, str] = {}  # hot-list entry → the incident its item was placed in
        ledger = StoreLedger(services.incidents)  # one read of the open incidents for the whole page
        for item in new_items:
            judgement = judge.judge(item, watch_terms=watch_terms)
            if judgement is not None:
                placed = await place(item, judgement, judge, services.incidents, now, ledger)
                (report.spread if placed.merged else report.incidents).append(placed.incident)
                # a hot-list entry follows its incident from now on; a trending rebuttal (进展) raises nothing
                if item.hot is not None and item.hot.entry and not placed.progress:
                    links[item.hot.entry] = placed.incident.number
        if result.readings:
            # the same URL served by another list: its incident may still be in the making, so try twice
            seen = {i.hot.entry: i.key for i, is_new in zip(result.items, fresh, strict=True) if not is_new and i.hot}
            retry = awaiting(result.state)
            links = {**await adopt({**retry, **seen}, result.readings, ledger), **links}
            linked = set(links) | set(retry) | {r.entry for r in result.readings if r.incident}
            marks = {entry: key for entry, key in seen.items() if entry not in linked}
            result.state = await_link(result.state, marks)
            result.state = link(result.state, await follow(result.readings, links, services.incidents, now))
        health = record_success(health, now, report.new)
        if result.dropped:  # a flooded feed: only the newest max_items were read
            health["note"] = (
                f"上次轮询条目过多：只处理了最新 {source.config.max_items} 条，其余 {result.dropped} 条已略过"
            )
            log.warning(
                "source %s: %d entries beyond max_items=%d dropped", source.id, result.dropped, source.config.max_items
            )
        else:
            health.pop("note", None)
        await store.put_source_state(source.id, {"fetch": result.state, "health": health})
    if report.incidents or report.spread:
        services.wake_delivery()
    return report
