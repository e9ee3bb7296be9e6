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
