"""Keeping sources polled on the real web: backoff, health, down/recovered notices.

The rules (backoff, what counts as down) are pure functions in
`bot.source_health`; this module applies them on a schedule. A source failing or silent longer than its `expect_every`
raises one "来源异常" notice to the monitors' chats, and one "来源恢复" later.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.analysis.judge import Judge
from bot.config import ChatsConfig
from bot.durations import format_duration
from bot.incidents import text_notification
from bot.models import Target
from bot.pipeline import PollReport, run_source
from bot.placement import place
from bot.render import local_time
from bot.routing import all_targets
from bot.services import Services
from bot.source_health import down_reason, is_due, parse_when, record_failure
from bot.store.base import StoreUnavailable
from bot.watches import active_terms, expire
from sources.base import Source
from sources.http import HttpClient

log = logging.getLogger(__name__)

BACKFILL_WINDOW = timedelta(hours=24)


def monitor_targets(chats: ChatsConfig) -> list[Target]:
    """Chats of the monitors (role monitors or all); every chat if none is marked so."""
    marked = {Target(channel, c.id) for channel, c in chats.group_chats() if c.role in ("monitors", "all")} | {
        Target(r.kind, r.name) for r in chats.robots if r.role in ("monitors", "all")
    }
    targets = all_targets(chats)
    chosen = [t for t in targets if t.channel == "console" or t in marked]
    return chosen or targets


class Poller:
    """Runs polls for the scheduler: never two of one source at once, backoff, notices."""

    def __init__(self, services: Services, client: HttpClient, judge: Judge, sources: list[Source]) -> None:
        self.services, self.client, self.judge = services, client, judge
        self.sources = {s.id: s for s in sources}
        self._locks = {s.id: asyncio.Lock() for s in sources}
        self.on_report: Callable[[PollReport], None] | None = None  # e.g. metrics

    async def watch_active(self) -> bool:
        return bool(await active_terms(self.services.store, self.services.clock.now()))

    async def poll(self, source_id: str, *, watch: bool = False) -> PollReport | None:
        """One scheduled run; None when skipped (already running, backing off, no watch active)."""
        source, lock = self.sources[source_id], self._locks[source_id]
        if lock.locked():
            return None
        async with lock:
            now = self.services.clock.now()
            await self.end_expired_watches(now)
            terms = await active_terms(self.services.store, now)
            if watch and not terms:
                return None
            health = (await self.services.store.get_source_state(source_id)).get("health", {})
            report = None
            if is_due(health, now):
                report = await self._run(source, terms)
                if self.on_report is not None:
                    self.on_report(report)
            await self.check_health(source, self.services.clock.now())
            return report

    async def _run(self, source: Source, terms: list[str]) -> PollReport:
        try:
            return await run_source(source, self.services, self.client, self.judge, watch_terms=terms)
        except StoreUnavailable:  # the store is down, not the source: the caller backs off (bot.outage)
            raise
        except Exception as exc:  # a bug in one source must not stop its schedule
            log.exception("poll of %s crashed", source.id)
            store, now = self.services.store, self.services.clock.now()
            state = await store.get_source_state(source.id)
            error = f"内部错误（{type(exc).__name__}: {exc}）"
            health = record_failure(state.get("health", {}), error, now, source.config)
            await store.put_source_state(source.id, dict(state, health=health))
            return PollReport(source.id, error=error)

    async def check_health(self, source: Source, now: datetime) -> str:
        """Raise one 'down' notice when a source goes down and one 'recovered' when it comes back."""
        store = self.services.store
        state = await store.get_source_state(source.id)
        health = dict(state.get("health", {}))
        reason = down_reason(health, source.config, now)
        if bool(reason) == bool(health.get("down")):
            return ""
        if reason:
            health.update(down=True, down_since=now.isoformat())
            text, event = self._down_text(source, reason, now), "down"
        else:
            down_since = parse_when(health.get("down_since")) or now
            text, event = self._recovered_text(source, now - down_since), "recovered"
            health["down"] = False
        await store.put_source_state(source.id, dict(state, health=health))
        key = f"source-{event}:{source.id}:{health['down_since']}"
        notes = [text_notification(t, text, now, key) for t in monitor_targets(self.services.config.chats)]
        await store.enqueue(notes)
        self.services.wake_delivery()
        log.warning("source %s %s: %s", source.id, event, reason)
        return event

    async def backfill(self, term: str, window: timedelta = BACKFILL_WINDOW) -> int:
        """Judge items stored in the last `window` that carry `term` and are in no incident yet; count new incidents.

        A breaking event is usually noticed after its first posts: they were
        fetched and recorded, but matched no scheme until the watch existed.
        """
        store, now = self.services.store, self.services.clock.now()
        known = {k for inc in await store.incidents(since=now - 2 * window) for k in inc.item_keys}
        created = 0
        async with store.batch():
            for item in await store.items_between(now - window, now):
                if item.key in known or (term not in item.title and term not in item.text):
                    continue
                judgement = self.judge.judge(item, watch_terms=[term])
                if judgement is not None:
                    placed = await place(item, judgement, self.judge, self.services.incidents, now)
                    known.update(placed.incident.item_keys)
                    created += not placed.merged
        if created:
            self.services.wake_delivery()
        return created

    async def end_expired_watches(self, now: datetime) -> None:
        """Announce, once, each emergency watch that ran out by itself."""
        ended = await expire(self.services.store, now)
        if not ended:
            return
        zone, notes = self.services.config.zone, []
        for w in ended:
            text = f"⏹ 紧急关注「{w.term}」已于 {local_time(w.until, zone)} 到期结束，重点来源恢复常规轮询。如需继续请再次 /watch {w.term}"
            key = f"watch-end:{w.term}:{w.until.isoformat()}"
            notes += [text_notification(t, text, now, key) for t in monitor_targets(self.services.config.chats)]
        await self.services.store.enqueue(notes)
        self.services.wake_delivery()

    def _down_text(self, source: Source, reason: str, now: datetime) -> str:
        when = local_time(now, self.services.config.zone)
        return (
            f"⚠️ 来源异常：{source.name}（{source.id}）\n{reason}\n发现时间 {when}。恢复后将另行通知，/status 查看详情。"
        )

    def _recovered_text(self, source: Source, outage: timedelta) -> str:
        return f"✅ 来源恢复：{source.name}（{source.id}）已恢复正常，异常持续约 {format_duration(outage)}。"
