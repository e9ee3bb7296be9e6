"""Train the repost pair model (bot/data/repost_model.json): is a new item a reworded repost of a
remembered one? A logistic regression over bot.analysis.story.FEATURES.

Data (binding rule: only labelled data written for this project): the pair sets written here,
each a group for leave-one-group-out validation:
  * a … g     tests/data/judgement{,_b … _g}/repost_pairs.yaml (seven authors; B … G were held-out
              sets until this model was trained on them, D … G in the seventh round, so they no
              longer are),
  * dev       tests/data/reposts_dev.yaml, colloquial  tests/data/reposts_colloquial.yaml,
  * train     tests/data/reposts_train.yaml (written to train on: colloquial retellings, hard negatives),
  * train2    tests/data/reposts_train2.yaml (a second writer, 331 pairs, colloquial-heavy): measured
              only, see MEASURE_ONLY.
  * t1, t2    tests/data/reposts_t1/, _t2/ (two more writers, eighth round): training sets in the evaluation
              sets' format (schemes, items, 183 + 180 pairs), weighted to colloquial retellings, follow-ups with
              new figures and hard negatives; trained on, left out of the threshold choice (TRAIN_ONLY).
  * t3, t4    tests/data/reposts_t3/, _t4/ (two more writers, same brief): measured only, see MEASURE_ONLY.
  * t5, t6    tests/data/reposts_t5/, _t6/ (two more writers, nineteenth round; their failures were read):
              measured only. Trained on, they raised the threshold to 0.53 and lowered recall on the
              evaluation-like groups (0.964 -> 0.955) and on T3, T4 (263 -> 260 pairs).
  * t7, t8    tests/data/reposts_t7/, _t8/ (two more writers, twenty-first round; t7's failures were read
              after its first measurement; of t8 only the titles of its wrong merges, at the end of that round):
              measured only, like t3 and t4; t8's failures were read in the twenty-second round.
  * t9, t10   tests/data/reposts_t9/, _t10/ (two more writers, twenty-second round: a transport authority, a
              state-owned group): measured only; T9's three failing items were read at the end of that round
              (nothing changed) and its pair failures in the twenty-third; T10's pair failures were read in the
              twenty-fourth. Training on every T-set was tried in the twenty-second round and measured on them:
              no gain (docs/reposts.md).
  * t11, t12  tests/data/reposts_t11/, _t12/ (two more writers, twenty-fourth round: culture and tourism with
              market regulation; water, emergencies and rural affairs): measured only; t12's pair failures were
              read in the twenty-fourth round after its first measurement, t11's (and t12's items) in the
              twenty-fifth, t12's remaining pair failures in the twenty-sixth.
  * t13, t14  tests/data/reposts_t13/, _t14/ (two more writers, thirty-third round: education, health and
              medical insurance; housing, urban management and communities): measured only; their failures
              were read in the thirty-fourth round.
  * t15, t16  tests/data/reposts_t15/, _t16/ (two more writers, thirty-fourth round: labour, social security and
              local finance; environment and energy utilities): measured only; their failures were read in the
              forty-first to forty-third rounds.
  * t17, t18  tests/data/reposts_t17/, _t18/ (two more writers, forty-eighth round: police, fire and emergencies;
              commerce, markets and the platform economy; place names in common characters): measured only;
              their failures were read after their first measurement, in that round.
Sets written later and kept out of training (tests/data/judgement_h … _s, _u … _x) are NOT read here.

Besides each labelled pair, every b of sets a … g is also paired with the other stories of its
set (the index holds them all), and every item of their eval_items.yaml with the ITEM_WINDOW items
before it that are told as other stories: "distractors", negatives at DISTRACTOR_WEIGHT.

The operating threshold is chosen on the out-of-fold probabilities of the labelled pairs (each
group predicted by a model trained on the other groups): the highest recall at precision
>= TARGET_PRECISION. The shipped bias is shifted so that this threshold is probability 0.5.

Usage: python scripts/train_reposts.py [--out bot/data/repost_model.json] [--check]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.analysis.matcher import Matcher  # noqa: E402
from bot.analysis.story import FEATURES, MODEL_FILE, TITLE_END, canonical, features, stored_lead, story  # noqa: E402
from bot.config import Config  # noqa: E402

DATA = ROOT / "tests" / "data"
# the sets written to train on or to measure in the evaluation sets' format (T1 … T18), in the order they were
# written
T_SETS = tuple(f"t{n}" for n in range(1, 19))
GROUPS = {
    "a": (DATA / "judgement" / "repost_pairs.yaml", DATA / "judgement" / "eval_config.yaml"),
    "b": (DATA / "judgement_b" / "repost_pairs.yaml", DATA / "judgement_b" / "eval_config.yaml"),
    "c": (DATA / "judgement_c" / "repost_pairs.yaml", DATA / "judgement_c" / "eval_config.yaml"),
    **{
        name: (DATA / f"judgement_{name}" / "repost_pairs.yaml", DATA / f"judgement_{name}" / "eval_config.yaml")
        for name in ("d", "e", "f", "g")
    },
    # training sets in the evaluation sets' format (schemes, items, pairs), written to train on
    **{
        name: (DATA / f"reposts_{name}" / "repost_pairs.yaml", DATA / f"reposts_{name}" / "eval_config.yaml")
        for name in T_SETS
    },
    "dev": (DATA / "reposts_dev.yaml", None),
    "colloquial": (DATA / "reposts_colloquial.yaml", None),
    "train": (DATA / "reposts_train.yaml", None),
    "train2": (DATA / "reposts_train2.yaml", None),
}
# written to train on and deliberately hard: trained on, not used to choose the threshold (with t1 and t2 in
# the choice it rose to 0.69 and recall on the evaluation-like groups fell from 0.918 to 0.789)
TRAIN_ONLY = ("train", "t1", "t2")
# measured (predicted by the model of the other groups), never trained on. train2 (colloquial-heavy, by
# another writer): training on it lowered precision on the evaluation-like groups (a, b, c, dev,
# colloquial) without raising their recall. t3 and t4 (the brief of t1 and t2): training on them lowered
# recall on the evaluation-like groups (0.915 -> 0.909 with both, 0.912 with t4 alone) while raising it on
# the other colloquial-heavy sets
MEASURE_ONLY = ("train2", *T_SETS[2:])
DISTRACTOR_WEIGHT = 0.3
L2 = 1.0  # ridge penalty on the weights (not the bias)
TARGET_PRECISION = 0.98  # the target

Lookup = Callable[[str], Mapping[str, frozenset[str]]] | None


def side(value: object) -> str:
    if isinstance(value, dict):
        return canonical(f"{value.get('title', '')}{TITLE_END}{value.get('text', '')}", with_clauses=True)
    return canonical(f"{TITLE_END}{value}", with_clauses=True)


def lookup_of(config_path: Path | None) -> Lookup:
    if config_path is None:
        return None
    fragment = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    matcher = Matcher(Config.model_validate(fragment).schemes)
    return None if matcher.empty else matcher.words_in


def set_items(folder: Path, config_path: Path) -> tuple[list[dict], set[str]]:
    """An evaluation set's items, and the ids of its hot-list sources (their entries join by the
    headline rule, bot/analysis/headline.py, so the pair model never sees them)."""
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    hot = {s["id"] for s in config.get("sources", []) if s.get("kind") == "hotlist"}
    return yaml.safe_load((folder / "eval_items.yaml").read_text(encoding="utf-8"))["items"], hot


def item_pairs(items: list[dict], hot: set[str]) -> list[dict]:
    """Pairs from an evaluation set's items: (the earlier item, this item), same when expected to merge."""
    by_id = {item["id"]: item for item in items}
    pairs = []
    for item in items:
        for key, same in (("merge_with", True), ("separate_from", False)):
            other = by_id.get(item["expect"].get(key, ""))
            if other is not None and item["source"] not in hot and other["source"] not in hot:
                pairs.append({"id": item["id"], "same": same, "a": other, "b": item, "from_items": True})
    return pairs


ITEM_WINDOW = 40  # an item meets this many earlier items of its set as distractors


def item_distractors(items: list[dict], hot: set[str]) -> list[tuple[str, str]]:
    """(earlier item, item) of an evaluation set told as different stories: neither joined to the
    other through `merge_with` / `progress_of` links (hot-list entries included in the links). What
    the index holds in the live pipeline: many items about the same subjects, most of them other
    stories. Hot-list entries are left out of the pairs."""
    root = {item["id"]: item["id"] for item in items}

    def find(key: str) -> str:
        while root[key] != key:
            key = root[key]
        return key

    for item in items:
        for link in ("merge_with", "progress_of"):
            other = item["expect"].get(link)
            if other in root:
                root[find(item["id"])] = find(other)
    kept = [i for i in items if i["source"] not in hot]
    out = []
    for n, item in enumerate(kept):
        for earlier in kept[max(0, n - ITEM_WINDOW) : n]:
            if find(earlier["id"]) != find(item["id"]):
                out.append((side(earlier), side(item)))
    return out


def pair_rows(group: str) -> tuple[list[list[float]], list[int], list[float], list[bool]]:
    """Features, labels, weights and 'labelled' flags (False for distractors) of one group."""
    pairs_path, config_path = GROUPS[group]
    pairs = yaml.safe_load(pairs_path.read_text(encoding="utf-8"))
    pairs = pairs["pairs"] if isinstance(pairs, dict) else pairs
    items, hot = set_items(pairs_path.parent, config_path) if config_path is not None else ([], set())
    pairs = pairs + item_pairs(items, hot)
    lookup = lookup_of(config_path)
    # a story is its anchor text; the dev sets tell one story under several anchors and ids, so
    # their pairs bring no distractors
    story_of = (
        {}
        if group in ("dev", "colloquial", "train", "train2")
        else {side(p["a"]): side(p["a"]) for p in pairs if "from_items" not in p}
    )
    rows, labels, weights, labelled = [], [], [], []
    for pair in pairs:
        a, b = side(pair["a"]), side(pair["b"])
        query = story(b, lookup)
        same = bool(pair.get("same", pair.get("merge")))
        rows.append(features(stored_lead(a), query))
        labels.append(int(same))
        weights.append(1.0)
        labelled.append(True)
        for other, other_story in ({} if "from_items" in pair else story_of).items():
            if other_story != a:
                rows.append(features(stored_lead(other), query))
                labels.append(0)
                weights.append(DISTRACTOR_WEIGHT)
                labelled.append(False)
    for earlier, item in item_distractors(items, hot):
        rows.append(features(stored_lead(earlier), story(item, lookup)))
        labels.append(0)
        weights.append(DISTRACTOR_WEIGHT)
        labelled.append(False)
    return rows, labels, weights, labelled


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, float]:
    """Weighted L2 logistic regression by Newton's method (a handful of features: exact and fast)."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    beta = np.zeros(xb.shape[1])
    penalty = np.full(xb.shape[1], L2)
    penalty[-1] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(xb @ beta)))
        grad = xb.T @ (w * (p - y)) + penalty * beta
        hess = (xb * (w * p * (1 - p))[:, None]).T @ xb + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta[:-1], float(beta[-1])


def figures(p: np.ndarray, y: np.ndarray, threshold: float) -> tuple[float, float]:
    said = p >= threshold
    tp = int((said & (y == 1)).sum())
    precision = tp / said.sum() if said.sum() else 1.0
    recall = tp / (y == 1).sum() if (y == 1).sum() else 1.0
    return precision, recall


def main() -> None:
    parser = argparse.ArgumentParser(description="训练转载判断模型（写 bot/data/repost_model.json）")
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    parser.add_argument("--check", action="store_true", help="只做留一组验证，不写文件")
    args = parser.parse_args()

    data = {g: pair_rows(g) for g in GROUPS}
    stack = {
        g: (np.array(r, dtype=float), np.array(lab), np.array(wt), np.array(lb)) for g, (r, lab, wt, lb) in data.items()
    }
    print(f"features: {', '.join(FEATURES)}")
    oof_p, oof_y = [], []
    for held in GROUPS:
        train = [g for g in GROUPS if g != held and g not in MEASURE_ONLY]
        x = np.vstack([stack[g][0] for g in train])
        y = np.concatenate([stack[g][1] for g in train])
        w = np.concatenate([stack[g][2] for g in train])
        coef, bias = fit(x, y, w)
        xh, yh, _, lab = stack[held]
        p = 1 / (1 + np.exp(-(xh @ coef + bias)))
        oof_p.append(p[lab])
        oof_y.append(yh[lab])
        fp_distractors = int((p[~lab] >= 0.5).sum())
        precision, recall = figures(p[lab], yh[lab], 0.5)
        print(
            f"held out {held:<11} pairs {int(lab.sum()):>4}  at 0.5: P {precision:.3f} R {recall:.3f}"
            f"  distractors over 0.5: {fp_distractors}/{int((~lab).sum())}"
        )
    # the threshold is chosen on the groups written as evaluation-like sets; "train" was written
    # adversarially (half its negatives are colloquial posts about another accident): trained on,
    # reported, not used to choose the operating point
    chosen = [i for i, g in enumerate(GROUPS) if g not in TRAIN_ONLY + MEASURE_ONLY]
    p_all, y_all = np.concatenate([oof_p[i] for i in chosen]), np.concatenate([oof_y[i] for i in chosen])
    best = (0.5, *figures(p_all, y_all, 0.5))
    for threshold in np.arange(0.05, 0.96, 0.01):
        precision, recall = figures(p_all, y_all, threshold)
        if precision >= TARGET_PRECISION and (recall > best[2] or best[1] < TARGET_PRECISION):
            best = (float(threshold), precision, recall)
    threshold, precision, recall = best
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        print(f"   out-of-fold at {t:.1f}: P {figures(p_all, y_all, t)[0]:.3f} R {figures(p_all, y_all, t)[1]:.3f}")
    print(f"out-of-fold, all groups: threshold {threshold:.2f}  P {precision:.3f} R {recall:.3f}")
    for held, p, y in zip(GROUPS, oof_p, oof_y, strict=True):
        hp, hr = figures(p, y, threshold)
        print(f"   at {threshold:.2f}: {held:<11} P {hp:.3f} R {hr:.3f}")

    trained = {g: s for g, s in stack.items() if g not in MEASURE_ONLY}
    x = np.vstack([s[0] for s in trained.values()])
    y = np.concatenate([s[1] for s in trained.values()])
    w = np.concatenate([s[2] for s in trained.values()])
    coef, bias = fit(x, y, w)
    bias -= math.log(threshold / (1 - threshold))
    for name, value in zip(FEATURES, coef, strict=True):
        print(f"   {name:<12} {value:+.3f}")
    print(f"   {'bias':<12} {bias:+.3f}")
    if args.check:
        return
    model = {
        "features": list(FEATURES),
        "weights": [round(float(v), 4) for v in coef],
        "bias": round(bias, 4),
        "trained_on": {g: int(s[3].sum()) for g, s in trained.items()},
        "threshold_chosen": round(threshold, 2),
        "out_of_fold": {"precision": round(precision, 3), "recall": round(recall, 3)},
    }
    args.out.write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
