"""Precision/recall of repost merging on a labelled pair set; prints, asserts nothing.

Each pair (a, b) goes through the Judge's merge interface: `remember(a)`, then
`similar(b)`. Two index settings:
  fresh  — an empty index per pair holding only a;
  shared — one index holding every pair's a (all the other stories are distractors):
           b counts as merged with a only if `similar(b)` names a's incident; naming
           another incident is a false merge.
Per kind: reposts (same: true) print recall, other stories (same: false) print the
share wrongly merged. Overall precision = right merges / all merges.

Pair format (YAML or JSON, a list or a mapping with `pairs`): `a` and `b` are a mapping
with `title`/`text` or a plain string (taken as the text); the label is `same` (or
`merge`/`label`: true/false, "same"/"different"); `kind` and `id` are optional.

Usage: python bench/eval_reposts_dev.py [--pairs tests/data/reposts_dev.yaml] [--threshold T] [--misses]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.analysis.judge import Judge
from bot.config import AnalysisConfig
from bot.models import Item

ROOT = Path(__file__).resolve().parent.parent
TRUE_LABELS = {"same", "repost", "merge", "duplicate", "true", "yes", "1"}


def side(value: object) -> tuple[str, str]:
    if isinstance(value, dict):
        return str(value.get("title", "") or ""), str(value.get("text", "") or value.get("body", "") or "")
    return "", str(value)


def label(pair: dict) -> bool:
    for key in ("same", "merge", "label", "duplicate"):
        if key in pair:
            value = pair[key]
            return value if isinstance(value, bool) else str(value).strip().lower() in TRUE_LABELS
    raise ValueError(f"pair without a label: {pair}")


def load(path: Path) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))  # JSON is YAML
    pairs = data["pairs"] if isinstance(data, dict) else data
    out = []
    for n, pair in enumerate(pairs):
        same = label(pair)
        kind = str(pair.get("kind") or ("repost" if same else "other"))
        out.append(
            {"id": str(pair.get("id", n)), "kind": kind, "same": same, "a": side(pair["a"]), "b": side(pair["b"])}
        )
    return out


def item(title_text: tuple[str, str], key: str) -> Item:
    return Item("dev", f"http://dev/{key}", *title_text)


def evaluate(pairs: list[dict], shared: bool, analysis: AnalysisConfig) -> tuple[dict[str, list[int]], list[str]]:
    """kind → [pairs, merged with a, merged elsewhere]; and the ids of wrong outcomes."""
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    wrong: list[str] = []
    judge = Judge([], analysis=analysis)
    owners: dict[tuple[str, str], str] = {}
    if shared:
        for pair in pairs:
            owner = owners.setdefault(pair["a"], f"A{len(owners)}")
            if not judge.knows(owner):
                judge.remember(item(pair["a"], pair["id"] + "/a"), owner)
    for pair in pairs:
        if shared:
            expected = owners[pair["a"]]
        else:
            judge = Judge([], classifier=judge.classifier, analysis=analysis)
            expected = "A"
            judge.remember(item(pair["a"], pair["id"] + "/a"), expected)
        found = judge.similar(item(pair["b"], pair["id"] + "/b"))
        row = by_kind[pair["kind"]]
        row[0] += 1
        if found == expected:
            row[1] += 1
        elif found is not None:
            row[2] += 1
        if (found == expected) != pair["same"] or (found is not None and found != expected):
            wrong.append(f"{pair['id']} → {found}")
    return by_kind, wrong


def report(name: str, pairs: list[dict], by_kind: dict[str, list[int]], wrong: list[str], misses: bool) -> None:
    same = {p["kind"]: p["same"] for p in pairs}
    tp = sum(r[1] for k, r in by_kind.items() if same[k])
    positives = sum(r[0] for k, r in by_kind.items() if same[k])
    fp = sum(r[1] for k, r in by_kind.items() if not same[k]) + sum(r[2] for r in by_kind.values())
    merges = tp + fp
    print(
        f"[{name}] recall {tp}/{positives} = {tp / max(positives, 1):.3f}, "
        f"precision {tp}/{merges} = {tp / max(merges, 1):.3f}"
    )
    for kind, (n, hit, elsewhere) in by_kind.items():
        if same[kind]:
            extra = f"  (into another: {elsewhere})" if elsewhere else ""
            print(f"  repost  {kind:28s} recall {hit}/{n} = {hit / n:.2f}{extra}")
        else:
            bad = hit + elsewhere
            print(f"  other   {kind:28s} wrongly merged {bad}/{n} = {bad / n:.2f}")
    if misses and wrong:
        print("  wrong: " + ", ".join(wrong))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=Path, default=ROOT / "tests/data/reposts_dev.yaml")
    parser.add_argument("--threshold", type=float, help="analysis.similarity_threshold (default: the config default)")
    parser.add_argument("--misses", action="store_true", help="list the pairs decided wrongly")
    args = parser.parse_args()
    pairs = load(args.pairs)
    analysis = AnalysisConfig() if args.threshold is None else AnalysisConfig(similarity_threshold=args.threshold)
    print(
        f"{len(pairs)} pairs ({sum(p['same'] for p in pairs)} reposts) from {args.pairs}, "
        f"threshold {analysis.similarity_threshold}"
    )
    for shared in (False, True):
        started = time.perf_counter()
        by_kind, wrong = evaluate(pairs, shared, analysis)
        report("shared index" if shared else "fresh index per pair", pairs, by_kind, wrong, args.misses)
        print(f"  ({(time.perf_counter() - started) * 1000 / len(pairs):.2f} ms a pair)")


if __name__ == "__main__":
    main()
