"""Repost detection on the labelled pair set (issue #12, deliverable 7); prints figures, asserts nothing.

For each pair of an evaluation set's repost_pairs.yaml (set A tests/data/judgement/ by default,
`--set b` for tests/data/judgement_b/, `--set c` for tests/data/judgement_c/, or `--data DIR`):
is `b` a reworded repost of the story in `a`? Two modes:
  * fresh: a new Judge per pair; `judge.remember(a, "A")`, then `judge.similar(b)` == "A".
  * shared: one Judge whose index holds every distinct `a` of the set (the others are
    distractors); `judge.story_of(b)` must name the story of this pair's `a`.
Prints precision / recall of "same" per kind and overall, and timing; for shared mode also
what the 疑似同一事件 hint adds (a b merged nowhere whose hint names its a's story: a person
can /merge it) and how often it names the a of a different story.

Usage: python bench/eval_reposts.py [--set a|b|c | --data DIR] [--verbose] [--lenient]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_data import (
    CONFIG_NAME,
    PAIRS_NAME,
    EvalConfigError,
    add_set_arguments,
    data_dir,
    load_config,
    make_item,
    read_yaml,
)

from bot.analysis.judge import Judge
from bot.config import Config

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def story_key(side: dict[str, Any]) -> str:
    return f"{side['title']}\n{side.get('text', '')}"


def fresh(config: Config, pairs: list[dict[str, Any]]) -> dict[str, bool]:
    said: dict[str, bool] = {}
    for pair in pairs:
        judge = Judge(config.schemes, config.sources, analysis=config.analysis)
        judge.remember(make_item(pair["a"], "eval-a", pair["id"], NOW), "A")
        said[pair["id"]] = judge.similar(make_item(pair["b"], "eval-b", pair["id"], NOW)) == "A"
    return said


def shared(config: Config, pairs: list[dict[str, Any]]) -> tuple[dict[str, bool], int, dict[str, bool | None]]:
    """The verdicts, how many b's were matched to another pair's story, and, for each b merged
    nowhere, whether its 疑似同一事件 hint (analysis.related_threshold) names its a's story (None:
    no hint)."""
    judge = Judge(config.schemes, config.sources, analysis=config.analysis)
    stories: dict[str, str] = {}
    for pair in pairs:
        key = story_key(pair["a"])
        if key not in stories:
            stories[key] = f"S{len(stories) + 1:03d}"
            judge.remember(make_item(pair["a"], "eval-a", stories[key], NOW), stories[key])
    said: dict[str, bool] = {}
    hinted: dict[str, bool | None] = {}
    elsewhere = 0
    for pair in pairs:
        found, maybe = judge.story_of(make_item(pair["b"], "eval-b", pair["id"], NOW))
        said[pair["id"]] = found == stories[story_key(pair["a"])]
        hinted[pair["id"]] = None if maybe is None else maybe == stories[story_key(pair["a"])]
        elsewhere += found is not None and not said[pair["id"]]
    return said, elsewhere, hinted


def hint_figures(pairs: list[dict[str, Any]], said: dict[str, bool], hinted: dict[str, bool | None]) -> None:
    """What the 疑似同一事件 hint adds where the merge missed (a person can /merge those), and the
    hints naming a story the b does not tell: of a different-story pair its a, of any pair another."""
    same = [p for p in pairs if p["same"]]
    missed = [p for p in same if not said[p["id"]]]
    helped = sum(1 for p in missed if hinted[p["id"]])
    different = [p for p in pairs if not p["same"]]
    wrong = sum(1 for p in different if hinted[p["id"]] is not None) + sum(1 for p in same if hinted[p["id"]] is False)
    merged = len(same) - len(missed)
    recall = (merged + helped) / len(same) if same else 0.0
    print(
        f"疑似同一事件提示：漏合并的 {len(missed)} 对里 {helped} 对提示了原事件；{len(pairs)} 对里 {wrong} 对提示了"
        f"别的故事；合并或提示 {merged + helped}/{len(same)}（{recall:.3f}）"
    )


def figures(pairs: list[dict[str, Any]], said: dict[str, bool], title: str, verbose: bool) -> None:
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # tp fp fn tn
    for pair in pairs:
        truth, guess = bool(pair["same"]), said[pair["id"]]
        slot = 0 if truth and guess else 1 if guess else 2 if truth else 3
        for kind in (pair["kind"], "overall"):
            rows[kind][slot] += 1
    print(f"\n== {title} ==")
    print(f"{'类别':<20}{'对数':>5}{'TP':>5}{'FP':>5}{'FN':>5}{'TN':>5}{'精确率':>9}{'召回率':>9}")
    for kind in sorted(rows, key=lambda k: (k == "overall", k)):
        tp, fp, fn, tn = rows[kind]
        precision = f"{tp / (tp + fp):.3f}" if tp + fp else "—"
        recall = f"{tp / (tp + fn):.3f}" if tp + fn else "—"
        print(f"{kind:<20}{tp + fp + fn + tn:>5}{tp:>5}{fp:>5}{fn:>5}{tn:>5}{precision:>9}{recall:>9}")
    if verbose:
        for pair in pairs:
            if bool(pair["same"]) != said[pair["id"]]:
                label = "漏判（应为同一事件）" if pair["same"] else "误并（应为不同事件）"
                print(f"- {pair['id']} [{pair['kind']}] {label}: {pair['a']['title']} ⇄ {pair['b']['title']}")


def main() -> int:
    parser = argparse.ArgumentParser(description="用标注的转载对评估相似合并：按类别打印精确率与召回率。")
    add_set_arguments(parser)
    parser.add_argument("--verbose", action="store_true", help="列出判错的转载对")
    parser.add_argument("--lenient", action="store_true", help="把规范新增的配置写法改写为旧写法后运行（仅测基线）")
    args = parser.parse_args()
    try:
        folder = data_dir(args, PAIRS_NAME)
        loaded = load_config(folder / CONFIG_NAME, lenient=args.lenient)
    except EvalConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    for note in loaded.rewritten:
        print(f"[lenient] {note}")
    print(f"评测集：{folder}")
    pairs = read_yaml(folder / PAIRS_NAME)["pairs"]
    started = time.perf_counter()
    said = fresh(loaded.config, pairs)
    figures(pairs, said, "fresh：每对一个新的 Judge", args.verbose)
    said, elsewhere, hinted = shared(loaded.config, pairs)
    figures(pairs, said, "shared：一个索引容纳全部 a 作为干扰项", args.verbose)
    print(f"shared 模式下 b 被并入其他故事：{elsewhere} 对")
    hint_figures(pairs, said, hinted)
    print(f"\n{len(pairs)} 对，用时 {time.perf_counter() - started:.1f} 秒")
    return 0


if __name__ == "__main__":
    sys.exit(main())
