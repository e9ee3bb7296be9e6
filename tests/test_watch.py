"""Emergency watch: /watch adds a temporary scheme and faster polls until it expires or /unwatch."""

from __future__ import annotations

import io
from datetime import timedelta

from bot.app import build_app
from bot.clock import FakeClock
from bot.models import ActionKind
from bot.polling import Poller
from bot.store.tinydb_store import TinyDBStore
from bot.watches import active_terms
from sources.base import SourceContext
from sources.registry import build_source
from tests.conftest import make_config
from tests.local_web import (
    Serve,
    fixed,
    serve_fixture,  # noqa: F401  (provides the `serve` fixture)
)

FEED = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>
<item><title>滨江大桥桥面出现裂缝 市民担忧</title><link>http://news.example/bridge</link></item>
<item><title>今日天气晴好</title><link>http://news.example/weather</link></item></channel></rss>"""


async def setup(tmp_path, clock: FakeClock, url: str = "http://news.example/feed"):
    sources = [
        {"id": "hot", "name": "热点", "url": url, "watch": True, "watch_every": "30s", "allow_private": True},
        {"id": "slow", "url": "http://other.example/feed"},
    ]
    config = make_config(sources=sources)
    store = TinyDBStore(tmp_path / "store.json")
    await store.open()
    app = await build_app(config, store, clock, console_out=io.StringIO())
    context = SourceContext(clock, config.zone)
    app.poller = Poller(app.services, app.http, app.judge, [build_source(s, context) for s in config.sources])
    app.services.watch_backfill = app.poller.backfill
    return app


async def say(app, line: str) -> str:
    return "\n".join(await app.channels["console"].handle_line(line, app.dispatcher.handle))


async def teardown(app) -> None:
    await app.http.aclose()
    await app.services.store.close()


async def test_watch_status_unwatch_and_audit(tmp_path, clock: FakeClock):
    app = await setup(tmp_path, clock)
    reply = await say(app, "/watch 滨江大桥 6h")
    assert "已开启紧急关注「滨江大桥」" in reply and "6小时" in reply and "1 个重点来源改为每 30秒" in reply
    assert await active_terms(app.services.store, clock.now()) == ["滨江大桥"]
    status = await say(app, "/status")
    assert "紧急关注" in status and "「滨江大桥」" in status and "李明 开启" in status
    reply = await say(app, "关注 化工园区")  # the Chinese command form, default 24 hours
    assert "（1天）" in reply
    assert await say(app, "/unwatch 不存在") == "没有关于「不存在」的紧急关注。当前关注：滨江大桥、化工园区"
    assert "已结束紧急关注「滨江大桥」" in await say(app, "/unwatch 滨江大桥")
    assert await active_terms(app.services.store, clock.now()) == ["化工园区"]
    assert "化工园区" in await say(app, "/unwatch all")
    assert "紧急关注" not in await say(app, "/status")
    notes = [a.note for a in await app.services.store.actions() if a.kind is ActionKind.NOTE]
    assert notes[0].startswith("开启紧急关注「滨江大桥」") and any("结束紧急关注" in n for n in notes)
    await teardown(app)


async def test_bad_watch_arguments_get_usage(tmp_path, clock: FakeClock):
    app = await setup(tmp_path, clock)
    assert "用法：/watch" in await say(app, "/watch")
    assert "时长应在" in await say(app, "/watch 大桥 30d")
    assert "关键词应为" in await say(app, "/watch " + "长" * 40)
    assert await active_terms(app.services.store, clock.now()) == []
    await teardown(app)


async def test_watch_term_becomes_an_incident_and_drives_watch_polls(serve: Serve, tmp_path, clock: FakeClock):
    site = await serve({"/feed": fixed(FEED, "application/rss+xml")})
    app = await setup(tmp_path, clock, site.base + "/feed")
    poller = app.poller
    assert await poller.poll("hot", watch=True) is None  # no watch active: the fast job does nothing
    assert site.hits["/feed"] == 0
    await say(app, "/watch 滨江大桥 2h")
    report = await poller.poll("hot", watch=True)
    assert report is not None and report.new == 2
    (incident,) = report.incidents
    assert incident.scheme == "紧急关注" and "滨江大桥" in incident.title
    clock.advance(timedelta(hours=2, seconds=1))  # expired by itself
    assert await active_terms(app.services.store, clock.now()) == []
    assert await poller.poll("hot", watch=True) is None
    assert site.hits["/feed"] == 1
    await poller.poll("hot", watch=True)
    later = clock.now() + timedelta(days=1)
    ended = [n.text for n in await app.services.store.pending_notifications(later) if "到期结束" in n.text]
    assert len(ended) == 1 and "紧急关注「滨江大桥」" in ended[0]  # announced once
    await teardown(app)


async def test_member_may_not_start_a_watch(tmp_path, clock: FakeClock):
    app = await setup(tmp_path, clock)
    from bot.models import Command

    cmd = Command("console", "王芳", "console", "watch", ("大桥",), "/watch 大桥", "m1")
    replies = await app.dispatcher.handle(cmd)
    assert await active_terms(app.services.store, clock.now()) == [] and "无权" in replies[0]
    await teardown(app)


async def test_watch_looks_back_at_items_already_collected(serve: Serve, tmp_path, clock: FakeClock):
    site = await serve({"/feed": fixed(FEED, "application/rss+xml")})
    app = await setup(tmp_path, clock, site.base + "/feed")
    report = await app.poller.poll("hot")
    assert report.new == 2 and not report.incidents  # the bridge post matched no scheme when it came in
    clock.advance(timedelta(hours=3))
    reply = await say(app, "/watch 滨江大桥 6h")
    assert "新发现 1 条相关事件" in reply
    (incident,) = await app.services.store.incidents()
    assert incident.scheme == "紧急关注" and incident.url == "http://news.example/bridge"
    assert "新发现" not in await say(app, "/watch 滨江大桥 12h")  # already an incident: not again
    assert len(await app.services.store.incidents()) == 1
    await teardown(app)
