"""One poll of one source, start to finish (the orchestrator).

fetch → which items are new (exact dedup) → read them, tier I/II first → claim,
store and place them (the urgent ones committed first) → incidents → outbox.
Health of the source (last success, failures, last error, items seen) is kept
in its state.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.analysis.judge import Judge
from bot.analysis.similarity import content_key
from bot.hotranks import adopt, follow
from bot.models import Incident
from bot.outage import is_outage
from bot.placement import Reading, StoreLedger, final_judgement, first_readings, place, urgent
from bot.services import Services
from bot.source_health import record_failure, record_success
from bot.store.base import StoreError
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
    failed: list[str] = field(default_factory=list)  # items that could not be judged or placed (logged, kept)


async def run_source(
    source: Source, services: Services, client: HttpClient, judge: Judge, watch_terms: Sequence[str] = ()
) -> PollReport:
    store, now, terms = services.store, services.clock.now(), tuple(watch_terms)
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
    keys = {id(item): (item.key, content_key(item)) for item in result.items}  # URL, same-source content
    unseen = await store.unseen([k for item in result.items for k in keys[id(item)]], now)
    new = [item for item, url, text in zip(result.items, unseen[::2], unseen[1::2], strict=True) if url and text]
    # an edited article (URL seen, text new) is not judged again, but its text is claimed as before
    known = {id(item) for item in new}
    partly = [k for item in result.items if id(item) not in known for k in keys[id(item)]]
    readings = first_readings(new, judge, terms)
    lead = sum(1 for r in readings if urgent(r.judgement))
    async with services.placing:  # one page at a time: its ledger holds every open incident
        page = _Page(services, judge, terms, now, StoreLedger(services.incidents), report, keys)
        if 0 < lead < len(readings):  # tier I/II first, committed and on their way before the rest is placed
            async with store.batch():
                await page.place(readings[:lead])
            services.wake_delivery()
            readings = readings[lead:]
        async with store.batch():
            await page.place(readings)
            await store.claim_seen(partly, now)
            if result.readings:
                # the same URL served by another list: its incident may still be in the making, so try twice
                seen = {i.hot.entry: i.key for i in result.items if id(i) not in page.claimed and i.hot}
                retry = awaiting(result.state)
                links = {**await adopt({**retry, **seen}, result.readings, page.ledger), **page.links}
                linked = set(links) | set(retry) | {r.entry for r in result.readings if r.incident}
                marks = {entry: key for entry, key in seen.items() if entry not in linked}
                result.state = await_link(result.state, marks)
                result.state = link(result.state, await follow(result.readings, links, services.incidents, now))
            health = record_success(health, now, report.new)
            notes = []
            if result.dropped:  # a flooded feed: only the newest max_items were read
                notes.append(
                    f"上次轮询条目过多：只处理了最新 {source.config.max_items} 条，其余 {result.dropped} 条已略过"
                )
                log.warning(
                    "source %s: %d entries beyond max_items=%d dropped",
                    source.id,
                    result.dropped,
                    source.config.max_items,
                )
            if report.failed:
                notes.append(
                    f"上次轮询有 {len(report.failed)} 条信息研判出错，已保存但未研判（详见日志）：{report.failed[0]}"
                )
            if notes:
                health["note"] = "；".join(notes)
            else:
                health.pop("note", None)
            await store.put_source_state(source.id, {"fetch": result.state, "health": health})
    if report.incidents or report.spread:
        services.wake_delivery()
    return report


@dataclass
class _Page:
    """One poll's page while it is placed, in one batch or two (tier I/II first)."""

    services: Services
    judge: Judge
    terms: Sequence[str]
    now: datetime
    ledger: StoreLedger  # one read of the open incidents for the whole page
    report: PollReport
    keys: dict[int, tuple[str, str]]  # id(item) → its URL key and content key, worked out once
    claimed: set[int] = field(default_factory=set)  # id() of the items this poll claimed and placed
    links: dict[str, str] = field(default_factory=dict)  # hot-list entry → the incident its item was placed in

    async def place(self, readings: Sequence[Reading]) -> None:
        """Claim, store and place these items of the page (inside the caller's batch).

        Claimed only now, in the batch that places them: a crash before the batch ends leaves them
        unclaimed, so the next poll judges them again instead of losing them.
        """
        store, report = self.services.store, self.report
        fresh = await store.claim_seen([k for r in readings for k in self.keys[id(r.item)]], self.now)
        mine = [r for r, url, text in zip(readings, fresh[::2], fresh[1::2], strict=True) if url and text]
        self.claimed.update(id(r.item) for r in mine)
        report.new += len(mine)
        await store.add_items([r.item for r in mine])
        for reading in mine:
            await asyncio.sleep(0)  # a big page lets the delivery worker and commands in between items
            item = reading.item
            try:
                judgement = final_judgement(reading, self.judge, self.terms)
                if judgement is None:
                    continue
                placed = await place(item, judgement, self.judge, self.services.incidents, self.now, self.ledger)
            except Exception as exc:
                if isinstance(exc, StoreError) or is_outage(exc):
                    raise  # the store, not the item: the poll fails (bot.polling) and is tried again
                # a bug met on one item's text must not cost the rest of its page; the item stays stored
                log.exception("source %s: item %s could not be judged or placed", item.source_id, item.url)
                report.failed.append(item.url or item.title)
                continue
            (report.spread if placed.merged else report.incidents).append(placed.incident)
            # a hot-list entry follows its incident from now on; a trending rebuttal (进展) raises nothing
            if item.hot is not None and item.hot.entry and not placed.progress:
                self.links[item.hot.entry] = placed.incident.number
