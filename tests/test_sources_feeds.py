"""JSON Feed 1.0/1.1 and RSSHub routes against real local servers (a fake RSSHub instance)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from aiohttp import web

from bot.clock import FakeClock
from bot.config import HttpConfig, SourceConfig
from sources.base import SourceContext, SourceError
from sources.http import HttpClient
from sources.registry import build_source
from tests.local_web import (
    Serve,
    fixed,
    serve_fixture,  # noqa: F401  (provides the `serve` fixture)
)

NOW = datetime(2026, 11, 26, 0, 30, tzinfo=UTC)

FEED11 = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "人民网 领导留言板",
    "home_page_url": "http://liuyan.example/",
    "items": [
        {
            "id": "liuyan-1",
            "url": "/thread/1?utm_medium=feed",
            "title": "关于江城建工集团拖欠农民工工资的反映",
            "content_html": "<p>工程款&amp;工资<br>至今未付</p>",
            "date_published": "2026-11-26T07:00:00+08:00",
            "authors": [{"name": "网友甲"}, {"name": "网友乙"}],
        },
        {"id": "2", "external_url": "http://elsewhere.example/x", "content_text": "只有正文 <不是标签>"},
        {"id": "3", "title": "中文时间", "url": "http://liuyan.example/3", "date_published": "2026年11月25日 21:05"},
        "not an object",
        {"id": "4"},
    ],
}
FEED10 = {
    "version": "https://jsonfeed.org/version/1",
    "title": "x",
    "items": [{"id": 1, "url": "http://a.example/1", "title": "一", "author": {"name": "作者"}, "summary": "摘要"}],
}


def make(kind: str, url: str = "", route: str = "", rsshub_base: str = "") -> object:
    config = SourceConfig(id=f"{kind}-1", kind=kind, url=url, route=route, allow_private=True)
    return build_source(config, SourceContext(FakeClock(NOW), rsshub_base=rsshub_base or "http://127.0.0.1:1"))


@pytest.fixture
async def client():
    c = HttpClient(HttpConfig())
    yield c
    await c.aclose()


async def test_json_feed_1_1(serve: Serve, client):
    site = await serve({"/feed.json": fixed(json.dumps(FEED11, ensure_ascii=False), "application/feed+json")})
    items = (await make("jsonfeed", site.base + "/feed.json").fetch(client, {})).items
    assert len(items) == 3
    first, second, third = items
    assert first.url == f"{site.base}/thread/1" and first.guid == "liuyan-1"
    assert first.text == "工程款&工资\n至今未付" and first.author == "网友甲、网友乙"
    assert first.published_at == datetime(2026, 11, 25, 23, 0, tzinfo=UTC)
    assert second.url == "http://elsewhere.example/x" and second.text == "只有正文 <不是标签>"
    assert second.title  # no title: the start of the text stands in
    assert third.published_at == datetime(2026, 11, 25, 13, 5, tzinfo=UTC)


async def test_json_feed_1_0_author_and_summary(serve: Serve, client):
    site = await serve({"/f": fixed(json.dumps(FEED10), "application/json")})
    (item,) = (await make("jsonfeed", site.base + "/f").fetch(client, {})).items
    assert item.author == "作者" and item.text == "摘要" and item.guid == "1"


@pytest.mark.parametrize(
    "body, words",
    [('{"version": "1.1", "items": [', "格式错误"), ('{"title": "no items"}', "缺少 items"), ("[1, 2]", "缺少 items")],
)
async def test_broken_json_feed_is_a_source_error(serve: Serve, client, body, words):
    site = await serve({"/f": fixed(body, "application/json")})
    with pytest.raises(SourceError, match=words):
        await make("jsonfeed", site.base + "/f").fetch(client, {})


RSSHUB_WEIBO = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>微博热搜榜</title>
<link>https://s.weibo.com/top/summary</link>
<item><title>江城化工园区爆炸</title><link>https://s.weibo.com/weibo?q=%23江城%23&amp;Refer=top</link>
<pubDate>Thu, 26 Nov 2026 00:10:00 GMT</pubDate></item></channel></rss>"""


async def test_rsshub_routes_on_a_configured_instance(serve: Serve, client):
    seen: list[str] = []

    async def tieba(request: web.Request) -> web.StreamResponse:
        seen.append(request.match_info["name"])
        doc = {"version": "https://jsonfeed.org/version/1.1", "title": "贴吧", "items": [{"id": "t", "title": "帖子"}]}
        return web.json_response(doc)

    hub = await serve(
        {
            "/weibo/search/hot": fixed(RSSHUB_WEIBO, "application/xml; charset=utf-8"),
            "/tieba/forum/{name}": tieba,
            "/people/liuyan/539": fixed(json.dumps(FEED11, ensure_ascii=False), "application/json"),
        }
    )
    (hot,) = (await make("rsshub", route="/weibo/search/hot", rsshub_base=hub.base + "/").fetch(client, {})).items
    assert hot.title == "江城化工园区爆炸" and hot.url == "https://s.weibo.com/weibo?q=%23%E6%B1%9F%E5%9F%8E%23"
    (post,) = (await make("rsshub", route="tieba/forum/江城", rsshub_base=hub.base).fetch(client, {})).items
    assert seen == ["江城"] and post.title == "帖子"
    # A source may name its own instance with url:, overriding rsshub.base_url.
    own = make("rsshub", url=hub.base, route="/people/liuyan/539", rsshub_base="http://127.0.0.1:1")
    assert len((await own.fetch(client, {})).items) == 3


def test_rsshub_needs_a_route():
    with pytest.raises(ValueError, match="route"):
        SourceConfig(id="x", kind="rsshub")
