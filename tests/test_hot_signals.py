"""Hot-list signals end to end: a fake aggregator over real httpx, the real pipeline and store.

Entering the top 10, climbing, staying raise the incident's tier once per signal (announced
with the reason); the incident's card follows the rank; dropping off is a timeline line, not
an alert; a reworded title keeps its history; the links survive a restart, on TinyDB and Redis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.analysis.hotsignals import CLIMB, STAY, TOP, RankReading, band, signals, upgrade_reason
from bot.analysis.judge import Judge
from bot.clock import FakeClock
from bot.config import Config, HotSignalConfig
from bot.incidents import IncidentService
from bot.models import ActionKind, Incident, Item, MessageRef, NoticeKind, Notification, Tier
from bot.people import People
from bot.pipeline import PollReport, run_source
from bot.placement import place
from bot.render import incident_text
from bot.services import Services
from bot.store.base import Store
from bot.store.tinydb_store import TinyDBStore
from sources.base import SourceContext, entry_key
from sources.http import HttpClient
from sources.registry import build_source
from sources.urls import canonical_url
from tests.conftest import make_config
from tests.local_web import (
    Serve,
    serve_fixture,  # noqa: F401  (provides the `serve` fixture)
)

NOW = datetime(2026, 11, 26, 0, 30, tzinfo=UTC)
STORY = "江城化工集团员工投诉食堂"  # judged IV: room for two upgrades


class Board:
    """A fake newsnow serving one list; the matched story is put at a given rank among fillers."""

    def __init__(self) -> None:
        self.story: tuple[str, str] | None = (STORY, STORY)  # (id, title); newsnow's weibo uses the title as id
        self.rank = 15

    def entries(self) -> list[tuple[str, str]]:
        fill = [(f"f{n}", f"其他话题第{n}个") for n in range(1, 50)]
        if self.story is not None:
            fill.insert(self.rank - 1, self.story)
        return fill

    async def newsnow(self, request: web.Request) -> web.Response:
        items = [
            {"id": i, "title": t, "url": f"https://s.weibo.com/weibo?q={i}", "mobileUrl": "", "extra": {"info": "1万"}}
            for i, t in self.entries()
        ]
        return web.json_response({"status": "success", "id": "weibo", "updatedTime": 0, "items": items})


@dataclass
class Bot:
    """One running process: store, judge and source built from config (a restart builds a new one)."""

    config: Config
    store: Store
    clock: FakeClock

    def __post_init__(self) -> None:
        self.services = Services(
            self.config, self.store, self.clock, People(self.config.people), IncidentService(self.config, self.store)
        )
        self.judge = Judge(self.config.schemes, self.config.sources, analysis=self.config.analysis)
        self.source = build_source(self.config.sources[0], SourceContext(self.clock, keep=self.config.store.keep_items))

    async def poll(self) -> PollReport:
        client = HttpClient(self.config.http)
        try:
            report = await run_source(self.source, self.services, client, self.judge)
        finally:
            await client.aclose()
        assert not report.error, report.error
        return report

    async def notes(self) -> list[Notification]:
        return await self.store.pending_notifications(self.clock.now() + timedelta(days=1), limit=500)

    async def upgrades(self) -> list[str]:
        return [n.text for n in await self.notes() if n.kind is NoticeKind.TEXT and "事件升级" in n.text]


def hot_config(base: str, store: dict[str, Any] | None = None, **signals_: Any) -> Config:
    source = {"id": "weibo-hot", "kind": "hotlist", "url": base, "format": "newsnow", "list": "weibo",
              "allow_private": True}  # fmt: skip
    analysis = {"hotlist": {"top": 10, "climb": 0, "stay": "0s", **signals_}}
    return make_config(sources=[source], analysis=analysis, **({"store": store} if store else {}))


@pytest.fixture
async def board(serve: Serve) -> tuple[Board, str]:
    b = Board()
    site = await serve({"/api/s": b.newsnow})
    return b, site.base


async def only_incident(bot: Bot) -> Incident:
    (incident,) = await bot.store.incidents()
    return incident


async def test_climbing_into_the_top_10_upgrades_once_with_the_reason(board, store: Store):
    agg, base = board
    bot = Bot(hot_config(base), store, FakeClock(NOW))
    (created,) = (await bot.poll()).incidents
    assert created.hot.rank == 15 and "微博热搜第 15" in incident_text(created, NOW)
    assert await bot.upgrades() == []

    for rank in (12, 7, 4, 9):  # into the top 10 at 7, then moving about inside it
        bot.clock.advance(timedelta(minutes=5))
        agg.rank = rank
        report = await bot.poll()
        assert report.incidents == []  # never a second alert for the same entry
    (text,) = await bot.upgrades()
    incident = await only_incident(bot)
    assert incident.tier == created.tier.upgraded() and incident.tier < created.tier
    assert "进入微博热搜前 10（第 7）" in text and f"由 {created.tier.roman}" in text
    assert "进入微博热搜前 10（第 7）" in incident.reason
    assert incident.hot.rank == 9 and incident.hot.best == 4
    assert "热榜：微博热搜第 9" in incident_text(incident, bot.clock.now())
    timeline = [a for a in await store.actions(incident.number) if a.kind is ActionKind.HOTLIST]
    assert [a.id.rsplit(":", 1)[1] for a in timeline] == [TOP]


async def test_climbing_places_and_staying_are_separate_signals(board, store: Store):
    agg, base = board
    agg.rank = 40
    bot = Bot(hot_config(base, top=0, climb=10, stay="1h"), store, FakeClock(NOW))
    (created,) = (await bot.poll()).incidents
    steps = [(10, 35), (10, 29), (20, 20), (20, 25), (10, 30)]  # 40 → 29: 11 places up; then on the list for 1h
    for minutes, rank in steps:
        bot.clock.advance(timedelta(minutes=minutes))
        agg.rank = rank
        await bot.poll()
    upgrades = await bot.upgrades()
    assert len(upgrades) == 2
    (climbed,) = [u for u in upgrades if "由 IV 一般 升为 III 较大" in u]
    (stayed,) = [u for u in upgrades if "由 III 较大 升为 II 重大" in u]
    assert "热榜：微博热搜上升 11 位（第 40 → 第 29） → III 较大" in climbed and "停留" not in climbed
    assert stayed.endswith("热榜：微博热搜上升 11 位（第 40 → 第 29） + 热榜：在微博热搜已停留 1小时 → II 重大")
    incident = await only_incident(bot)
    assert incident.tier == created.tier.upgraded().upgraded()
    bot.clock.advance(timedelta(hours=3))
    agg.rank = 2  # climbs again, stays longer: both signals already had their upgrade
    await bot.poll()
    assert len(await bot.upgrades()) == 2 and (await only_incident(bot)).tier == incident.tier


async def test_two_signals_in_one_poll_raise_one_tier(board, store: Store):
    agg, base = board
    agg.rank = 30
    bot = Bot(hot_config(base, climb=15), store, FakeClock(NOW))
    (created,) = (await bot.poll()).incidents
    bot.clock.advance(timedelta(minutes=5))
    agg.rank = 8  # top 10 and 22 places up at once
    await bot.poll()
    (text,) = await bot.upgrades()
    assert "进入微博热搜前 10（第 8）" in text and "上升 22 位" in text
    assert (await only_incident(bot)).tier == created.tier.upgraded()


async def test_dropping_off_is_a_timeline_line_not_an_alert(board, store: Store):
    agg, base = board
    bot = Bot(hot_config(base, top=0), store, FakeClock(NOW))
    (created,) = (await bot.poll()).incidents
    await store.add_message_ref(MessageRef("console:duty", "m1", created.number))  # a card is out: updates could go
    bot.clock.advance(timedelta(minutes=20))
    await bot.poll()
    before = {n.id for n in await bot.notes()}
    bot.clock.advance(timedelta(minutes=20))
    agg.story = None
    await bot.poll()
    assert {n.id for n in await bot.notes()} == before  # nothing new queued: no alert, no update line
    incident = await only_incident(bot)
    assert incident.tier == created.tier and not incident.hot.on_list
    assert "热榜：微博热搜 已掉榜（最高第 15）" in incident_text(incident, bot.clock.now())
    (off,) = [a for a in await store.actions(incident.number) if a.kind is ActionKind.HOTLIST]
    assert off.note == f"{STORY} 已掉出微博热搜（最高第 15，本次在榜 20分钟）"

    bot.clock.advance(timedelta(minutes=10))
    agg.story, agg.rank = (STORY, STORY), 20  # back on the list: the same incident shows it again, no new alert
    report = await bot.poll()
    assert report.incidents == [] and (await only_incident(bot)).hot.rank == 20


async def test_a_reworded_title_keeps_its_history_and_incident(board, store: Store):
    agg, base = board
    bot = Bot(hot_config(base), store, FakeClock(NOW))
    (created,) = (await bot.poll()).incidents
    bot.clock.advance(timedelta(minutes=5))
    reworded = f"{STORY} 官方回应"
    agg.story, agg.rank = (reworded, reworded), 6  # newsnow keys weibo by title: a new id, the same entry
    report = await bot.poll()
    assert report.incidents == []
    state = (await store.get_source_state("weibo-hot"))["fetch"]["ranks"]
    (record,) = [r for r in state.values() if r["title"].startswith(STORY)]
    assert record["first_seen"] == NOW.isoformat() and record["best"] == 6 and record["worst"] == 15
    assert record["ids"] == [entry_key(reworded)] and record["incident"] == created.number
    incident = await only_incident(bot)
    assert incident.hot.rank == 6 and incident.hot.since == NOW  # one stay, not a new entry
    assert len(await bot.upgrades()) == 1  # the reworded entry entering the top 10 still counts


@pytest.mark.parametrize("backend", ["tinydb", "redis"])
async def test_links_and_history_survive_a_restart(board, backend: str, tmp_path: Path, request):
    agg, base = board
    make_store: Callable[[], Store]
    if backend == "redis":
        from bot.store.redis_store import RedisStore

        server = request.getfixturevalue("private_redis")
        make_store = lambda: RedisStore(server.url, "hot:")  # noqa: E731
    else:
        make_store = lambda: TinyDBStore(tmp_path / "store.json")  # noqa: E731
    config = hot_config(base)
    clock = FakeClock(NOW)
    store = make_store()
    await store.open()
    (created,) = (await Bot(config, store, clock).poll()).incidents
    await store.close()

    clock.advance(timedelta(minutes=10))
    store = make_store()  # a new process: new store handle, judge, source
    await store.open()
    try:
        agg.rank = 3
        bot = Bot(config, store, clock)
        assert (await bot.poll()).incidents == []
        incident = await store.get_incident(created.number)
        assert incident.hot.rank == 3 and incident.hot.since == NOW and incident.tier < created.tier
        assert len(await bot.upgrades()) == 1
        record = (await store.get_source_state("weibo-hot"))["fetch"]["ranks"][entry_key(STORY)]
        assert record["incident"] == created.number and record["first_seen"] == NOW.isoformat()
    finally:
        await store.close()


async def test_history_of_entries_off_the_list_is_pruned_after_keep_items(board, tinydb_store: Store):
    agg, base = board
    bot = Bot(hot_config(base, store={"keep_items": "2h"}), tinydb_store, FakeClock(NOW))
    await bot.poll()
    agg.story = None
    bot.clock.advance(timedelta(minutes=5))
    await bot.poll()
    ranks = (await tinydb_store.get_source_state("weibo-hot"))["fetch"]["ranks"]
    assert ranks[entry_key(STORY)]["off_at"] == (NOW + timedelta(minutes=5)).isoformat()
    bot.clock.advance(timedelta(hours=2))
    await bot.poll()
    ranks = (await tinydb_store.get_source_state("weibo-hot"))["fetch"]["ranks"]
    assert entry_key(STORY) not in ranks and entry_key("f1") in ranks


def reading(rank: int, worst: int, minutes: int = 0) -> RankReading:
    return RankReading("s", "e", "百度热搜", "t", rank, rank, worst, NOW, NOW + timedelta(minutes=minutes))


def test_signals_are_pure_and_respect_what_already_fired():
    limits = HotSignalConfig(top=10, climb=5, stay=timedelta(hours=1))
    assert signals(reading(11, 15), limits) == []
    assert [s.kind for s in signals(reading(10, 15, 60), limits)] == [TOP, CLIMB, STAY]
    assert [s.kind for s in signals(reading(10, 15, 60), limits, fired={TOP, STAY})] == [CLIMB]
    assert signals(reading(0, 15, 600), limits) == []  # off the list: never a signal
    off = HotSignalConfig(top=0, climb=0, stay=timedelta(0))
    assert signals(reading(1, 50, 6000), off) == []
    found = signals(reading(3, 3), limits)
    reason = upgrade_reason("主体「江城化工集团」+ 事件「爆炸」5×16=80 = 80 分 → II 重大", found, Tier.I)
    assert reason == "主体「江城化工集团」+ 事件「爆炸」5×16=80 + 热榜：进入百度热搜前 10（第 3） → I 特别重大"
    assert [band(r) for r in (0, 1, 2, 3, 9, 10, 11, 60)] == [0, 1, 3, 3, 10, 10, 20, 0]


RSS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title><link>{base}</link>
{items}</channel></rss>"""


def rss(title: str, base: str, entries: list[tuple[str, str]]) -> str:
    items = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid><description>{t}</description></item>"
        for t, link in entries
    )
    return RSS.format(title=title, base=base, items=items)


async def test_rsshub_hot_route_ranks_by_feed_order_and_signals(serve: Serve, store: Store):
    feed = {"entries": [(f"其他话题第{n}个", f"https://s.weibo.com/weibo?q=f{n}") for n in range(1, 15)]}
    story = (STORY, "https://s.weibo.com/weibo?q=story")

    async def hot(request: web.Request) -> web.Response:
        return web.Response(
            text=rss("微博热搜榜", "https://s.weibo.com", feed["entries"]), content_type="application/xml"
        )

    site = await serve({"/weibo/search/hot": hot})
    source = {"id": "rsshub-weibo", "kind": "hotlist", "format": "rsshub", "route": "/weibo/search/hot",
              "url": site.base, "allow_private": True}  # fmt: skip
    config = make_config(sources=[source], analysis={"hotlist": {"top": 10, "climb": 0, "stay": "0s"}})
    bot = Bot(config, store, FakeClock(NOW))
    feed["entries"] = [*feed["entries"][:12], story, *feed["entries"][12:]]
    (created,) = (await bot.poll()).incidents
    assert created.hot.board == "微博热搜" and created.hot.rank == 13 and created.source_id == "rsshub-weibo"
    bot.clock.advance(timedelta(minutes=5))
    feed["entries"] = [story, *[e for e in feed["entries"] if e != story]]
    await bot.poll()
    (text,) = await bot.upgrades()
    assert "进入微博热搜前 10（第 1）" in text
    assert (await only_incident(bot)).hot.rank == 1


async def test_a_hot_entry_merged_into_an_existing_incident_shows_on_its_cards(serve: Serve, store: Store):
    title = "江城化工集团员工集体投诉食堂饭菜变质多人腹泻就医"
    agg = Board()
    agg.story, agg.rank = (title, title), 12
    news = rss("江城新闻", "http://news", [(title, "http://news.example/a/1.html")])

    async def feed(request: web.Request) -> web.Response:
        return web.Response(text=news, content_type="application/xml")

    site = await serve({"/api/s": agg.newsnow, "/feed.xml": feed})
    config = hot_config(site.base)
    config = make_config(
        sources=[
            *[s.model_dump(by_alias=True, exclude_defaults=True) for s in config.sources],
            {"id": "news", "kind": "rss", "url": f"{site.base}/feed.xml", "allow_private": True},
        ],
        analysis={"hotlist": {"top": 10, "climb": 0, "stay": "0s"}},
    )
    bot = Bot(config, store, FakeClock(NOW))
    client = HttpClient(config.http)
    try:
        news_source = build_source(config.sources[1], SourceContext(bot.clock))
        (first,) = (await run_source(news_source, bot.services, client, bot.judge)).incidents
    finally:
        await client.aclose()
    assert first.hot is None
    await store.add_message_ref(MessageRef("console:duty", "m1", first.number))
    bot.clock.advance(timedelta(minutes=5))
    report = await bot.poll()
    assert [i.number for i in report.spread] == [first.number] and report.incidents == []
    incident = await store.get_incident(first.number)
    assert incident.hot is not None and incident.hot.rank == 12 and incident.source_id == "news"
    updates = [n for n in await bot.notes() if n.kind is NoticeKind.UPDATE and n.incident == first.number]
    assert updates and updates[-1].version == incident.version  # every card re-renders with the rank
    assert "传播：首发 news 08:30（发现时间） · 1 家转载 · 微博热搜第 12" in incident_text(incident, bot.clock.now())

    bot.clock.advance(timedelta(minutes=5))
    agg.rank = 5
    await bot.poll()
    assert "进入微博热搜前 10（第 5）" in (await bot.upgrades())[0]


async def test_an_alert_held_for_quiet_hours_goes_out_once_upgraded(board, store: Store):
    agg, base = board
    config = hot_config(base).model_copy(
        update={"quiet_hours": make_config(quiet_hours={"IV": "08:00-20:00"}).quiet_hours}
    )
    bot = Bot(config, store, FakeClock(NOW))  # 08:30 in Shanghai: tier IV waits until 20:00
    (created,) = (await bot.poll()).incidents
    assert created.tier is Tier.IV
    (alert,) = [n for n in await bot.notes() if n.kind is NoticeKind.ALERT]
    assert alert.next_attempt_at is not None and alert.next_attempt_at > NOW + timedelta(hours=10)
    bot.clock.advance(timedelta(minutes=5))
    agg.rank = 6
    await bot.poll()
    (alert,) = [n for n in await bot.notes() if n.kind is NoticeKind.ALERT]
    assert alert.priority == Tier.III.value and alert.next_attempt_at is None  # tier III has no quiet hours here


def test_a_new_entry_takes_over_only_a_gone_entry_it_rewords():
    from sources.hotlist import Entry, track

    first = track({}, [Entry("a", "江城化工集团员工投诉食堂", "", 3), Entry("b", "北方多地迎来初雪", "", 4)], NOW)
    later = NOW + timedelta(minutes=5)
    entries = [Entry("c", "周末气温回升", "", 3), Entry("d", "江城化工集团员工投诉食堂 官方回应", "", 4)]
    second = track(first.history, entries, later)
    assert second.keys == {"c": "c", "d": "a"}  # the reworded one keeps `a`'s history; the unrelated one is new
    assert second.entered == {"c", "d"}  # `a` holds no incident yet: its new words are judged once
    linked = {**first.history, "a": dict(first.history["a"], incident="YQ-1")}
    assert track(linked, entries, later).entered == {"c"}  # with an incident, a rewording is history only
    assert second.history["a"]["ids"] == ["d"] and second.history["a"]["worst"] == 4
    assert second.history["b"]["off_at"] == later.isoformat() and second.history["b"]["rank"] == 0
    much_later = later + timedelta(hours=2)
    third = track(second.history, [Entry("e", "北方多地迎来初雪 气温骤降", "", 1)], much_later)
    assert third.keys == {"e": "e"}  # `b` left more than REWORD_GAP ago: a new entry


@dataclass
class TwoLists:
    """newsnow's and RSSHub's 微博热搜 on one fake server, serving the story under one URL."""

    bot: Bot
    second: Any
    feed: dict[str, list[tuple[str, str]]]
    url: str

    async def poll_second(self) -> PollReport:
        client = HttpClient(self.bot.config.http)
        try:
            return await run_source(self.second, self.bot.services, client, self.bot.judge)
        finally:
            await client.aclose()

    def put_story(self, rank: int) -> None:
        self.feed["entries"] = [e for e in self.feed["entries"] if e[1] != self.url]
        self.feed["entries"].insert(rank - 1, (STORY, self.url))


@pytest.fixture
async def two_lists(serve: Serve, store: Store) -> TwoLists:
    agg = Board()
    url = f"https://s.weibo.com/weibo?q={STORY}"  # what the fake newsnow serves for the story
    feed = {"entries": [(f"其他话题第{n}个", f"https://s.weibo.com/weibo?q=r{n}") for n in range(1, 20)]}

    async def hot(request: web.Request) -> web.Response:
        return web.Response(
            text=rss("微博热搜榜", "https://s.weibo.com", feed["entries"]), content_type="application/xml"
        )

    site = await serve({"/api/s": agg.newsnow, "/weibo/search/hot": hot})
    rsshub = {"id": "rsshub-weibo", "kind": "hotlist", "format": "rsshub", "route": "/weibo/search/hot",
              "url": site.base, "allow_private": True}  # fmt: skip
    config = hot_config(site.base)
    config = make_config(
        sources=[*[s.model_dump(by_alias=True, exclude_defaults=True) for s in config.sources], rsshub],
        analysis={"hotlist": {"top": 10, "climb": 0, "stay": "0s"}},
    )
    bot = Bot(config, store, FakeClock(NOW))
    second = build_source(config.sources[1], SourceContext(bot.clock, keep=config.store.keep_items))
    return TwoLists(bot, second, feed, url)


def story_record(state: dict[str, Any]) -> dict[str, Any]:
    (record,) = [r for r in state["fetch"]["ranks"].values() if r["title"] == STORY]
    return record


async def test_a_second_list_serving_the_same_url_follows_the_incident_too(two_lists: TwoLists, store: Store):
    """newsnow's and RSSHub's 微博热搜 serve one URL: the second's item is already seen, its rank still counts."""
    lists, bot = two_lists, two_lists.bot
    (created,) = (await bot.poll()).incidents  # newsnow: rank 15
    bot.clock.advance(timedelta(minutes=2))
    lists.put_story(14)
    report = await lists.poll_second()  # RSSHub: rank 14, the same URL, already seen
    assert report.new == report.fetched - 1 and report.incidents == [] and report.error == ""  # all but the story
    assert story_record(await store.get_source_state("rsshub-weibo"))["incident"] == created.number
    bot.clock.advance(timedelta(minutes=3))
    lists.put_story(3)  # climbs to 3 on RSSHub's list while newsnow still has it at 15
    await lists.poll_second()
    (text,) = await bot.upgrades()
    assert "进入微博热搜前 10（第 3）" in text
    incident = await only_incident(bot)
    assert incident.hot.rank == 3 and incident.hot.source_id == "rsshub-weibo"
    bot.clock.advance(timedelta(minutes=3))
    await bot.poll()  # newsnow's worse rank of the same story does not take the card back to 15
    assert (await only_incident(bot)).hot.rank == 3


async def test_a_second_list_polled_while_the_first_is_placing_links_on_its_next_poll(two_lists, store: Store):
    """The first list claimed the URL but its incident is not written yet when the second looks: one retry."""
    lists, bot = two_lists, two_lists.bot
    key = canonical_url(lists.url, "https://s.weibo.com")
    await store.claim_seen([key], NOW)  # newsnow's poll is under way: the URL is claimed, the incident not yet there
    lists.put_story(14)
    await lists.poll_second()
    record = story_record(await store.get_source_state("rsshub-weibo"))
    assert not record.get("incident") and record["await"] == key
    story = Item("weibo-hot", key, STORY, STORY, fetched_at=NOW)  # newsnow's poll finishes placing its item
    placed = await place(story, bot.judge.judge(story), bot.judge, bot.services.incidents, NOW)
    bot.clock.advance(timedelta(minutes=3))
    lists.put_story(4)
    await lists.poll_second()
    record = story_record(await store.get_source_state("rsshub-weibo"))
    assert record["incident"] == placed.incident.number and "await" not in record
    assert "进入微博热搜前 10（第 4）" in (await bot.upgrades())[0]
    assert (await only_incident(bot)).hot.rank == 4


async def test_a_seen_entry_no_incident_holds_is_tried_twice_then_left(two_lists, store: Store):
    lists, bot = two_lists, two_lists.bot
    await store.claim_seen([canonical_url(lists.url, "https://s.weibo.com")], NOW)  # seen, but it matched nothing
    lists.put_story(14)
    for _ in range(3):
        await lists.poll_second()
        bot.clock.advance(timedelta(minutes=3))
    record = story_record(await store.get_source_state("rsshub-weibo"))
    assert not record.get("incident") and "await" not in record
    assert await store.incidents() == []
