"""The example config.yaml grades the four cases of issue #12 through the real Judge and placement."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.analysis.judge import Judge
from bot.config import Config
from bot.config_loader import load_config
from bot.models import Item, Tier
from bot.replay import replay
from tests.conftest import START

REPO = Path(__file__).resolve().parent.parent


def example() -> tuple[Config, Judge]:
    config = load_config(REPO / "config.yaml", env={})
    return config, Judge(config.schemes, config.sources, analysis=config.analysis)


def judged(title: str, text: str, source: str = "forum-gbk") -> Tier:
    _config, judge = example()
    judgement = judge.judge(Item(source, "http://x/1", title, text, fetched_at=START))
    assert judgement is not None, title
    return judgement.tier


def test_a_three_death_accident_is_iii() -> None:
    text = "今晨，江城公交集团一辆公交车在滨江大道发生侧翻事故，造成3人死亡、5人受伤，伤者已送医救治。"
    assert judged("江城公交集团一公交车侧翻致3人死亡", text) is Tier.III
    assert judged("江城公交集团一公交车侧翻致3人死亡", text, source="city-news") is Tier.III  # official outlet


def test_a_twelve_death_accident_is_ii() -> None:
    text = "江城化工集团滨江厂区发生爆炸事故，截至目前已造成12人死亡，另有20余人受伤，事故原因正在调查。"
    assert judged("江城化工集团厂区爆炸事故死亡人数升至12人", text) is Tier.II
    assert judged("江城化工集团厂区爆炸事故死亡人数升至12人", text, source="city-news") is Tier.II


def test_deaths_said_another_way_are_graded_too() -> None:
    # a bus rollover about the subject whose text says 遇难, not 死亡: the example config lists 遇难 and 身亡 (round 74)
    text = "江城公交集团一辆公交车在环湖路侧翻，已致12人遇难，另有多人受伤送医。"
    assert judged("江城公交集团一公交车侧翻 已致12人遇难", text) is Tier.II
    assert judged("江城化工集团厂区一名5岁男孩溺水身亡", "") is Tier.IV


def test_one_death_told_over_two_clauses_is_graded_as_one_death() -> None:
    # 一员工…，经抢救无效死亡: the next clause ends the same person's story (one death: 一般)
    assert judged("江城化工集团一员工在车间作业时被卷入设备 经抢救无效死亡", "") is Tier.IV
    assert judged("江城建工集团两名工人被埋，经抢救无效死亡", "") is Tier.IV


def test_a_leader_under_investigation_is_ii() -> None:
    # the example config lists 被查; the concept table finds it as 接受纪律审查和监察调查 too
    assert judged("江城市国资委原主任陈立新接受纪律审查和监察调查", "") is Tier.II
    assert judged("江城建工集团董事长被带走调查", "") is Tier.II  # a leader named by post (bot.analysis.cadres)


def test_a_leader_sentenced_is_ii() -> None:
    # 一审被判 is of the 被查 concept (round 91)
    assert judged("市国资委原主任陈立新一审被判十年", "") is Tier.II


def test_one_pedestrian_killed_is_one_death() -> None:
    # 一名行人 … 行人当场身亡: one death (一般), not an explosion-sized score (round 91)
    assert judged("江城公交集团107路公交车撞倒一名行人 行人当场身亡", "") is Tier.IV


def test_a_named_leader_accused_of_misconduct_is_ii() -> None:
    config, _judge = example()
    leaders = [getattr(w, "word", w) for s in config.schemes for w in s.leaders]  # the matcher's `leaders:` key
    leader = leaders[0]
    title = f"网友实名举报江城市国资委主任{leader}涉嫌受贿"
    text = f"举报材料称，{leader}利用职务便利在工程招标中为他人谋取利益，涉嫌受贿。"
    assert judged(title, text) is Tier.II


def test_a_rebuttal_is_progress_of_its_rumour() -> None:
    _config, judge = example()
    rumour = Item(
        "forum-gbk",
        "http://f/1",
        "网传江城建工集团拖欠农民工工资",
        "多名农民工在论坛发帖称，江城建工集团承建的滨江花园项目拖欠工资半年，讨要无果。",
        fetched_at=START,
    )
    answer = Item(
        "city-news",
        "http://c/1",
        "江城建工集团：网传拖欠农民工工资系谣言",
        "江城建工集团发布声明称，公司各项目工资均已按时足额发放，网传信息系谣言，将依法追究造谣者责任。",
        fetched_at=START + timedelta(hours=2),
    )
    [incident] = replay([rumour, answer], judge)
    assert incident.tier is Tier.III and incident.first is rumour
    assert incident.progress == [answer] and incident.items == [rumour] and incident.upgrades == []
