"""RSS 0.9x/1.0/2.0 and Atom feeds, parsed with feedparser (the well-kept one).

A body that turns out to be JSON is handed to the JSON Feed parser, so a
misconfigured kind or an RSSHub `?format=json` route still works.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Any

import feedparser

from bot.models import Item
from sources.base import FetchResult, Source, SourceError, remember
from sources.http import HttpClient
from sources.times import parse_time


class RssSource(Source):
    async def fetch(self, client: HttpClient, state: dict[str, Any]) -> FetchResult:
        resp = await self.get_if_changed(client, state)
        if resp is None:
            return FetchResult([], state, not_modified=True)
        items = parse_any(self, resp.body, resp.text, resp.url)
        return FetchResult(items, remember(state, resp))


def parse_any(source: Source, body: bytes, text: str, base_url: str) -> list[Item]:
    """Feed bytes of either family → Items (JSON Feed if it looks like JSON)."""
    if text.lstrip()[:1] in ("{", "["):
        from sources.jsonfeed import parse_jsonfeed

        return parse_jsonfeed(source, text, base_url)
    return parse_feed(source, body, base_url)


def parse_feed(source: Source, body: bytes, base_url: str) -> list[Item]:
    """Parse RSS/Atom bytes; a feed with no usable entries and a parse error is a SourceError."""
    if not body.strip():
        raise SourceError("返回内容为空")
    # Links are resolved by canonical_url against the final URL, not by feedparser (which also rewrites GUIDs).
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or ""
        title = entry.get("title", "")
        if not (link or title):
            continue
        body_html = entry["content"][0].get("value", "") if entry.get("content") else ""
        items.append(
            source.item(
                link=link,
                base_url=base_url,
                title=title,
                html=body_html or entry.get("summary", ""),
                author=entry.get("author", ""),
                published_at=_entry_time(source, entry),
                guid=entry.get("id", ""),
            )
        )
    if not items and not parsed.get("version"):
        raise SourceError(f"返回内容不是 RSS/Atom 订阅源（{_why(parsed)}）")
    if not items and parsed.bozo:
        raise SourceError(f"订阅源格式错误，无法解析（{_why(parsed)}）")
    return items


def _entry_time(source: Source, entry: Any) -> datetime | None:
    struct = entry.get("published_parsed") or entry.get("updated_parsed")
    if struct:
        return datetime.fromtimestamp(calendar.timegm(struct), UTC)
    raw = entry.get("published") or entry.get("updated") or ""
    return parse_time(raw, source.context.clock.now(), source.context.zone) if raw else None


def _why(parsed: Any) -> str:
    exc = parsed.get("bozo_exception")
    return f"{type(exc).__name__}: {exc}"[:200] if exc else "未知错误"
