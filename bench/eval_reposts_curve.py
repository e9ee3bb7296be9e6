"""Repost merging across thresholds (issue #12, item 7); prints figures, asserts nothing.

A change to the pair model often only moves its operating point: more pairs found, more wrong
merges. To tell a better model from a shifted one, compare the pairs found at the same number of
wrong merges. For each `--thresholds` value this runs `bench/eval_reposts.py`'s shared mode (one
index holding every original of a set) on each chosen set with `analysis.similarity_threshold`
set to it, and prints the pairs found and the wrong merges summed over the sets, and over T3–T18
(written to train on, measured only) apart. Run it on two checkouts and read the two tables
side by side (docs/reposts.md does so each round).

The default sets are the ones trained on or measured only (A–G, T1–T18): never run the held-out
sets (H … X) to choose anything.

Usage: python bench/eval_reposts_curve.py [--sets a,b,…] [--thresholds 0.3,0.4,…]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from eval_data import CONFIG_NAME, PAIRS_NAME, SETS, load_config, read_yaml
from eval_reposts import shared
from train_reposts import T_SETS, TRAIN_ONLY

from bot.config import Config

DEFAULT_SETS = ("a", "b", "c", "d", "e", "f", "g", *T_SETS)
MEASURED_ONLY = tuple(name for name in T_SETS if name not in TRAIN_ONLY)  # written to train on, measured only
DEFAULT_THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75)


def read_set(name: str) -> tuple[Config, list[dict[str, Any]]]:
    """A set's config and pairs, read once for all thresholds."""
    folder = SETS[name]
    return load_config(folder / CONFIG_NAME).config, read_yaml(folder / PAIRS_NAME)["pairs"]


def found_and_wrong(evalset: tuple[Config, list[dict[str, Any]]], threshold: float) -> tuple[int, int, int]:
    """(same pairs found, different pairs merged, same pairs in all) of one set at one threshold."""
    config, pairs = evalset
    analysis = config.analysis.model_copy(update={"similarity_threshold": threshold})
    said, *_ = shared(config.model_copy(update={"analysis": analysis}), pairs)
    found = sum(1 for p in pairs if p["same"] and said[p["id"]])
    wrong = sum(1 for p in pairs if not p["same"] and said[p["id"]])
    return found, wrong, sum(1 for p in pairs if p["same"])


def main() -> int:
    parser = argparse.ArgumentParser(description="转载合并在不同门槛下找到的对数和误并数（同等误并下比较两版模型）")
    parser.add_argument("--sets", default=",".join(DEFAULT_SETS), help="逗号分隔的评测集（默认 a … g、t1 … t18）")
    parser.add_argument(
        "--thresholds", default=",".join(map(str, DEFAULT_THRESHOLDS)), help="逗号分隔的门槛（similarity_threshold）"
    )
    args = parser.parse_args()
    names = [n for n in args.sets.split(",") if n]
    unknown = [n for n in names if n not in SETS]
    if unknown:
        print(f"未知的评测集：{'、'.join(unknown)}（可用：{'、'.join(sorted(SETS))}）", file=sys.stderr)
        return 2
    try:
        thresholds = [float(t) for t in args.thresholds.split(",") if t]
    except ValueError:
        print(f"门槛须是 0 与 1 之间的数：{args.thresholds}", file=sys.stderr)
        return 2
    if not thresholds or not all(0 < t < 1 for t in thresholds):
        print(f"门槛须是 0 与 1 之间的数：{args.thresholds}", file=sys.stderr)
        return 2
    apart = [n for n in names if n in MEASURED_ONLY]
    sets = {n: read_set(n) for n in names}
    print(f"评测集：{'、'.join(names)}（共享索引）")
    print(f"{'门槛':>6}{'找到':>8}{'应找到':>8}{'误并':>6}" + (f"{'T3–T18 找到':>14}{'误并':>6}" if apart else ""))
    for threshold in thresholds:
        totals = {n: found_and_wrong(evalset, threshold) for n, evalset in sets.items()}
        found = sum(t[0] for t in totals.values())
        wrong = sum(t[1] for t in totals.values())
        every = sum(t[2] for t in totals.values())
        line = f"{threshold:>6.2f}{found:>8}{every:>8}{wrong:>6}"
        if apart:
            line += f"{sum(totals[n][0] for n in apart):>14}{sum(totals[n][1] for n in apart):>6}"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
