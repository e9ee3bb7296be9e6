"""Briefing content from a known scenario, and once-per-day sending across restarts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from unittest.mock import ANY

import pytest

from bot.briefing import build_briefing, catch_up, send_scheduled_briefing
from bot.briefing.content import period_window
from bot.briefing.stats import collect
from bot.briefing.text import MAX_CHARS, render_text
from bot.clock import FakeClock
from bot.dispatch import Dispatcher
from bot.incidents import IncidentService
from bot.models import Command, NoticeKind, Tier
from bot.people import People
from bot.services import Services
from bot.store.base import parse_file_ref
from bot.store.tinydb_store import TinyDBStore
from tests.briefing_scenario import NOW, ZONE, fill, incidents, local, scenario_config


def services_for(store, clock, tmp_path: Path, **briefing) -> Services:
    config = scenario_config(briefing={"files_dir": str(tmp_path / "files"), **briefing})
    return Services(config, store, clock, People(config.people), IncidentService(config, store))


@pytest.fixture
async def filled(store, tmp_path):
    await fill(store)
    return services_for(store, FakeClock(NOW), tmp_path)


def test_collect_counts_and_orderings():
    window = period_window("morning", NOW, ZONE, None)  # no briefing yet: the last 24 hours
    data = collect(incidents(), window, NOW, ZONE)
    assert [i.number for i in data.new] == [
        "YQ-20261125-0002",  # I
        "YQ-20261125-0001",  # II
        "YQ-20261126-0001",  # III
        "YQ-20261126-0002",  # IV
        "YQ-20261126-0003",  # below threshold
    ]
    assert data.by_tier == {Tier.I: 1, Tier.II: 1, Tier.III: 1, Tier.IV: 1, Tier.BELOW: 1}
    assert data.by_sentiment == {"negative": 2, "neutral": 2, "positive": 1}
    # overdue first, then by tier
    assert [i.number for i in data.open] == [
        "YQ-20261124-0003",
        "YQ-20261125-0002",
        "YQ-20261126-0001",
        "YQ-20261126-0002",
    ]
    assert [i.number for i in data.overdue] == ["YQ-20261124-0003"]
    assert [i.number for i in data.resolved] == ["YQ-20261125-0001"]
    assert [i.number for i in data.top_spread] == ["YQ-20261125-0002", "YQ-20261125-0001"]
    assert [(f"{d.day:%m-%d}", d.total) for d in data.daily] == [
        ("11-20", 1),
        ("11-21", 0),
        ("11-22", 0),
        ("11-23", 0),
        ("11-24", 1),
        ("11-25", 2),
        ("11-26", 2),
    ]
    assert len(data.month) == 30 and sum(d.total for d in data.month) == 6
    assert data.daily[-2].negative_share == 1.0 and data.daily[-1].negative_share == 0.0
    assert data.previous_total == 1  # E, discovered 11-24 10:00


def test_text_sections_in_order_and_phone_sized():
    window = period_window("morning", NOW, ZONE, None)
    text = render_text(collect(incidents(), window, NOW, ZONE), ZONE, "舆情晨报")
    order = [
        "【新增】5 条",
        "【未办结】4 条，其中超时 1 条",
        "【已办结】1 条",
        "【传播最广】",
        "【趋势】",
        "【来源】",
        "【紧急关注词】",
    ]
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert "🔴I 1 🟠II 1 🟡III 1 🔵IV 1 ⚪较小 1" in text
    assert "负面 2 · 中性 2 · 正面 1" in text
    assert "⚠️YQ-20261124-0003｜未指派｜超时1天20小时未确认" in text
    assert "🔴YQ-20261125-0002｜王芳｜剩13小时30分钟办结" in text
    assert "🟡YQ-20261126-0001｜未指派｜剩30分钟确认" in text
    assert "结果：已澄清并发布通报" in text
    assert "1. 江城化工集团发生爆炸事故｜5 条/3 个来源" in text
    assert "11-20→11-26：1 0 0 0 1 2 2" in text
    assert "  本期 5 条（相关信息 11 条）\n  较前一周期 ↑400%（1 条）" in text  # B 5 + A 3 + C, D, F 1 each
    assert max(len(line) for line in text.splitlines()) <= 40


def test_long_lists_are_capped_into_one_message():
    many = [incidents()[4].replace(number=f"YQ-20261126-{n:04d}", title="很长的标题" * 20) for n in range(10, 400)]
    window = period_window("today", NOW, ZONE)
    text = render_text(collect(many, window, NOW, ZONE), ZONE, "舆情简报")
    assert len(text) <= MAX_CHARS
    assert "…另有 382 条" in text  # 390 new, 8 shown


async def test_sources_and_watches_in_briefing(filled):
    s = filled
    await s.store.put_source_state("city-news", {"health": {"failures": 0, "last_success": NOW.isoformat()}})
    await s.store.put_source_state(
        "forum-gbk",
        {"health": {"failures": 4, "last_error": "HTTP 503", "last_success": local(11, 26, 6).isoformat()}},
    )
    await s.store.set_meta(
        "watches",
        [
            {
                "term": "化工爆炸",
                "until": (NOW + timedelta(hours=3)).isoformat(),
                "by": "张三",
                "created": NOW.isoformat(),
            }
        ],
    )
    s.config = scenario_config(
        sources=[
            {"id": "city-news", "name": "江城市新闻网", "url": "https://a.example.cn/rss"},
            {"id": "forum-gbk", "name": "江城论坛", "url": "https://b.example.cn/rss"},
        ],
        briefing={"files_dir": s.config.briefing.files_dir},
    )
    text = await build_briefing(s, "today")
    assert "【异常来源】1 个" in text
    assert "❗江城论坛：连续失败 4 次，上次成功 11-26 06:00" in text
    assert "HTTP 503" in text
    assert "江城市新闻网" not in text
    assert "【紧急关注词】化工爆炸" in text


async def test_periods(filled):
    today = await build_briefing(filled, "today")
    yesterday = await build_briefing(filled, "yesterday")
    week = await build_briefing(filled, "week")
    assert "【新增】3 条" in today  # C, D, F
    assert "【新增】2 条" in yesterday and "11-25 00:00 至 11-26 00:00" in yesterday
    assert "【新增】7 条" in week


async def test_scheduled_briefing_once_per_day_across_restart(store_factory, tmp_path):
    clock = FakeClock(local(11, 26, 8, 0))
    first = store_factory()
    await first.open()
    await fill(first)
    s = services_for(first, clock, tmp_path)
    assert await send_scheduled_briefing(s, "08:00") is True
    assert await send_scheduled_briefing(s, "08:00") is False
    queued = await first.pending_notifications(clock.now())
    assert [n.kind for n in queued] == [NoticeKind.TEXT, NoticeKind.PHOTO]
    assert queued[0].text.startswith("📰 舆情晨报 11月26日 08:00")
    assert (await first.get_file(queued[1].file))[:8] == b"\x89PNG\r\n\x1a\n"  # in the store, not on this disk
    await first.close()

    clock.advance(timedelta(minutes=20))  # restart within the grace window
    second = store_factory()
    await second.open()
    s2 = services_for(second, clock, tmp_path)
    assert await catch_up(s2) == {"08:00": "done"}
    assert await send_scheduled_briefing(s2, "08:00") is False
    assert len(await second.pending_notifications(clock.now())) == 2

    clock.advance(timedelta(days=1) - timedelta(minutes=20))  # the next morning: a new day, a new briefing
    assert await send_scheduled_briefing(s2, "08:00") is True
    texts = [n for n in await second.pending_notifications(clock.now()) if n.kind is NoticeKind.TEXT]
    assert len(texts) == 2
    assert "11-26 08:00 至 11-27 08:00" in texts[1].text  # since the last briefing
    await second.close()


async def test_missed_briefing_sent_at_start_within_grace(filled):
    s = filled  # now 08:30, slot 08:00, grace 2h, bot was down at 08:00
    assert await catch_up(s) == {"08:00": "sent"}
    notes = await s.store.pending_notifications(s.clock.now())
    assert [n.kind for n in notes] == [NoticeKind.TEXT, NoticeKind.PHOTO]
    assert "（补发）" in notes[0].text
    assert await catch_up(s) == {"08:00": "done"}
    assert await send_scheduled_briefing(s, "08:00") is False


async def test_missed_briefing_past_grace_recorded_not_sent(store, tmp_path):
    await fill(store)
    await store.set_meta("briefing:since", local(11, 20, 9, 0).isoformat())  # running for days, then down
    s = services_for(store, FakeClock(local(11, 26, 11, 0)), tmp_path, grace="2h")
    assert await catch_up(s) == {"08:00": "missed"}
    assert await store.pending_notifications(s.clock.now()) == []
    assert (await store.get_meta("briefing:20261126:08:00"))["status"] == "missed"
    assert await send_scheduled_briefing(s, "08:00") is False  # a late cron run does not send it either
    s.clock.advance(timedelta(hours=21))  # the next morning's briefing names the missed one, once
    assert await send_scheduled_briefing(s, "08:00") is True
    assert await send_scheduled_briefing(s, "08:00") is False
    [text] = [n.text for n in await store.pending_notifications(s.clock.now()) if n.kind is NoticeKind.TEXT]
    assert text.endswith("⚠️ 因机器人停机未发送的晨报：11-26 08:00")
    assert await store.get_meta("briefing:missed") == []


async def test_a_new_installation_missed_no_briefing(store, tmp_path):
    s = services_for(store, FakeClock(local(11, 26, 18, 47)), tmp_path, grace="2h")
    assert await catch_up(s) == {"08:00": "before first start"}  # first start in the evening
    assert await store.get_meta("briefing:20261126:08:00") is None and await store.get_meta("briefing:missed") is None
    s.clock.advance(timedelta(hours=13, minutes=13))  # 08:00 next morning
    assert await send_scheduled_briefing(s, "08:00") is True
    [text] = [n.text for n in await store.pending_notifications(s.clock.now()) if n.kind is NoticeKind.TEXT]
    assert "未发送的晨报" not in text


async def test_interrupted_send_resumes_without_duplicates(filled):
    s = filled
    await s.store.set_meta("briefing:20261126:08:00", {"status": "sending", "at": NOW.isoformat()})
    assert await catch_up(s) == {"08:00": "sent"}
    assert await catch_up(s) == {"08:00": "done"}
    assert len(await s.store.pending_notifications(s.clock.now())) == 2


async def test_briefing_chats_and_chart_switch(store, tmp_path):
    await fill(store)
    s = services_for(store, FakeClock(NOW), tmp_path, chats=["console:console"], chart=False)
    assert await send_scheduled_briefing(s, "08:00") is True
    notes = await store.pending_notifications(NOW)
    assert [(n.kind, n.target) for n in notes] == [(NoticeKind.TEXT, "console:console")]


async def test_brief_command_on_demand(filled):
    d = Dispatcher(filled)

    def cmd(*args: str, mid: str = "1") -> Command:
        return Command("console", "李明", "console", "brief", args, message_id=mid)

    [text] = await d.handle(cmd())
    assert text.startswith("📰 舆情简报（今日）") and "【新增】3 条" in text
    [text] = await d.handle(cmd("昨天", mid="2"))
    assert "（昨日）" in text
    [report] = await d.handle(cmd("YQ-20261125-0001", mid="3"))
    assert report.startswith("📑 舆情专报 YQ-20261125-0001")
    [evaluation] = await d.handle(cmd("评估", mid="4"))
    assert "确认超时 2 条" in evaluation
    assert "  李明：确认数 2，平均确认用时 6分钟\n" in evaluation  # zeros and dashes left out on a phone
    assert "  较大（III）：确认超时 1\n" in evaluation
    [bad] = await d.handle(cmd("明年", mid="5"))
    assert "未知时段「明年」" in bad
    [missing] = await d.handle(cmd("YQ-20990101-0001", mid="6"))
    assert "没有编号为 YQ-20990101-0001 的事件" in missing
    assert await filled.store.pending_notifications(NOW) == []  # files wait for the text reply to go first
    later = NOW + timedelta(seconds=2)
    photos = [n for n in await filled.store.pending_notifications(later) if n.kind is NoticeKind.PHOTO]
    assert [p.target for p in photos] == ["console:console", "console:console"]  # today and yesterday


async def test_brief_document_is_queued_for_the_asking_chat(filled):
    d = Dispatcher(filled)
    replies = await d.handle(
        Command("console", "李明", "console", "brief", ("YQ-20261125-0001", "文档"), message_id="9")
    )
    assert replies[1] == "📎 舆情专报 YQ-20261125-0001 Word 文档已生成，正在发送"
    later = NOW + timedelta(seconds=2)
    [doc] = [n for n in await filled.store.pending_notifications(later) if n.kind is NoticeKind.DOCUMENT]
    assert doc.target == "console:console"
    assert parse_file_ref(doc.file) == (ANY, "舆情专报-YQ-20261125-0001.docx")  # the name the chat shows
    assert (await filled.store.get_file(doc.file))[:2] == b"PK"
    [_, note] = await d.handle(Command("console", "李明", "console", "brief", ("昨天", "文档"), message_id="10"))
    assert note == "📎 舆情日报（昨日） Word 文档已生成，正在发送"
    names = [
        parse_file_ref(n.file)[1]
        for n in await filled.store.pending_notifications(later)
        if n.kind is NoticeKind.DOCUMENT
    ]
    assert "舆情日报-20261125.docx" in names


async def test_tinydb_restart_keeps_guard(tmp_path):
    """The guard lives in the store file, not in memory."""
    path = tmp_path / "guard.json"
    clock = FakeClock(local(11, 26, 8, 0))
    a = TinyDBStore(path)
    await a.open()
    assert await send_scheduled_briefing(services_for(a, clock, tmp_path, chart=False), "08:00") is True
    await a.close()
    b = TinyDBStore(path)
    await b.open()
    assert await send_scheduled_briefing(services_for(b, clock, tmp_path, chart=False), "08:00") is False
    await b.close()
