"""RSS 0.9x/1.0/2.0 and Atom sources against a real local server."""

from __future__ import annotations

from datetime import UTC, datetime

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
    conditional,
    fixed,
    serve_fixture,  # noqa: F401  (provides the `serve` fixture)
)

NOW = datetime(2026, 11, 26, 0, 30, tzinfo=UTC)

RSS2 = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>江城新闻</title><link>http://news.example/</link>
<item><title>江城化工集团 &lt;b&gt;回应&lt;/b&gt;</title>
<link>/a/1.html?utm_source=rss&amp;id=7&amp;spm=x#top</link>
<description><![CDATA[<p>第一段&nbsp;内容</p><script>evil()</script><p>第二段</p>]]></description>
<pubDate>Thu, 26 Nov 2026 07:20:00 +0800</pubDate><guid>n-1</guid><author>记者 王五</author></item>
<item><title>无时间的条目</title><link>http://news.example/a/2.html</link></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>论坛</title><link href="http://bbs.example/"/>
<entry><title type="html">网友投诉 &amp;lt;欠薪&amp;gt;</title><link href="thread/9?from=timeline"/>
<id>tag:bbs,9</id><updated>2026-11-26T08:00:00+08:00</updated>
<content type="html">&lt;div&gt;工地&lt;br&gt;拖欠工资&lt;/div&gt;</content></entry></feed>"""

RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://old.example/"><title>旧站</title><link>http://old.example/</link></channel>
<item rdf:about="http://old.example/1"><title>RSS 1.0 条目</title><link>http://old.example/1</link>
<dc:date>2026-11-25T10:00:00+08:00</dc:date></item></rdf:RDF>"""

RSS091 = """<?xml version="1.0" encoding="gb2312"?><rss version="0.91"><channel><title>老论坛</title>
<link>http://old.example/</link><item><title>江城水务集团乱收费</title><link>http://old.example/t/1</link>
<description>业主反映</description></item></channel></rss>""".encode("gbk")


def source(url: str, **kw) -> object:
    config = SourceConfig(id="s", kind=kw.pop("kind", "rss"), url=url, allow_private=True, **kw)
    return build_source(config, SourceContext(FakeClock(NOW)))


@pytest.fixture
async def client():
    c = HttpClient(HttpConfig())
    yield c
    await c.aclose()


async def test_rss2_items_are_canonical_plain_and_aware(serve: Serve, client):
    site = await serve({"/feed": fixed(RSS2, "application/rss+xml")})
    result = await source(site.base + "/feed").fetch(client, {})
    first, second = result.items
    assert first.url == f"{site.base}/a/1.html?id=7"  # relative resolved, tracking and fragment gone
    assert first.title == "江城化工集团 回应"
    assert first.text == "第一段 内容\n第二段" and "evil" not in first.text
    assert first.published_at == datetime(2026, 11, 25, 23, 20, tzinfo=UTC)
    assert first.guid == "n-1" and first.author == "记者 王五" and first.fetched_at == NOW
    assert second.published_at is None


async def test_atom_rss1_and_gbk_rss091(serve: Serve, client):
    site = await serve(
        {
            "/atom": fixed(ATOM, "application/atom+xml"),
            "/rdf": fixed(RDF, "application/rdf+xml"),
            "/091": fixed(RSS091, "text/xml"),  # charset only in the XML declaration
        }
    )
    (atom,) = (await source(site.base + "/atom").fetch(client, {})).items
    assert atom.url == f"{site.base}/thread/9" and atom.title == "网友投诉 <欠薪>"
    assert atom.text == "工地\n拖欠工资"
    assert atom.published_at == datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
    (rdf,) = (await source(site.base + "/rdf").fetch(client, {})).items
    assert rdf.title == "RSS 1.0 条目" and rdf.published_at is not None
    (old,) = (await source(site.base + "/091").fetch(client, {})).items
    assert old.title == "江城水务集团乱收费" and old.text == "业主反映"


async def test_conditional_get_and_identical_body(serve: Serve, client):
    site = await serve(
        {"/etag": conditional(RSS2.encode(), "application/rss+xml", etag='"a"'), "/plain": fixed(RSS2, "text/xml")}
    )
    src = source(site.base + "/etag")
    first = await src.fetch(client, {})
    assert len(first.items) == 2 and first.state["etag"] == '"a"'
    again = await src.fetch(client, first.state)
    assert again.not_modified and again.items == []
    plain = source(site.base + "/plain")
    first = await plain.fetch(client, {})
    again = await plain.fetch(client, first.state)  # no validators, same bytes: nothing new, no parse
    assert again.not_modified and site.hits["/plain"] == 2


async def test_malformed_but_recoverable_feed_keeps_its_items(serve: Serve, client):
    broken = RSS2.replace("</channel></rss>", "<item><title>未闭合 & 错误</title></item>")  # truncated, bad &
    site = await serve({"/b": fixed(broken, "application/rss+xml")})
    items = (await source(site.base + "/b").fetch(client, {})).items
    assert [i.title for i in items][:2] == ["江城化工集团 回应", "无时间的条目"]


@pytest.mark.parametrize(
    "body, words",
    [
        ('<?xml version="1.0"?><rss version="2.0"><chan', "格式错误"),
        ("<html><body><h1>502 Bad Gateway</h1></body></html>", "不是 RSS"),
        ("", "返回内容为空"),
    ],
)
async def test_truncated_or_not_a_feed_is_a_source_error(serve: Serve, client, body, words):
    site = await serve({"/x": fixed(body, "text/html")})
    with pytest.raises(SourceError, match=words):
        await source(site.base + "/x").fetch(client, {})


async def test_rss_kind_reads_a_json_feed_too(serve: Serve, client):
    doc = '{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[{"id":"1","url":"/p/1","title":"标题"}]}'
    site = await serve({"/j": fixed(doc, "application/feed+json")})
    (item,) = (await source(site.base + "/j").fetch(client, {})).items
    assert item.url == f"{site.base}/p/1" and item.title == "标题"


ZONELESS = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>区县网站</title>
<item><title>一</title><link>http://gov.example/1</link><pubDate>2026-11-26 08:00:00</pubDate></item>
<item><title>二</title><link>http://gov.example/2</link><pubDate>Thu, 26 Nov 2026 07:30:00 CST</pubDate></item>
</channel></rss>"""


async def test_dates_without_a_zone_are_the_sources_local_time(serve: Serve, client):
    site = await serve({"/z": fixed(ZONELESS, "application/rss+xml")})
    first, second = (await source(site.base + "/z").fetch(client, {})).items
    assert first.published_at == datetime(2026, 11, 26, 0, 0, tzinfo=UTC)  # 08:00 Beijing
    assert second.published_at == datetime(2026, 11, 25, 23, 30, tzinfo=UTC)  # CST read as China Standard Time


@pytest.mark.parametrize("name", ["RSS2", "ATOM", "RDF", "RSS091"])
def test_fast_and_universal_parsers_agree(name):
    from sources.rss import _fast_entries, _slow_entries

    body = {"RSS2": RSS2.encode(), "ATOM": ATOM.encode(), "RDF": RDF.encode(), "RSS091": RSS091}[name]
    src = source("http://feeds.example/f")
    fast, slow = _fast_entries(body), _slow_entries(src, body)
    assert fast and len(fast) == len(slow)
    base = "http://feeds.example/f"
    for a, b in zip(fast, slow, strict=True):
        ia = src.item(link=a.link, base_url=base, title=a.title, html=a.html, published_at=a.published)
        ib = src.item(link=b.link, base_url=base, title=b.title, html=b.html, published_at=b.published)
        assert (ia.url, ia.title, ia.text, ia.published_at) == (ib.url, ib.title, ib.text, ib.published_at)


async def test_changed_feed_yields_only_entries_not_in_the_last_body(serve: Serve, client):
    bodies = [RSS2, RSS2.replace("<item>", "<item><title>新帖</title><link>/a/3.html</link></item><item>", 1)]

    async def feed(request: web.Request) -> web.StreamResponse:
        return web.Response(text=bodies[min(site.hits["/f"], 2) - 1], content_type="application/rss+xml")

    site = await serve({"/f": feed})
    src = source(site.base + "/f")
    first = await src.fetch(client, {})
    second = await src.fetch(client, first.state)
    assert len(first.items) == 2 and [i.title for i in second.items] == ["新帖"]
    assert len(second.state["entries"]) == 3


@given(st.binary(max_size=400) | st.sampled_from([RSS2.encode()[:n] for n in range(0, len(RSS2.encode()), 37)]))
@settings(max_examples=60, deadline=None)
def test_any_bytes_give_items_or_a_source_error(body):
    from sources.rss import parse_feed

    try:
        entries = parse_feed(source("http://feeds.example/f"), body)
    except SourceError:
        return
    assert all(e.link or e.guid for e in entries)
