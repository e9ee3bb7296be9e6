"""A leading cadre named by post (市国资委主任被举报受贿) counts as 涉及领导干部, like a named leader."""

from __future__ import annotations

import pytest

from bot.analysis.judge import Judge
from bot.config import SchemeConfig
from bot.models import Item, Tier

SCHEME = SchemeConfig(
    name="国资", subjects=["江城市国资委", "江城化工集团"], leaders=["陈立新"], events={"受贿": 3, "爆炸": 5}
)


@pytest.mark.parametrize(
    ("title", "post"),
    [
        ("江城市国资委主任陈某被举报受贿", "主任"),
        ("江城市国资委一把手被举报受贿", "一把手"),
        ("举报！江城市国资委陈主任收受贿赂", "主任"),
        ("江城化工集团原副总经理涉嫌受贿", "副总经理"),
        ("江城市国资委领导陈某被举报受贿", "领导"),  # a leader, by the generic word (round 91)
        ("江城化工集团主要负责人涉嫌受贿", "主要负责人"),
    ],
)
def test_a_post_of_the_subject_accused_counts_as_a_leader(title: str, post: str) -> None:
    judgement = Judge([SCHEME]).judge(Item("s", "u", title, ""))
    assert judgement is not None and f"领导职务「{post}」+20" in judgement.reason
    assert judgement.tier <= Tier.II


@pytest.mark.parametrize(
    "title",
    [
        "江城市国资委主任回应爆炸",  # an answer, not an accusation
        "江城化工集团一科长被举报受贿",  # staff, not the subject's head
        "江城化工集团工作人员被举报受贿",
        "江城市国资委领导回应爆炸",
        "陈立新被举报受贿",  # named: the leader's own points, not twice
    ],
)
def test_no_post_points_where_no_head_of_the_subject_is_accused(title: str) -> None:
    judgement = Judge([SCHEME]).judge(Item("s", "u", title, ""))
    assert judgement is not None and "领导职务" not in judgement.reason


UNITS = SchemeConfig(
    name="监管场所",
    subjects=[
        "鸣川市强制隔离戒毒所",
        "鲸湾市渔政支队",
        "梓岭区人民检察院",
        "鸣川市国土局",
        "茴港车务段",
        "鸣川供电分公司",
        "鸣川燃气公司",
    ],
    events={"被举报": 3, "受贿": 3},
)


@pytest.mark.parametrize(
    ("title", "post"),
    [
        ("鸣川市强制隔离戒毒所副所长被实名举报", "所长"),  # a 所's own head (round 98)
        ("鲸湾市渔政支队支队长涉嫌受贿", "队长"),
        ("梓岭区人民检察院副检察长被举报", "检察长"),
        ("茴港车务段副段长被实名举报", "段长"),  # a railway 段's own head (round 99)
        ("鸣川供电分公司副经理被实名举报", "经理"),  # a branch company's own head (round 111)
    ],
)
def test_a_unit_s_own_head_is_named_by_its_kind(title: str, post: str) -> None:
    judgement = Judge([UNITS]).judge(Item("s", "u", title, ""))
    assert judgement is not None and f"领导职务「{post}」+20" in judgement.reason


def test_the_same_post_elsewhere_is_staff() -> None:
    judgement = Judge([UNITS]).judge(
        Item("s", "u", "鸣川市国土局所长被举报受贿", "")
    )  # a station's head, a bureau's staff
    assert judgement is not None and "领导职务" not in judgement.reason
    judgement = Judge([UNITS]).judge(Item("s", "u", "鸣川燃气公司经理被举报受贿", ""))  # a company's 经理 is staff
    assert judgement is not None and "领导职务" not in judgement.reason


@pytest.mark.parametrize(
    ("title", "post"),
    [
        ("网友实名举报鸣川市国土局副局长把拆迁项目交给亲戚", "副局长"),  # reported before, the post after (round 104)
        ("职工实名举报茴港车务段原段长多年吃空饷", "段长"),
        ("网友实名举报鸣川市国土局门口车辆乱停", ""),  # no post after the subject
        ("网友实名举报鸣川市国土局 局长表示将调查", ""),  # the post answers, not right after the subject
    ],
)
def test_a_post_after_a_subject_reported_counts_as_a_leader(title: str, post: str) -> None:
    judgement = Judge([UNITS]).judge(Item("s", "u", title, ""))
    assert judgement is not None
    assert (f"领导职务「{post}」+20" in judgement.reason) if post else ("领导职务" not in judgement.reason)
