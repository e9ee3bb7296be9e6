"""An HTML list page (a forum board, a 留言板, a news column) read with CSS selectors.

`selectors:` item (required: one node per entry), title, link, time, text,
author, and detail (the full text on a detail page). With `fetch_detail: true`
each entry not seen before has its detail page fetched (at most
`detail_limit` per poll; a failing detail page keeps the list summary).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from bot.models import Item
from sources.base import RAW_LIMIT, FetchResult, Source, SourceError, newest, remember
from sources.http import HttpClient, HttpError, host_of
from sources.text import tidy
from sources.times import parse_time

DEFAULT_DETAIL = "article, .article, .content, #content, .post, .detail, main, body"
_SEEN_KEEP = 500  # detail URLs remembered so each is fetched once


class HtmlSource(Source):
    @property
    def selectors(self) -> dict[str, str]:
        return self.config.selectors

    async def fetch(self, client: HttpClient, state: dict[str, Any]) -> FetchResult:
        resp = await self.get_if_changed(client, state)
        if resp is None:
            return FetchResult([], state, not_modified=True)
        parsed = await asyncio.to_thread(parse_list, self, resp.text, resp.url)
        items, dropped = newest(parsed, self.config.max_items, lambda i: i.published_at)
        new_state = remember(state, resp)
        if self.config.fetch_detail:
            items, new_state["detail_seen"] = await self._with_details(client, items, state.get("detail_seen", []))
        return FetchResult(items, new_state, dropped=dropped)

    async def _with_details(
        self, client: HttpClient, items: list[Item], seen: Sequence[str]
    ) -> tuple[list[Item], list[str]]:
        known = set(seen)
        todo = [i for i, item in enumerate(items) if item.url and item.url not in known][: self.config.detail_limit]
        texts = await asyncio.gather(*(self._detail_text(client, items[i].url) for i in todo))
        items = list(items)
        done: list[str] = []
        for i, text in zip(todo, texts, strict=True):
            if text is not None:
                items[i] = _with_text(items[i], text)
                done.append(items[i].url)
        return items, [*seen, *done][-_SEEN_KEEP:]

    async def _detail_text(self, client: HttpClient, url: str) -> tuple[str, str] | None:
        try:
            cfg = self.config
            own_host = host_of(url) == host_of(self.url)  # allow_private covers the source's own host only
            resp = await client.get(
                url, allow_private=cfg.allow_private and own_host, encoding=cfg.encoding, user_agent=cfg.user_agent
            )
        except HttpError:
            return None  # retried next poll; the list entry still counts
        return await asyncio.to_thread(_detail_node, resp.text, self.selectors.get("detail") or DEFAULT_DETAIL)


def _detail_node(page: str, selector: str) -> tuple[str, str] | None:
    try:
        node = LexborHTMLParser(page).css_first(selector)
    except SelectolaxError:
        return None
    return (node.text(separator="\n"), node.html or "") if node is not None else None


def parse_list(source: Source, page: str, base_url: str) -> list[Item]:
    sel = source.config.selectors
    tree = LexborHTMLParser(page)
    try:
        nodes = tree.css(sel["item"])
        items = [item for node in nodes if (item := _entry(source, node, base_url)) is not None]
    except SelectolaxError as exc:
        raise SourceError(f"CSS 选择器无法解析（{exc}），请检查 selectors 配置") from None
    if not nodes:
        raise SourceError(f"列表页中没有找到条目（选择器 item: {sel['item']!r}），页面可能已改版")
    return items


def _entry(source: Source, node: LexborNode, base_url: str) -> Item | None:
    sel = source.config.selectors
    link_node = _first(node, sel.get("link", "a[href]"))
    if link_node is None and node.attributes.get("href"):  # the entry is itself the link: item: "a.thread"
        link_node = node
    href = (link_node.attributes.get("href") or "") if link_node is not None else ""
    title_node = _first(node, sel["title"]) if sel.get("title") else link_node
    title = _node_text(title_node) or _node_text(node)
    if not (href or title) or href.startswith(("javascript:", "#")):
        return None
    text_node = _first(node, sel["text"]) if sel.get("text") else None
    return source.item(
        link=href,
        base_url=base_url,
        title=title,
        html=(text_node.html or "") if text_node is not None else "",
        author=_node_text(_first(node, sel["author"])) if sel.get("author") else "",
        published_at=_time(source, node),
    )


def _time(source: Source, node: LexborNode) -> datetime | None:
    sel = source.config.selectors.get("time")
    time_node = _first(node, sel) if sel else _first(node, "time")
    if time_node is None:
        return None
    raw = time_node.attributes.get("datetime") or time_node.attributes.get("title") or ""
    now, zone = source.context.clock.now(), source.context.zone
    return parse_time(raw, now, zone) or parse_time(_node_text(time_node), now, zone)


def _first(node: LexborNode, selector: str) -> LexborNode | None:
    return node.css_first(selector) if selector else None


def _node_text(node: LexborNode | None) -> str:
    return " ".join(node.text(separator=" ").split()) if node is not None else ""


def _with_text(item: Item, detail: tuple[str, str]) -> Item:
    text, html = detail
    return replace(item, text=tidy(text), raw=html[:RAW_LIMIT])
