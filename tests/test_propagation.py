"""Propagation of one incident: 首发, key relays, source categories, volume per hour; the card line,
the 专报 section and its timeline chart, on an incident of thirteen merged items from five kinds of source."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import docx
import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager

from bot.analysis.judgement import Judgement
from bot.analysis.propagation import Settings, SourceInfo, analyse
from bot.briefing.build import report_document
from bot.briefing.chart import chart_font
from bot.briefing.propagation import hours_line
from bot.briefing.timeline_chart import build_timeline, render_timeline
from bot.briefing.word import to_docx
from bot.channels.telegram_render import incident_parts
from bot.clock import FakeClock
from bot.config import SourceConfig
from bot.dispatch import Dispatcher
from bot.incidents import IncidentService
from bot.models import Command, HotRank, Incident, Item, Match, NoticeKind, Sentiment, Tier, first_post
from bot.people import People
from bot.propagation import settings, source_infos
from bot.render import incident_text
from bot.services import Services
from tests.conftest import make_config
from tests.test_chart import drawn_texts, png_chunks

ZONE = ZoneInfo("Asia/Shanghai")
DAY = datetime(2026, 11, 30, tzinfo=ZONE)
NOW = DAY.replace(hour=13)

SOURCES = [
    {"id": "forum", "name": "江城论坛", "kind": "html", "url": "https://bbs.example.cn/list", "selectors": {"item": "li"},
     "category": "论坛"},
    {"id": "weibo", "name": "微博关键词", "kind": "rsshub", "route": "/weibo/keyword/江城化工"},
    {"id": "tieba", "name": "江城吧", "kind": "rsshub", "route": "/tieba/forum/江城"},
    {"id": "liuyan", "name": "领导留言板", "kind": "rsshub", "route": "/people/liuyan/539"},
    {"id": "wechat", "name": "公众号", "kind": "rss", "url": "https://wewe.example.cn/feeds/all.rss",
     "category": "自媒体"},
    {"id": "city-news", "name": "江城市新闻网", "kind": "rss", "url": "https://news.example.cn/rss", "official": True},
    {"id": "portal", "name": "新闻聚合", "kind": "rss", "url": "https://portal.example.cn/rss"},
    {"id": "weibo-hot", "name": "微博热搜", "kind": "hotlist", "url": "https://hot.example.cn", "format": "newsnow",
     "list": "weibo"},
]  # fmt: skip
ANALYSIS = {"official_media": ["people.com.cn"], "author_weights": {"江城大V": 1.3}, "jump_ratio": 2, "jump_min": 3}
TITLE = "江城化工集团仓库爆炸"


def at(hour: int, minute: int) -> datetime:
    return DAY.replace(hour=hour, minute=minute)


def item(n: int, source: str, when: datetime, *, published: bool = True, author: str = "", hot: HotRank | None = None,
         url: str = "") -> Item:  # fmt: skip
    return Item(
        source,
        url or f"https://{source}.example.cn/{n}",
        f"{TITLE}（{n}）",
        f"{TITLE}，现场浓烟。第 {n} 条。",
        author=author,
        published_at=when if published else None,
        fetched_at=when + timedelta(minutes=3) if published else when,
        hot=hot,
    )


HOT3 = HotRank("微博热搜", 3, "45万", at(10, 5), at(10, 5))
HOT2 = HotRank("微博热搜", 2, "60万", at(10, 5), at(10, 15))
ITEMS = [
    item(1, "forum", at(7, 40)),  # 首发
    item(2, "weibo", at(7, 55), author="江城大V"),  # high reach; precedes the 09时 jump
    item(3, "portal", at(8, 30), url="https://www.people.com.cn/n1/3.html"),  # official by its site; precedes
    item(4, "weibo", at(9, 0), author="路人甲"),
    item(5, "weibo", at(9, 5), author="路人乙"),
    item(6, "tieba", at(9, 10)),
    item(7, "liuyan", at(9, 20)),
    item(8, "city-news", at(9, 30)),  # official source
    item(9, "weibo", at(9, 45), author="路人丙"),
    item(10, "weibo-hot", at(10, 5), published=False, hot=HOT3),  # the entry that matched first
    item(11, "weibo-hot", at(10, 15), published=False, hot=HOT2),
    item(12, "wechat", at(11, 30), published=False),
    item(13, "weibo", at(12, 10), author="路人丁"),
]


@pytest.fixture
def config():
    return make_config(sources=SOURCES, analysis=ANALYSIS)


def test_category_defaults_by_kind_and_route_and_is_validated(config):
    categories = {s.id: s.source_category for s in config.sources}
    assert categories == {
        "forum": "论坛",
        "weibo": "自媒体",
        "tieba": "论坛",
        "liuyan": "政务",
        "wechat": "自媒体",
        "city-news": "媒体",
        "portal": "媒体",
        "weibo-hot": "热榜",
    }
    with pytest.raises(ValueError, match="未知的来源类别「报纸」；可用：媒体、自媒体、论坛、政务、热榜"):
        SourceConfig.model_validate({"id": "x", "url": "https://x.cn/rss", "category": "报纸"})


def test_figures_of_a_dozen_merged_items(config):
    p = analyse(list(reversed(ITEMS)), source_infos(config), settings(config), ZONE)
    assert p.first is not None and p.first.item is ITEMS[0] and not p.first.inferred
    assert p.first_source == "江城论坛" and p.items == 13 and p.reposts == 12
    assert p.by_category == (("媒体", 2), ("自媒体", 6), ("论坛", 2), ("政务", 1), ("热榜", 2))
    assert [(h.hour, n) for h, n in p.per_hour] == [(7, 2), (8, 1), (9, 6), (10, 2), (11, 1), (12, 1)]
    assert [h.hour for h in p.jumps] == [9]
    relays = {r.post.item.url.rsplit("/", 1)[-1]: r.reasons for r in p.relays}
    assert relays == {
        "2": ("高影响力账号 江城大V", "放量前（09时起 6 条）"),
        "3.html": ("官方媒体", "放量前（09时起 6 条）"),
        "8": ("官方媒体",),
        "10": ("上榜 微博热搜第 3",),
        "11": ("上榜 微博热搜第 2",),
    }
    assert [r.source for r in p.relays] == ["微博关键词", "新闻聚合", "江城市新闻网", "微博热搜", "微博热搜"]
    assert [(r.board, r.rank) for r in p.hot] == [("微博热搜", 2)]
    assert p.rank_points == {"微博热搜": ((at(10, 5), 3), (at(10, 15), 2))}
    assert p.inferred == 3  # two hot-list entries and the WeChat article carry no publication time


def test_first_publication_inferred_from_discovery_is_flagged():
    early = item(0, "wechat", at(7, 10), published=False)
    p = analyse([*ITEMS, early], {}, Settings(), ZONE)
    assert p.first is not None and p.first.item is early and p.first.inferred and p.first_source == "wechat"
    assert analyse([], {}, Settings(), ZONE).first is None


def test_a_steady_trickle_has_no_jump():
    steady = [item(n, "weibo", at(7 + n, 0)) for n in range(5)]
    p = analyse(steady, {}, Settings(jump_ratio=2, jump_min=3), ZONE)
    assert p.jumps == () and p.relays == ()


def judged() -> Judgement:
    return Judgement(Match("国资委", ()), Sentiment("negative", 0.9), Tier.II, "命中主体「江城化工集团」")


@pytest.fixture
async def services(store, config, tmp_path):
    """The hot-list entry opens the incident; the other twelve merge in, the earlier ones after it."""
    config = config.model_copy(update={"briefing": config.briefing.model_copy(update={"files_dir": str(tmp_path)})})
    incidents = IncidentService(config, store)
    services = Services(config, store, FakeClock(NOW), People(config.people), incidents)
    await store.add_items(ITEMS)
    incident = await incidents.create(ITEMS[9], judged(), at(10, 6))
    for it in ITEMS[:9] + ITEMS[10:]:  # each merged once fetched (the forum list page is read late)
        await incidents.add_spread(incident.number, it, max(it.fetched_at, at(10, 7)) + timedelta(minutes=1))
    return services


async def number(services) -> str:
    (incident,) = await services.store.incidents()
    return incident.number


async def test_incident_keeps_its_first_publication_and_the_card_shows_one_line(services):
    incident = await services.store.get_incident(await number(services))
    assert incident.first is not None and (incident.first.source, incident.first.at) == ("江城论坛", at(7, 40))
    text = incident_text(incident, NOW, ZONE, "微博热搜")
    line = "传播：首发 江城论坛 07:40 · 12 家转载 · 微博热搜第 3"
    assert line in text.splitlines()
    assert "热榜：" not in text and text.count("微博热搜第 3") == 1  # the rank is folded in, not shown twice
    html = "".join(incident_parts(incident, NOW, ZONE, "微博热搜"))
    assert "传播：<b>首发 江城论坛 07:40 · 12 家转载 · 微博热搜第 3</b>" in html and "热榜：" not in html
    # an incident stored before 首发 was kept: its own first item, flagged when undated
    old = incident.replace(first=None, published_at=None)
    assert "传播：首发 微博热搜 10:06（发现时间） · 12 家转载" in incident_text(old, NOW, ZONE, "微博热搜")


async def test_report_shows_propagation_and_the_timeline_chart(services):
    report = await report_document(services, "incident", await number(services))
    document = docx.Document(io.BytesIO(to_docx(report)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "首发：江城论坛 11-30 07:40《江城化工集团仓库爆炸（1）》 https://forum.example.cn/1" in text
    assert "共 13 条相关信息（12 条转载/相似），12 个发布方；其中 3 条来源未给发布时间，按发现时间计。" in text
    assert "来源类别：媒体 2 · 自媒体 6 · 论坛 2 · 政务 1 · 热榜 2" in text
    assert "热榜：微博热搜 最高第 2" in text
    assert (
        "11-30 07:55 微博关键词·江城大V（高影响力账号 江城大V、放量前（09时起 6 条））《江城化工集团仓库爆炸（2）》"
        in text
    )
    assert "11-30 10:05（按发现时间） 微博热搜（上榜 微博热搜第 3）" in text
    assert (
        "每小时信息量：30日07时 2 · 30日08时 1 · 30日09时 6 · 30日10时 2 · 30日11时 1 · 30日12时 1；放量：30日09时（共 6 小时）"
        in text
    )
    assert len(document.inline_shapes) == 1 and report.figures[0].caption == "图1 每小时信息量与热榜排名"
    assert report.figures[0].png[:8] == b"\x89PNG\r\n\x1a\n"


async def test_brief_command_replies_with_propagation_and_sends_the_chart(services):
    n = await number(services)
    [reply] = await Dispatcher(services).handle(Command("console", "李明", "console", "brief", (n,), message_id="7"))
    assert "首发：江城论坛 11-30 07:40" in reply and "来源类别：媒体 2 · 自媒体 6" in reply
    assert "关键传播节点：" in reply and "（图1 每小时信息量与热榜排名，见附图）" in reply
    later = NOW + timedelta(seconds=2)
    [photo] = [x for x in await services.store.pending_notifications(later) if x.kind is NoticeKind.PHOTO]
    assert photo.text == f"📈 {n} 图1 每小时信息量与热榜排名"
    assert (await services.store.get_file(photo.file))[:8] == b"\x89PNG\r\n\x1a\n"


def test_timeline_chart_draws_every_character_in_the_cjk_font(config):
    p = analyse(ITEMS, source_infos(config), settings(config), ZONE)
    heading = "YQ-20261130-0001 传播趋势"
    fig = build_timeline(p.per_hour, p.rank_points, heading, ZONE)
    texts = drawn_texts(fig)
    drawn = "".join(s for s, _ in texts)
    for expected in (heading, "每小时信息量", "微博热搜排名", "信息量（条）", "热榜排名（第 N 位）", "09时"):
        assert expected in drawn
    font = chart_font()
    cmap = TTFont(font.path, fontNumber=font.index, lazy=True).getBestCmap()
    assert sorted({ch for ch in drawn if not ch.isspace() and ord(ch) not in cmap}) == []
    used = {font_manager.findfont(prop) for _, prop in texts}
    assert {(str(f), getattr(f, "face_index", 0)) for f in used} == {(font.path, font.index)}
    chunks = png_chunks(render_timeline(p.per_hour, p.rank_points, heading, ZONE))
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"


def test_timeline_without_hot_list_and_across_midnight():
    posts = [item(1, "weibo", at(23, 10)), item(2, "weibo", at(23, 10) + timedelta(hours=2))]
    p = analyse(posts, {"weibo": SourceInfo("微博")}, Settings(), ZONE)
    assert [n for _, n in p.per_hour] == [1, 0, 1] and p.rank_points == {}
    assert hours_line(p) == "每小时信息量：30日23时 1 · 01日01时 1（共 3 小时）"  # the empty hour only in the chart
    drawn = "".join(s for s, _ in drawn_texts(build_timeline(p.per_hour, p.rank_points, "跨日", ZONE)))
    assert "11-30 23时" in drawn and "12-01 01时" in drawn and "排名" not in drawn


def test_card_without_reposts_or_rank_adds_no_line():
    incident = Incident("YQ-1", Tier.IV, "标题", "", "forum", at(8, 0))
    assert "传播：" not in incident_text(incident, NOW, ZONE) and "热榜：" not in incident_text(incident, NOW, ZONE)


def test_older_incidents_without_first_still_decode():
    from bot.codec import decode, encode

    incident = Incident("YQ-1", Tier.IV, "t", "", "forum", at(8, 0))
    data = encode(incident)
    data.pop("first")
    assert decode(Incident, data) == incident
    stored = encode(incident.replace(first=first_post(ITEMS[0], "江城论坛", at(8, 0))))
    assert decode(Incident, stored).first.at == at(7, 40)
