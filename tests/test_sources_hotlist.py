"""Hot lists against a fake aggregator (newsnow and DailyHotApi shapes) over real httpx, and rank history."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from pydantic import ValidationError

from bot.clock import FakeClock
from bot.config import HttpConfig, SourceConfig
from bot.models import Incident, Tier
from bot.render import incident_text
from sources.base import SourceContext, SourceError
from sources.hotlist import time_on_list
from sources.http import HttpClient
from sources.registry import build_source
from tests.local_web import (
    Serve,
    serve_fixture,  # noqa: F401  (provides the `serve` fixture)
)

NOW = datetime(2026, 11, 26, 0, 30, tzinfo=UTC)


class Aggregator:
    """A fake self-hosted aggregator: one list (id, title, heat) served in both shapes."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, str, str]] = []

    def set(self, *entries: tuple[str, str, str]) -> None:
        self.entries = list(entries)

    async def newsnow(self, request: web.Request) -> web.Response:
        assert request.query.get("id") == "weibo" and "latest" in request.query
        items = [
            {"id": i, "title": t, "url": f"https://s.weibo.com/weibo?q={i}", "mobileUrl": "", "extra": {"info": h}}
            for i, t, h in self.entries
        ]
        doc = {"status": "success", "id": "weibo", "updatedTime": 1764117000000, "items": items}
        return web.json_response(doc)

    async def dailyhot(self, request: web.Request) -> web.Response:
        data = [
            {
                "id": i,
                "title": t,
                "hot": int(h),
                "url": f"https://www.baidu.com/s?wd={i}",
                "mobileUrl": "",
                "timestamp": 1764115200000,
            }
            for i, t, h in self.entries
        ]
        return web.json_response({"code": 200, "name": "baidu", "title": "百度", "updateTime": "x", "data": data})


def make(fmt: str, base: str, clock: FakeClock, board: str) -> Any:
    config = SourceConfig.model_validate(
        {"id": f"hot-{fmt}", "kind": "hotlist", "url": base, "format": fmt, "list": board, "allow_private": True}
    )
    return build_source(config, SourceContext(clock))


@pytest.fixture
async def client():
    c = HttpClient(HttpConfig())
    yield c
    await c.aclose()


FILLER = [(f"f{n}", f"其他话题{n}", "1000") for n in range(1, 12)]


async def test_newsnow_entry_climbs_stays_and_drops_off(serve: Serve, client):
    agg = Aggregator()
    site = await serve({"/api/s": agg.newsnow})
    clock = FakeClock(NOW)
    source = make("newsnow", site.base, clock, "weibo")

    agg.set(*FILLER[:11], ("jc", "江城化工厂爆炸", "45万"))
    first = await source.fetch(client, {})
    assert len(first.items) == 12
    item = next(i for i in first.items if i.title == "江城化工厂爆炸")
    assert item.hot is not None and item.hot.board == "微博热搜" and item.hot.rank == 12 and item.hot.heat == "45万"
    assert item.url == "https://s.weibo.com/weibo?q=jc" and "微博热搜第 12" in item.text

    clock.advance(timedelta(hours=1))
    agg.set(("jc", "江城化工厂爆炸", "300万"), *FILLER[:11])  # climbs to the top
    second = await source.fetch(client, first.state)
    assert second.items == []  # staying on the list is history, not a new item
    record = next(r for r in second.state["ranks"].values() if r["title"] == "江城化工厂爆炸")
    assert record["rank"] == 1 and record["best"] == 1 and record["off_at"] is None
    assert time_on_list(record) == timedelta(hours=1)

    clock.advance(timedelta(hours=1))
    agg.set(*FILLER[:11])  # dropped off
    third = await source.fetch(client, second.state)
    record = next(r for r in third.state["ranks"].values() if r["title"] == "江城化工厂爆炸")
    assert record["rank"] == 0 and record["best"] == 1
    assert record["off_at"] == (NOW + timedelta(hours=2)).isoformat()
    assert record["last_seen"] == (NOW + timedelta(hours=1)).isoformat()

    clock.advance(timedelta(hours=1))
    agg.set(("jc", "江城化工厂爆炸 官方通报", "80万"))  # back, reworded: the same entry, a new stay
    fourth = await source.fetch(client, third.state)
    (back,) = fourth.items
    assert back.hot.rank == 1 and back.hot.since == NOW + timedelta(hours=3)
    record = next(r for r in fourth.state["ranks"].values() if r["title"].startswith("江城化工厂爆炸"))
    assert record["first_seen"] == NOW.isoformat() and record["best"] == 1
    assert len([r for r in fourth.state["ranks"].values() if r["title"].startswith("江城")]) == 1


async def test_dailyhot_shape_heat_time_and_card(serve: Serve, client):
    agg = Aggregator()
    site = await serve({"/baidu": agg.dailyhot})
    clock = FakeClock(NOW)
    source = make("dailyhot", site.base, clock, "baidu")
    agg.set(("a", "别的事", "900"), ("b", "某地<自来水>污染", "500"))
    first = await source.fetch(client, {})
    assert [i.hot.rank for i in first.items] == [1, 2]
    assert first.items[1].title == "某地<自来水>污染"  # markup-looking text survives as text
    assert first.items[1].published_at == datetime.fromtimestamp(1764115200, UTC)

    clock.advance(timedelta(hours=2))
    agg.set(("b", "某地<自来水>污染", "800"), ("c", "新话题", "1"))
    second = await source.fetch(client, first.state)
    (new,) = second.items
    assert new.title == "新话题" and new.hot.board == "百度热搜"  # known list: its Chinese name
    hot = first.items[1].hot.__class__("微博热搜", 3, "", NOW, NOW + timedelta(hours=2))
    incident = Incident("YQ-20261126-001", Tier.II, "某地自来水污染", "", "hot-dailyhot", NOW, hot=hot)
    assert "微博热搜第 3 · 已在榜 2小时" in incident_text(incident, NOW)


async def test_history_survives_a_restart_in_the_store(serve: Serve, client, store_factory):
    agg = Aggregator()
    site = await serve({"/api/s": agg.newsnow})
    clock = FakeClock(NOW)
    agg.set(("jc", "江城化工厂爆炸", "45万"))
    result = await make("newsnow", site.base, clock, "weibo").fetch(client, {})
    store = store_factory()
    await store.open()
    await store.put_source_state("hot-newsnow", result.state)
    await store.close()

    clock.advance(timedelta(minutes=30))
    store = store_factory()  # a new process
    await store.open()
    state = await store.get_source_state("hot-newsnow")
    await store.close()
    again = await make("newsnow", site.base, clock, "weibo").fetch(client, state)
    assert again.items == []  # still the same stay: not re-emitted
    (record,) = again.state["ranks"].values()
    assert time_on_list(record) == timedelta(minutes=30)


async def test_bad_answers_are_clear_errors(serve: Serve, client):
    async def broken(request: web.Request) -> web.Response:
        return web.Response(text="<html>502</html>", content_type="text/html")

    async def failed(request: web.Request) -> web.Response:
        return web.json_response({"code": 500, "message": "接口失效"})

    site = await serve({"/api/s": broken, "/zhihu": failed})
    with pytest.raises(SourceError, match="不是 JSON"):
        await make("newsnow", site.base, FakeClock(NOW), "weibo").fetch(client, {})
    with pytest.raises(SourceError, match="接口失效"):
        await make("dailyhot", site.base, FakeClock(NOW), "zhihu").fetch(client, {})


def test_config_needs_format_and_list():
    with pytest.raises(ValidationError, match="format"):
        SourceConfig.model_validate({"id": "h", "kind": "hotlist", "url": "http://x", "list": "weibo"})
    with pytest.raises(ValidationError, match="list"):
        SourceConfig.model_validate({"id": "h", "kind": "hotlist", "url": "http://x", "format": "newsnow"})
    with pytest.raises(ValidationError, match="route"):
        SourceConfig.model_validate({"id": "h", "kind": "hotlist", "format": "rsshub"})
    rsshub = SourceConfig.model_validate({"id": "h", "kind": "hotlist", "format": "rsshub", "route": "/zhihu/hot"})
    source = build_source(rsshub, SourceContext(FakeClock(NOW), rsshub_base="http://10.0.0.5:1200/"))
    assert source.list_url == "http://10.0.0.5:1200/zhihu/hot"  # the instance from rsshub.base_url


def test_old_documents_without_rank_still_decode():
    from bot.codec import decode, encode

    incident = Incident("YQ-1", Tier.IV, "t", "", "s", NOW)
    data = encode(incident)
    data.pop("hot")
    assert decode(Incident, data) == incident
    assert json.dumps(data)


def test_telegram_card_shows_the_rank():
    from zoneinfo import ZoneInfo

    from bot.channels.telegram_render import incident_parts
    from bot.models import HotRank

    hot = HotRank("微博热搜", 3, "45万", NOW, NOW + timedelta(hours=2))
    incident = Incident("YQ-20261126-001", Tier.II, "江城<化工厂>爆炸", "", "hot", NOW, hot=hot)
    html = "".join(incident_parts(incident, NOW, ZoneInfo("Asia/Shanghai")))
    assert "热榜：<b>微博热搜第 3 · 已在榜 2小时</b>" in html
    assert "热榜" not in "".join(incident_parts(incident.replace(hot=None), NOW, ZoneInfo("Asia/Shanghai")))


async def test_matched_entry_alerts_with_its_rank_through_the_pipeline(serve: Serve, store, clock: FakeClock):
    from bot.analysis.judge import Judge
    from bot.incidents import IncidentService
    from bot.models import NoticeKind
    from bot.people import People
    from bot.pipeline import run_source
    from bot.services import Services
    from tests.conftest import make_config

    agg = Aggregator()
    site = await serve({"/api/s": agg.newsnow})
    hot = {
        "id": "weibo-hot",
        "kind": "hotlist",
        "url": site.base,
        "format": "newsnow",
        "list": "weibo",
        "allow_private": True,
    }
    config = make_config(sources=[hot], analysis={"hotlist": {"top": 0, "climb": 0, "stay": "0s"}})  # no signals
    services = Services(config, store, clock, People(config.people), IncidentService(config, store))
    judge = Judge(config.schemes, config.sources, analysis=config.analysis)
    client = HttpClient(config.http)
    source = build_source(config.sources[0], SourceContext(clock))
    try:
        agg.set(*FILLER[:2], ("x", "江城化工集团仓库爆炸", "12万"))
        (incident,) = (await run_source(source, services, client, judge)).incidents
        clock.advance(timedelta(hours=2))
        agg.set(("x", "江城化工集团仓库爆炸", "88万"), *FILLER[:2])  # climbs: history only, no second alert
        again = await run_source(source, services, client, judge)
    finally:
        await client.aclose()
    assert again.incidents == [] and again.spread == []
    assert incident.hot is not None and incident.hot.board == "微博热搜" and incident.hot.rank == 3
    stored = await store.get_incident(incident.number)
    assert stored.hot.rank == 1 and stored.hot.since == incident.hot.since  # the rank follows the list
    assert stored.tier == incident.tier  # signals are off here
    pending = await store.pending_notifications(clock.now() + timedelta(days=1), limit=50)
    assert [n.incident for n in pending if n.kind is NoticeKind.ALERT] == [incident.number]
    assert "热榜：微博热搜第 1 · 已在榜 2小时" in incident_text(stored, clock.now())
    state = (await store.get_source_state("weibo-hot"))["fetch"]
    record = next(r for r in state["ranks"].values() if r["title"] == "江城化工集团仓库爆炸")
    assert record["rank"] == 1 and record["best"] == 1 and time_on_list(record) == timedelta(hours=2)


async def test_private_aggregator_needs_allow_private(serve: Serve, client):
    from sources.http import HttpError

    agg = Aggregator()
    agg.set(("a", "话题", "1"))
    site = await serve({"/api/s": agg.newsnow})
    config = SourceConfig.model_validate(
        {"id": "h", "kind": "hotlist", "url": site.base, "format": "newsnow", "list": "weibo"}
    )
    with pytest.raises(HttpError):
        await build_source(config, SourceContext(FakeClock(NOW))).fetch(client, {})
    assert site.hits["/api/s"] == 0  # refused before any request left
