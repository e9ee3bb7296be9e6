"""A hot-list headline (a title only) joins the open incident of the story it repeats, both ways
round, and two different explosions stay apart (bot.analysis.headline via bot.placement)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.analysis.headline import headline_joins, own_words
from bot.analysis.hotsignals import RankReading
from bot.analysis.judge import Judge
from bot.config import SchemeConfig
from bot.hotranks import follow
from bot.incidents import IncidentService
from bot.models import HotRank, Item
from bot.placement import place
from bot.replay import replay
from bot.store.base import Store
from tests.conftest import START, make_config

SCHEME = SchemeConfig(
    name="化工",
    subjects=["江城化工集团", "江城建工集团", "临川化工公司"],
    events={"爆炸": 5, "爆燃": 5, "火灾": 4},
)
NEWS = Item(
    "city",
    "http://x/1",
    "江城化工集团仓库发生爆炸 消防正在处置",
    "今天上午，江城化工集团位于滨江工业园的一处仓库发生爆炸，现场腾起浓烟，消防部门已赶到现场处置，"
    "暂无人员伤亡报告，事故原因正在调查之中。",
    fetched_at=START,
)
HOT = HotRank("微博热搜", 3, "120万", START, START)


def hot(title: str, minutes: int, url: str = "http://hot/1") -> Item:
    return Item(
        "hotlist", url, title, "微博热搜第 3 · 热度 120万", fetched_at=START + timedelta(minutes=minutes), hot=HOT
    )


def news(title: str, text: str, minutes: int, url: str) -> Item:
    return Item("city", url, title, text, fetched_at=START + timedelta(minutes=minutes))


def incidents(items: list[Item]) -> list[list[str]]:
    """The titles of each replayed incident's items."""
    return [[i.title for i in r.items] for r in replay(items, Judge([SCHEME]))]


def test_a_hot_list_title_joins_the_news_story_it_repeats() -> None:
    assert incidents([NEWS, hot("江城化工集团仓库爆炸", 5)]) == [[NEWS.title, "江城化工集团仓库爆炸"]]


def test_a_synonymous_event_word_still_joins() -> None:
    assert len(incidents([NEWS, hot("江城化工集团仓库爆燃", 5)])) == 1


def test_a_report_joins_the_incident_a_hot_list_title_opened() -> None:
    assert incidents([hot("江城化工集团仓库爆炸", 0), NEWS]) == [["江城化工集团仓库爆炸", NEWS.title]]


def test_an_explosion_at_another_company_stays_apart() -> None:
    assert len(incidents([NEWS, hot("临川化工公司爆炸", 5)])) == 2


def test_another_explosion_at_the_same_company_stays_apart() -> None:
    assert len(incidents([NEWS, hot("江城化工集团码头爆炸", 5)])) == 2  # 码头 is not the 仓库 of the story
    assert len(incidents([NEWS, hot("江城化工集团临川市分厂爆炸", 5)])) == 2  # a place the story never names


def test_a_fire_at_that_warehouse_joins_while_a_debt_story_stays_apart() -> None:
    assert len(incidents([NEWS, hot("江城化工集团仓库火灾", 5)])) == 1  # a fire in that 仓库: the same story
    other = news(
        "江城化工集团被曝拖欠货款",
        "多家供应商反映，江城化工集团拖欠货款已近一年，多次催讨未果，供应商称将诉诸法律。",
        3,
        "http://x/2",
    )
    wages = SchemeConfig(name="化工", subjects=["江城化工集团"], events={"爆炸": 5, "拖欠": 3})
    assert len(replay([NEWS, other, hot("江城化工集团仓库爆炸", 5)], Judge([wages]))) == 2
    assert [len(r.items) for r in replay([NEWS, other, hot("江城化工集团仓库爆炸", 5)], Judge([wages]))] == [2, 1]


def test_own_words_leave_out_the_scheme_words_tolls_and_filler() -> None:
    words = {"江城化工集团", "爆炸"}
    assert own_words("江城化工集团仓库突发爆炸致3人死亡", words) == ["仓库"]
    assert own_words("江城化工集团爆炸", words) == []
    assert headline_joins("江城化工集团爆炸", "随便什么", words) == 1.0
    assert headline_joins("江城化工集团码头爆炸", "江城化工集团仓库发生爆炸", words) is None


async def test_live_placement_merges_the_hot_title_as_replay_does(store: Store) -> None:
    config = make_config(schemes=[SCHEME.model_dump()])
    service = IncidentService(config, store)
    judge = Judge(config.schemes, config.sources, analysis=config.analysis)
    items = [NEWS, hot("江城化工集团仓库爆炸", 5), hot("临川化工公司爆炸", 6, "http://hot/2")]
    for item in items:
        judgement = judge.judge(item)
        assert judgement is not None
        await place(item, judgement, judge, service, item.fetched_at)
    got = sorted(len(i.item_keys) for i in await store.incidents())
    assert got == [1, 2]
    assert got == sorted(len(r.items) for r in replay(items, Judge(config.schemes)))


def test_a_headline_using_the_shorter_configured_name_joins_the_story_told_with_the_full_one() -> None:
    """澄湖公交 and 澄湖公交集团 are both the scheme's words; the story was matched on the longer one,
    the hot-list entry on the shorter: one organisation, so the headline joins (another place does not)."""
    scheme = SchemeConfig(name="公交", subjects=["澄湖公交集团", "澄湖公交"], events={"翻车": 4})
    report = news(
        "澄湖公交集团一旅游专线大巴在盘龙岭山路翻车 已致1人死亡",
        "今天上午9时许，澄湖公交集团一辆旅游专线大巴行驶至盘龙岭山路一处急弯时翻车，车上载有32名乘客。",
        0,
        "http://x/3",
    )
    joined = replay([report, hot("澄湖公交大巴盘龙岭翻车", 5)], Judge([scheme]))
    assert [len(r.items) for r in joined] == [2]
    apart = replay([report, hot("澄湖公交大巴青石岭翻车", 5)], Judge([scheme]))
    assert [len(r.items) for r in apart] == [1, 1]


def test_a_headline_only_another_scheme_matched_joins_the_report_naming_its_place() -> None:
    """The report names the bureau and the town: two schemes matched it and it opened its incident
    under the bureau's. The hot-list entry names only the town (the town's scheme): it joins when
    the report's title names the town, and another dike of that town stays apart."""
    bureau = SchemeConfig(name="水利局", subjects=["椴岭县水利局"], events={"决口": 5})
    town = SchemeConfig(name="萩浦镇属地", regions=["萩浦"], events={"决口": 5})
    report = news(
        "萩浦镇鲇鱼河马蹄圩堤段决口 2名村民失踪",
        "今天凌晨4时许，萩浦镇境内鲇鱼河马蹄圩堤段出现一处约30米的决口，椴岭县水利局连夜组织抢险封堵，"
        "已转移群众1100余人，2名村民失踪。",
        0,
        "http://x/4",
    )
    judge = Judge([bureau, town])
    opened = replay([report], judge)
    assert [r.scheme for r in opened] == ["水利局"]
    joined = replay([report, hot("萩浦镇马蹄圩堤决口", 5)], Judge([bureau, town]))
    assert [len(r.items) for r in joined] == [2]
    apart = replay([report, hot("萩浦镇杨柳圩堤决口", 5)], Judge([bureau, town]))
    assert [len(r.items) for r in apart] == [1, 1]
    # the other way round the report meets only its own scheme's incidents: a report is no headline
    later = replay(
        [hot("萩浦镇马蹄圩堤决口", 0), replace(report, fetched_at=START + timedelta(minutes=5))], Judge([bureau, town])
    )
    assert [len(r.items) for r in later] == [1, 1]


def test_a_scheme_s_two_names_for_one_organisation_join() -> None:
    """A scheme listing 江城农副产品批发市场 and its short 江城批发市场 names one market twice: the hot-list
    headline by the short name joins the report under the full one; another market stays apart."""
    markets = SchemeConfig(
        name="市场", subjects=["江城农副产品批发市场", "江城批发市场", "江城建材批发市场"], events={"火灾": 4}
    )
    report = news(
        "江城农副产品批发市场冷库区发生火灾 未造成人员伤亡",
        "今天凌晨，江城农副产品批发市场冷库区一处冻品仓库发生火灾，消防部门调派8辆消防车到场，明火已被扑灭。",
        0,
        "http://x/3",
    )
    assert len(replay([report, hot("江城批发市场冷库火灾", 5)], Judge([markets]))) == 1
    assert len(replay([report, hot("江城建材批发市场冷库火灾", 5, "http://hot/2")], Judge([markets]))) == 2


async def test_a_report_does_not_meet_a_report_s_incident_that_a_hot_entry_joined(store: Store) -> None:
    """An entry joining a report's incident gives it a rank (bot.hotranks, after the poll); the
    incident is still a report's, whose title is no headline for the next report to tell."""
    scheme = SchemeConfig(name="教育", subjects=["望舒市教育局"], events={"食物中毒": 4})
    sources = [
        {"id": "city", "kind": "rss", "url": "https://city.example/feed.xml"},
        {"id": "hot", "kind": "hotlist", "url": "http://10.0.0.5:4444", "format": "newsnow", "list": "weibo"},
    ]
    config = make_config(schemes=[scheme.model_dump()], sources=sources)
    service = IncidentService(config, store)
    judge = Judge(config.schemes, config.sources, analysis=config.analysis)
    rank = HotRank("微博热搜", 22, "64万", START, START, 22, "望舒市教育局通报三中学生食物中毒", "hot")
    items = [
        news(
            "望舒市教育局通报：第三中学23名学生食物中毒送医",
            "11月30日中午，望舒市第三中学部分学生在食堂用餐后出现呕吐、腹痛等症状，经医院诊断为食物中毒，"
            "共有23名学生送医治疗。望舒市教育局已会同市场监管部门封存食堂留样。",
            0,
            "http://gov/1",
        ),
        Item("hot", "http://hot/22", rank.entry, "微博热搜第 22", fetched_at=START + timedelta(minutes=5), hot=rank),
        news(
            "望舒市教育局通报：育英小学6名学生午餐后出现食物中毒症状",
            "12月1日中午，望舒市育英小学6名学生在校午餐后出现腹痛、呕吐，经医院诊断为食物中毒，均已送医。"
            "该校午餐由另一家配餐公司供应，市教育局已责令其停止供餐。",
            10,
            "http://gov/2",
        ),
    ]
    for item in items:
        judgement = judge.judge(item)
        assert judgement is not None
        placed = await place(item, judgement, judge, service, item.fetched_at)
        if item.hot is not None:  # the poll links the entry to its incident and follows its rank
            reading = RankReading("hot", rank.entry, rank.board, item.title, 22, 22, 22, START, item.fetched_at)
            await follow([reading], {rank.entry: placed.incident.number}, service, item.fetched_at)
    got = sorted((len(i.item_keys), i.hot is not None) for i in await store.incidents())
    assert got == [(1, False), (2, True)]
