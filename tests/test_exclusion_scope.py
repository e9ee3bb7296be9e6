"""Exclusion scope: an exclusion word suppresses where it governs the story, not in passing."""

from __future__ import annotations

import pytest

from bot.analysis.judge import Judge
from bot.analysis.matcher import Matcher
from bot.config import SchemeConfig
from bot.models import Item, Tier

WAGES = SchemeConfig(
    name="建工欠薪",
    subjects=["江城建工集团"],
    leaders=["王建国"],
    events={"讨薪": 3, "拖欠": 3},
    exclude=["演练", "中标公告"],
)
STORY = Item(
    "s",
    "http://x/1",
    "江城建工集团拖欠农民工工资 数十名工人讨薪",
    "十余名农民工聚集在江城建工集团项目部门口讨薪，称被拖欠工资近半年。"
    "工人们表示多次找项目负责人未果。"
    "另据了解，该项目去年曾发布中标公告。",
)


def test_a_passing_mention_at_the_end_of_the_body_does_not_suppress_the_story() -> None:
    [match] = Matcher([WAGES]).match(STORY)
    assert match.words("exclude") == []  # the 中标公告 sentence holds no subject: not governed
    judgement = Judge([WAGES]).judge(STORY)
    assert judgement is not None and judgement.tier is not Tier.BELOW  # it alerts


def test_the_old_behaviour_is_one_key_away() -> None:
    assert Matcher([WAGES.model_copy(update={"exclude_scope": "anywhere"})]).match(STORY) == []


def test_an_exclusion_word_in_the_title_suppresses() -> None:
    drill = Item("s", "u", "江城建工集团开展讨薪应急演练", "演练模拟农民工聚集讨薪的处置流程。")
    for scope in ("title", "sentence", "anywhere"):
        assert Matcher([WAGES.model_copy(update={"exclude_scope": scope})]).match(drill) == [], scope


def test_an_exclusion_word_in_the_sentence_of_the_subject_suppresses() -> None:
    body = Item("s", "u", "一场讨薪风波", "江城建工集团今日举行讨薪处置演练，多部门参加。工人称被拖欠工资。")
    assert Matcher([WAGES]).match(body) == []
    assert Matcher([WAGES.model_copy(update={"exclude_scope": "title"})]).match(body)  # title only: body ignored


def test_the_sentence_of_a_leader_hit_counts_too() -> None:
    body = Item("s", "u", "工人讨薪", "项目经理称拖欠系结算延迟。王建国主持召开中标公告发布会。")
    assert Matcher([WAGES]).match(body) == []
    other = Item("s", "u", "工人讨薪", "王建国回应拖欠问题。次日举行了中标公告发布会。")
    assert Matcher([WAGES]).match(other)


@pytest.mark.parametrize("end", ["。", "！", "？", "；", "\n"])
def test_sentences_end_at_chinese_and_western_stops_and_newlines(end: str) -> None:
    body = Item("s", "u", "工人讨薪", f"江城建工集团被指拖欠工资{end}当天另有演练活动")
    assert Matcher([WAGES]).match(body)
    assert Matcher([WAGES]).match(Item("s", "u", "工人讨薪", "江城建工集团被指拖欠工资，当天另有演练活动")) == []


def test_region_schemes_scope_by_the_region_sentence() -> None:
    scheme = SchemeConfig(name="地域", regions=["临川"], events={"塌陷": 4}, exclude=["演练"])
    story = Item("s", "u", "路面塌陷", "临川区一路段发生塌陷。消防部门上月曾组织演练。")
    assert Matcher([scheme]).match(story)
    assert Matcher([scheme]).match(Item("s", "u", "路面塌陷", "临川区举行塌陷处置演练。")) == []


def test_config_rejects_an_unknown_scope() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="exclude_scope"):
        SchemeConfig(name="x", subjects=["a"], exclude=["b"], exclude_scope="paragraph")


@pytest.mark.parametrize(
    ("title", "matched"),
    [
        ("江城建工集团讨薪应急演练时发生真实冲突 工人讨薪被拖欠", True),  # the drill is when it happened
        ("江城建工集团演练中突发讨薪 被拖欠工资的工人闯入", True),
        ("江城建工集团演练结束后 工地突发讨薪冲突 工人称被拖欠工资", True),  # just after the drill (round 91)
        ("江城建工集团讨薪演练结束后召开总结会 讨论拖欠工资的处置", False),
        ("江城建工集团开展讨薪应急演练", False),
        ("江城建工集团演练中心启用 工人讨薪", False),  # 演练中心 names a place, no setting
    ],
)
def test_an_exclusion_word_setting_the_time_of_an_event_does_not_suppress(title: str, matched: bool) -> None:
    for scope in ("title", "sentence", "anywhere"):
        found = Matcher([WAGES.model_copy(update={"exclude_scope": scope})]).match(Item("s", "u", title, ""))
        assert bool(found) is matched, scope


def test_every_mention_of_the_drill_an_event_happened_in_is_its_setting() -> None:
    """演练时发生真实冲突 sets the time; 演练随即中止 later in the sentence is the same drill, not what the item is
    about (round 100); a drill the item is about still suppresses however often it is named."""
    real = Item(
        "s",
        "u",
        "工地演练时发生真实冲突",
        "江城建工集团组织讨薪应急演练时发生真实冲突，工人称被拖欠工资，演练随即中止。",
    )
    drill = Item("s", "u", "工地开展演练", "江城建工集团组织讨薪应急演练，模拟工人被拖欠工资，演练持续一小时。")
    for scope in ("sentence", "anywhere"):
        scheme = WAGES.model_copy(update={"exclude_scope": scope})
        assert Matcher([scheme]).match(real), scope
        assert Matcher([scheme]).match(drill) == [], scope
