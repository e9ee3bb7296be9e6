"""HTML list pages (GBK forums, 留言板) read with CSS selectors, against a real local server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st

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

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 0, 30, tzinfo=UTC)
SELECTORS = {"item": "ul.threads li", "title": "a.t", "link": "a.t", "time": ".time", "author": ".by", "text": ".sum"}


def list_page(meta: bool, extra: str = "") -> bytes:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' if meta else ""
    html = f"""<html><head>{head}<title>江城论坛</title></head><body>
<ul class="threads">
<li><a class="t" href="thread-1001.html?from=list">江城公交集团新开通社区巴士</a>
    <span class="by">市民喆</span><span class="time">2026年11月26日 08:10</span><p class="sum">点赞</p></li>
<li><a class="t" href="/forum/thread-1002.html">网友投诉：江城水务集团乱收费</a>
    <span class="time">3分钟前</span><p class="sum">要求调查</p></li>
<li><a class="t" href="thread-1003.html">昨天的帖子</a><span class="time">昨天 14:20</span></li>
<li><a class="t" href="javascript:void(0)">广告</a></li>
{extra}
</ul></body></html>"""
    return html.encode("gbk")


def detail_page(n: int) -> bytes:
    return f"<html><body><div class='nav'>导航</div><div class='content'><p>第{n}帖正文</p><p>第二段</p></div></body></html>".encode(
        "gbk"
    )


def make(url: str, clock: FakeClock, **kw) -> object:
    config = SourceConfig(
        id="forum", kind="html", url=url, allow_private=True, selectors=kw.pop("selectors", SELECTORS), **kw
    )
    return build_source(config, SourceContext(clock))


@pytest.fixture
async def client():
    c = HttpClient(HttpConfig())
    yield c
    await c.aclose()


@pytest.mark.parametrize("meta", [True, False])
async def test_gbk_list_page_with_and_without_charset(serve: Serve, client, meta):
    site = await serve({"/forum/list": fixed(list_page(meta), "text/html")})
    items = (await make(site.base + "/forum/list", FakeClock(NOW)).fetch(client, {})).items
    assert [i.title for i in items] == ["江城公交集团新开通社区巴士", "网友投诉：江城水务集团乱收费", "昨天的帖子"]
    first, second, third = items
    assert first.url == f"{site.base}/forum/thread-1001.html" and first.author == "市民喆" and first.text == "点赞"
    assert first.published_at == datetime(2026, 11, 26, 8, 10, tzinfo=SH)
    assert second.url == f"{site.base}/forum/thread-1002.html"
    assert second.published_at == NOW - timedelta(minutes=3)
    assert third.published_at == datetime(2026, 11, 25, 14, 20, tzinfo=SH)


async def test_a_time_ahead_of_ours_is_not_believed(serve: Serve, client):
    # 今天 07:40 read at 03:29 here (the site's zone or clock is off): published no later than we saw it;
    # a few minutes ahead is a clock's drift and kept
    page = """<ul class="threads"><li><a class="t" href="/t/1">一</a><span class="time">今天 07:40</span></li>
    <li><a class="t" href="/t/2">二</a><span class="time">今天 03:35</span></li></ul>""".encode("gbk")
    site = await serve({"/forum/list": fixed(page, "text/html")})
    now = datetime(2026, 11, 26, 3, 29, tzinfo=SH)
    ahead, drift = (await make(site.base + "/forum/list", FakeClock(now)).fetch(client, {})).items
    assert ahead.published_at == now == ahead.fetched_at
    assert drift.published_at == datetime(2026, 11, 26, 3, 35, tzinfo=SH)


async def test_detail_pages_fetched_once_for_new_entries(serve: Serve, client):
    pages = {"n": 0}

    async def listing(request: web.Request) -> web.StreamResponse:
        pages["n"] += 1  # the page changes each time (a view counter), so it is re-parsed
        return web.Response(body=list_page(True, f"<!-- {pages['n']} -->"), content_type="text/html")

    broken = {"fail": True}

    async def thread_1002(request: web.Request) -> web.StreamResponse:
        if broken["fail"]:
            return web.Response(status=502)
        return web.Response(body=detail_page(1002), content_type="text/html")

    site = await serve(
        {
            "/forum/list": listing,
            "/forum/thread-1001.html": fixed(detail_page(1001), "text/html"),
            "/forum/thread-1002.html": thread_1002,
            "/forum/thread-1003.html": fixed(detail_page(1003), "text/html"),
        }
    )
    src = make(
        site.base + "/forum/list", FakeClock(NOW), fetch_detail=True, selectors={**SELECTORS, "detail": ".content"}
    )
    first = await src.fetch(client, {})
    texts = [i.text for i in first.items]
    assert texts == ["第1001帖正文\n第二段", "要求调查", "第1003帖正文\n第二段"]  # 1002 failed: summary kept
    broken["fail"] = False
    second = await src.fetch(client, first.state)
    assert second.items[1].text == "第1002帖正文\n第二段"
    assert site.hits["/forum/thread-1001.html"] == 1 and site.hits["/forum/thread-1002.html"] == 2
    await src.fetch(client, second.state)
    assert site.hits["/forum/thread-1002.html"] == 2


async def test_detail_limit_per_poll(serve: Serve, client):
    site = await serve(
        {
            "/forum/list": fixed(list_page(True), "text/html"),
            "/forum/thread-1001.html": fixed(detail_page(1), "text/html"),
            "/forum/thread-1002.html": fixed(detail_page(2), "text/html"),
        }
    )
    src = make(site.base + "/forum/list", FakeClock(NOW), fetch_detail=True, detail_limit=1, user_agent="Mozilla/5.0 x")
    await src.fetch(client, {})
    assert sum(site.hits[p] for p in site.hits if "thread" in p) == 1
    assert {headers["User-Agent"] for _, headers, _ in site.log} == {"Mozilla/5.0 x"}  # list and detail pages


async def test_redesigned_page_or_bad_selector_is_a_source_error(serve: Serve, client):
    site = await serve({"/list": fixed("<html><body><div>改版了</div></body></html>", "text/html")})
    with pytest.raises(SourceError, match="没有找到条目"):
        await make(site.base + "/list", FakeClock(NOW)).fetch(client, {})
    with pytest.raises(SourceError, match="选择器无法解析"):
        await make(site.base + "/list", FakeClock(NOW), selectors={"item": "li[[["}).fetch(client, {})


def test_html_config_needs_item_selector_and_known_keys():
    with pytest.raises(ValueError, match="selectors"):
        SourceConfig(id="x", kind="html", url="http://a.example/")
    with pytest.raises(ValueError, match="未知的选择器"):
        SourceConfig(id="x", kind="html", url="http://a.example/", selectors={"item": "li", "titel": "a"})


async def test_entry_that_is_itself_the_link(serve: Serve, client):
    page = '<div class="list"><a class="t" href="/p/1">第一条</a><a class="t" href="/p/2">第二条</a></div>'
    site = await serve({"/l": fixed(page, "text/html; charset=utf-8")})
    items = (await make(site.base + "/l", FakeClock(NOW), selectors={"item": "div.list a.t"}).fetch(client, {})).items
    assert [(i.title, i.url) for i in items] == [("第一条", f"{site.base}/p/1"), ("第二条", f"{site.base}/p/2")]


ENTRY = st.builds(
    '<li><a class="t" href="{}">{}</a><span class="time">{}</span></li>'.format,
    st.text(max_size=30),
    st.text(max_size=30),
    st.text(max_size=20) | st.sampled_from(["3分钟前", "昨天 14:20", "2026年13月99日", "99:99", "刚刚"]),
)
PAGES = st.text(max_size=200) | st.lists(ENTRY, max_size=5).map(lambda e: f"<ul class='threads'>{''.join(e)}</ul>")


@given(PAGES)
@settings(max_examples=80, deadline=None)
def test_any_page_gives_items_or_a_source_error(page):
    from sources.html import parse_list

    try:
        items = parse_list(make("http://forum.example/list", FakeClock(NOW)), page, "http://forum.example/list")
    except SourceError:
        return
    assert all(i.published_at is None or i.published_at.tzinfo is not None for i in items)
