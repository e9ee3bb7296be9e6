"""Duty-aware alerts: the 值班员 is @mentioned, a missed ack goes 备班 → 带班领导 → everyone; an ack stops it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.deadlines import check_deadlines
from bot.incidents import IncidentService
from bot.models import Actor, Tier
from bot.people import People
from bot.roster.model import Override
from bot.roster.overrides import Overrides
from bot.services import Services
from tests.conftest import make_config
from tests.test_deadlines import new_incident
from tests.test_roster import PEOPLE, ROSTER

CHATS = {
    "console": {"enabled": False},
    "telegram": {
        "enabled": True,
        "token": "1:x",
        "chats": [{"id": "-100", "role": "monitors"}, {"id": "-200", "role": "leaders", "tiers": ["I"]}],
    },
}
IDS = {"1": "张三", "2": "李明", "3": "王芳", "4": "赵磊"}


def duty_services(store, clock: FakeClock, **roster) -> Services:
    config = make_config(people=PEOPLE, chats=CHATS, roster={**ROSTER, **roster})
    return Services(config, store, clock, People(config.people), IncidentService(config, store))


async def tick(s: Services) -> list[tuple[str, str]]:
    return [(a.id.split(":", 1)[1], a.kind.value) for a in await check_deadlines(s)]


async def called(s: Services, step: str) -> dict[str, set[str]]:
    """chat → names @mentioned by the queued chase `step`."""
    notes = await s.store.pending_notifications(s.clock.now(), limit=500)
    return {n.target: {IDS[m] for m in n.mentions} for n in notes if f":{step}:" in n.id}


@pytest.fixture
def services(store, clock) -> Services:
    return duty_services(store, clock)


async def test_tier_ii_calls_the_one_on_duty_then_backup_then_leader_then_everyone(services, clock):
    inc = await new_incident(services, Tier.II)  # 08:30 on 11-26: 李明 on duty, 赵磊 备班, 张三 带班
    assert await tick(services) == [("duty-call", "notify")]
    assert await called(services, "duty-call") == {"telegram:-100": {"李明"}}
    assert await tick(services) == []
    clock.advance(timedelta(minutes=30))  # the ack deadline
    assert await tick(services) == [("ack-overdue:0", "remind")]
    assert await called(services, "ack-overdue:0") == {"telegram:-100": {"李明", "赵磊"}}
    clock.advance(timedelta(minutes=15))
    assert await tick(services) == [("ack-overdue:1", "escalate")]
    step1 = await called(services, "ack-overdue:1")
    assert step1 == {"telegram:-100": {"李明", "赵磊", "张三"}, "telegram:-200": {"李明", "赵磊", "张三"}}
    clock.advance(timedelta(minutes=15))
    assert await tick(services) == [("ack-overdue:2", "escalate")]
    assert (await called(services, "ack-overdue:2"))["telegram:-100"] == {"李明", "赵磊", "张三"}  # all staff
    texts = [n.text for n in await services.store.pending_notifications(clock.now(), limit=500)]
    assert any("转备班 赵磊" in t for t in texts) and any("升级至带班领导 张三" in t for t in texts)
    assert any("升级至全体" in t and inc.number in t for t in texts)


async def test_an_ack_by_anyone_stops_the_chain(services, clock):
    inc = await new_incident(services, Tier.II)
    await tick(services)
    clock.advance(timedelta(minutes=30))
    assert await tick(services) == [("ack-overdue:0", "remind")]
    await services.incidents.act(inc.number, "ack", Actor("telegram", "3", "王芳"), clock.now())
    clock.advance(timedelta(minutes=15))
    assert await tick(services) == []


async def test_nobody_on_duty_tier_i_reaches_the_leaders_at_once_tier_ii_the_monitors(store, clock):
    hole = {"date": "2026-11-26", "shift": "白班", "backup": "赵磊", "leader": "张三"}
    services = duty_services(store, clock, overrides=[hole])
    await new_incident(services, Tier.I)
    assert await tick(services) == [("duty-call", "escalate")]
    assert await called(services, "duty-call") == {"telegram:-100": {"张三"}, "telegram:-200": {"张三"}}
    texts = [n.text for n in await store.pending_notifications(clock.now())]
    assert any("当前无人值班，特别重大告警直报领导" in t for t in texts)
    clock.advance(timedelta(seconds=1))
    second = await new_incident(services, Tier.II)
    assert await tick(services) == [("duty-call", "notify")]
    calls = await called(services, "duty-call")
    assert calls["telegram:-100"] == {"李明", "赵磊"} and second.number  # every monitor


async def test_tier_i_chain_skips_the_backup(services, clock):
    await new_incident(services, Tier.I)  # roster.chain I defaults to backup too; here configured
    s = duty_services(services.store, clock, chain={"I": ["leader", "all"]})
    await tick(s)
    clock.advance(timedelta(minutes=15))
    assert await tick(s) == [("ack-overdue:0", "escalate")]
    assert (await called(s, "ack-overdue:0"))["telegram:-200"] == {"李明", "张三"}


async def test_the_chain_follows_whoever_is_on_duty_now_after_a_cover_and_a_shift_change(store, clock):
    services = duty_services(store, clock, hand_on="shift")  # 11-26: day 李明 (备班 赵磊), night 赵磊 (备班 王芳)
    await Overrides(store).add(
        Override("c1", "cover", "王芳", "李明", clock.now(), start=clock.now(), end=clock.now() + timedelta(hours=1)),
        Actor("telegram", "2", "李明"),
        "王芳 顶班",
    )
    await new_incident(services, Tier.II)
    await tick(services)
    assert await called(services, "duty-call") == {"telegram:-100": {"王芳"}}  # the cover, not 李明
    clock.advance(timedelta(hours=9))  # 17:30: the night shift, 赵磊 on duty
    night = await new_incident(services, Tier.II)
    clock.advance(timedelta(minutes=30))
    await tick(services)
    notes = await store.pending_notifications(clock.now(), limit=500)
    step0 = [n for n in notes if n.id.startswith(f"text:{night.number}:ack-overdue:0:")]
    assert [{IDS[m] for m in n.mentions} for n in step0] == [{"赵磊", "王芳"}]


async def test_digest_tiers_get_no_call_per_alert_but_the_chain_still_names_the_one_on_duty(services, clock):
    await new_incident(services, Tier.III)  # storm control batches III/IV: one @mention per alert would defeat it
    assert await tick(services) == []
    clock.advance(timedelta(hours=2))  # tier III ack deadline
    assert await tick(services) == [("ack-overdue:0", "remind")]
    assert await called(services, "ack-overdue:0") == {"telegram:-100": {"李明", "赵磊"}}
