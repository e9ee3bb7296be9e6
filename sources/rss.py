"""RSS 0.9x/1.0/2.0 and Atom feeds → Items.

Two well-kept parsers, one result: fastfeedparser (lxml, ~30x faster) reads
the common case; feedparser (the universal one, forgiving with broken XML,
keeps raw date strings) reads what the fast one refuses, feeds whose dates
carry no zone (Chinese CMSs write `2026-11-26 08:00:00` meaning Beijing time,
which both parsers would take as UTC), and feeds that yield nothing. A body
that turns out to be JSON goes to the JSON Feed parser.

Both parsers get the text the HTTP layer decoded (`Response.text`, the one
decoding decision), handed over as UTF-8 bytes with the XML declaration
rewritten to say so: the parsers' own charset sniffing never sees the
server's label. Parsing runs off the event loop (`sources.offload`: a worker
thread, or the parsing process for a big body) so a huge feed cannot stall it, and at most `max_items` entries,
newest first, become Items.
"""

from __future__ import annotations

import asyncio
import calendar
import re
from datetime import UTC, datetime
from typing import Any, NamedTuple

import fastfeedparser
import feedparser

from sources.base import FetchResult, Source, SourceError, entry_key, fresh, newest, remember
from sources.encoding import decode_as
from sources.http import HttpClient, Response
from sources.offload import PROCESS_FROM, ParserCrashed, parse_body_off_loop
from sources.times import parse_time

_DATE_ELEMENT = re.compile(rb"<(?:pubDate|published|updated|dc:date|modified|issued)>\s*([^<]{4,64}?)\s*</", re.I)
# "CST" is left out on purpose: Chinese sites use it for China Standard Time, parsers for US Central.
_HAS_ZONE = re.compile(r"(Z|GMT|UTC|UT|[EMP][SD]T|CDT|[+-]\d{2}:?\d{2})$", re.I)
_CST = re.compile(r"\s*CST$", re.I)
_XML_DECL_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])[^"']*(["'])""")


class Entry(NamedTuple):
    """What either parser gives us for one entry, before it becomes an Item."""

    link: str
    title: str
    html: str
    author: str
    published: datetime | None
    guid: str


class RssSource(Source):
    async def fetch(self, client: HttpClient, state: dict[str, Any]) -> FetchResult:
        resp = await self.get_if_changed(client, state)
        if resp is None:
            return FetchResult([], state, not_modified=True)
        return await parse_response(self, resp, remember(state, resp))


async def parse_response(source: Source, resp: Response, state: dict[str, Any]) -> FetchResult:
    """parse_any off the event loop; a big body goes to the parsing process as bytes plus the chosen encoding."""
    if len(resp.body) < PROCESS_FROM:
        return await asyncio.to_thread(parse_any, source, resp.text, resp.url, state)
    try:
        return await parse_body_off_loop(resp.body, parse_bytes, source, resp.encoding, resp.url, state)
    except ParserCrashed as exc:
        raise SourceError(str(exc)) from None


def parse_bytes(body: bytes, source: Source, encoding: str, base_url: str, state: dict[str, Any]) -> FetchResult:
    """parse_any on the body as the HTTP layer decoded it (same encoding, re-applied in the parsing process)."""
    return parse_any(source, decode_as(body, encoding), base_url, state)


def parse_any(source: Source, text: str, base_url: str, state: dict[str, Any]) -> FetchResult:
    """Decoded feed text of either family → Items (JSON Feed if it looks like JSON), entries already seen skipped.

    Blocking (seconds for a huge feed): call it through asyncio.to_thread.
    """
    if text.lstrip()[:1] in ("{", "["):
        from sources.jsonfeed import parse_jsonfeed

        items, dropped = newest(parse_jsonfeed(source, text, base_url), source.config.max_items, _item_time)
        return FetchResult(items, state, dropped=dropped)
    entries, dropped = newest(parse_feed(source, text), source.config.max_items, _entry_when)
    is_new, state["entries"] = fresh([entry_key(e.link, e.guid, e.title) for e in entries], state)
    items = [
        source.item(
            link=e.link, base_url=base_url, title=e.title, html=e.html, author=e.author,
            published_at=e.published, guid=e.guid,
        )
        for e, new in zip(entries, is_new, strict=True)
        if new
    ]  # fmt: skip
    return FetchResult(items, state, dropped=dropped)


def _entry_when(entry: Entry) -> datetime | None:
    return entry.published


def _item_time(item: Any) -> datetime | None:
    return item.published_at


def feed_bytes(text: str) -> bytes:
    """Decoded feed text as UTF-8 bytes whose XML declaration says UTF-8 (what the parsers read)."""
    return _XML_DECL_ENCODING.sub(r"\1utf-8\2", text.lstrip("\ufeff"), count=1).encode("utf-8", "surrogatepass")


def parse_feed(source: Source, feed: str | bytes) -> list[Entry]:
    """Parse RSS/Atom (decoded text, or bytes as served); no usable entry in a malformed body is a SourceError."""
    body = feed_bytes(feed) if isinstance(feed, str) else feed
    if not body.strip():
        raise SourceError("返回内容为空")
    entries = _fast_entries(body) if _zones_given(body) else None
    return entries or _slow_entries(source, body)


def _zones_given(body: bytes) -> bool:
    """True when every date in the feed names its zone (so a parser's UTC default cannot mislead)."""
    return all(_HAS_ZONE.search(m.group(1).decode("latin-1").strip()) for m in _DATE_ELEMENT.finditer(body))


def _fast_entries(body: bytes) -> list[Entry] | None:
    """fastfeedparser on bytes (never a str: a str URL would make it fetch); None if it refuses."""
    try:
        parsed = fastfeedparser.parse(body, include_tags=False, include_media=False, include_enclosures=False)
    except Exception:  # noqa: BLE001 - whatever it refuses, feedparser gets a go
        return None
    out = []
    for e in parsed.get("entries", []):
        link, guid = e.get("link") or "", e.get("id") or ""
        if not (link or guid):  # a cut-off entry of a truncated feed
            continue
        content = e.get("content") or []
        html = (content[0].get("value") if content else "") or e.get("description") or ""
        when = e.get("published") or e.get("updated") or ""
        out.append(Entry(link, e.get("title") or "", html, e.get("author") or "", _iso(when), guid))
    return out


def _slow_entries(source: Source, body: bytes) -> list[Entry]:
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    out = []
    for e in parsed.entries:
        link, guid = e.get("link") or "", e.get("id") or ""
        if not (link or guid):
            continue
        html = (e["content"][0].get("value", "") if e.get("content") else "") or e.get("summary", "")
        out.append(Entry(link, e.get("title", ""), html, e.get("author", ""), _entry_time(source, e), guid))
    if not out and not parsed.get("version"):
        raise SourceError(f"返回内容不是 RSS/Atom 订阅源（{_why(parsed)}）")
    if not out and parsed.bozo:
        raise SourceError(f"订阅源格式错误，无法解析（{_why(parsed)}）")
    return out


def _iso(value: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when is not None and when.tzinfo is None else when


def _entry_time(source: Source, entry: Any) -> datetime | None:
    raw = (entry.get("published") or entry.get("updated") or "").strip()
    if raw and not _HAS_ZONE.search(raw):  # local time as the site wrote it
        return parse_time(_CST.sub("", raw), source.context.clock.now(), source.context.zone)
    struct = entry.get("published_parsed") or entry.get("updated_parsed")
    if struct:
        return datetime.fromtimestamp(calendar.timegm(struct), UTC)
    return parse_time(raw, source.context.clock.now(), source.context.zone) if raw else None


def _why(parsed: Any) -> str:
    exc = parsed.get("bozo_exception")
    return f"{type(exc).__name__}: {exc}"[:200] if exc else "未知错误"
