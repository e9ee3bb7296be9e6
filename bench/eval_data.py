"""Load a held-out judgement evaluation set for the eval benches.

Set A lives in tests/data/judgement/ (the default), set B in tests/data/judgement_b/, set C in
tests/data/judgement_c/; `--set b|c` or `--data DIR` picks another directory with the same three files.

One loader for bench/eval_judgement.py and bench/eval_reposts.py: the config fragment is
merged into the defaults and validated with `bot.config.Config`, so a key the code does not
know yet fails with a clear message instead of being ignored. `lenient=True` rewrites the
spec's new keys into what older code understands (leaders become subjects, `{word, exact}`
entries become plain words, `exclude_scope` and `dictionary` are dropped) and says so: that
is only for measuring the code as it was before issue #12.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import Config  # noqa: E402
from bot.models import Item  # noqa: E402

SETS = {
    "a": ROOT / "tests" / "data" / "judgement",
    "b": ROOT / "tests" / "data" / "judgement_b",
    "c": ROOT / "tests" / "data" / "judgement_c",
    "d": ROOT / "tests" / "data" / "judgement_d",
    "e": ROOT / "tests" / "data" / "judgement_e",
    "f": ROOT / "tests" / "data" / "judgement_f",
    "g": ROOT / "tests" / "data" / "judgement_g",
    "h": ROOT / "tests" / "data" / "judgement_h",
    "i": ROOT / "tests" / "data" / "judgement_i",
    "j": ROOT / "tests" / "data" / "judgement_j",
    "k": ROOT / "tests" / "data" / "judgement_k",
    "l": ROOT / "tests" / "data" / "judgement_l",
    "m": ROOT / "tests" / "data" / "judgement_m",
    "n": ROOT / "tests" / "data" / "judgement_n",
    "o": ROOT / "tests" / "data" / "judgement_o",
    "p": ROOT / "tests" / "data" / "judgement_p",
    "q": ROOT / "tests" / "data" / "judgement_q",
    "r": ROOT / "tests" / "data" / "judgement_r",
    "s": ROOT / "tests" / "data" / "judgement_s",
    "u": ROOT / "tests" / "data" / "judgement_u",
    "v": ROOT / "tests" / "data" / "judgement_v",
    "w": ROOT / "tests" / "data" / "judgement_w",
    "x": ROOT / "tests" / "data" / "judgement_x",
    "t1": ROOT / "tests" / "data" / "reposts_t1",
    "t2": ROOT / "tests" / "data" / "reposts_t2",
    "t3": ROOT / "tests" / "data" / "reposts_t3",
    "t4": ROOT / "tests" / "data" / "reposts_t4",
    "t5": ROOT / "tests" / "data" / "reposts_t5",
    "t6": ROOT / "tests" / "data" / "reposts_t6",
    "t7": ROOT / "tests" / "data" / "reposts_t7",
    "t8": ROOT / "tests" / "data" / "reposts_t8",
    "t9": ROOT / "tests" / "data" / "reposts_t9",
    "t10": ROOT / "tests" / "data" / "reposts_t10",
    "t11": ROOT / "tests" / "data" / "reposts_t11",
    "t12": ROOT / "tests" / "data" / "reposts_t12",
    "t13": ROOT / "tests" / "data" / "reposts_t13",
    "t14": ROOT / "tests" / "data" / "reposts_t14",
    "t15": ROOT / "tests" / "data" / "reposts_t15",
    "t16": ROOT / "tests" / "data" / "reposts_t16",
    "t17": ROOT / "tests" / "data" / "reposts_t17",
    "t18": ROOT / "tests" / "data" / "reposts_t18",
    "t19": ROOT / "tests" / "data" / "reposts_t19",
    "t20": ROOT / "tests" / "data" / "reposts_t20",
    "t21": ROOT / "tests" / "data" / "reposts_t21",
    "t22": ROOT / "tests" / "data" / "reposts_t22",
    "t23": ROOT / "tests" / "data" / "reposts_t23",
    "t24": ROOT / "tests" / "data" / "reposts_t24",
    "t25": ROOT / "tests" / "data" / "reposts_t25",
    "t26": ROOT / "tests" / "data" / "reposts_t26",
    "t27": ROOT / "tests" / "data" / "reposts_t27",
    "t28": ROOT / "tests" / "data" / "reposts_t28",
    "t29": ROOT / "tests" / "data" / "reposts_t29",
    "t30": ROOT / "tests" / "data" / "reposts_t30",
    "t31": ROOT / "tests" / "data" / "reposts_t31",
    "t32": ROOT / "tests" / "data" / "reposts_t32",
    "t33": ROOT / "tests" / "data" / "reposts_t33",
    "t34": ROOT / "tests" / "data" / "reposts_t34",
    "t35": ROOT / "tests" / "data" / "reposts_t35",
    "t36": ROOT / "tests" / "data" / "reposts_t36",
    "t37": ROOT / "tests" / "data" / "reposts_t37",
    "t38": ROOT / "tests" / "data" / "reposts_t38",
    "t39": ROOT / "tests" / "data" / "reposts_t39",
    "t40": ROOT / "tests" / "data" / "reposts_t40",
    "t41": ROOT / "tests" / "data" / "reposts_t41",
    "t42": ROOT / "tests" / "data" / "reposts_t42",
    "t43": ROOT / "tests" / "data" / "reposts_t43",
    "t44": ROOT / "tests" / "data" / "reposts_t44",
    "t45": ROOT / "tests" / "data" / "reposts_t45",
    "t46": ROOT / "tests" / "data" / "reposts_t46",
    "t47": ROOT / "tests" / "data" / "reposts_t47",
    "t48": ROOT / "tests" / "data" / "reposts_t48",
    "t49": ROOT / "tests" / "data" / "reposts_t49",
    "t50": ROOT / "tests" / "data" / "reposts_t50",
    "t51": ROOT / "tests" / "data" / "reposts_t51",
    "t52": ROOT / "tests" / "data" / "reposts_t52",
}
DATA = SETS["a"]
CONFIG_NAME, ITEMS_NAME, PAIRS_NAME = "eval_config.yaml", "eval_items.yaml", "repost_pairs.yaml"
CONFIG_FILE = DATA / CONFIG_NAME
ITEMS_FILE = DATA / ITEMS_NAME
PAIRS_FILE = DATA / PAIRS_NAME
NEW_SCHEME_KEYS = ("leaders", "exclude_scope", "dictionary")


class EvalConfigError(Exception):
    """The evaluation config does not validate against bot.config.Config."""


@dataclass(frozen=True)
class Loaded:
    config: Config
    rewritten: tuple[str, ...] = ()  # what lenient mode changed, one line each


def add_set_arguments(parser: argparse.ArgumentParser) -> None:
    """`--set a|b|c` or `--data DIR`: which evaluation set a bench reads (default set A)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--set",
        choices=sorted(SETS),
        default="a",
        help="评测集：a（默认，tests/data/judgement/）、b … s、u … x（tests/data/judgement_b/ … judgement_x/）、t1 … t52（训练集）",
    )
    group.add_argument("--data", type=Path, help="评测数据目录（含 eval_config.yaml 等三个文件），代替 --set")


def data_dir(args: argparse.Namespace, *needed: str) -> Path:
    """The chosen set's directory; EvalConfigError when a file the bench needs is missing."""
    folder = args.data if args.data is not None else SETS[args.set]
    missing = [name for name in (CONFIG_NAME, *needed) if not (folder / name).is_file()]
    if missing:
        raise EvalConfigError(f"评测数据目录 {folder} 缺少文件：{'、'.join(missing)}")
    return folder


def read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_config(path: Path = CONFIG_FILE, lenient: bool = False) -> Loaded:
    """Validate the fragment merged into the defaults; raise EvalConfigError with every problem."""
    fragment = read_yaml(path) or {}
    rewritten: list[str] = []
    if lenient:
        fragment, rewritten = _downgrade(fragment)
    try:
        return Loaded(Config.model_validate(fragment), tuple(rewritten))
    except ValidationError as exc:
        lines = [f"  - {'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()]
        raise EvalConfigError(
            f"评测配置 {path} 未通过 bot.config.Config 校验（{exc.error_count()} 处）：\n"
            + "\n".join(lines)
            + "\n该配置按研判规范（issue #12）书写；若当前代码尚未支持 leaders / exclude_scope / dictionary /"
            " {word, exact} 等写法，可加 --lenient 以旧写法近似运行（仅用于测量改造前的基线）。"
        ) from None


def _downgrade(fragment: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    out = dict(fragment)
    notes: list[str] = []
    schemes = []
    for scheme in fragment.get("schemes", []):
        scheme = dict(scheme)
        name = scheme.get("name", "?")
        leaders = scheme.pop("leaders", None)
        if leaders:
            scheme["subjects"] = [*scheme.get("subjects", []), *leaders]
            notes.append(f"{name}: leaders {leaders} 并入 subjects")
        for key in ("exclude_scope", "dictionary"):
            if key in scheme:
                notes.append(f"{name}: 去掉 {key}={scheme.pop(key)!r}")
        for group in ("subjects", "regions", "exclude"):
            words = scheme.get(group, [])
            if any(isinstance(w, dict) for w in words):
                scheme[group] = [w["word"] if isinstance(w, dict) else w for w in words]
                notes.append(f"{name}: {group} 中的 {{word, exact}} 改为纯字符串")
        schemes.append(scheme)
    out["schemes"] = schemes
    return out, notes


def make_item(record: dict[str, Any], source_id: str, key: str, now: datetime) -> Item:
    """An Item as a source would deliver it; `key` makes its URL unique."""
    return Item(
        source_id=source_id,
        url=f"https://eval.invalid/{source_id}/{key}",
        title=record["title"],
        text=record.get("text", ""),
        published_at=now,
        fetched_at=now,
    )
