"""The DingTalk app channel when things go wrong: a rejected credential, error codes in the body, the leader gate."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.app import build_app
from bot.channels.base import DeliveryError, NotLeader
from bot.channels.dingtalk_app import DingtalkAppChannel
from bot.clock import FakeClock
from bot.config import DingtalkAppConfig
from bot.config_loader import ConfigError
from bot.models import Command, Status
from bot.store.base import Store
from tests.conftest import make_config
from tests.fake_dingtalk_app import FakeDingtalk
from tests.test_dingtalk_app_flow import PEOPLE, A, B, dingtalk_config, new_incident

WRONG_SECRET = "wrong-secret-typed-by-someone-0042"


@pytest.fixture
def store(tinydb_store: Store) -> Store:
    return tinydb_store


@pytest.fixture
async def fake() -> AsyncIterator[FakeDingtalk]:
    server = FakeDingtalk(groups={A, B})
    await server.start()
    yield server
    await server.stop()


def channel_for(fake: FakeDingtalk, clock: FakeClock) -> DingtalkAppChannel:
    config = DingtalkAppConfig.model_validate(dingtalk_config(fake))
    return DingtalkAppChannel(config, clock, make_config().zone)


async def test_rejected_credential_is_one_line_and_the_rest_keeps_running(fake, store, clock, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    chats = {
        "console": {"enabled": True, "person": "李明"},
        "dingtalk_app": dingtalk_config(fake, client_secret=WRONG_SECRET, rejected_retry=0.05),
    }
    out = io.StringIO()
    app = await build_app(make_config(people=PEOPLE, chats=chats), store, clock, console_out=out)
    channel = app.channels["dingtalk_app"]
    await channel.start(app.dispatcher.handle)
    try:
        await fake.wait(lambda: fake.requests.count("connections/open") >= 3)
        inc = await new_incident(app, clock)
        assert inc.number in out.getvalue()  # the console got the alert; DingTalk's copies wait in the outbox
        pending = await app.services.store.pending_notifications(clock.now() + timedelta(hours=1), 100)
        assert {n.target for n in pending} == {f"dingtalk_app:{A}", f"dingtalk_app:{B}"}
        replies = await app.dispatcher.handle(Command("console", "李明", "console", "ack", (inc.number,)))
        assert (
            "确认" in replies[0] and (await app.services.store.get_incident(inc.number)).status is Status.ACKNOWLEDGED
        )
        ours = [r for r in caplog.records if r.name.startswith("bot.channels.dingtalk")]
        loud = [r for r in ours if r.levelno >= logging.WARNING]
        assert len(loud) == 1 and "被钉钉拒绝" in loud[0].getMessage() and "authFailed" in loud[0].getMessage()
        assert not any(WRONG_SECRET in r.getMessage() for r in caplog.records)
        assert not fake.connections
        fake.client_secret = WRONG_SECRET  # the app's secret is made valid on the platform: the channel recovers
        await fake.wait_connected()
    finally:
        await channel.stop()
        await app.http.aclose()


async def test_error_codes_in_the_body_decide_not_the_status(fake: FakeDingtalk, clock: FakeClock) -> None:
    channel = channel_for(fake, clock)
    try:
        card = {"header": {"title": {"type": "text", "text": "t"}}, "contents": []}
        fake.fail_next = [(200, "Forbidden.AccessDenied.QpsLimitForApi")]
        with pytest.raises(DeliveryError) as throttled:
            await channel.api.send_card(A, "card-1", card)
        assert throttled.value.retry and throttled.value.retry_after and "card-1" not in fake.cards
        fake.fail_next = [(400, "param.invalid")]
        with pytest.raises(DeliveryError) as refused:
            await channel.api.send_card(A, "card-1", card)
        assert not refused.value.retry
        fake.fail_next = [(503, "ServiceUnavailable")]
        with pytest.raises(DeliveryError) as down:
            await channel.api.send_card(A, "card-1", card)
        assert down.value.retry and not down.value.retry_after
        await channel.api.send_card(A, "card-1", card)
        assert fake.cards["card-1"].chat == A
    finally:
        await channel.stop()


async def test_an_expired_token_is_renewed_and_a_gone_card_reported(fake: FakeDingtalk, clock: FakeClock) -> None:
    channel = channel_for(fake, clock)
    try:
        await channel.send_text(A, "第一条")
        fake._tokens.clear()  # the platform forgets the token (expired or revoked)
        with pytest.raises(DeliveryError) as expired:
            await channel.send_text(A, "第二条")
        assert expired.value.retry
        await channel.send_text(A, "第二条")
        assert fake.texts_in(A) == ["第一条", "第二条"] and fake.requests.count("accessToken") == 2
        with pytest.raises(DeliveryError) as gone:
            await channel.api.update_card("no-such-card", {"contents": []})
        assert gone.value.gone and not gone.value.retry
    finally:
        await channel.stop()


async def test_a_leader_past_its_term_neither_sends_nor_connects(fake: FakeDingtalk, clock: FakeClock) -> None:
    channel = channel_for(fake, clock)

    def gate() -> None:
        raise NotLeader("term over")

    channel.send_gate = gate
    try:
        with pytest.raises(NotLeader):
            await channel.send_text(A, "不应发出")

        async def on_command(cmd: Command) -> list[str]:
            return []

        await channel.start(on_command)
        await asyncio.sleep(0.3)
        assert not fake.sent and "connections/open" not in fake.requests
        channel.send_gate = None  # leader again: it connects
        await fake.wait_connected()
    finally:
        await channel.stop()


async def test_long_texts_go_in_numbered_parts_with_mentions_by_name(fake: FakeDingtalk, clock: FakeClock) -> None:
    config = DingtalkAppConfig.model_validate(dingtalk_config(fake))
    people = make_config(people=PEOPLE).people
    channel = DingtalkAppChannel(config, clock, make_config().zone, people)
    try:
        await channel.send_text(B, "\n".join(f"第{i}行 [链接](http://x) **粗**" for i in range(400)), ("liming02",))
        texts = fake.texts_in(B)
        assert len(texts) > 1 and texts[0].startswith("@李明 ") and texts[-1].endswith(f"（{len(texts)}/{len(texts)}）")
        assert all("[" not in t and "**" not in t for t in texts)  # markup in the text made inert
    finally:
        await channel.stop()


async def test_without_the_sdk_start_says_which_extra_to_install(fake, clock, monkeypatch) -> None:
    import sys

    for name in ("dingtalk_stream", "bot.channels.dingtalk_app_stream", "bot.channels.dingtalk_app_inbound"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setitem(sys.modules, "dingtalk_stream", None)  # as if the [chats] extra were missing
    channel = channel_for(fake, clock)
    try:
        with pytest.raises(ConfigError) as info:
            await channel.start(lambda cmd: asyncio.sleep(0, []))
        assert "[chats]" in str(info.value) and channel.stream is None
    finally:
        await channel.stop()


async def test_a_resent_card_keeps_its_id_per_group(fake: FakeDingtalk, clock: FakeClock, store) -> None:
    from tests.test_dingtalk_app_flow import build

    app = await build(fake, store, clock)
    try:
        inc = await new_incident(app, clock)
        channel = app.channels["dingtalk_app"]
        again = await channel.send_incident(A, inc)  # e.g. the outbox resending after a timeout
        ids = {c.biz_id for c in fake.cards.values()}
        assert again in ids and len(ids) == 2  # the same card in A (updated, not duplicated), another in B
        assert await channel.chat_of_card(again) == A
    finally:
        await app.http.aclose()
        await app.channels["dingtalk_app"].stop()


async def test_a_message_reaching_a_stepped_down_leader_is_left_unacked(fake: FakeDingtalk, clock: FakeClock) -> None:
    channel = channel_for(fake, clock)
    seen: list[Command] = []

    async def on_command(cmd: Command) -> list[str]:
        seen.append(cmd)
        return []

    def gate() -> None:
        raise NotLeader("term over")

    try:
        await channel.start(on_command)
        await fake.wait_connected()
        channel.send_gate = gate
        mid = await fake.message(A, "liming02", "列表")
        await fake.wait(lambda: fake.connections == 0)  # it let go of the stream
        assert mid not in fake.acks and not seen  # unacked: DingTalk delivers it again, to the leader
    finally:
        await channel.stop()
