"""A chase queued for a chat that was down is not sent once it no longer holds, or once a later one waits.

Real delivery worker, real Telegram channel, local fake Bot API: the group
answers 500 for a while (an outage), the incident is chased meanwhile, then
the group comes back.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.analysis.judgement import Judgement
from bot.app import App, build_app
from bot.clock import FakeClock
from bot.deadlines import check_deadlines
from bot.models import ActionKind, Actor, Hit, Incident, Item, Match, Sentiment, Tier
from bot.store.base import Store
from tests.conftest import make_config
from tests.fake_bot_api import FakeBotApi
from tests.telegram_html import html_to_text

GROUP = -100
MONITOR = Actor("console", "console", "李明")


@pytest.fixture
async def app(tinydb_store: Store, clock: FakeClock, api: FakeBotApi) -> AsyncIterator[App]:
    config = make_config(
        chats={
            "console": {"enabled": True, "person": "李明"},
            "telegram": {
                "enabled": True,
                "token": api.token,
                "base_url": api.base_url,
                "chats": [{"id": str(GROUP), "role": "monitors"}],
            },
        },
        escalation={"leaders_after": 10},  # monitors only: one chat per chase
    )
    built = await build_app(config, tinydb_store, clock, console_out=io.StringIO())
    built.channels["telegram"].limiter.limits = built.channels["telegram"].limiter.limits.unlimited()
    yield built
    await built.http.aclose()


async def tier_one(app: App, clock: FakeClock) -> Incident:
    item = Item("news", "https://x.cn/1", "江城化工集团仓库爆炸", fetched_at=clock.now())
    match = Match("国资委", (Hit("爆炸", "event", "title", 6, 8, 5),), 5)
    return await app.services.incidents.create(
        item, Judgement(match, Sentiment("negative", 0.9), Tier.I, "测试"), clock.now()
    )


async def outage_with_chases(app: App, clock: FakeClock, api: FakeBotApi, chases: int) -> Incident:
    """The group is down from the alert on; `chases` overdue reminders are queued meanwhile."""
    api.fail("sendMessage", "server", times=1000, chat_id=GROUP)
    inc = await tier_one(app, clock)
    await app.delivery.run_once()  # the console has it; the group answers 500
    clock.advance(timedelta(minutes=16))
    for _ in range(chases):
        await check_deadlines(app.services)
        await app.delivery.run_once()
        clock.advance(timedelta(minutes=15))
    return inc


async def recover(app: App, clock: FakeClock, api: FakeBotApi) -> list[str]:
    api.failures.clear()
    clock.advance(app.config.delivery.max_backoff)
    await app.delivery.run_once()
    return [html_to_text(m["text"]) for m in api.sent(GROUP)]


async def test_a_reminder_queued_during_an_outage_is_dropped_once_the_incident_is_acknowledged(app, clock, api):
    inc = await outage_with_chases(app, clock, api, chases=2)
    await app.services.incidents.act(inc.number, ActionKind.ACK, MONITOR, clock.now())  # acked in another chat
    texts = await recover(app, clock, api)
    assert any(inc.number in t and "特别重大" in t for t in texts)  # the alert itself still arrives
    assert not [t for t in texts if "超时未确认" in t]  # but no stale "nobody acknowledged" reminder
    assert await app.services.store.pending_notifications(clock.now() + timedelta(days=1)) == []
    notes = [
        await app.services.store.get_notification(f"text:{inc.number}:ack-overdue:{n}:telegram:{GROUP}") for n in (0, 1)
    ]
    assert all(n is not None and "超时提醒作废" in n.last_error for n in notes)


async def test_after_an_outage_only_the_latest_reminder_goes_out(app, clock, api):
    inc = await outage_with_chases(app, clock, api, chases=3)
    texts = await recover(app, clock, api)
    reminders = [t for t in texts if "超时未确认" in t]
    assert len(reminders) == 1 and "第 3 次提醒" in reminders[0] and inc.number in reminders[0]
