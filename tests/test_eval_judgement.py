"""bench/eval_judgement.py replays what the live bot does after placing an item, hot-list ranks included."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from eval_data import CONFIG_NAME, ITEMS_NAME, SETS, read_yaml  # noqa: E402
from eval_judgement import run  # noqa: E402


def test_a_hot_entry_entering_the_top_ten_raises_the_incident_it_joins() -> None:
    """T19's metro stoppage (III) and its hot-list entry at 第 6: the poll that delivered the entry
    raises the incident one tier (bot.hotranks), as the set expects; at 第 23 nothing is raised."""
    folder = SETS["t19"]
    items = {item["id"]: item for item in read_yaml(folder / ITEMS_NAME)["items"]}
    story, entry = items["t19-rp-02"], items["t19-rp-20"]
    assert "第 6" in entry["text"]
    lower = {**entry, "id": "t19-rp-20-low", "text": entry["text"].replace("第 6", "第 23")}
    for hot, tier, alerted in ((entry, "II", True), (lower, "III", False)):
        got = asyncio.run(run([story, hot], False, timedelta(minutes=3), folder / CONFIG_NAME))
        outcome = got[hot["id"]]
        assert outcome.merged and outcome.tier_after is not None
        assert (outcome.tier_after.roman, outcome.upgraded, outcome.alerted) == (tier, alerted, alerted)
