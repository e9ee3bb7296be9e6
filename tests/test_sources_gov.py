"""The government source pack (deploy/sources-gov.yaml): `check` accepts it; its RSSHub routes are the verified
ones; its 12345 and mailbox selectors, wewe-rss title filter and a Chinese RSSHub route work against local fakes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from aiohttp import web

from bot.clock import FakeClock
from bot.config import HttpConfig
from bot.config_loader import load_config
from sources.base import SourceContext
from sources.http import HttpClient
from sources.registry import build_source
from tests.local_web import Serve, fixed
from tests.local_web import serve_fixture as serve_fixture  # provides the `serve` fixture
from tests.test_propagation import DAY

REPO = Path(__file__).resolve().parents[1]
PACK = REPO / "deploy" / "sources-gov.yaml"
# Route patterns checked against RSSHub's source (DIYgod/RSSHub lib/routes/…, see docs/sources_gov.md)
VERIFIED = (
    "/people/liuyan/",
    "/gov/samr/xgzlyhd",
    "/gov/zhengce/zuixin",
    "/weibo/keyword/",
    "/weibo/user/",
    "/baidu/tieba/forum/",
    "/zhihu/topic/",
)

HOTLINE = """<html><head><meta charset="gbk"></head><body><table class="list">
<tr><th>标题</th><th>日期</th></tr>
<tr><td class="title"><a href="case-2001.html">江城市政府门口道路坑洼无人修，市民投诉</a></td><td class="date">2026-11-30 07:40</td></tr>
<tr><td class="title"><a href="/12345/case-2002.html">咨询社保转移手续</a></td><td class="date">2026-11-29</td></tr>
</table></body></html>"""  # fmt: skip
DETAIL = "<html><body><div class='content'>反映江城市政府门口道路坑洼，多次投诉无人处理。</div></body></html>"
MAILBOX = """<html><body><ul class="letters">
<li><a href="/mailbox/l-1.html">关于江城12345热线不作为的反映</a><span class="time">2026年11月30日 09:15</span><span class="writer">王女士</span></li>
<li><a href="/mailbox/l-2.html">建议增设公交线路</a><span class="time">昨天 18:00</span><span class="writer">李先生</span></li>
</ul></body></html>"""  # fmt: skip
RSS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>wewe</title>
<item><title>江城发布：关于停水的通知</title><link>https://mp.weixin.qq.com/s/abc</link>
<pubDate>Mon, 30 Nov 2026 08:00:00 +0800</pubDate></item></channel></rss>"""


@pytest.fixture(scope="module")
def pack():
    return load_config(PACK, env={})


def test_check_accepts_the_pack():
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "check", "-c", str(PACK)], capture_output=True, text=True, cwd=REPO
    )
    assert done.returncode == 0, done.stderr
    assert "配置有效" in done.stdout and "来源 16:" in done.stdout


def test_routes_intervals_and_categories(pack):
    routes = [s.route for s in pack.sources if s.kind == "rsshub"]
    assert routes and all(r.startswith(VERIFIED) for r in routes), routes
    for source in pack.sources:
        hot = source.kind == "hotlist"
        assert source.every.total_seconds() / 60 in ((2, 5, 10) if hot else (5, 10, 15, 30, 60)), source.id
        assert not source.allow_private  # the intranet aggregators are reached through http.allow_networks
    categories = {s.id: s.source_category for s in pack.sources}
    assert {categories[i] for i in ("liuyan-city", "samr-liuyan", "hotline-12345", "mayor-mailbox", "wechat-city")} == {
        "政务"
    }
    assert (categories["weibo-keyword"], categories["tieba-city"], categories["zhihu-topic"]) == (
        "自媒体",
        "论坛",
        "论坛",
    )
    assert {categories[s.id] for s in pack.sources if s.kind == "hotlist"} == {"热榜"}
    assert pack.rsshub.base_url.startswith("http://10.") and pack.http.allow_networks == ["10.0.0.0/24"]


def local(pack, source_id: str, base: str):
    """The pack's source pointed at a local fake of its site."""
    source = next(s for s in pack.sources if s.id == source_id)
    path = source.url.split("/", 3)[3] if source.url else ""
    return source.model_copy(update={"url": f"{base}/{path}" if path else base, "allow_private": True})


async def fetch(source, rsshub: str = ""):
    client = HttpClient(HttpConfig())
    try:
        context = SourceContext(FakeClock(DAY.replace(hour=12)), rsshub_base=rsshub or "http://127.0.0.1:1")
        return await build_source(source, context).fetch(client, {})
    finally:
        await client.aclose()


async def test_hotline_and_mailbox_selectors(pack, serve: Serve):
    site = await serve(
        {
            "/12345/list.html": fixed(HOTLINE.encode("gbk"), "text/html"),
            "/12345/case-2001.html": fixed(DETAIL.encode("gbk")),  # the site's pages share `encoding: gbk`
            "/12345/case-2002.html": fixed(DETAIL.encode("gbk")),
            "/mailbox/index.html": fixed(MAILBOX),
        }
    )
    hotline = (await fetch(local(pack, "hotline-12345", site.base))).items
    assert [i.title for i in hotline] == ["江城市政府门口道路坑洼无人修，市民投诉", "咨询社保转移手续"]
    assert hotline[0].url == f"{site.base}/12345/case-2001.html" and "多次投诉无人处理" in hotline[0].text
    assert hotline[0].published_at == DAY.replace(hour=7, minute=40)
    mailbox = (await fetch(local(pack, "mayor-mailbox", site.base))).items
    assert [(i.title, i.author) for i in mailbox] == [
        ("关于江城12345热线不作为的反映", "王女士"),
        ("建议增设公交线路", "李先生"),
    ]
    assert mailbox[0].published_at == DAY.replace(hour=9, minute=15)


async def test_wewe_rss_title_filter_and_a_chinese_rsshub_route(pack, serve: Serve):
    asked: list[dict[str, str]] = []

    async def feed(request: web.Request) -> web.Response:
        asked.append(dict(request.query))
        return web.Response(text=RSS, content_type="application/rss+xml")

    site = await serve({"/feeds/all.rss": feed, "/weibo/keyword/江城": fixed(RSS, "application/rss+xml")})
    (item,) = (await fetch(local(pack, "wechat-all", site.base))).items
    assert asked == [{"title_include": "江城|江城市", "limit": "50"}] and item.title == "江城发布：关于停水的通知"
    weibo = next(s for s in pack.sources if s.id == "weibo-keyword").model_copy(update={"allow_private": True})
    assert len((await fetch(weibo, rsshub=site.base)).items) == 1
    assert site.hits["/weibo/keyword/江城"] == 1
