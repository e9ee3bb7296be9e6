"""Where a story went: 首发, key relays, the split by source category and volume per hour.

Pure: the incident's items and what the config says about sources and accounts come
in, figures go out. An item's time is its publication time; when the source gave none
it is the time the bot found it (`fetched_at`), and everything derived from it says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from itertools import pairwise
from urllib.parse import urlsplit

from bot.models import HotRank, Item

CATEGORY_ORDER = ("媒体", "自媒体", "论坛", "政务", "热榜")
HOUR = timedelta(hours=1)
PRECEDING = 2  # items named as having preceded a jump in volume, per jump


@dataclass(frozen=True)
class SourceInfo:
    """What propagation needs to know of a source."""

    name: str
    category: str = "媒体"
    official: bool = False


@dataclass(frozen=True)
class Settings:
    """Who counts as official media or a high-reach account, and what a jump in volume is."""

    official: frozenset[str] = frozenset()  # source ids, sites (people.com.cn) or account names
    high_reach: frozenset[str] = frozenset()  # account names
    jump_ratio: float = 2.0
    jump_min: int = 3


@dataclass(frozen=True)
class Dated:
    """An item with the time propagation uses for it."""

    item: Item
    at: datetime
    inferred: bool  # the source gave no publication time: `at` is when the bot found it


@dataclass(frozen=True)
class Relay:
    """A key node of the spread and why it is one (官方媒体, 高影响力账号, 热榜, 放量前)."""

    post: Dated
    source: str  # the source's name
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Propagation:
    first: Dated | None
    first_source: str
    items: int
    outlets: int  # distinct (source, account) pairs
    relays: tuple[Relay, ...]
    by_category: tuple[tuple[str, int], ...]  # in CATEGORY_ORDER, then any other; zeros left out
    per_hour: tuple[tuple[datetime, int], ...]  # every hour from the first to the last item, zeros included
    jumps: tuple[datetime, ...]  # hours whose volume jumped
    hot: tuple[HotRank, ...] = ()  # best rank per list
    rank_points: dict[str, tuple[tuple[datetime, int], ...]] = field(default_factory=dict)  # list → (time, rank)
    inferred: int = 0  # items whose time was inferred from discovery

    @property
    def reposts(self) -> int:
        return max(0, self.items - 1)


def dated(item: Item) -> Dated | None:
    """The item with its publication time, else its discovery time (flagged); None without either."""
    if item.published_at is not None:
        return Dated(item, item.published_at, False)
    if item.fetched_at is not None:
        return Dated(item, item.fetched_at, True)
    return None


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def is_official(item: Item, source: SourceInfo | None, settings: Settings) -> bool:
    """A source marked official, or a source id, site (suffix of the link's host) or account in the list."""
    if source is not None and source.official:
        return True
    if item.source_id in settings.official or (item.author and item.author in settings.official):
        return True
    host = _host(item.url)
    return bool(host) and any(host == s or host.endswith("." + s) for s in settings.official if "." in s)


def hour_of(at: datetime, zone: tzinfo) -> datetime:
    """The start of the local hour holding `at`."""
    return at.astimezone(zone).replace(minute=0, second=0, microsecond=0)


def volume(posts: Sequence[Dated], zone: tzinfo) -> list[tuple[datetime, int]]:
    """Items per local hour, every hour from the first to the last (zeros included)."""
    if not posts:
        return []
    counts: dict[datetime, int] = {}
    for p in posts:
        hour = hour_of(p.at, zone)
        counts[hour] = counts.get(hour, 0) + 1
    start, end = min(counts), max(counts)
    out, hour = [], start
    while hour <= end:
        out.append((hour, counts.get(hour, 0)))
        hour = (hour + HOUR).astimezone(zone)  # aware arithmetic: stays on the hour across offset changes
    return out


def jumps(per_hour: Sequence[tuple[datetime, int]], settings: Settings) -> list[datetime]:
    """Hours (after the first) with at least jump_min items and jump_ratio times the hour before."""
    found = []
    for (_, before), (hour, count) in pairwise(per_hour):
        if count >= settings.jump_min and count >= settings.jump_ratio * max(1, before):
            found.append(hour)
    return found


def _preceding(posts: Sequence[Dated], hour: datetime) -> list[Dated]:
    """The last items published before the jump hour began: what set it off, as far as the bot can see."""
    return [p for p in posts if p.at < hour][-PRECEDING:]


def _best_ranks(items: Iterable[Item]) -> tuple[list[HotRank], dict[str, list[tuple[datetime, int]]]]:
    best: dict[str, HotRank] = {}
    points: dict[str, list[tuple[datetime, int]]] = {}
    for item in items:
        rank = item.hot
        if rank is None:
            continue
        if rank.board not in best or rank.rank < best[rank.board].rank:
            best[rank.board] = rank
        when = rank.seen_at or item.fetched_at
        if when is not None:
            points.setdefault(rank.board, []).append((when, rank.rank))
    return sorted(best.values(), key=lambda r: r.rank), {k: sorted(v) for k, v in points.items()}


def analyse(
    items: Sequence[Item],
    sources: Mapping[str, SourceInfo],
    settings: Settings,
    zone: tzinfo,
) -> Propagation:
    """The propagation figures of one incident's items (any order; undated items are left out)."""
    posts = sorted((d for d in map(dated, items) if d is not None), key=lambda d: (d.at, d.inferred))

    def info(item: Item) -> SourceInfo:
        return sources.get(item.source_id) or SourceInfo(item.source_id)

    reasons: dict[str, list[str]] = {}
    for p in posts:
        why = reasons.setdefault(p.item.key, [])
        if is_official(p.item, sources.get(p.item.source_id), settings):
            why.append("官方媒体")
        if p.item.author and p.item.author in settings.high_reach:
            why.append(f"高影响力账号 {p.item.author}")
        if p.item.hot is not None:
            why.append(f"上榜 {p.item.hot.board}第 {p.item.hot.rank}")
    per_hour = volume(posts, zone)
    jumped = jumps(per_hour, settings)
    for hour in jumped:
        for p in _preceding(posts, hour):
            reasons[p.item.key].append(f"放量前（{hour:%H}时起 {dict(per_hour)[hour]} 条）")
    relays = tuple(
        Relay(p, info(p.item).name, tuple(dict.fromkeys(reasons[p.item.key]))) for p in posts if reasons[p.item.key]
    )
    counts: dict[str, int] = {}
    for item in items:
        category = info(item).category
        counts[category] = counts.get(category, 0) + 1
    order = [c for c in CATEGORY_ORDER if c in counts] + sorted(c for c in counts if c not in CATEGORY_ORDER)
    best, points = _best_ranks(items)
    first = posts[0] if posts else None
    return Propagation(
        first=first,
        first_source=info(first.item).name if first else "",
        items=len(items),
        outlets=len({(i.source_id, i.author) for i in items}),
        relays=relays,
        by_category=tuple((c, counts[c]) for c in order),
        per_hour=tuple(per_hour),
        jumps=tuple(jumped),
        hot=tuple(best),
        rank_points={k: tuple(v) for k, v in points.items()},
        inferred=sum(p.inferred for p in posts),
    )
