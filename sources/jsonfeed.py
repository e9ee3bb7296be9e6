"""JSON Feed 1.0/1.1 (jsonfeed.org), which RSSHub also serves with `?format=json`."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from bot.models import Item
from sources.base import FetchResult, Source, SourceError, newest, remember
from sources.http import HttpClient
from sources.times import parse_time


class JsonFeedSource(Source):
    async def fetch(self, client: HttpClient, state: dict[str, Any]) -> FetchResult:
        resp = await self.get_if_changed(client, state)
        if resp is None:
            return FetchResult([], state, not_modified=True)
        parsed = await asyncio.to_thread(parse_jsonfeed, self, resp.text, resp.url)
        items, dropped = newest(parsed, self.config.max_items, lambda i: i.published_at)
        return FetchResult(items, remember(state, resp), dropped=dropped)


def parse_jsonfeed(source: Source, text: str, base_url: str) -> list[Item]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"JSON Feed 格式错误，无法解析（第 {exc.lineno} 行：{exc.msg}）") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise SourceError("返回内容不是 JSON Feed（缺少 items 列表）")
    base = doc.get("home_page_url") if isinstance(doc.get("home_page_url"), str) else ""
    base = base_url or base
    items = []
    for entry in doc["items"]:
        if not isinstance(entry, dict):
            continue
        link = _text(entry.get("url")) or _text(entry.get("external_url"))
        title = _text(entry.get("title"))
        html = _text(entry.get("content_html")) or _escape(_text(entry.get("content_text")))
        html = html or _escape(_text(entry.get("summary")))
        if not (link or title or html):
            continue
        when = _text(entry.get("date_published")) or _text(entry.get("date_modified"))
        items.append(
            source.item(
                link=link,
                base_url=base,
                title=title or html[:60],
                html=html,
                author=_author(entry),
                published_at=parse_time(when, source.context.clock.now(), source.context.zone) if when else None,
                guid=_text(entry.get("id")),
            )
        )
    return items


def _text(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) else ""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _author(entry: dict[str, Any]) -> str:
    """1.1 `authors: [{name}]`, 1.0 `author: {name}`."""
    authors = entry.get("authors")
    if isinstance(authors, list):
        names = [_text(a.get("name")) for a in authors if isinstance(a, dict)]
        return "、".join(n for n in names if n)
    author = entry.get("author")
    return _text(author.get("name")) if isinstance(author, dict) else ""
