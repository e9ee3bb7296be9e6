"""Hot lists (微博热搜, 百度热搜 …) from a self-hosted aggregator: newsnow or DailyHotApi.

Each entry on the list becomes an Item carrying its rank (`Item.hot`). The rank
history of every entry (first seen, best and current rank, last seen, when it
dropped off) is kept in the source's own state, which the poller stores after
every fetch, so it survives restarts on either store backend. An entry is
emitted as an Item when it enters the list (or re-enters it); staying on the
list only updates its history.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from bot.models import HotRank, Item
from sources.base import FetchResult, Source, SourceError, entry_key
from sources.http import HttpClient

HISTORY_KEPT = timedelta(days=30)  # an entry off the list this long is forgotten (matches store.keep_items' default)

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
        base = self.url.rstrip("/")
        board = quote(self.config.board, safe="/-_.")
        if self.config.format == "newsnow":
            return f"{base}/api/s?id={board}&latest"
        return f"{base}/{board.lstrip('/')}"

    async def fetch(self, client: HttpClient, state: dict[str, Any]) -> FetchResult:
        # No conditional GET: the lists are small and a poll must refresh `last_seen` even when nothing moved.
        resp = await client.get(
            self.list_url,
            allow_private=self.config.allow_private,
            encoding=self.config.encoding,
            user_agent=self.config.user_agent,
        )
        parse = parse_newsnow if self.config.format == "newsnow" else parse_dailyhot
        served_name, entries = await asyncio.to_thread(parse, resp.text)
        dropped = max(0, len(entries) - self.config.max_items)
        entries = entries[: self.config.max_items]  # the list's top, by rank
        board = self.config.name or BOARDS.get(self.config.board) or served_name or self.config.board
        now = self.context.clock.now()
        history, entered = track(state.get("ranks") or {}, entries, now)
        items = [self.entry_item(e, board, history[e.id], now, resp.url) for e in entries if e.id in entered]
        return FetchResult(items, dict(state, ranks=history), dropped=dropped)

    def entry_item(self, entry: Entry, board: str, record: dict[str, Any], now: datetime, base_url: str) -> Item:
        item = self.item(
            link=entry.url,
            base_url=base_url,
            title=_escape(entry.title),
            html=_escape(f"{board}第 {entry.rank}" + (f" · 热度 {entry.heat}" if entry.heat else "")),
            published_at=entry.published_at,
            guid=f"{self.id}:{entry.id}",
        )
        hot = HotRank(board, entry.rank, entry.heat, _time(record["on_since"]), now)
        return dataclasses.replace(item, hot=hot)


def track(
    ranks: dict[str, dict[str, Any]], entries: list[Entry], now: datetime
) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """The updated rank history and the ids that entered (or re-entered) the list with this fetch.

    A record: title, first_seen, on_since (start of the current stay), last_seen,
    rank (current; 0 once off), best, off_at (when it dropped off, else None).
    Times are ISO strings: the record lives in JSON source state.
    """
    stamp = now.isoformat()
    history = {key: dict(record) for key, record in ranks.items()}
    entered: set[str] = set()
    present = set()
    for entry in entries:
        present.add(entry.id)
        record = history.get(entry.id)
        if record is None or record.get("off_at"):
            entered.add(entry.id)
            first = record["first_seen"] if record else stamp
            record = {"first_seen": first, "on_since": stamp, "best": entry.rank}
        record.update(
            title=entry.title,
            rank=entry.rank,
            best=min(int(record.get("best") or entry.rank), entry.rank),
            last_seen=stamp,
            off_at=None,
        )
        history[entry.id] = record
    for key, record in history.items():
        if key not in present and not record.get("off_at"):
            record.update(rank=0, off_at=stamp)
    forget = now - HISTORY_KEPT
    return {k: r for k, r in history.items() if not r.get("off_at") or _time(r["off_at"]) > forget}, entered


def time_on_list(record: dict[str, Any]) -> timedelta:
    """How long the entry has been on the list in its current (or last) stay."""
    return _time(record["last_seen"]) - _time(record["on_since"])


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


def _escape(text: str) -> str:
    """Titles are plain text; Source.item strips HTML, so markup-looking text must survive as text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
