"""Deadlines are chased: re-notify with @mentions, escalate to leaders, repeat up to a cap, remind to resolve."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.analysis.judgement import Judgement
from bot.clock import FakeClock
from bot.deadlines import check_deadlines
from bot.incidents import IncidentService
from bot.models import ActionKind, Actor, Hit, Item, Match, MessageRef, NoticeKind, Sentiment, Tier
from bot.people import People
from bot.services import Services
from bot.silences import Silences
from tests.conftest import make_config

MONITOR = Actor("telegram", "2", "李明")


@pytest.fixture
def services(store, clock) -> Services:
    config = make_config(
        chats={
            "console": {"enabled": False},
            "telegram": {
                "enabled": True,
                "token": "1:x",
                "chats": [{"id": "-100", "role": "monitors"}, {"id": "-200", "role": "leaders", "tiers": ["I"]}],
            },
        }
    )
    return Services(config, store, clock, People(config.people), IncidentService(config, store))


async def new_incident(s: Services, tier: Tier = Tier.II):
    item = Item("news", f"https://x.cn/{s.clock.now().timestamp()}", "江城化工集团仓库爆炸", fetched_at=s.clock.now())
    match = Match("国资委", (Hit("爆炸", "event", "title", 6, 8, 4),), 4)
    return await s.incidents.create(item, Judgement(match, Sentiment("negative", 0.9), tier, "测试"), s.clock.now())


async def chase(s: Services) -> list[tuple[str, str]]:
    return [(a.id.split(":", 1)[1], a.kind.value) for a in await check_deadlines(s)]


async def outbox(s: Services, step: str) -> dict[str, tuple[str, ...]]:
    notes = await s.store.pending_notifications(s.clock.now())
    return {n.target: n.mentions for n in notes if step in n.id}


async def test_missed_ack_renotifies_monitors_then_escalates_to_leaders_up_to_cap(services, clock):
    inc = await new_incident(services, Tier.II)  # ack 30 min
    clock.advance(timedelta(minutes=29))
    assert await chase(services) == []
    clock.advance(timedelta(minutes=1))
    assert await chase(services) == [("ack-overdue:0", "remind")]
    assert await chase(services) == []  # the same tick twice does nothing twice
    assert await outbox(services, "ack-overdue:0") == {"telegram:-100": ("2",)}  # monitors @mentioned
    text = (await services.store.pending_notifications(clock.now()))[-1].text
    assert "超时未确认" in text and inc.number in text and "李明" in text
    clock.advance(timedelta(minutes=15))
    assert await chase(services) == [("ack-overdue:1", "escalate")]
    escalated = await outbox(services, "ack-overdue:1")
    assert set(escalated) == {"telegram:-100", "telegram:-200"}  # the leaders' chat is reached
    assert set(escalated["telegram:-200"]) == {"1", "2"}  # leaders and monitors @mentioned
    for _ in range(6):
        clock.advance(timedelta(minutes=15))
        await chase(services)
    steps = [
        a.id for a in await services.store.actions(inc.number) if a.kind in (ActionKind.REMIND, ActionKind.ESCALATE)
    ]
    assert steps == [f"{inc.number}:ack-overdue:{n}" for n in range(4)]  # first + max_repeats(3)


async def test_ack_stops_the_chase_and_a_long_outage_sends_only_the_current_step(services, clock):
    acked = await new_incident(services, Tier.I)
    forgotten = await new_incident(services, Tier.I)
    await services.incidents.act(acked.number, ActionKind.ACK, MONITOR, clock.now())
    clock.advance(timedelta(hours=1))  # bot was down: 45 min past the 15 min deadline
    assert await chase(services) == [("ack-overdue:3", "escalate")]
    chased = {a.incident for a in await services.store.actions() if a.kind in (ActionKind.REMIND, ActionKind.ESCALATE)}
    assert chased == {forgotten.number}


async def test_resolve_deadline_warns_then_reminds_assignee_and_leaders(services, clock):
    inc = await new_incident(services, Tier.I)  # resolve 24 h, warn 2 h before
    await services.incidents.act(inc.number, ActionKind.ASSIGN, MONITOR, clock.now(), assignee="王芳")
    clock.advance(timedelta(hours=21, minutes=59))
    assert await chase(services) == []
    clock.advance(timedelta(minutes=1))
    assert await chase(services) == [("resolve-warn", "remind")]
    warned = await outbox(services, "resolve-warn")
    assert set(warned["telegram:-100"]) == {"3", "1"}  # assignee 王芳 and leader 张三
    clock.advance(timedelta(hours=2))
    assert await chase(services) == [("resolve-overdue:0", "remind")]
    text = next(n.text for n in await services.store.pending_notifications(clock.now()) if "resolve-overdue" in n.id)
    assert "超时未办结" in text and "负责人 王芳" in text
    await services.incidents.act(inc.number, ActionKind.RESOLVE, MONITOR, clock.now(), note="已澄清")
    clock.advance(timedelta(hours=1))
    assert await chase(services) == []


async def test_mute_stops_reminders_until_lifted_and_is_recorded(services, clock):
    inc = await new_incident(services, Tier.II)
    await Silences(services.store).add("mute", inc.number, MONITOR, clock.now(), timedelta(hours=1))
    clock.advance(timedelta(minutes=45))
    assert await chase(services) == []
    await Silences(services.store).lift(inc.number, MONITOR, clock.now())
    assert await chase(services) == [("ack-overdue:1", "escalate")]
    kinds = [a.kind for a in await services.store.actions(inc.number)]
    assert ActionKind.MUTE in kinds and ActionKind.UNMUTE in kinds


async def test_mute_expires_on_its_own(services, clock):
    await new_incident(services, Tier.II)
    inc = (await services.store.incidents())[0]
    await Silences(services.store).add("mute", inc.number, MONITOR, clock.now(), timedelta(minutes=40))
    clock.advance(timedelta(minutes=35))
    assert await chase(services) == []
    clock.advance(timedelta(minutes=5))
    assert await chase(services) == [("ack-overdue:0", "remind")]


async def test_quiet_hours_hold_tier_three_chases_until_morning(store):
    night = FakeClock(datetime(2026, 11, 26, 13, 0, tzinfo=UTC))  # 21:00 in Shanghai
    config = make_config(quiet_hours={"III": "22:00-07:30"}, chats={"console": {"enabled": True, "person": "李明"}})
    s = Services(config, store, night, People(config.people), IncidentService(config, store))
    urgent, routine = await new_incident(s, Tier.I), await new_incident(s, Tier.III)
    night.advance(timedelta(hours=3))  # 00:00: both acks overdue
    assert {a.incident for a in await check_deadlines(s)} == {urgent.number}
    night.advance(timedelta(hours=7, minutes=30))  # 07:30: the morning
    assert [(a.incident, a.id.rsplit(":", 1)[1]) for a in await check_deadlines(s) if a.incident == routine.number] == [
        (routine.number, "3")
    ]


async def test_turning_overdue_edits_the_alert_everywhere_it_was_sent(services, clock):
    inc = await new_incident(services, Tier.II)
    await services.store.add_message_ref(MessageRef("telegram:-100", "55", inc.number))
    clock.advance(timedelta(minutes=30))
    await chase(services)
    updates = [n for n in await services.store.pending_notifications(clock.now()) if n.kind is NoticeKind.UPDATE]
    assert [(n.target, n.incident) for n in updates] == [("telegram:-100", inc.number)]
    assert updates[0].version == (await services.store.get_incident(inc.number)).version == inc.version + 1
    clock.advance(timedelta(minutes=15))
    await chase(services)  # a repeat reminder is a message, not another edit
    updates = [n for n in await services.store.pending_notifications(clock.now()) if n.kind is NoticeKind.UPDATE]
    assert len(updates) == 1
