"""Why same-story pairs are turned down (issue #12, item 7); prints counts, asserts nothing.

The retellings the bot fails to merge are nearly all found as candidates and then scored below
the threshold by the pair model (docs/reposts.md). This counts, per set, over the labelled
same-story pairs scored by the pair model alone (stored lead of the original, the repost as a
query, the set's schemes; no index): how many it turns down, how often each feature that
lowers the score fires on them (sites_apart: both name sites and neither names the other's,
usually a misread name), and how many of the turned-down pairs keep no anchor the model knows
(no shared site, subject, leader, short name, headline run or three words of the story's own).

It prints sums and no pair, so it can be run on held-out sets without showing their failures;
like any run on them it must be recorded (docs/judgement.md, section 6).

Usage: python bench/eval_reposts_causes.py [--sets t3,t4,…]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_data import CONFIG_NAME, PAIRS_NAME, SETS, load_config, read_yaml  # noqa: E402
from eval_reposts_curve import MEASURED_ONLY  # noqa: E402
from train_reposts import side  # noqa: E402

from bot.analysis.matcher import Matcher  # noqa: E402
from bot.analysis.story import FEATURES, RARE_CAP, RETOLD_OWN, features, pair_model, stored_lead, story  # noqa: E402

DEFAULT_SETS = MEASURED_ONLY  # written to train on, measured only: T3 … T18
ANCHORS = ("site_same", "same_who", "who_alias", "run")  # what a retelling keeps of its story


def lowering() -> list[str]:
    """The features the shipped model weighs negatively, in FEATURES order."""
    model = pair_model()
    return [name for name, weight in zip(FEATURES, model.weights, strict=True) if weight < 0]


def causes(folder: Path) -> tuple[int, int, Counter[str], int]:
    """Of a set's folder: (same pairs, turned down, {feature: turned-down pairs it fires on}, turned
    down keeping no anchor)."""
    config = load_config(folder / CONFIG_NAME).config
    matcher = Matcher(config.schemes)
    lookup = None if matcher.empty else matcher.words_in
    model, lower = pair_model(), lowering()
    own_floor = (RETOLD_OWN / RARE_CAP) ** 0.5  # rare_words is sqrt(min(n, cap) / cap)
    same = down = bare = 0
    fired: Counter[str] = Counter()
    for pair in read_yaml(folder / PAIRS_NAME)["pairs"]:
        if not pair["same"]:
            continue
        same += 1
        values = dict(
            zip(FEATURES, features(stored_lead(side(pair["a"])), story(side(pair["b"]), lookup)), strict=True)
        )
        if model.logit(values.values()) >= 0:
            continue
        down += 1
        fired.update(f for f in lower if values[f])
        bare += not any(values[a] for a in ANCHORS) and values["rare_words"] < own_floor - 1e-9
    return same, down, fired, bare


def main() -> int:
    parser = argparse.ArgumentParser(description="同一事件的转载对为什么被判为两件事：逐集统计（只打印合计）")
    parser.add_argument("--sets", default=",".join(DEFAULT_SETS), help="逗号分隔的评测集（默认 t3 … t18）")
    args = parser.parse_args()
    names = [n for n in args.sets.split(",") if n]
    unknown = [n for n in names if n not in SETS]
    if unknown:
        parser.error(f"未知的评测集：{'、'.join(unknown)}（可选：{'、'.join(SETS)}）")
    lower = lowering()
    print("集      同一事件  判为两件  没有线索  " + "  ".join(lower))
    totals: Counter[str] = Counter()
    for name in names:
        same, down, fired, bare = causes(SETS[name])
        totals.update({"same": same, "down": down, "bare": bare, **fired})
        print(f"{name:6} {same:8} {down:8} {bare:8}  " + "  ".join(f"{fired[f]:>{len(f)}}" for f in lower))
    print(
        f"{'合计':5} {totals['same']:8} {totals['down']:8} {totals['bare']:8}  "
        + "  ".join(f"{totals[f]:>{len(f)}}" for f in lower)
    )
    print(
        "（单看转载模型、不经索引；「没有线索」：没有共同的场所、主体、领导、简称、标题片段，共有的这件事自己的词不到 3 个）"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
