"""A poll places its tier I/II items first: a grave story last on a page of lesser items does not wait.

The real RSS source over local HTTP, the real pipeline (bot.pipeline.run_source) on each store.
Placing out of page order must not change what is decided: a retelling that names only the subject,
earlier on the page than the report it retells, still joins it, and replay gives the same incidents.
One item whose text trips a bug costs only itself, not the rest of its page.
"""

from __future__ import annotations

import io
from datetime import timedelta
from xml.sax.saxutils import escape

from bot.analysis.judge import Judge
from bot.analysis.sentiment import Classifier, ModelClassifier, Sentiment
from bot.app import build_app
from bot.clock import FakeClock
from bot.models import Item, Tier
from bot.pipeline import run_source
from bot.replay import polls, replay
from bot.store.base import Store
from sources.base import SourceContext
from sources.registry import build_source
from tests.conftest import START, make_config
from tests.local_web import Serve, fixed, serve_fixture  # noqa: F401  (provides the `serve` fixture)

BLAST = (
    "江城化工集团滨江仓库爆炸致12人死亡",
    "江城化工集团位于滨江工业园的一处仓库今晨发生爆炸，事故已造成12人死亡，消防部门已赶到现场处置，原因正在调查。",
)
RETOLD = (
    "江城化工集团滨江工业园仓库今早出事了",
    "听说江城化工集团位于滨江工业园的一处仓库今晨炸了，消防部门已赶到现场处置，原因正在调查。",
)
PLACES = ["东湖", "西岭", "南岸", "北郊", "城关", "高新", "临港", "青山", "白沙", "金桥", "石门", "柳林"]


def complaints(n: int) -> list[tuple[str, str]]:
    return [
        (
            f"网友投诉江城建工集团{PLACES[k % 12]}{k}号工地夜间施工",
            f"{PLACES[k % 12]}的居民投诉工地夜里施工扰民，编号{k}。",
        )
        for k in range(n)
    ]


def rss(entries: list[tuple[str, str]]) -> str:
    items = "".join(
        f"<item><title>{escape(t)}</title><link>http://news.example/{k}</link>"
        f"<description>{escape(d)}</description></item>"
        for k, (t, d) in enumerate(entries)
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'


async def poll_page(
    serve: Serve, store: Store, clock: FakeClock, entries: list[tuple[str, str]], classifier: Classifier | None = None
):
    site = await serve({"/feed": fixed(rss(entries), "application/rss+xml")})
    config = make_config(
        sources=[{"id": "news", "name": "江城新闻网", "url": site.base + "/feed", "allow_private": True}],
        analysis={"spread_count": 50},
    )
    app = await build_app(config, store, clock, console_out=io.StringIO())
    source = build_source(config.sources[0], SourceContext(clock, config.zone))
    judge = app.judge if classifier is None else Judge(config.schemes, config.sources, classifier, config.analysis)
    try:
        return app, await run_source(source, app.services, app.http, judge)
    finally:
        await app.http.aclose()


async def test_a_grave_item_last_on_the_page_is_placed_first(serve: Serve, store: Store, clock: FakeClock) -> None:
    """Numbers follow placement: the 12-death blast, last of 21 entries, is the day's first incident."""
    _app, report = await poll_page(serve, store, clock, [*complaints(20), BLAST])
    first = report.incidents[0]
    assert first.title == BLAST[0] and first.tier is Tier.II
    assert first.number.endswith("-0001")
    assert report.new == 21 and len(report.incidents) > 1
    assert sorted(i.number for i in report.incidents) == [i.number for i in report.incidents]  # the rest in page order
    pending = await store.pending_notifications(clock.now(), limit=100)
    assert any(n.incident == first.number for n in pending)


async def test_a_retelling_before_its_report_on_the_page_still_joins_it(
    serve: Serve, store: Store, clock: FakeClock
) -> None:
    """The retelling names the subject and no event word: whether it retells a story depends on what is
    indexed when it is placed. Read first, placed after the grave report it retells, it joins it."""
    _app, report = await poll_page(serve, store, clock, [RETOLD, *complaints(5), BLAST])
    [blast] = [i for i in report.incidents if i.title == BLAST[0]]
    assert [i.number for i in report.spread] == [blast.number]
    stored = await store.get_incident(blast.number)
    assert stored is not None and len(stored.item_keys) == 2 and stored.tier is Tier.II
    assert RETOLD[0] not in {i.title for i in report.incidents}


async def test_replay_places_each_poll_in_the_same_order(serve: Serve, store: Store, clock: FakeClock) -> None:
    app, report = await poll_page(serve, store, clock, [RETOLD, *complaints(5), BLAST])
    items = await store.items_between(START, START + timedelta(seconds=1))
    assert len(items) == 7 and len(polls(items)) == 1
    replayed = replay(items, Judge(app.config.schemes, app.config.sources, analysis=app.config.analysis))
    live = {(i.title, i.tier) for i in report.incidents}
    assert {(r.first.title, r.tier) for r in replayed} == live
    [grave] = [r for r in replayed if r.first.title == BLAST[0]]
    assert [i.title for i in grave.items] == [BLAST[0], RETOLD[0]]


def test_polls_are_cut_by_source_and_time() -> None:
    def item(source: str, minutes: float) -> Item:
        return Item(source, f"http://{source}/{minutes}", "t", fetched_at=START + timedelta(minutes=minutes))

    a1, b1, a2, a3 = item("a", 0), item("b", 0.01), item("a", 0.02), item("a", 5)
    assert polls([a1, b1, a2, a3]) == [[a1, a2], [b1], [a3]]


class FailsOnOneText:
    """A sentiment classifier with a bug that one text triggers."""

    def __init__(self) -> None:
        self.model = ModelClassifier()

    def classify(self, text: str) -> Sentiment:
        if "毒丸" in text:
            raise ValueError("unexpected text")
        return self.model.classify(text)


async def test_an_item_that_cannot_be_judged_costs_only_itself(serve: Serve, store: Store, clock: FakeClock) -> None:
    """The bug is logged, the item stays stored, the rest of the page is placed, /status says so."""
    poison = ("江城建工集团毒丸工地被投诉", "江城建工集团毒丸工地夜间施工，居民投诉。")
    _app, report = await poll_page(serve, store, clock, [*complaints(2), poison, BLAST], FailsOnOneText())
    assert report.error == "" and report.failed == ["http://news.example/2"]
    assert report.new == 4 and BLAST[0] in {i.title for i in report.incidents}
    assert len([i for i in report.incidents if i.title.startswith("网友投诉")]) >= 1
    stored = await store.items_between(START, START + timedelta(seconds=1))
    assert poison[0] in {i.title for i in stored}
    health = (await store.get_source_state("news"))["health"]
    assert "1 条信息研判出错" in health["note"] and "http://news.example/2" in health["note"]
    assert health.get("failures", 0) == 0
