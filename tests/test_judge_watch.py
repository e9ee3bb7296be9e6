"""Emergency-watch terms act as a temporary scheme inside Judge."""

from __future__ import annotations

from bot.analysis.judge import Judge
from bot.config import SchemeConfig
from bot.models import Item, Tier

SCHEME = SchemeConfig(name="国资委", subjects=["江城化工集团"], events={"爆炸": 5})


def test_watch_term_makes_a_tier_iii_match() -> None:
    item = Item("s", "http://x/1", "滨江大桥出现裂缝", "市民反映桥面有裂缝")
    assert Judge([SCHEME]).judge(item) is None
    judgement = Judge([SCHEME]).judge(item, watch_terms=["滨江大桥"])
    assert judgement is not None
    assert judgement.match.scheme == "紧急关注"
    assert judgement.match.words("subject") == ["滨江大桥"]
    assert judgement.tier is Tier.III


def test_scheme_with_higher_severity_wins_over_watch() -> None:
    item = Item("s", "http://x/2", "江城化工集团仓库爆炸", "")
    judgement = Judge([SCHEME]).judge(item, watch_terms=["仓库"])
    assert judgement is not None
    assert judgement.match.scheme == "国资委"
    assert judgement.tier is Tier.I


def test_absent_watch_term_changes_nothing() -> None:
    item = Item("s", "http://x/3", "天气晴好", "")
    assert Judge([SCHEME]).judge(item, watch_terms=["大桥", " "]) is None
