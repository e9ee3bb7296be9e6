"""钉钉自定义机器人 with 加签, through the real httpx client against the local fake (tests/fake_robots.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.channels.robot_dingtalk import dingtalk_sign
from bot.models import Tier
from bot.store.base import Store
from tests.fake_robots import FakeRobots
from tests.robot_rig import new_incident, start_app, stop_app

TOKEN, SECRET = "b1a2c3d4e5f6a7b8c9d0e1f2a3b4c5d6", "SEC0123456789abcdef0123456789abcdef"


@pytest.fixture
def store(tinydb_store: Store) -> Store:
    return tinydb_store


@pytest.fixture
async def fake() -> AsyncIterator[FakeRobots]:
    robots = FakeRobots(dingtalk={TOKEN: SECRET})
    await robots.start()
    yield robots
    await robots.stop()


def dingtalk(fake: FakeRobots, secret: str = SECRET) -> dict:
    url = f"{fake.base}/robot/send?access_token={TOKEN}"
    return {"kind": "dingtalk", "name": "领导群", "webhook": url, "secret": secret, "role": "leaders"}


def test_signature_matches_the_documented_example():
    # HMAC-SHA256(key=secret, "<ts>\n<secret>") in base64, computed independently of the module
    import base64
    import hashlib
    import hmac

    want = base64.b64encode(hmac.new(b"SECabc", b"1700000000000\nSECabc", hashlib.sha256).digest()).decode()
    assert dingtalk_sign("SECabc", 1700000000000) == want


async def test_signed_alert_arrives_as_markdown(store, clock, fake):
    app = await start_app(store, clock, [dingtalk(fake)])
    try:
        inc = await new_incident(app, clock, Tier.I)
        await app.delivery.run_once()
        [alert] = fake.of("dingtalk")  # the fake verified the signature, or it would have refused
        assert alert.body["msgtype"] == "markdown"
        assert inc.number in alert.body["markdown"]["title"] and inc.title in alert.body["markdown"]["text"]
        first = alert.body["markdown"]["text"].split("  \n")[0]
        assert first.startswith("### ") and f"【I 特别重大】{inc.number}" in first
    finally:
        await stop_app(app)


async def test_mentions_go_in_the_text_and_the_at_block(store, clock, fake):
    app = await start_app(store, clock, [dingtalk(fake)])
    try:
        await app.channels["dingtalk"].send_text("领导群", "请确认", ("dt_zs", "13800000002"))
        [msg] = fake.of("dingtalk")
        assert msg.body["at"] == {"atMobiles": ["13800000002"], "atUserIds": ["dt_zs"], "isAtAll": False}
        assert msg.body["text"]["content"] == "@dt_zs @13800000002 请确认"
    finally:
        await stop_app(app)


async def test_a_bad_signature_is_reported_and_the_alert_kept(store, clock, fake):
    app = await start_app(store, clock, [dingtalk(fake, secret="SECwrong0000000000000000")])
    try:
        await new_incident(app, clock, Tier.I)
        await app.delivery.run_once()
        assert fake.of("dingtalk") == []
        [waiting] = await store.pending_notifications(clock.now() + timedelta(hours=1))
        assert "310000" in waiting.last_error and "请检查 webhook 与 secret" in waiting.last_error
        assert TOKEN not in waiting.last_error
    finally:
        await stop_app(app)


async def test_send_too_fast_waits_ten_minutes(store, clock, fake):
    app = await start_app(store, clock, [dingtalk(fake)])
    try:
        fake.throttle_next = 1
        inc = await new_incident(app, clock, Tier.I)
        await app.delivery.run_once()
        [waiting] = await store.pending_notifications(clock.now() + timedelta(hours=1))
        assert "130101" in waiting.last_error and waiting.next_attempt_at == clock.now() + timedelta(minutes=10)
        clock.advance(timedelta(minutes=9))
        await app.delivery.run_once()
        assert fake.attempts == 1
        clock.advance(timedelta(minutes=1, seconds=1))
        await app.delivery.run_once()
        assert [inc.number in r.body["markdown"]["title"] for r in fake.of("dingtalk")] == [True]
    finally:
        await stop_app(app)


async def test_server_down_then_back_loses_nothing(store, clock, fake):
    app = await start_app(store, clock, [dingtalk(fake)])
    try:
        await fake.stop()
        inc = await new_incident(app, clock, Tier.II)
        await app.delivery.run_once()
        assert len(await store.pending_notifications(clock.now() + timedelta(hours=1))) == 1
        await fake.start()
        clock.advance(timedelta(minutes=2))
        await app.delivery.run_once()
        assert [inc.number in r.body["markdown"]["title"] for r in fake.of("dingtalk")] == [True]
    finally:
        await stop_app(app)
