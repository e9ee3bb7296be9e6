"""Shift changes on the fake clock: the handover card, /handover notes, /接班, the chase, gaps warned ahead."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from bot.models import ActionKind, Command, Tier
from bot.roster.shifts import check_shifts
from tests.conftest import make_config
from tests.test_deadlines import new_incident
from tests.test_roster import PEOPLE, ROSTER
from tests.test_roster_commands import CHATS

IDS = {"1": "张三", "2": "李明", "3": "王芳", "4": "赵磊"}


async def build(store, clock, **roster):
    from bot.app import build_app

    config = make_config(people=PEOPLE, roster={**ROSTER, **roster}, chats=CHATS)
    return await build_app(config, store, clock, console_out=io.StringIO())


@pytest.fixture
async def app(store, clock):
    built = await build(store, clock)
    yield built
    await built.http.aclose()


def cmd(name, *args, user="2", message_id=""):
    return Command("telegram", user, "-100", name, tuple(args), f"/{name} {' '.join(args)}", message_id)


async def sent(app, key: str) -> dict[str, tuple[str, set[str]]]:
    """chat → (text, names @mentioned) of the notice queued under `key`."""
    notes = await app.services.store.pending_notifications(app.services.clock.now(), limit=500)
    return {n.target: (n.text, {IDS.get(m, m) for m in n.mentions}) for n in notes if n.id.startswith(f"text:{key}:")}


async def test_handover_card_at_shift_end_with_incidents_notes_and_acceptance(app, clock):
    s = app.services
    assert await check_shifts(s) == ["roster:handover:2026-11-26:白班"]  # 08:30: the night of 11-25 hands over
    assert await check_shifts(s) == []
    inc = await new_incident(s, Tier.II)
    clock.advance(timedelta(hours=1))
    await app.dispatcher.handle(cmd("ack", inc.number, user="2"))
    assert "已记入" in (await app.dispatcher.handle(cmd("handover", "化工集团事件等待宣传处回复", message_id="9")))[0]
    clock.advance(timedelta(hours=8))  # 17:30: the day shift hands over to the night (李明 again, daily hand-on)
    assert await check_shifts(s) == ["roster:handover:2026-11-26:夜班"]
    card = await sent(app, "roster:handover:2026-11-26:夜班")
    assert set(card) == {"console:console", "telegram:-100"}  # monitors' chats, not the leaders' -200
    text, mentioned = card["telegram:-100"]
    assert text.startswith("🔄 交接班：11-26（周四）白班 08:30–17:30 → 夜班")
    assert "交班 李明 → 接班 李明（备班 赵磊，带班领导 张三）" in text
    assert "未结事件 1 件" in text and inc.number in text and "已确认" in text
    assert "本班：确认 1 件，指派 0 件，办结 0 件" in text
    assert "备注（李明）：化工集团事件等待宣传处回复" in text
    assert mentioned == {"李明"}
    clock.advance(timedelta(minutes=10))
    assert (await app.dispatcher.handle(cmd("takeover")))[0].startswith("✅ 李明 已接班：11-26（周四）夜班")
    assert "已由 李明 接班" in (await app.dispatcher.handle(cmd("takeover", user="4")))[0]
    clock.advance(timedelta(hours=2))
    assert await check_shifts(s) == []  # accepted: no chase
    accepted = [a for a in await s.store.actions() if a.id == "roster:handover-accepted:2026-11-26:夜班"]
    assert len(accepted) == 1 and accepted[0].note == "接班" and accepted[0].kind is ActionKind.HANDOVER


async def test_not_accepted_reminds_then_the_leader_and_a_restart_repeats_nothing(store_factory, clock):
    first_store = store_factory()
    await first_store.open()
    app = await build(first_store, clock)
    await check_shifts(app.services)  # 08:30 card
    clock.advance(timedelta(minutes=30))
    assert await check_shifts(app.services) == ["roster:handover-remind:2026-11-26:白班"]
    text, mentioned = (await sent(app, "roster:handover-remind:2026-11-26:白班"))["telegram:-100"]
    assert "交接班尚未确认" in text and mentioned == {"李明"}
    await app.http.aclose()
    await first_store.close()
    # restart in the middle of the handover: a new process on the same data
    second_store = store_factory()
    await second_store.open()
    again = await build(second_store, clock)
    assert await check_shifts(again.services) == []  # neither the card nor the reminder again
    clock.advance(timedelta(minutes=30))
    assert await check_shifts(again.services) == ["roster:handover-leader:2026-11-26:白班"]
    leader = await sent(again, "roster:handover-leader:2026-11-26:白班")
    assert set(leader) == {"telegram:-200"} and leader["telegram:-200"][1] == {"张三"}
    await again.http.aclose()
    await second_store.close()


async def test_a_gap_is_warned_a_day_ahead_and_again_when_it_starts(store, clock):
    hole = {"date": "2026-11-27", "shift": "夜班", "backup": "王芳", "leader": "张三"}
    app = await build(store, clock, overrides=[hole])
    s = app.services
    assert "roster:gap-ahead:2026-11-27:夜班" not in await check_shifts(s)  # 08:30 on the 26th: 33 h ahead
    clock.advance(timedelta(hours=10))  # 18:30 on the 26th: within a day
    assert [k for k in await check_shifts(s) if "gap" in k] == ["roster:gap-ahead:2026-11-27:夜班"]
    text, _ = (await sent(app, "roster:gap-ahead:2026-11-27:夜班"))["telegram:-200"]
    assert text == "⚠️ 值班缺口（即将开始）：11-27（周五）夜班 17:30–次日08:30 无人值班，请带班领导安排或 /swap 换班"
    clock.advance(timedelta(hours=23))  # 17:30 on the 27th
    assert "roster:gap-start:2026-11-27:夜班" in await check_shifts(s)
    await app.http.aclose()


async def test_chinese_slash_forms():
    from bot.commands import parse_command

    assert parse_command("/接班") == ("takeover", [])
    assert parse_command("交接 群众来电已回访") == ("handover", ["群众来电已回访"])


async def test_the_morning_briefing_names_who_is_on_duty_today(app, clock):
    from bot.briefing.schedule import send_scheduled_briefing

    await app.dispatcher.handle(cmd("swap", "今天", "夜班", "@王芳", message_id="5"))
    assert await send_scheduled_briefing(app.services, "08:30")
    notes = await app.services.store.pending_notifications(clock.now(), limit=500)
    briefing = [n.text for n in notes if n.target == "telegram:-100" and "舆情晨报" in n.text]
    assert len(briefing) == 1
    assert "👮 今日值班：白班 李明（备班 赵磊）；夜班 王芳（备班 赵磊）；带班领导 张三" in briefing[0]


async def test_two_instances_on_redis_post_one_card_per_shift_change(redis_prefix, clock):
    import asyncio

    from bot.store.redis_store import RedisStore
    from tests.conftest import REDIS_URL

    stores = [RedisStore(REDIS_URL, redis_prefix) for _ in range(2)]
    apps = []
    for s in stores:
        await s.open()
        apps.append(await build(s, clock))
    results = await asyncio.gather(*(check_shifts(a.services) for a in apps))
    assert sorted(len(r) for r in results) == [0, 1]  # one instance posted the card, the other nothing
    notes = await stores[0].pending_notifications(clock.now(), limit=500)
    assert len([n for n in notes if n.id.startswith("text:roster:handover:2026-11-26:白班:telegram:-100")]) == 1
    for a, s in zip(apps, stores, strict=True):
        await a.http.aclose()
        await s.close()
