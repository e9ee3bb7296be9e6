"""The lexicon classifier: negation, degree, clauses, and the hand-labelled set."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.analysis.sentiment import Lexicon, LexiconClassifier
from bot.models import Sentiment

HANDSET = Path(__file__).parent / "data" / "sentiment_handset.tsv"


@pytest.fixture(scope="module")
def classifier() -> LexiconClassifier:
    return LexiconClassifier()


def test_negative_news_is_negative(classifier: LexiconClassifier) -> None:
    result = classifier.classify("江城化工园区一仓库发生爆炸，已造成3人受伤")
    assert result.label == "negative" and result.score > 0.9


def test_negation_flips_and_degree_scales(classifier: LexiconClassifier) -> None:
    neg_plain, _ = classifier.evidence("市民满意")[::-1]
    assert classifier.classify("市民对服务不满意").label == "negative"
    assert classifier.evidence("事故未造成伤亡")[0] < classifier.evidence("事故造成伤亡")[0]
    assert classifier.evidence("非常满意")[1] > classifier.evidence("满意")[1] == neg_plain


def test_negation_does_not_cross_a_clause(classifier: LexiconClassifier) -> None:
    assert classifier.evidence("没有，满意")[1] == classifier.evidence("满意")[1]


def test_neutral_without_evidence(classifier: LexiconClassifier) -> None:
    assert classifier.classify("市政府召开常务会议") == Sentiment("neutral", 1.0)


def test_a_custom_lexicon_replaces_the_bundled_one() -> None:
    lexicon = Lexicon(negative={"糟透": 3.0}, positive={}, negation=frozenset(), degree={})
    assert LexiconClassifier(lexicon).classify("服务糟透了").label == "negative"
    assert LexiconClassifier(lexicon).classify("发生爆炸").label == "neutral"


def test_bundled_lexicon_files_load() -> None:
    lexicon = Lexicon.bundled()
    assert lexicon.negative["爆炸"] == 2.0
    assert "不" in lexicon.negation and lexicon.degree["非常"] > 1
    assert len(lexicon.negative) > 300 and len(lexicon.positive) > 150


def test_hand_labelled_set_is_big_enough_and_mostly_right(classifier: LexiconClassifier) -> None:
    rows = [line.split("\t", 1) for line in HANDSET.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"]
    assert len(rows) >= 200
    assert {label for label, _ in rows} == {"negative", "neutral", "positive"}
    correct = sum(classifier.classify(text).label == label for label, text in rows)
    assert correct / len(rows) > 0.85  # bench/eval_sentiment.py prints the exact figures
