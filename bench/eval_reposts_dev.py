"""Precision/recall of repost merging on the dev pair set (tests/data/reposts_dev.yaml); prints, asserts nothing.

Each pair (a, b) is judged through the Judge's merge interface: `remember(a)`, then
`similar(b)`, once with no schemes and once with the set's schemes (their matched subjects
are masked before comparing, as in production, where only matched items are placed).
Two index settings:
  fresh  — an empty index per pair holding only a;
  shared — one index holding every pair's a (all the other stories are distractors):
           b counts as merged with a only if `similar(b)` names a's incident; naming
           another incident is a false merge.
Per kind: reposts (same: true) print recall, other stories (same: false) print the
share wrongly merged. Overall precision = right merges / all merges.

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
from bot.config import AnalysisConfig, SchemeConfig
from bot.models import Item

ROOT = Path(__file__).resolve().parent.parent


def item(side: dict, key: str) -> Item:
    return Item("dev", f"http://dev/{key}", side.get("title", ""), side.get("text", ""))


def evaluate(
    pairs: list[dict], shared: bool, schemes: list[SchemeConfig], analysis: AnalysisConfig
) -> tuple[dict[str, list[int]], list[str]]:
    """kind → [pairs, merged with a, merged elsewhere]; and the ids of wrong outcomes."""
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    wrong: list[str] = []
    judge = Judge(schemes, analysis=analysis)
    if shared:
        owners: dict[tuple[str, str], str] = {}
        for pair in pairs:
            a = pair["a"]
            owner = owners.setdefault((a.get("title", ""), a.get("text", "")), f"A{len(owners)}")
            if judge.knows(owner):
                continue
            judge.remember(item(a, pair["id"] + "/a"), owner)
    for pair in pairs:
        a_key = (pair["a"].get("title", ""), pair["a"].get("text", ""))
        if shared:
            expected = owners[a_key]
        else:
            fresh = Judge([], classifier=judge.classifier, analysis=analysis)
            fresh.matcher = judge.matcher  # the automaton is built once
            judge = fresh
            expected = "A"
            judge.remember(item(pair["a"], pair["id"] + "/a"), expected)
        found = judge.similar(item(pair["b"], pair["id"] + "/b"))
        row = by_kind[pair["kind"]]
        row[0] += 1
        if found == expected:
            row[1] += 1
        elif found is not None:
            row[2] += 1
        if (found == expected) != bool(pair["same"]) or (found is not None and found != expected):
            wrong.append(f"{pair['id']} → {found}")
    return by_kind, wrong


def report(name: str, pairs: list[dict], by_kind: dict[str, list[int]], wrong: list[str], misses: bool) -> None:
    same = {p["kind"]: bool(p["same"]) for p in pairs}
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
            print(
                f"  repost  {kind:28s} recall {hit}/{n} = {hit / n:.2f}"
                + (f"  (into another: {elsewhere})" * bool(elsewhere))
            )
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
    data = yaml.safe_load(args.pairs.read_text(encoding="utf-8"))
    pairs = data["pairs"]
    analysis = AnalysisConfig() if args.threshold is None else AnalysisConfig(similarity_threshold=args.threshold)
    print(
        f"{len(pairs)} pairs ({sum(bool(p['same']) for p in pairs)} reposts) from {args.pairs}, "
        f"threshold {analysis.similarity_threshold}"
    )
    for schemes in ([], [SchemeConfig(**s) for s in data.get("schemes", [])]):
        for shared in (False, True):
            started = time.perf_counter()
            by_kind, wrong = evaluate(pairs, shared, schemes, analysis)
            name = f"{'shared index' if shared else 'fresh index per pair'}, {len(schemes)} schemes"
            report(name, pairs, by_kind, wrong, args.misses)
            print(f"  ({(time.perf_counter() - started) * 1000 / len(pairs):.2f} ms a pair)")


if __name__ == "__main__":
    main()
