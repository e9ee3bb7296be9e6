"""A repost storm through the real pipeline: real RSS over local HTTP → one incident, spread, upgrade."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp import web

from bot.analysis.judge import Judge
from bot.clock import FakeClock
from bot.config import Config
from bot.incidents import IncidentService
from bot.models import SYSTEM, ActionKind, NoticeKind, Tier
from bot.people import People
from bot.pipeline import run_source
from bot.services import Services
from bot.store.base import Store
from sources.base import SourceContext
from sources.http import HttpClient
from sources.registry import build_source
from tests.conftest import make_config
from tests.local_web import LocalWeb, start_web

STORY = (
    "多名工人反映，江城建工集团承建的滨江花园项目欠薪近半年，工人多次讨要未果，"
    "项目部负责人表示资金尚未到位，具体发放时间另行通知。"
)
OTHER = "江城化工集团一仓库今晨发生爆炸，现场浓烟滚滚，消防部门已赶到现场处置，伤亡情况正在核实之中。"


def rss(items: list[tuple[str, str, str]]) -> str:
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><description>{d}</description></item>" for t, link, d in items
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title>{body}</channel></rss>'


class Feeds:
    """Per-site feeds whose content a test changes between polls."""

    def __init__(self) -> None:
        self.content: dict[str, str] = {}

    async def handle(self, request: web.Request) -> web.Response:
        site = request.match_info["site"]
        return web.Response(text=self.content.get(site, rss([])), content_type="application/rss+xml")


@pytest.fixture
async def server() -> AsyncIterator[tuple[LocalWeb, Feeds]]:
    feeds = Feeds()
    local = await start_web({"/{site}.xml": feeds.handle})
    yield local, feeds
    await local.runner.cleanup()


def config_for(base: str, sites: list[str]) -> Config:
    sources = [{"id": s, "kind": "rss", "url": f"{base}/{s}.xml", "allow_private": True} for s in sites]
    return make_config(sources=sources, analysis={"spread_count": 5, "spread_window": "20m"})


async def test_repost_storm_is_one_incident_that_upgrades_once(server, store: Store, clock: FakeClock) -> None:
    local, feeds = server
    sites = [f"site{i}" for i in range(8)]
    config = config_for(local.base, sites)
    services = Services(config, store, clock, People(config.people), IncidentService(config, store))
    judge = Judge(config.schemes, config.sources, analysis=config.analysis)
    client = HttpClient(config.http)
    try:
        feeds.content["site0"] = rss([("江城建工集团项目被曝欠薪", f"{local.base}/a/0", STORY)])
        [first] = (await run_source(build_source(config.sources[0]), services, client, judge)).incidents
        assert first.tier is Tier.III
        for i, site in enumerate(sites[1:], start=1):
            clock.advance(timedelta(minutes=2))
            feeds.content[site] = rss([(f"转载：江城建工集团欠薪{i}", f"{local.base}/a/{i}", f"（来源{i}）{STORY}")])
            report = await run_source(build_source(config.sources[i]), services, client, judge)
            assert report.incidents == [] and [x.number for x in report.spread] == [first.number]
        clock.advance(timedelta(minutes=1))
        feeds.content["site0"] = rss(
            [
                ("江城建工集团项目被曝欠薪", f"{local.base}/a/0", STORY),
                ("江城建工集团项目被曝欠薪", f"{local.base}/a/0-copy", STORY),  # same text, same site, new URL
                ("江城化工集团仓库爆炸", f"{local.base}/b/1", OTHER),
            ]
        )
        report = await run_source(build_source(config.sources[0]), services, client, judge)
        assert report.new == 1 and len(report.incidents) == 1  # the copy is dropped, the other story is new
    finally:
        await client.aclose()

    incident = await store.get_incident(first.number)
    assert incident.spread == 8 and len(incident.sources) == 8
    assert incident.tier is Tier.II  # five reposts within 20 minutes: III → II, once
    assert "20 分钟内 5 条转载 → II 重大" in incident.reason
    actions = await store.actions(first.number)
    assert [a.kind for a in actions].count(ActionKind.SPREAD) == 7
    assert [a.kind for a in actions].count(ActionKind.UPGRADE) == 1
    pending = await store.pending_notifications(clock.now() + timedelta(days=1), limit=500)
    upgrade_texts = [n for n in pending if n.kind is NoticeKind.TEXT and "事件升级" in n.text]
    assert len(upgrade_texts) == 1 and "III 较大 升为 II 重大" in upgrade_texts[0].text
    alerts = [n for n in pending if n.kind is NoticeKind.ALERT and n.incident == first.number]
    assert len(alerts) == 1  # one alert card per chat, however many reposts


async def test_resolved_incident_does_not_take_reposts(server, store: Store, clock: FakeClock) -> None:
    local, feeds = server
    config = config_for(local.base, ["a", "b"])
    services = Services(config, store, clock, People(config.people), IncidentService(config, store))
    judge = Judge(config.schemes, config.sources, analysis=config.analysis)
    client = HttpClient(config.http)
    try:
        feeds.content["a"] = rss([("江城建工集团项目被曝欠薪", f"{local.base}/a/0", STORY)])
        [first] = (await run_source(build_source(config.sources[0]), services, client, judge)).incidents
        await services.incidents.act(first.number, ActionKind.RESOLVE, SYSTEM, clock.now(), note="已处置")
        feeds.content["b"] = rss([("转载：江城建工集团欠薪", f"{local.base}/b/0", "转自a：" + STORY)])
        report = await run_source(build_source(config.sources[1]), services, client, judge)
        assert len(report.incidents) == 1 and report.incidents[0].number != first.number
    finally:
        await client.aclose()


async def test_after_a_restart_reposts_still_join_their_open_incident(server, store: Store, clock: FakeClock) -> None:
    from bot.placement import warm

    local, feeds = server
    config = config_for(local.base, ["a", "b"])
    services = Services(config, store, clock, People(config.people), IncidentService(config, store))
    client = HttpClient(config.http)
    try:
        feeds.content["a"] = rss([("江城建工集团项目被曝欠薪", f"{local.base}/a/0", STORY)])
        judge = Judge(config.schemes, config.sources, analysis=config.analysis)
        [first] = (
            await run_source(build_source(config.sources[0], SourceContext(clock)), services, client, judge)
        ).incidents
        clock.advance(timedelta(hours=1))
        restarted = Judge(config.schemes, config.sources, analysis=config.analysis)  # empty index
        assert await warm(restarted, store, clock.now()) == 1
        feeds.content["b"] = rss([("转载：江城建工集团欠薪", f"{local.base}/b/0", "转自a：" + STORY)])
        report = await run_source(build_source(config.sources[1], SourceContext(clock)), services, client, restarted)
        assert report.incidents == [] and [i.number for i in report.spread] == [first.number]
    finally:
        await client.aclose()


async def test_a_graver_repost_upgrades_the_incident_at_once(server, store: Store, clock: FakeClock) -> None:
    local, feeds = server
    config = config_for(local.base, ["a", "b"])
    services = Services(config, store, clock, People(config.people), IncidentService(config, store))
    judge = Judge(config.schemes, config.sources, analysis=config.analysis)
    client = HttpClient(config.http)
    try:
        feeds.content["a"] = rss([("江城建工集团项目被曝欠薪", f"{local.base}/a/0", STORY)])
        [first] = (await run_source(build_source(config.sources[0]), services, client, judge)).incidents
        # no toll stated: a stated one (一名工人受伤) would grade the blast by its band (一般, IV) instead
        graver = STORY + "今晨讨薪工人聚集的工地发生爆炸，伤亡情况正在核实。"
        feeds.content["b"] = rss([("江城建工集团项目被曝欠薪", f"{local.base}/b/0", graver)])
        [merged] = (await run_source(build_source(config.sources[1]), services, client, judge)).spread
    finally:
        await client.aclose()
    assert merged.number == first.number and merged.tier is Tier.I and first.tier is Tier.III
    assert "事件「爆炸」5×16=80" in merged.reason
    kinds = [a.kind for a in await store.actions(first.number)]
    assert kinds.count(ActionKind.UPGRADE) == 1


async def test_processes_sharing_a_store_merge_each_others_reposts(server, store: Store, clock: FakeClock) -> None:
    """Two judges (two worker processes on one Redis) each polling one site: one incident."""
    local, feeds = server
    config = config_for(local.base, ["a", "b"])
    config = config.model_copy(update={"store": config.store.model_copy(update={"backend": "redis"})})
    services = Services(config, store, clock, People(config.people), IncidentService(config, store))
    worker_a = Judge(config.schemes, config.sources, analysis=config.analysis)
    worker_b = Judge(config.schemes, config.sources, analysis=config.analysis)
    client = HttpClient(config.http)
    try:
        feeds.content["a"] = rss([("江城建工集团项目被曝欠薪", f"{local.base}/a/0", STORY)])
        [first] = (await run_source(build_source(config.sources[0]), services, client, worker_a)).incidents
        clock.advance(timedelta(minutes=3))
        feeds.content["b"] = rss([("转载：江城建工集团欠薪", f"{local.base}/b/0", "转自a：" + STORY)])
        report = await run_source(build_source(config.sources[1]), services, client, worker_b)
    finally:
        await client.aclose()
    assert report.incidents == [] and [i.number for i in report.spread] == [first.number]
    assert first.number in worker_b.index
