"""`yuqing-bot replay --since 7d`: today's schemes over stored items, sending nothing.

Monitors tune schemes against what really came in: every stored item of the
period goes through the same Judge (match → figures → stance → sentiment → tier)
and the same placement decision as the live pipeline (bot.placement.settle: exact
content dedup, near-duplicates join the open incident as spread, a graver toll or
spread velocity upgrades, a rebuttal becomes 进展 of the story it answers), but into
memory only. The output says what would have alerted, at which tier and why, with each
incident's 首发 and the best hot-list rank among its items.

Hot lists: a stored hot-list item carries the rank its entry had when it entered the list,
so entering at a rank within `analysis.hotlist.top` is replayed as the live bot does it (one
upgrade per incident). Later moves on the list (climbing into the top N, climbing places,
time on the list) live only in the source's current rank history, not in stored items, and
are not replayed.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.analysis.hotsignals import RankReading, signals, upgrade_reason
from bot.analysis.judge import Judge
from bot.analysis.judgement import Judgement
from bot.analysis.propagation import Propagation, analyse
from bot.analysis.similarity import content_key
from bot.clock import Clock, SystemClock
from bot.config import Config, HotSignalConfig
from bot.durations import parse_duration
from bot.lifecycle import apply
from bot.models import SYSTEM, Action, ActionKind, HotRank, Incident, Item, Tier
from bot.naming import source_names
from bot.placement import final_judgement, first_readings, run_now, settle
from bot.propagation import settings as propagation_settings
from bot.propagation import source_infos
from bot.render import local_time
from bot.store import read_store
from bot.store.base import Store

EXIT_USAGE = 2
POLL_SPAN = timedelta(seconds=5)  # the items of one poll of one source (see polls)


@dataclass
class Replayed:
    """One incident the replay would have raised."""

    number: str
    first: Item
    tier: Tier
    reason: str
    scheme: str
    items: list[Item] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    upgrades: list[str] = field(default_factory=list)
    progress: list[Item] = field(default_factory=list)  # rebuttals / clarifications answering it (进展)
    hot_signals: set[str] = field(default_factory=set)  # hot-list signals already replayed (once per incident)

    @property
    def sources(self) -> list[str]:
        return sorted({i.source_id for i in self.items})


class MemoryLedger:
    """Replay's ledger (bot.placement.Ledger): incidents in memory, nothing stored or sent."""

    def __init__(self) -> None:
        self.incidents: dict[str, Incident] = {}
        self.replayed: dict[str, Replayed] = {}
        self._by_scheme: dict[str, list[str]] = {}  # scheme → its incidents' numbers: a long replay asks often

    async def get(self, number: str) -> Incident | None:
        return self.incidents.get(number)

    async def recent(self, since: datetime, scheme: str | None = None) -> Sequence[Incident]:
        """Open incidents seen since `since` (of `scheme` only, when given)."""
        pool = (
            self.incidents.values() if scheme is None else (self.incidents[n] for n in self._by_scheme.get(scheme, ()))
        )
        return [i for i in pool if i.is_open and (i.last_seen_at or i.discovered_at) >= since]

    async def create(self, item: Item, judgement: Judgement, now: datetime, related: str = "") -> Incident:
        number = str(len(self.incidents))
        self.incidents[number] = Incident(
            number,
            judgement.tier,
            item.title,
            item.url,
            item.source_id,
            now,
            scheme=judgement.match.scheme,
            match=judgement.match,
            sentiment=judgement.sentiment,
            reason=judgement.reason,
            item_keys=(item.key,),
            sources=(item.source_id,),
            last_seen_at=now,
            hot=item.hot,  # as IncidentService.create: placement reads it (a hot-list-born incident)
            related=related,
        )
        self._by_scheme.setdefault(judgement.match.scheme, []).append(number)
        self.replayed[number] = Replayed(number, item, judgement.tier, judgement.reason, judgement.match.scheme, [item])
        return self.incidents[number]

    async def add_spread(self, number: str, item: Item, now: datetime) -> Incident:
        incident = self.incidents[number]
        if item.key in incident.item_keys:
            return incident
        sources = incident.sources if item.source_id in incident.sources else (*incident.sources, item.source_id)
        changed = incident.replace(item_keys=(*incident.item_keys, item.key), sources=sources, last_seen_at=now)
        self.replayed[number].items.append(item)
        return self._record(changed, ActionKind.SPREAD, now, item.title)

    async def add_progress(self, number: str, item: Item, marker: str, now: datetime) -> Incident:
        line = f"{marker}：{item.title} {item.url}".strip()
        self.replayed[number].progress.append(item)
        return self._record(
            self.incidents[number].replace(progress=line, last_seen_at=now), ActionKind.PROGRESS, now, line
        )

    async def upgrade(self, number: str, tier: Tier, reason: str, now: datetime) -> Incident:
        incident = self.incidents[number]
        if tier >= incident.tier:
            return incident
        record = self.replayed[number]
        record.upgrades.append(f"{incident.tier.roman} → {tier.roman}")
        record.tier, record.reason = tier, reason
        return self._record(incident.replace(tier=tier, reason=reason), ActionKind.UPGRADE, now, reason)

    async def actions(self, number: str) -> Sequence[Action]:
        return self.replayed[number].actions

    def _record(self, changed: Incident, kind: ActionKind, now: datetime, note: str) -> Incident:
        record = self.replayed[changed.number]
        action = Action(f"{kind.value}{len(record.actions)}", changed.number, kind, SYSTEM, now, note=note)
        record.actions.append(action)
        self.incidents[changed.number], _event = apply(changed, action)
        return self.incidents[changed.number]


def replay(items: list[Item], judge: Judge) -> list[Replayed]:
    """Judge and place `items` (oldest first) as the pipeline would; nothing is stored or sent.

    Poll by poll, in the pipeline's order: a poll's tier I/II items first (bot.placement)."""
    seen: set[str] = set()
    ledger = MemoryLedger()
    for poll in polls(items):
        new = [item for item in poll if not {item.key, content_key(item)} & seen]
        fresh = {id(item) for item in new}
        partly = {k for item in poll if id(item) not in fresh for k in (item.key, content_key(item))}
        for reading in first_readings(new, judge):
            item = reading.item
            keys = {item.key, content_key(item)}
            if keys & seen:  # a copy earlier in the page's order took it
                continue
            seen |= keys
            judgement = final_judgement(reading, judge)
            if judgement is None:
                continue
            now = item.fetched_at or datetime.min
            placed = run_now(settle(item, judgement, judge, ledger, now))
            if item.hot is not None and not placed.progress:  # a trending rebuttal raises nothing, as live
                run_now(_entered_list(item, item.hot, placed.incident.number, ledger, judge.analysis.hotlist, now))
        seen |= partly  # as the pipeline claims an edited article's text: after the page's new items
    return list(ledger.replayed.values())


def polls(items: list[Item]) -> list[list[Item]]:
    """Items (oldest first) cut into the polls that fetched them: one source's items stamped within
    POLL_SPAN of the first of its poll (a page is stamped within milliseconds, polls are far apart)."""
    cut: list[list[Item]] = []
    current: dict[str, list[Item]] = {}
    for item in items:
        poll = current.get(item.source_id)
        at, first = item.fetched_at, poll[0].fetched_at if poll else None
        if poll is None or at is None or first is None or at - first > POLL_SPAN:
            poll = current[item.source_id] = []
            cut.append(poll)
        poll.append(item)
    return cut


async def _entered_list(
    item: Item, hot: HotRank, number: str, ledger: MemoryLedger, thresholds: HotSignalConfig, now: datetime
) -> None:
    """The hot-list signals of the entry as it entered the list (what a stored item knows): an upgrade, once."""
    seen = hot.seen_at or now
    rank, best = hot.rank, hot.best or hot.rank
    reading = RankReading(hot.source_id, hot.entry, hot.board, item.title, rank, best, rank, hot.since or seen, seen)
    record = ledger.replayed[number]
    found = signals(reading, thresholds, record.hot_signals)
    record.hot_signals.update(s.kind for s in found)
    incident = ledger.incidents[number]
    tier = incident.tier.upgraded()
    if found and tier < incident.tier:
        await ledger.upgrade(number, tier, upgrade_reason(incident.reason, found, tier), now)


def render(results: list[Replayed], config: Config, start: datetime, end: datetime, total: int, show_all: bool) -> str:
    zone = config.zone
    pushed = sorted((r for r in results if r.tier.pushed), key=lambda r: (r.tier, r.first.fetched_at or start))
    below = [r for r in results if not r.tier.pushed]
    counts = " / ".join(f"{t.roman} {sum(r.tier is t for r in pushed)}" for t in (Tier.I, Tier.II, Tier.III, Tier.IV))
    names = source_names(config)
    infos, settings_ = source_infos(config), propagation_settings(config)
    lines = [
        f"回放 {start.astimezone(zone):%Y-%m-%d %H:%M} — {end.astimezone(zone):%Y-%m-%d %H:%M}："
        f"{total} 条已存信息，{len(config.schemes)} 个监测方案（只打印，不发送）",
        f"将告警 {len(pushed)} 起（{counts}），影响较小 {len(below)} 起（只记录、进简报，不推送）",
    ]
    for r in pushed + (below if show_all else []):
        when = (r.first.fetched_at or start).astimezone(zone)
        spread = f"  转载/相似 {len(r.items) - 1} 条，来源 {len(r.sources)} 家" if len(r.items) > 1 else ""
        upgraded = f"  升级 {'、'.join(r.upgrades)}" if r.upgrades else ""
        progress = [f"   进展：{p.title} {p.url}" for p in r.progress]
        spread_line = propagation_line(analyse(r.items, infos, settings_, zone), zone)
        lines += [
            "",
            f"{r.tier.emoji} {r.tier.roman} {r.tier.label}  {when:%m-%d %H:%M}  {r.first.title}",
            f"   方案「{r.scheme}」 来源 {names.get(r.first.source_id, r.first.source_id)}{spread}{upgraded}",
            f"   原因：{r.reason}",
            *([spread_line] if spread_line else []),
            f"   {r.first.url}",
            *progress,
        ]
    return "\n".join(lines)


def propagation_line(p: Propagation, zone: ZoneInfo) -> str:
    """ "   首发 江城论坛 11-30 07:40 · 热榜 微博热搜 最高第 3"; "" when there is neither."""
    parts = []
    if p.first is not None:
        inferred = "（发现时间）" if p.first.inferred else ""
        parts.append(f"首发 {p.first_source} {local_time(p.first.at, zone)}{inferred}")
    if p.hot:
        parts.append("热榜 " + "、".join(f"{h.board} 最高第 {h.rank}" for h in p.hot))
    return f"   {' · '.join(parts)}" if parts else ""


async def run_replay(config: Config, store: Store, since: timedelta, clock: Clock, show_all: bool = False) -> str:
    end = clock.now()
    start = end - since
    items = await store.items_between(start, end)
    judge = Judge(config.schemes, config.sources, analysis=config.analysis)
    return render(replay(items, judge), config, start, end, len(items), show_all)


def replay_main(config: Config, since: str, show_all: bool = False, clock: Clock | None = None) -> int:
    try:
        period = parse_duration(since)
    except ValueError:
        print(f"参数错误: --since {since!r}：时长应写作 30m、24h、7d 这样的形式", file=sys.stderr)
        return EXIT_USAGE
    if period <= timedelta(0):
        print(f"参数错误: --since {since!r} 必须大于 0", file=sys.stderr)
        return EXIT_USAGE

    async def go() -> str:
        async with read_store(config.store) as store:  # works while the bot runs
            return await run_replay(config, store, period, clock or SystemClock(), show_all)

    print(asyncio.run(go()))
    return 0
