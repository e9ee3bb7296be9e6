"""`yuqing-bot replay`: current schemes over stored items, printed, nothing sent."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.analysis.judge import Judge
from bot.cli import main
from bot.clock import FakeClock
from bot.models import HotRank, Item, Tier
from bot.replay import render, replay, run_replay
from bot.store.tinydb_store import TinyDBStore
from bot.store.tinydb_store import _lock as hold_lock
from tests.conftest import START, make_config

STORY = "多名工人反映，江城建工集团承建的滨江花园项目欠薪近半年，工人多次讨要未果，项目部称资金尚未到位。"


def items(now: datetime = START) -> list[Item]:
    at = now - timedelta(hours=3)
    out = [Item("city", "http://x/1", "江城建工集团被曝欠薪", STORY, fetched_at=at)]
    for i in range(6):  # a repost storm within 20 minutes
        out.append(
            Item(
                f"site{i}",
                f"http://y/{i}",
                f"转载{i}",
                f"转自网络{i}：{STORY}",
                fetched_at=at + timedelta(minutes=2 + i),
            )
        )
    out.append(
        Item("city", "http://x/2", "江城化工集团仓库爆炸", "江城化工集团仓库发生爆炸，三人受伤。", fetched_at=at)
    )
    out.append(Item("city", "http://x/3", "天气晴好", "全市晴到多云。", fetched_at=at))
    out.append(
        Item(
            "city",
            "http://x/4",
            "江城化工集团召开年会",
            "江城化工集团召开年度工作会议，部署明年重点任务。",
            fetched_at=at,
        )
    )
    return sorted(out, key=lambda i: i.fetched_at)


def test_replay_merges_reposts_and_upgrades_like_the_pipeline() -> None:
    config = make_config()
    results = replay(items(), Judge(config.schemes, config.sources, analysis=config.analysis))
    by_title = {r.first.title: r for r in results}
    assert set(by_title) == {"江城建工集团被曝欠薪", "江城化工集团仓库爆炸"}  # 年会: subject without event
    storm = by_title["江城建工集团被曝欠薪"]
    assert len(storm.items) == 7 and len(storm.sources) == 7
    assert storm.upgrades == ["III → II"] and storm.tier is Tier.II
    assert "20 分钟内 5 条转载 → II 重大" in storm.reason


async def test_run_replay_reads_the_store_and_prints_why(tmp_path: Path) -> None:
    store = TinyDBStore(tmp_path / "s.json")
    await store.open()
    try:
        await store.add_items(items())
        text = await run_replay(make_config(), store, timedelta(days=7), FakeClock(START))
        assert "10 条已存信息" in text
        assert "将告警 2 起（I 0 / II 1 / III 0 / IV 1）" in text  # 爆炸 with 三人受伤: the figures grade it
        assert "原因：主体「江城化工集团」 + 事件「爆炸」5×16=80 + 受伤 3 人（一般）→ 25 + 负面" in text
        assert "转载/相似 6 条，来源 7 家  升级 III → II" in text
        short = await run_replay(make_config(), store, timedelta(hours=1), FakeClock(START))
        assert "0 条已存信息" in short and "将告警 0 起" in short
    finally:
        await store.close()
    assert await _notifications(tmp_path / "s.json") == []  # replay sends nothing


async def _notifications(path: Path) -> list:
    store = TinyDBStore(path)
    await store.open()
    try:
        return await store.pending_notifications(START + timedelta(days=30))
    finally:
        await store.close()


def _write_config(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        f"""
store: {{path: {tmp_path / "store.json"}}}
schemes:
  - name: 国资委
    subjects: [江城化工集团]
    events: {{爆炸: 5}}
{extra}
""",
        encoding="utf-8",
    )
    return path


def test_cli_replay_prints_and_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-c", str(_write_config(tmp_path)), "replay", "--since", "7d"]) == 0
    assert "将告警 0 起" in capsys.readouterr().out


def test_cli_replay_bad_since_and_bad_expression_exit_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-c", str(_write_config(tmp_path)), "replay", "--since", "soon"]) == 2
    assert "参数错误" in capsys.readouterr().err
    bad = _write_config(tmp_path, '    expression: "主体 & (事件"')
    assert main(["-c", str(bad), "replay"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "缺少右括号" in err and "schemes[0].expression" in err


def test_cli_replay_while_the_bot_holds_the_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The bot never stops: replay reads what it last committed instead of refusing the locked file."""
    config = _write_config(tmp_path)

    async def record() -> None:
        store = TinyDBStore(tmp_path / "store.json")
        await store.open()
        await store.add_items(items(datetime.now(UTC)))  # the CLI reads the real clock
        await store.close()

    asyncio.run(record())
    held = hold_lock(tmp_path / "store.json")  # as a running bot does
    try:
        assert main(["-c", str(config), "replay", "--since", "7d"]) == 0
    finally:
        os.close(held)
    out = capsys.readouterr().out
    assert "10 条已存信息" in out and "将告警 1 起" in out


def hot_items() -> list[Item]:
    """A story on 微博热搜 at rank 7 when it entered, and a forum post of it published 40 minutes before."""
    at = START - timedelta(hours=2)
    rank = HotRank("微博热搜", 7, "", since=at, seen_at=at, best=7, entry="e1", source_id="weibo-hot")
    return [
        Item("forum", "http://bbs/1", "江城建工集团被曝欠薪", STORY, published_at=at - timedelta(minutes=40), fetched_at=at),
        Item("weibo-hot", "https://s.weibo.com/weibo?q=1", "江城建工集团欠薪", STORY, fetched_at=at + timedelta(minutes=1), hot=rank),
    ]  # fmt: skip


def test_replay_shows_first_post_and_best_rank_and_replays_entering_the_top_n() -> None:
    config = make_config(sources=[{"id": "forum", "name": "江城论坛", "url": "http://bbs/rss", "category": "论坛"}])
    judge = Judge(config.schemes, config.sources, analysis=config.analysis)
    (story,) = replay(hot_items(), judge)
    assert len(story.items) == 2 and story.upgrades == ["III → II"] and story.tier is Tier.II
    assert "热榜：进入微博热搜前 10（第 7）" in story.reason
    text = render([story], config, START - timedelta(days=1), START, 2, show_all=False)
    assert "   首发 江城论坛 11-26 05:50 · 热榜 微博热搜 最高第 7" in text
    assert "升级 III → II" in text
    off = make_config(sources=config.sources, analysis={"hotlist": {"top": 5}})  # rank 7 is outside the top 5
    (calm,) = replay(hot_items(), Judge(off.schemes, off.sources, analysis=off.analysis))
    assert calm.upgrades == [] and calm.tier is Tier.III


async def test_run_replay_reads_hot_ranks_back_from_the_store(tmp_path: Path) -> None:
    store = TinyDBStore(tmp_path / "s.json")
    await store.open()
    try:
        await store.add_items(hot_items())
        text = await run_replay(make_config(), store, timedelta(days=1), FakeClock(START))
    finally:
        await store.close()
    assert "   首发 forum 11-26 05:50 · 热榜 微博热搜 最高第 7" in text and "升级 III → II" in text
