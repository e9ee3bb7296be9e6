"""Held-out evaluation of the judgement (issue #12, deliverable 8); prints figures, asserts nothing.

Runs an evaluation set's eval_items.yaml (set A tests/data/judgement/ by default, `--set b`
for tests/data/judgement_b/, `--set c` for tests/data/judgement_c/, or `--data DIR`) through
the real pipeline in memory: the eval config validated by bot.config.Config, a Judge, an
IncidentService on a TinyDBStore in a temporary folder, and bot.placement.place for every item
the judge matches, in file order with a fake clock advancing a few minutes per item. Then
checks every item's expectation (see the README beside the data) and prints agreement per
kind and overall.

Usage: python bench/eval_judgement.py [--set a|b|c | --data DIR] [--verbose] [--lenient] [--step-minutes N]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import re
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_data import (
    CONFIG_FILE,
    CONFIG_NAME,
    ITEMS_NAME,
    EvalConfigError,
    add_set_arguments,
    data_dir,
    load_config,
    make_item,
    read_yaml,
)

from bot.analysis.hotsignals import RankReading
from bot.analysis.judge import Judge
from bot.clock import FakeClock
from bot.config import SourceConfig
from bot.hotranks import follow
from bot.incidents import IncidentService
from bot.models import ActionKind, HotRank, Tier
from bot.placement import place
from bot.store.tinydb_store import TinyDBStore

START = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
PROGRESS_KIND = next((k for k in ActionKind if k.value == "progress"), None)


@dataclass
class Outcome:
    """What happened to one item."""

    judged: bool = False
    tier: Tier | None = None  # the judgement's tier
    reason: str = ""
    incident: str = ""  # number of the incident it landed in
    merged: bool = False
    upgraded: bool = False
    tier_before: Tier | None = None  # that incident's tier before this item (merged items)
    tier_after: Tier | None = None
    alerted: bool = False  # a new pushed incident, or an upgrade announcement
    progress_recorded: bool = False
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        if not self.judged:
            return "未命中（judge 返回 None）"
        where = f"并入 {self.incident}" if self.merged else f"新建 {self.incident}"
        tiers = f"研判 {self.tier.roman if self.tier else '?'}"
        if self.merged:
            tiers += f"，事件 {_roman(self.tier_before)}→{_roman(self.tier_after)}"
        return f"{tiers}，{where}，{'推送' if self.alerted else '不推送'}"


def hot_rank(line: str, source: SourceConfig, now: datetime) -> HotRank:
    """The rank of a hot-list entry whose text is the list's line (微博热搜第 14 · 热度 52万)."""
    rank = re.search(r"第\s*(\d+)", line)
    heat = re.search(r"热度\s*(\S+)", line)
    board = source.name or "热搜"
    number = int(rank.group(1)) if rank else 0
    return HotRank(board, number, heat.group(1) if heat else "", now, now, number, line, source.id)


async def entered_list(hot: HotRank, title: str, number: str, incidents: IncidentService, now: datetime) -> Tier:
    """As bot.hotranks does after the poll that delivered a hot-list entry: its rank, linked to the
    incident the entry was placed in, may raise that incident's tier (entering the top N). The tier after."""
    reading = RankReading(
        hot.source_id, hot.entry, hot.board, title, hot.rank, hot.best or hot.rank, hot.rank, now, now
    )
    await follow([reading], {hot.entry: number}, incidents, now)
    incident = await incidents.store.get_incident(number)
    assert incident is not None
    return incident.tier


def _roman(tier: Tier | None) -> str:
    return tier.roman if tier is not None else "?"


async def run(
    items: list[dict[str, Any]], lenient: bool, step: timedelta, config_file: Path = CONFIG_FILE
) -> dict[str, Outcome]:
    loaded = load_config(config_file, lenient=lenient)
    for note in loaded.rewritten:
        print(f"[lenient] {note}")
    config = loaded.config
    judge = Judge(config.schemes, config.sources, analysis=config.analysis)
    hotlists = {source.id: source for source in config.sources if source.kind == "hotlist"}
    clock = FakeClock(START)
    outcomes: dict[str, Outcome] = {}
    tiers: dict[str, Tier] = {}  # incident number → tier after the last item placed
    with tempfile.TemporaryDirectory(prefix="eval-judgement-") as tmp:
        store = TinyDBStore(Path(tmp) / "eval.json")
        await store.open()
        try:
            incidents = IncidentService(config, store)
            for record in items:
                now = clock.advance(step)
                item = make_item(record, record["source"], record["id"], now)
                if record["source"] in hotlists:  # as sources/hotlist.py delivers an entry: with its rank
                    item = dataclasses.replace(item, hot=hot_rank(item.text, hotlists[record["source"]], now))
                outcome = outcomes[record["id"]] = Outcome()
                judgement = judge.judge(item)
                if judgement is None:
                    continue
                outcome.judged, outcome.tier, outcome.reason = True, judgement.tier, judgement.reason
                placed = await place(item, judgement, judge, incidents, now)
                number = placed.incident.number
                outcome.incident, outcome.merged, outcome.upgraded = number, placed.merged, placed.upgraded
                outcome.tier_before = tiers.get(number) if placed.merged else None
                tier_after = placed.incident.tier
                if item.hot is not None and not placed.progress:  # the poll then applies the entry's rank
                    tier_after = await entered_list(item.hot, item.title, number, incidents, now)
                    outcome.upgraded = outcome.upgraded or tier_after < placed.incident.tier
                outcome.tier_after = tiers[number] = tier_after
                outcome.alerted = outcome.upgraded or (not placed.merged and placed.incident.tier.pushed)
                if PROGRESS_KIND is not None:
                    actions = await store.actions(number)
                    outcome.progress_recorded = any(a.kind == PROGRESS_KIND and a.at == now for a in actions)
        finally:
            await store.close()
    return outcomes


def check(record: dict[str, Any], outcomes: dict[str, Outcome]) -> list[str]:
    """Failed expectations of one item, each as a short Chinese line; empty when it agrees."""
    got = outcomes[record["id"]]
    failures: list[str] = []
    for key, want in record["expect"].items():
        problem = _check_one(key, want, got, outcomes)
        if problem:
            failures.append(problem)
    return failures


def _check_one(key: str, want: Any, got: Outcome, outcomes: dict[str, Outcome]) -> str:
    if key == "tier":
        return "" if got.tier is not None and got.tier.roman == want else f"期望 {want} 级"
    if key == "tier_in":
        return "" if got.tier is not None and got.tier.roman in want else f"期望 {'/'.join(want)} 级之一"
    if key == "alert":
        return "" if got.alerted == want else ("期望推送" if want else "期望不推送")
    if key == "merge_with":
        ref = outcomes[want]
        ok = got.judged and ref.judged and got.incident == ref.incident
        return "" if ok else f"期望并入 {want} 的事件（{ref.incident or '未建事件'}）"
    if key == "separate_from":
        ref = outcomes[want]
        ok = got.judged and ref.judged and got.incident != ref.incident
        return "" if ok else f"期望与 {want} 分属不同事件"
    if key == "progress_of":
        ref = outcomes[want]
        if not (got.judged and ref.judged and got.incident == ref.incident):
            return f"期望作为 {want} 的进展并入其事件"
        if got.alerted:
            return "进展不应再次推送"
        if got.tier_before is not None and got.tier_after is not None and got.tier_after < got.tier_before:
            return "进展不应提高事件等级"
        if PROGRESS_KIND is not None and not got.progress_recorded:
            return "未记录 progress 动作"
        return ""
    if key == "upgrades_to":
        ok = (
            got.merged
            and got.tier_after is not None
            and got.tier_after.roman == want
            and got.tier_before is not None
            and got.tier_after < got.tier_before
        )
        return "" if ok else f"期望并入后升级为 {want} 级"
    return f"未知的期望写法 {key}"


def report(items: list[dict[str, Any]], outcomes: dict[str, Outcome], verbose: bool) -> None:
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    failed: list[tuple[dict[str, Any], list[str]]] = []
    for record in items:
        problems = check(record, outcomes)
        per_kind[record["kind"]][1] += 1
        if problems:
            failed.append((record, problems))
        else:
            per_kind[record["kind"]][0] += 1
    print(f"\n{'类别':<16}{'一致':>6}{'总数':>6}{'一致率':>9}")
    for kind in sorted(per_kind):
        ok, total = per_kind[kind]
        print(f"{kind:<16}{ok:>6}{total:>6}{ok / total:>9.1%}")
    ok = sum(v[0] for v in per_kind.values())
    total = sum(v[1] for v in per_kind.values())
    print(f"{'overall':<16}{ok:>6}{total:>6}{ok / total:>9.1%}")
    if verbose and failed:
        print(f"\n不一致的条目（{len(failed)} 条）：")
        for record, problems in failed:
            got = outcomes[record["id"]]
            print(f"- {record['id']} [{record['kind']}] {record['title']}")
            print(f"    期望 {record['expect']}：{'；'.join(problems)}")
            print(f"    实际 {got.describe()}")
            if got.reason:
                print(f"    理由 {got.reason}")
            print(f"    依据 {record['why']}")
    if PROGRESS_KIND is None:
        print("\n注：当前代码没有 progress 动作类型，progress_of 只检查并入、不推送、不升级。")


def main() -> int:
    parser = argparse.ArgumentParser(description="用留出评测集评估研判：按类别打印一致率。")
    add_set_arguments(parser)
    parser.add_argument("--verbose", action="store_true", help="逐条列出不一致的条目（编号、期望、实际、理由）")
    parser.add_argument("--lenient", action="store_true", help="把规范新增的配置写法改写为旧写法后运行（仅测基线）")
    parser.add_argument("--step-minutes", type=float, default=3.0, help="每条之间时钟前进的分钟数（默认 3）")
    args = parser.parse_args()
    started = time.perf_counter()
    try:
        folder = data_dir(args, ITEMS_NAME)
        print(f"评测集：{folder}")
        items = read_yaml(folder / ITEMS_NAME)["items"]
        outcomes = asyncio.run(run(items, args.lenient, timedelta(minutes=args.step_minutes), folder / CONFIG_NAME))
    except EvalConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    report(items, outcomes, args.verbose)
    print(f"\n{len(items)} 条，用时 {time.perf_counter() - started:.1f} 秒")
    return 0


if __name__ == "__main__":
    sys.exit(main())
