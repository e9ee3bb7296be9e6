"""The outbox and its worker, through the real console channel: stored before sent, order, storms."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.analysis.judgement import Judgement
from bot.channels.console import ConsoleChannel
from bot.clock import FakeClock
from bot.delivery import Delivery
from bot.incidents import IncidentService, alert_notification
from bot.models import ActionKind, Actor, Hit, Incident, Item, Match, NoticeKind, Sentiment, Target, Tier
from bot.store.base import Store
from tests.conftest import make_config

CONSOLE = "console:console"


class Rig:
    """An incident service plus a delivery worker printing to a string."""

    def __init__(self, store: Store, clock: FakeClock, **config: Any) -> None:
        self.config = make_config(**config)
        self.store, self.clock = store, clock
        self.out = io.StringIO()
        self.incidents = IncidentService(self.config, store)
        channel = ConsoleChannel("李明", clock, self.config.zone, self.out)
        self.delivery = Delivery(store, {"console": channel}, clock, self.incidents)

    async def incident(self, tier: Tier, title: str = "") -> Incident:
        title = title or f"江城化工集团事件{tier.roman}-{self.clock.now():%H%M%S%f}"
        item = Item("news", f"https://x.cn/{title}", title, fetched_at=self.clock.now())
        match = Match("国资委", (Hit("爆炸", "event", "title", 0, 2, 4),), 4)
        return await self.incidents.create(
            item, Judgement(match, Sentiment("negative", 0.9), tier, "测试"), self.clock.now()
        )

    def messages(self) -> list[str]:
        return [m for m in self.out.getvalue().split("\n\n") if m.strip()]


async def test_alert_is_stored_before_it_is_sent_and_recorded_after(store, clock):
    rig = Rig(store, clock)
    inc = await rig.incident(Tier.II)
    pending = await store.pending_notifications(clock.now())
    assert [n.id for n in pending] == [f"{inc.number}:{CONSOLE}:alert"]
    assert rig.messages() == []  # nothing leaves before the worker runs
    clock.advance(timedelta(seconds=2))
    assert await rig.delivery.run_once() == 1
    assert inc.number in rig.messages()[0]
    note = await store.get_notification(f"{inc.number}:{CONSOLE}:alert")
    assert note.sent_at == clock.now() and note.message_id == "1"
    assert await store.incident_for_message(CONSOLE, "1") == inc.number
    stored = await store.get_incident(inc.number)
    assert stored.reported_at == clock.now()  # the 报送时间 of the audit trail
    kinds = [a.kind for a in await store.actions(inc.number)]
    assert kinds == [ActionKind.CREATE, ActionKind.NOTIFY]
    assert await rig.delivery.run_once() == 0  # nothing twice


async def test_idempotency_key_per_incident_target_version(store, clock):
    rig = Rig(store, clock)
    inc = await rig.incident(Tier.I)
    again = alert_notification(inc, Target("console", "console"), clock.now())
    assert await store.enqueue([again]) == [False]
    await rig.delivery.run_once()
    assert len(rig.messages()) == 1


async def test_restart_sends_every_pending_entry_most_urgent_first(store_factory, clock):
    first = store_factory()
    await first.open()
    rig = Rig(first, clock, storm={"enabled": False})
    made = [await rig.incident(t) for t in (Tier.IV, Tier.III, Tier.II, Tier.I, Tier.II)]
    await first.close()  # "crash" before any send
    second = store_factory()
    await second.open()
    rig2 = Rig(second, clock, storm={"enabled": False})
    assert await rig2.delivery.run_once() == 5
    order = [next(i.number for i in made if i.number in m) for m in rig2.messages()]
    expected = [i.number for i in sorted(made, key=lambda i: (i.tier.value, i.discovered_at))]
    assert order == expected
    await second.close()


async def test_storm_of_tier_three_becomes_one_digest_tier_one_never_waits(store, clock):
    rig = Rig(store, clock)
    storm = [await rig.incident(Tier.III) for _ in range(6)] + [await rig.incident(Tier.IV)]
    urgent = await rig.incident(Tier.I)
    await rig.delivery.run_once()
    messages = rig.messages()
    assert len(messages) == 2
    assert urgent.number in messages[0] and "特别重大" in messages[0]
    assert "舆情汇总：7 条" in messages[1]
    assert all(i.number in messages[1] for i in storm)
    for inc in storm:
        assert (await store.get_incident(inc.number)).reported_at == clock.now()
    # within the group interval a new III waits, then goes out; a new I does not wait
    clock.advance(timedelta(minutes=1))
    late = await rig.incident(Tier.III)
    late_urgent = await rig.incident(Tier.I)
    await rig.delivery.run_once()
    assert late_urgent.number in rig.messages()[-1] and late.number not in rig.out.getvalue()
    clock.advance(timedelta(minutes=4, seconds=1))
    await rig.delivery.run_once()
    assert late.number in rig.messages()[-1]


async def test_group_wait_gathers_alerts_into_the_first_message(store, clock):
    rig = Rig(store, clock, storm={"group_wait": "30s"})
    first = await rig.incident(Tier.III)
    await rig.delivery.run_once()
    assert rig.messages() == []  # waiting for company
    clock.advance(timedelta(seconds=20))
    others = [await rig.incident(Tier.IV), await rig.incident(Tier.III)]
    clock.advance(timedelta(seconds=11))
    await rig.delivery.run_once()
    assert len(rig.messages()) == 1
    assert all(i.number in rig.messages()[0] for i in [first, *others])


async def test_two_at_once_are_not_a_storm(store, clock):
    rig = Rig(store, clock)
    pair = [await rig.incident(Tier.III), await rig.incident(Tier.IV)]
    await rig.delivery.run_once()
    assert [m.split("\n")[0] for m in rig.messages()] == [
        f"🟡【III 较大】{pair[0].number} · 待确认",
        f"🔵【IV 一般】{pair[1].number} · 待确认",
    ]


async def test_quiet_hours_hold_tier_three_until_morning_not_tier_one(store):
    night = FakeClock(datetime(2026, 11, 26, 15, 0, tzinfo=UTC))  # 23:00 in Shanghai
    rig = Rig(store, night, quiet_hours={"III": "22:00-08:00"})
    quiet = await rig.incident(Tier.III)
    loud = await rig.incident(Tier.I)
    await rig.delivery.run_once()
    assert loud.number in rig.out.getvalue() and quiet.number not in rig.out.getvalue()
    note = await store.get_notification(f"{quiet.number}:{CONSOLE}:alert")
    assert note.next_attempt_at == datetime(2026, 11, 27, 0, 0, tzinfo=UTC)  # 08:00 local
    night.advance(timedelta(hours=9))
    await rig.delivery.run_once()
    assert quiet.number in rig.messages()[-1]


async def test_only_the_newest_update_is_sent(store, clock):
    rig = Rig(store, clock)
    inc = await rig.incident(Tier.II)
    await rig.delivery.run_once()
    actor = rig.config.people[1]
    who = Actor("console", actor.name, actor.name)
    await rig.incidents.act(inc.number, ActionKind.ACK, who, clock.now())
    await rig.incidents.act(inc.number, ActionKind.ASSIGN, who, clock.now(), assignee="王芳")
    await rig.delivery.run_once()
    updates = [m for m in rig.messages() if m.startswith("更新")]
    assert len(updates) == 1 and "王芳" in updates[0]
    notes = await store.pending_notifications(clock.now())
    assert notes == []
    outbox = [await store.get_notification(f"{inc.number}:{CONSOLE}:v{v}") for v in (3, 4)]
    assert outbox[0].last_error.startswith("放弃") and outbox[1].kind is NoticeKind.UPDATE and not outbox[1].last_error
