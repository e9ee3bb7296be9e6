"""Hot lists (微博热搜, 百度热搜 …) from a self-hosted aggregator: newsnow, DailyHotApi or RSSHub.

Each entry on the list becomes an Item carrying its rank (`Item.hot`). The rank
history of every entry (first seen, best, worst and current rank, last seen, time on
the list, when it dropped off, the incident it belongs to) is kept in the source's own
state, which the poller stores after every fetch, so it survives restarts on either
store backend; entries off the list longer than `store.keep_items` are forgotten.
An entry is emitted as an Item when it enters the list (or re-enters it, or is
reworded while no incident holds it); every poll also yields a `RankReading` per
entry on the list or just dropped off, which bot/hotranks.py applies to incidents.

A reworded title stays one entry: an unknown id whose title shares most of its
character pairs with an entry that left the list with this poll (or within
`REWORD_GAP`) takes over that entry's history.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from bot.analysis.hotsignals import RankReading
from bot.models import HotRank, Item
from sources.base import FetchResult, Source, SourceError, entry_key
from sources.http import HttpClient
from sources.rss import parse_feed

REWORD_GAP = timedelta(hours=1)  # an entry gone this long is no longer taken for a rewording of a new one
REWORD_SHARE = 0.6  # share of the shorter title's character pairs both titles must have
_NOT_TEXT = re.compile(r"[\W_]+")

# Chinese names of the lists both aggregators serve, for cards; `name:` in the config wins.
BOARDS = {
    "weibo": "微博热搜",
    "baidu": "百度热搜",
    "zhihu": "知乎热榜",
    "douyin": "抖音热榜",
    "toutiao": "今日头条热榜",
    "thepaper": "澎湃热榜",
    "tieba": "贴吧热议",
    "bilibili": "哔哩哔哩热搜",
    "bilibili-hot-search": "哔哩哔哩热搜",
    "kuaishou": "快手热榜",
    "qq-news": "腾讯新闻热点",
    "netease-news": "网易新闻热点",
    "sina-news": "新浪新闻热点",
    "ifeng": "凤凰网热点",
    "cls-hot": "财联社热门",
    "wallstreetcn-hot": "华尔街见闻热门",
    # RSSHub hot routes (format: rsshub, route:)
    "weibo/search/hot": "微博热搜",
    "zhihu/hot": "知乎热榜",
    "zhihu/hotlist": "知乎热榜",
    "baidu/top": "百度热搜",
    "douyin/hot": "抖音热榜",
}


@dataclass(frozen=True)
class Entry:
    """One line of a hot list as the aggregator served it."""

    id: str
    title: str
    url: str
    rank: int
    heat: str = ""
    published_at: datetime | None = None


class HotlistSource(Source):
    @property
    def list_url(self) -> str:
        if self.config.format == "rsshub":
            base = (self.config.url or self.context.rsshub_base).rstrip("/")
            return f"{base}/{self.route}"
        base = self.url.rstrip("/")
        board = quote(self.config.board, safe="/-_.")
        if self.config.format == "newsnow":
            return f"{base}/api/s?id={board}&latest"
        return f"{base}/{board.lstrip('/')}"

    @property
    def route(self) -> str:
        return (self.config.route or self.config.board).strip().strip("/")

    async def fetch(self, client: HttpClient, state: dict[str, Any]) -> FetchResult:
        # No conditional GET: the lists are small and a poll must refresh `last_seen` even when nothing moved.
        resp = await client.get(
            self.list_url,
            allow_private=self.config.allow_private,
            encoding=self.config.encoding,
            user_agent=self.config.user_agent,
        )
        if self.config.format == "rsshub":
            served_name, entries = await asyncio.to_thread(self.parse_rsshub, resp.text)
            key = self.route
        else:
            parse = parse_newsnow if self.config.format == "newsnow" else parse_dailyhot
            served_name, entries = await asyncio.to_thread(parse, resp.text)
            key = self.config.board
        dropped = max(0, len(entries) - self.config.max_items)
        entries = entries[: self.config.max_items]  # the list's top, by rank
        board = self.config.name or BOARDS.get(key) or served_name or key
        now = self.context.clock.now()
        tracked = track(state.get("ranks") or {}, entries, now, self.context.keep)
        items = [
            self.entry_item(e, board, tracked.history[tracked.keys[e.id]], tracked.keys[e.id], now, resp.url)
            for e in entries
            if e.id in tracked.entered
        ]
        readings = [self.reading(key, board, tracked.history[key]) for key in tracked.moved]
        return FetchResult(items, dict(state, ranks=tracked.history), dropped=dropped, readings=readings)

    def parse_rsshub(self, text: str) -> tuple[str, list[Entry]]:
        """An RSSHub hot route: the feed's item order is the rank."""
        entries = []
        for entry in parse_feed(self, text):
            title = _plain(entry.title).strip()
            if title:
                key = entry.guid or entry.link or title
                entries.append(Entry(entry_key(key), title, entry.link, len(entries) + 1, "", entry.published))
        return "", entries

    def entry_item(
        self, entry: Entry, board: str, record: dict[str, Any], key: str, now: datetime, base_url: str
    ) -> Item:
        item = self.item(
            link=entry.url,
            base_url=base_url,
            title=_escape(entry.title),
            html=_escape(f"{board}第 {entry.rank}" + (f" · 热度 {entry.heat}" if entry.heat else "")),
            published_at=entry.published_at,
            guid=f"{self.id}:{entry.id}",
        )
        hot = HotRank(board, entry.rank, entry.heat, _time(record["on_since"]), now, int(record["best"]), key, self.id)
        return dataclasses.replace(item, hot=hot)

    def reading(self, key: str, board: str, record: dict[str, Any]) -> RankReading:
        return RankReading(
            source_id=self.id,
            entry=key,
            board=board,
            title=record["title"],
            rank=int(record.get("rank") or 0),
            best=int(record.get("best") or 0),
            worst=int(record.get("worst") or record.get("rank") or 0),
            on_since=_time(record["on_since"]),
            seen_at=_time(record["last_seen"]),
            heat=record.get("heat", ""),
            incident=record.get("incident", ""),
        )


@dataclass
class Tracked:
    history: dict[str, dict[str, Any]]  # entry key → record
    keys: dict[str, str]  # id served this poll → entry key (differs for a reworded title)
    entered: set[str]  # ids served this poll to emit as Items
    moved: list[str]  # entry keys on the list this poll or dropped off with it, in list order


def track(
    ranks: dict[str, dict[str, Any]], entries: list[Entry], now: datetime, keep: timedelta = timedelta(days=30)
) -> Tracked:
    """The rank history after this fetch.

    A record (keyed by the first id the entry was served under): title, ids (later ids of a
    reworded entry), first_seen, on_since (start of the current stay), last_seen, rank
    (current; 0 once off), best, worst (of the current stay), heat, past (seconds on the list
    in earlier stays), off_at (when it dropped off, else None), incident (set by bot/hotranks.py).
    Times are ISO strings: the record lives in JSON source state.
    """
    stamp = now.isoformat()
    history = {key: dict(record) for key, record in ranks.items()}
    index = {alias: key for key, record in history.items() for alias in (key, *record.get("ids", ()))}
    keys = {e.id: index[e.id] for e in entries if e.id in index}
    _match_rewordings([e for e in entries if e.id not in keys], history, set(keys.values()), keys, now)
    entered: set[str] = set()
    moved: list[str] = []
    for entry in entries:
        key = keys.setdefault(entry.id, entry.id)
        record = history.get(key)
        if record is None or record.get("off_at"):
            entered.add(entry.id)
            past = _stay(record) if record else 0.0
            first = record["first_seen"] if record else stamp
            best = int(record.get("best") or entry.rank) if record else entry.rank
            record = dict(record or {}, first_seen=first, on_since=stamp, best=best, worst=entry.rank, past=past)
        elif record["title"] != entry.title and not record.get("incident"):
            entered.add(entry.id)  # reworded, and the new words may match a scheme the old ones did not
        if entry.id != key and entry.id not in record.get("ids", ()):
            record["ids"] = [*record.get("ids", ()), entry.id][-5:]
        record.update(
            title=entry.title,
            rank=entry.rank,
            best=min(int(record.get("best") or entry.rank), entry.rank),
            worst=max(int(record.get("worst") or entry.rank), entry.rank),
            heat=entry.heat,
            last_seen=stamp,
            off_at=None,
        )
        history[key] = record
        moved.append(key)
    present = set(keys.values())
    for key, record in history.items():
        if key not in present and not record.get("off_at"):
            record.update(rank=0, off_at=stamp)
            moved.append(key)
    forget = now - keep
    kept = {k: r for k, r in history.items() if not r.get("off_at") or _time(r["off_at"]) > forget}
    return Tracked(kept, keys, entered, [k for k in moved if k in kept])


def _match_rewordings(
    unknown: list[Entry], history: dict[str, dict[str, Any]], taken: set[str], keys: dict[str, str], now: datetime
) -> None:
    """Give each unknown id the history of a recently gone entry whose title it rewords (best match first)."""
    gone = [
        key
        for key, record in history.items()
        if key not in taken and (not record.get("off_at") or now - _time(record["off_at"]) <= REWORD_GAP)
    ]
    pairs = []
    for entry in unknown:
        mine = _pairs(entry.title)
        for key in gone:
            theirs = _pairs(history[key]["title"])
            shared = len(mine & theirs)
            if shared >= 2 and shared / max(1, min(len(mine), len(theirs))) >= REWORD_SHARE:
                pairs.append((shared / max(1, len(mine | theirs)), entry.id, key))
    for _score, entry_id, key in sorted(pairs, reverse=True):
        if entry_id not in keys and key not in taken:
            keys[entry_id] = key
            taken.add(key)


def _pairs(title: str) -> set[str]:
    text = _NOT_TEXT.sub("", title.lower())
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _stay(record: dict[str, Any]) -> float:
    """Seconds on the list over all stays so far, the current (or last) one included."""
    return float(record.get("past") or 0) + time_on_list(record).total_seconds()


def time_on_list(record: dict[str, Any]) -> timedelta:
    """How long the entry has been on the list in its current (or last) stay."""
    return _time(record["last_seen"]) - _time(record["on_since"])


def total_time_on_list(record: dict[str, Any]) -> timedelta:
    """How long the entry has been on the list over all its stays."""
    return timedelta(seconds=_stay(record))


def link(state: dict[str, Any], links: dict[str, str]) -> dict[str, Any]:
    """The fetch state with entries tied to their incidents (entry key → incident number)."""
    ranks = state.get("ranks") or {}
    if not any(key in ranks and ranks[key].get("incident") != number for key, number in links.items()):
        return state
    ranks = {key: dict(record, incident=links[key]) if key in links else record for key, record in ranks.items()}
    return dict(state, ranks=ranks)


AWAIT = "await"  # record key: the item key of an entry whose item was already seen, not linked yet (one retry)


def awaiting(state: dict[str, Any]) -> dict[str, str]:
    """Entries marked by the last poll as seen but not linked yet (entry key → item key)."""
    ranks = state.get("ranks") or {}
    return {key: str(record[AWAIT]) for key, record in ranks.items() if record.get(AWAIT)}


def await_link(state: dict[str, Any], marks: dict[str, str]) -> dict[str, Any]:
    """The fetch state with exactly `marks` marked (entry key → item key); earlier marks cleared."""
    ranks = state.get("ranks") or {}
    if not marks and not any(record.get(AWAIT) for record in ranks.values()):
        return state
    fresh = {}
    for key, record in ranks.items():
        record = {k: v for k, v in record.items() if k != AWAIT}
        if key in marks:
            record[AWAIT] = marks[key]
        fresh[key] = record
    return dict(state, ranks=fresh)


def parse_newsnow(text: str) -> tuple[str, list[Entry]]:
    """`{status, id, updatedTime, items: [{id, title, url, mobileUrl, extra}]}`."""
    doc = _json(text)
    if doc.get("status") not in ("success", "cache") or not isinstance(doc.get("items"), list):
        raise SourceError(f"newsnow 返回异常（status={doc.get('status')!r}），不是热榜数据")
    entries = []
    for entry in doc["items"]:
        if not isinstance(entry, dict):
            continue
        extra = entry.get("extra") if isinstance(entry.get("extra"), dict) else {}
        heat = _text(extra.get("info")) if isinstance(extra.get("info"), (str, int, float)) else ""
        entries.append(_entry(entry, len(entries) + 1, heat, None))
    return "", [e for e in entries if e is not None]


def parse_dailyhot(text: str) -> tuple[str, list[Entry]]:
    """`{code, name, updateTime, data: [{id, title, hot, url, mobileUrl, timestamp}]}`."""
    doc = _json(text)
    if doc.get("code") != 200 or not isinstance(doc.get("data"), list):
        raise SourceError(f"DailyHotApi 返回异常（code={doc.get('code')!r}：{_text(doc.get('message'))[:80]}）")
    entries = []
    for entry in doc["data"]:
        if not isinstance(entry, dict):
            continue
        entries.append(_entry(entry, len(entries) + 1, _text(entry.get("hot")), _epoch(entry.get("timestamp"))))
    return _text(doc.get("title")) or _text(doc.get("name")), [e for e in entries if e is not None]


def _entry(entry: dict[str, Any], rank: int, heat: str, published: datetime | None) -> Entry | None:
    title = _text(entry.get("title")).strip()
    url = _text(entry.get("url")) or _text(entry.get("mobileUrl"))
    key = _text(entry.get("id")) or url or title
    if not title:
        return None
    return Entry(entry_key(key), title, url, rank, heat, published)


def _json(text: str) -> dict[str, Any]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"热榜返回内容不是 JSON（第 {exc.lineno} 行：{exc.msg}）") from None
    if not isinstance(doc, dict):
        raise SourceError("热榜返回内容不是 JSON 对象")
    return doc


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    return value if isinstance(value, str) else ""


def _epoch(value: Any) -> datetime | None:
    """DailyHotApi timestamps are milliseconds (sometimes seconds) since the epoch; null when unknown."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return None
    seconds = value / 1000 if value > 10**11 else value
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def _escape(text: str) -> str:
    """Titles are plain text; Source.item strips HTML, so markup-looking text must survive as text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
