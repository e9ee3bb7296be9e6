"""The demo's GBK HTML list page, polled like `make run` does, from config.yaml."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from bot.app import build_app
from bot.clock import FakeClock
from bot.config_loader import load_config
from bot.demo.server import CLIMBER, start_demo_server
from bot.models import Tier
from bot.pipeline import run_source
from bot.store.tinydb_store import TinyDBStore
from sources.base import SourceContext
from sources.registry import build_source

REPO = Path(__file__).resolve().parents[1]


async def test_demo_html_list_page_with_details(tmp_path, clock: FakeClock):
    runner = await start_demo_server("127.0.0.1", 0)
    port = runner.addresses[0][1]
    config = load_config(REPO / "config.yaml", env={})
    (forum,) = [s for s in config.sources if s.kind == "html"]
    forum = forum.model_copy(update={"url": forum.url.replace("127.0.0.1:8765", f"127.0.0.1:{port}")})
    store = TinyDBStore(tmp_path / "data.json")
    await store.open()
    try:
        app = await build_app(config.model_copy(update={"sources": [forum]}), store, clock, console_out=io.StringIO())
        source = build_source(forum, SourceContext(clock, config.zone))
        report = await run_source(source, app.services, app.http, app.judge)
        assert not report.error and report.fetched == 2
        items = await store.items_between(clock.now().replace(year=2000), clock.now().replace(year=2100))
        first = next(i for i in items if "乱收费" in i.title)
        assert first.url == f"http://127.0.0.1:{port}/forum/thread-2001.html"
        assert "已向12345热线投诉" in first.text and "同样情况" not in first.text  # detail text, replies left out
        assert any(i.author == "喆哥爱摄影" for i in items)  # GBK-only character under a gb2312 label
        (incident,) = report.incidents
        assert "江城水务集团" in incident.title
        await app.http.aclose()
    finally:
        await store.close()
        await runner.cleanup()


async def test_demo_hot_list_alerts_with_its_rank_then_upgrades_once(tmp_path, clock: FakeClock):
    runner = await start_demo_server("127.0.0.1", 0)
    port = runner.addresses[0][1]
    config = load_config(REPO / "config.yaml", env={})
    (hot,) = [s for s in config.sources if s.kind == "hotlist"]
    hot = hot.model_copy(update={"url": hot.url.replace("127.0.0.1:8765", f"127.0.0.1:{port}")})
    store = TinyDBStore(tmp_path / "data.json")
    await store.open()
    try:
        app = await build_app(config.model_copy(update={"sources": [hot]}), store, clock, console_out=io.StringIO())
        source = build_source(hot, SourceContext(clock, config.zone))
        report = await run_source(source, app.services, app.http, app.judge)
        assert not report.error and report.fetched == 20
        blast, climber = sorted(report.incidents, key=lambda i: i.hot.rank)
        assert "爆炸" in blast.title and blast.hot.label() == "微博热搜第 1"
        assert climber.title == CLIMBER and climber.hot.label() == "微博热搜第 16" and climber.tier is Tier.II
        for _ in range(3):  # 16 → 12 → 7 → 7
            clock.advance(hot.every)
            assert (await run_source(source, app.services, app.http, app.judge)).incidents == []
        pending = await store.pending_notifications(clock.now() + timedelta(days=1), limit=200)
        (upgrade,) = [n.text for n in pending if "事件升级" in n.text]
        assert f"{climber.number}「{CLIMBER}」由 II 重大 升为 I 特别重大" in upgrade
        assert "进入微博热搜前 10（第 7）" in upgrade
        now = await store.get_incident(climber.number)
        assert now.tier is Tier.I and now.hot.rank == 7 and now.hot.best == 7
        await app.http.aclose()
    finally:
        await store.close()
        await runner.cleanup()
