"""RSS 0.9x/1.0/2.0 and Atom feeds, parsed with feedparser."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Any

import feedparser

from bot.models import Item
from sources.base import FetchResult, Source, SourceError
from sources.http import HttpClient
from sources.text import html_to_text
from sources.urls import canonical_url


class RssSource(Source):
    async def fetch(self, client: HttpClient, state: dict[str, Any]) -> FetchResult:
        resp = await client.get(
            self.config.url,
            allow_private=self.config.allow_private,
            etag=state.get("etag", ""),
            last_modified=state.get("last_modified", ""),
        )
        if resp.not_modified:
            return FetchResult([], state, not_modified=True)
        now = datetime.now(UTC)
        items = parse_feed(resp.body, resp.url, self.id, now, encoding=resp.encoding)
        new_state = dict(state, etag=resp.etag, last_modified=resp.last_modified)
        return FetchResult(items, new_state)


def parse_feed(body: bytes, base_url: str, source_id: str, now: datetime, encoding: str = "") -> list[Item]:
    """Parse feed bytes; a feed with no usable entries and a parse error is a SourceError."""
    parsed = feedparser.parse(body, response_headers={"content-location": base_url})
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or ""
        title = html_to_text(entry.get("title", ""))
        if not (link or title):
            continue
        body_html = ""
        if entry.get("content"):
            body_html = entry["content"][0].get("value", "")
        body_html = body_html or entry.get("summary", "")
        items.append(
            Item(
                source_id=source_id,
                url=canonical_url(link, base_url) if link else "",
                title=title,
                text=html_to_text(body_html),
                author=entry.get("author", ""),
                published_at=_entry_time(entry),
                fetched_at=now,
                guid=entry.get("id", ""),
                raw=body_html[:20000],
            )
        )
    if parsed.bozo and not items:
        raise SourceError(f"订阅源格式错误，无法解析（{parsed.get('bozo_exception')}）")
    return items


def _entry_time(entry: Any) -> datetime | None:
    struct = entry.get("published_parsed") or entry.get("updated_parsed")
    if not struct:
        return None
    return datetime.fromtimestamp(calendar.timegm(struct), UTC)
