"""The training recipe's cross-validated negative threshold (offered with the second hand-written
set; the sets themselves are checked in test_sentiment_written_sets.py)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from bot.analysis.sentiment import ModelClassifier


def _training():
    pytest.importorskip("sklearn")
    from scripts import train_sentiment

    return train_sentiment


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


def test_the_grid_offers_every_negative_threshold() -> None:
    training = _training()
    assert {c.negative for c in training.grid({"hand": []})} == set(training.GRID_NEGATIVE)


def test_the_shipped_model_keeps_its_chosen_threshold() -> None:
    classifier = ModelClassifier()
    classifier.prepare()
    model = classifier.model
    assert model is not None
    best = max(model.meta["cv"], key=lambda row: row["mean"])
    assert model.thresholds["negative"] == best["negative_threshold"]
