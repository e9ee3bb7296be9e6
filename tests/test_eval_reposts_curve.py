"""bench/eval_reposts_curve.py: the pairs found and the wrong merges of a set across thresholds, for
comparing two pair models at equal wrong merges (issue #12, item 7)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from eval_data import CONFIG_NAME, PAIRS_NAME, SETS, load_config, read_yaml  # noqa: E402
from eval_reposts import shared  # noqa: E402
from eval_reposts_curve import found_and_wrong, read_set  # noqa: E402


def test_a_higher_threshold_never_finds_or_merges_more() -> None:
    evalset = read_set("c")
    low, mid, high = (found_and_wrong(evalset, t) for t in (0.2, 0.5, 0.9))
    assert low[2] == mid[2] == high[2] > 0  # the same pairs to find
    assert low[0] >= mid[0] >= high[0] and low[1] >= mid[1] >= high[1]
    assert low[0] > high[0]  # the threshold does move the figures


def test_at_the_shipped_threshold_it_agrees_with_the_shared_run_of_eval_reposts() -> None:
    folder = SETS["c"]
    config = load_config(folder / CONFIG_NAME).config
    pairs = read_yaml(folder / PAIRS_NAME)["pairs"]
    said, *_ = shared(config, pairs)
    found = sum(1 for p in pairs if p["same"] and said[p["id"]])
    wrong = sum(1 for p in pairs if not p["same"] and said[p["id"]])
    assert found_and_wrong(read_set("c"), config.analysis.similarity_threshold)[:2] == (found, wrong)


def test_bad_arguments_get_a_clear_message() -> None:
    script = ROOT / "bench" / "eval_reposts_curve.py"
    run = subprocess.run([sys.executable, str(script), "--sets", "c,zz"], capture_output=True, text=True)
    assert run.returncode == 2 and "未知的评测集：zz" in run.stderr
    run = subprocess.run([sys.executable, str(script), "--thresholds", "0.5,1.5"], capture_output=True, text=True)
    assert run.returncode == 2 and "门槛须是 0 与 1 之间的数" in run.stderr
