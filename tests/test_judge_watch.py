"""Judge: emergency-watch terms as a temporary scheme; sentiment only for matched items."""

from __future__ import annotations

from bot.analysis.judge import Judge
from bot.analysis.sentiment import LexiconClassifier
from bot.config import SchemeConfig
from bot.models import Item, Sentiment, Tier

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


class CountingClassifier:
    """A second Classifier implementation: counts what it is asked to classify."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def classify(self, text: str) -> Sentiment:
        self.texts.append(text)
        return Sentiment("negative", 0.9)


def test_unmatched_items_never_pay_for_sentiment() -> None:
    counting = CountingClassifier()
    judge = Judge([SCHEME], classifier=counting)
    for i in range(50):
        assert judge.judge(Item("s", f"http://x/{i}", "市政府召开常务会议", "研究部署冬季供暖工作")) is None
    assert counting.texts == []
    judgement = judge.judge(Item("s", "http://x/b", "江城化工集团仓库爆炸", "正文" * 500))
    assert judgement is not None and judgement.sentiment == Sentiment("negative", 0.9)
    assert len(counting.texts) == 1 and len(counting.texts[0]) < 300  # title + lead only


def test_the_real_classifier_loads_jieba_only_for_a_match() -> None:
    classifier = LexiconClassifier()
    judge = Judge([SCHEME], classifier=classifier)
    judge.judge(Item("s", "http://x/1", "市政府召开常务会议", ""))
    assert classifier._tokenizer is None
    judge.judge(Item("s", "http://x/2", "江城化工集团仓库爆炸", ""))
    assert classifier._tokenizer is not None


def test_watch_terms_tolerate_spaces_width_and_traditional_forms() -> None:
    item = Item("s", "http://x/t", "濱江 大橋出現裂縫", "")
    judgement = Judge([SCHEME]).judge(item, watch_terms=["滨江大桥"])
    assert judgement is not None
    [hit] = judgement.match.hits
    assert (hit.word, item.title[hit.start : hit.end]) == ("滨江大桥", "濱江 大橋")
