"""The wecom_app channel when the far side fails: outages, a refused secret, error codes, silent heartbeats."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest

from bot.channels.base import DeliveryError, NotLeader
from bot.clock import FakeClock
from bot.store.base import Store
from tests.fake_wecom_app import FakeWecomApp
from tests.wecom_app_rig import BOT_ID, LEADERS, MONITORS, SECRET, build, channel, new_incident, stop_app


@pytest.fixture
def store(tinydb_store: Store) -> Store:
    return tinydb_store


@pytest.fixture
async def fake() -> AsyncIterator[FakeWecomApp]:
    service = FakeWecomApp(bots={BOT_ID: SECRET}, groups={LEADERS, MONITORS})
    await service.start()
    yield service
    await service.stop()


def cards(fake: FakeWecomApp, chat: str) -> list[str]:
    return [s.card["task_id"] for s in fake.of("aibot_send_msg", chat) if s.body.get("msgtype") == "template_card"]


async def until(check: Callable[[], object], within: float = 5.0) -> None:
    async with asyncio.timeout(within):
        while not check():  # noqa: ASYNC110 - state other tasks change, with no event to wait on
            await asyncio.sleep(0.01)


async def test_platform_down_then_back_loses_nothing(store: Store, clock: FakeClock, fake: FakeWecomApp) -> None:
    app = await build(store, clock, fake)
    wecom = channel(app)
    await wecom.start(app.dispatcher.handle)
    try:
        await asyncio.wait_for(wecom.connected.wait(), 5)
        await fake.go_down()
        await until(lambda: not wecom.connected.is_set())
        inc = await new_incident(app, clock)  # the alert is due now, while the service is down
        assert not fake.of("aibot_send_msg")
        pending = await store.pending_notifications(clock.now() + timedelta(days=1), 100)
        assert {n.target for n in pending} == {f"wecom_app:{LEADERS}", f"wecom_app:{MONITORS}"}
        fake.come_back()
        await asyncio.wait_for(wecom.connected.wait(), 5)  # reconnected with back-off; on_ready marks it due
        await app.delivery.run_once()
        assert len(cards(fake, LEADERS)) == 1 and len(cards(fake, MONITORS)) == 1
        assert all(task.startswith(inc.number) for task in cards(fake, LEADERS) + cards(fake, MONITORS))
        await app.delivery.run_once()
        assert len(fake.of("aibot_send_msg")) == 2  # sent once each, not again
    finally:
        await stop_app(app)


async def test_a_typed_reply_that_cannot_go_now_waits_in_the_outbox(store, clock, fake) -> None:
    app = await build(store, clock, fake)
    wecom = channel(app)
    await wecom.start(app.dispatcher.handle)
    try:
        await asyncio.wait_for(wecom.connected.wait(), 5)
        inc = await new_incident(app, clock)
        fake.fail_next(-1, "system busy")  # the reply to the command is refused for now
        req = await fake.say(LEADERS, "zhangsan", f"@值守机器人 确认 {inc.number}")
        await fake.wait_for(lambda: fake.answers_to(req))
        replies: list = []
        async with asyncio.timeout(5):
            while not replies:  # the refused reply is handed to the outbox
                await asyncio.sleep(0.01)
                pending = await store.pending_notifications(clock.now() + timedelta(days=1), 100)
                replies = [n for n in pending if n.target == f"wecom_app:{LEADERS}" and n.text]
        assert len(replies) == 1 and "确认" in replies[0].text and replies[0].mentions == ("zhangsan",)
        await app.delivery.run_once()
        sent = [s.text for s in fake.of("aibot_send_msg", LEADERS) if s.body.get("msgtype") == "markdown"]
        assert any(t.startswith("<@zhangsan>") and "确认" in t for t in sent), sent
    finally:
        await stop_app(app)


async def test_rejected_secret_is_one_line_and_the_other_channels_run(
    store: Store, clock: FakeClock, fake: FakeWecomApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    app = await build(
        store, clock, fake, console=True, secret="wrong-secret", credential_wait=timedelta(milliseconds=50)
    )
    wecom = channel(app)
    await wecom.start(app.dispatcher.handle)
    try:
        await until(lambda: fake.subscribes >= 3)  # it keeps trying, quietly
        refused = [r for r in caplog.records if r.name.startswith("bot.channels.wecom_app")]
        assert [r.levelno for r in refused] == [logging.ERROR], [r.getMessage() for r in refused]
        line = refused[0].getMessage()
        assert "认证被拒绝" in line and "chats.wecom_app.bot_id 与 secret" in line and "其他渠道照常运行" in line
        assert "wrong-secret" not in caplog.text
        inc = await new_incident(app, clock)
        console = app.channels["console"].out  # type: ignore[attr-defined]
        assert isinstance(console, io.StringIO) and inc.number in console.getvalue()
        assert not fake.of("aibot_send_msg") and wecom.rejected
        fake.bots[BOT_ID] = "wrong-secret"  # the administrator resets the secret to the configured one
        await asyncio.wait_for(wecom.connected.wait(), 5)
        await app.delivery.run_once()
        assert len(cards(fake, LEADERS)) == 1 and len(cards(fake, MONITORS)) == 1
    finally:
        await stop_app(app)


async def test_error_codes_in_the_answer_decide(store: Store, clock: FakeClock, fake: FakeWecomApp) -> None:
    app = await build(store, clock, fake)
    wecom = channel(app)
    await wecom.start(app.dispatcher.handle)
    try:
        await asyncio.wait_for(wecom.connected.wait(), 5)
        fake.fail_next(45009, "api freq out of limit")
        with pytest.raises(DeliveryError) as throttled:
            await wecom.send_text(LEADERS, "测试")
        assert throttled.value.retry and throttled.value.retry_after == 60
        fake.fail_next(-1, "system busy")
        with pytest.raises(DeliveryError) as busy:
            await wecom.send_text(LEADERS, "测试")
        assert busy.value.retry and not busy.value.maybe_sent
        with pytest.raises(DeliveryError) as refused:
            await wecom.send_text("wrkNotAMember", "测试")  # not configured: never sent
        assert not refused.value.retry
        fake.groups.discard(MONITORS)  # configured, but the robot was removed from the group
        with pytest.raises(DeliveryError) as removed:
            await wecom.send_text(MONITORS, "测试")
        assert not removed.value.retry and "93006" in str(removed.value)
        assert await wecom.send_text(LEADERS, "测试")
    finally:
        await stop_app(app)


async def test_unanswered_heartbeats_mean_a_new_connection(store: Store, clock: FakeClock, fake: FakeWecomApp) -> None:
    app = await build(store, clock, fake, heartbeat=timedelta(milliseconds=100))
    wecom = channel(app)
    await wecom.start(app.dispatcher.handle)
    try:
        await asyncio.wait_for(wecom.connected.wait(), 5)
        await until(lambda: fake.pings >= 3)
        assert fake.subscribes == 1  # answered pings keep the one connection
        fake.answer_pings = False
        await until(lambda: fake.subscribes >= 2)
        fake.answer_pings = True
        await until(lambda: fake.online == 1 and wecom.connected.is_set())
        inc = await new_incident(app, clock)
        assert len(cards(fake, LEADERS)) == 1 and cards(fake, LEADERS)[0].startswith(inc.number)
    finally:
        await stop_app(app)


async def test_past_its_term_the_channel_neither_sends_nor_answers(store, clock, fake) -> None:
    app = await build(store, clock, fake)
    wecom = channel(app)
    await wecom.start(app.dispatcher.handle)
    try:
        await asyncio.wait_for(wecom.connected.wait(), 5)
        inc = await new_incident(app, clock)
        task = cards(fake, LEADERS)[0]
        sent = len(fake.sent)

        def ended() -> None:
            raise NotLeader("term over")

        wecom.send_gate = ended
        with pytest.raises(NotLeader):
            await wecom.send_text(LEADERS, "测试")
        await fake.say(LEADERS, "zhangsan", f"@值守机器人 确认 {inc.number}")
        await fake.press(LEADERS, "zhangsan", task, f"a|{inc.number}")
        await asyncio.sleep(0.3)
        assert len(fake.sent) == sent
        incident = await store.get_incident(inc.number)
        assert incident is not None and incident.acked_by == ""  # left to the new leader
    finally:
        await stop_app(app)
