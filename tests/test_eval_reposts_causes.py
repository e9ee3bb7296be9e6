"""bench/eval_reposts_causes.py: why labelled same-story pairs are turned down, counted per set
without showing a pair (issue #12, item 7)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from eval_data import CONFIG_NAME, PAIRS_NAME, SETS  # noqa: E402
from eval_reposts_causes import causes, lowering  # noqa: E402

ORIGINAL = {
    "title": "鹤洲12路公交车与渣土车相撞 4名乘客受伤",
    "text": "今天上午7时40分许，鹤洲12路公交车行至建设大道与东风路口时，与一辆闯红灯的渣土车相撞，车上4名乘客受伤。",
}
REPOST = {
    "title": "建设大道东风路口公交与渣土车相撞 4人伤",
    "text": "鹤洲12路公交车今早在建设大道与东风路口被一辆闯红灯的渣土车撞上，4名乘客受伤送医。",
}
# told of another site of its kind and with nothing of the story's own: the model turns it down
ELSEWHERE = {
    "title": "桂香小区车棚电动车充电起火",
    "text": "半夜桂香小区7栋车棚里一辆电动车充电时起火，物业用灭火器扑灭。",
}


def write_set(folder: Path, pairs: list[dict]) -> Path:
    folder.mkdir()
    shutil.copy(SETS["c"] / CONFIG_NAME, folder / CONFIG_NAME)
    (folder / PAIRS_NAME).write_text(yaml.safe_dump({"pairs": pairs}, allow_unicode=True), encoding="utf-8")
    return folder


def test_it_counts_the_pairs_turned_down_and_what_lowered_them(tmp_path: Path) -> None:
    pairs = [
        {"id": "kept", "kind": "headline", "same": True, "a": ORIGINAL, "b": REPOST},
        {"id": "lost", "kind": "colloquial", "same": True, "a": ORIGINAL, "b": ELSEWHERE},
        {"id": "apart", "kind": "same-type-place", "same": False, "a": ORIGINAL, "b": ELSEWHERE},
    ]
    same, down, fired, bare = causes(write_set(tmp_path / "set", pairs))
    assert (same, down, bare) == (2, 1, 1)  # different-story pairs are not counted
    assert fired["sites_apart"] == 1  # 建设大道 / 桂香小区: both name sites, neither the other's
    assert set(fired) <= set(lowering())


def test_a_repost_kept_whole_is_not_turned_down(tmp_path: Path) -> None:
    pairs = [{"id": "kept", "kind": "headline", "same": True, "a": ORIGINAL, "b": REPOST}]
    assert causes(write_set(tmp_path / "set", pairs))[:2] == (1, 0)


def test_bad_set_names_get_a_clear_message() -> None:
    script = ROOT / "bench" / "eval_reposts_causes.py"
    run = subprocess.run([sys.executable, str(script), "--sets", "c,zz"], capture_output=True, text=True)
    assert run.returncode == 2 and "未知的评测集：zz" in run.stderr
