"""飞书自定义机器人 with 签名校验, through the real httpx client against the local fake (tests/fake_robots.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.channels.robot_feishu import feishu_sign
from bot.models import Tier
from bot.store.base import Store
from tests.fake_robots import FakeRobots
from tests.robot_rig import new_incident, start_app, stop_app

TOKEN, SECRET = "2c1b9f0e-8d7a-4c6b-a5e4-3f2d1c0b9a87", "fsSecret0123456789abcd"


@pytest.fixture
def store(tinydb_store: Store) -> Store:
    return tinydb_store


@pytest.fixture
async def fake() -> AsyncIterator[FakeRobots]:
    robots = FakeRobots(feishu={TOKEN: SECRET})
    await robots.start()
    yield robots
    await robots.stop()


def feishu(fake: FakeRobots, secret: str = SECRET) -> dict:
    return {
        "kind": "feishu",
        "name": "舆情群",
        "webhook": f"{fake.base}/open-apis/bot/v2/hook/{TOKEN}",
        "secret": secret,
    }


def test_signature_uses_the_joined_string_as_key():
    want = base64.b64encode(hmac.new(b"1700000000\nabc", b"", hashlib.sha256).digest()).decode()
    assert feishu_sign("abc", 1700000000) == want


async def test_signed_alert_arrives_as_an_interactive_card(store, clock, fake):
    app = await start_app(store, clock, [feishu(fake)])
    try:
        inc = await new_incident(app, clock, Tier.I)
        await app.delivery.run_once()
        [alert] = fake.of("feishu")  # signature verified by the fake
        card = alert.body["card"]
        assert alert.body["msg_type"] == "interactive" and card["header"]["template"] == "red"
        assert inc.number in card["header"]["title"]["content"] and inc.title in card["elements"][0]["content"]
    finally:
        await stop_app(app)


async def test_mention_by_open_id(store, clock, fake):
    app = await start_app(store, clock, [feishu(fake)])
    try:
        await app.channels["feishu"].send_text("舆情群", '请确认 <at user_id="all"></at>', ("ou_zhangsan",))
        [msg] = fake.of("feishu")
        assert msg.body["content"]["text"] == '<at user_id="ou_zhangsan"></at> 请确认 ＜at user_id="all"＞＜/at＞'
    finally:
        await stop_app(app)


async def test_a_long_alert_stays_within_twenty_kilobytes(store, clock, fake):
    app = await start_app(store, clock, [feishu(fake)])
    try:
        text = "\n".join(f"第{i}条：江城化工集团仓库爆炸事件进展，现场已经得到控制。🔥" for i in range(800))
        await app.channels["feishu"].send_text("舆情群", text)
        bodies = [json.dumps(r.body, ensure_ascii=False).encode() for r in fake.of("feishu")]
        assert len(bodies) >= 2 and all(len(b) <= 20 * 1024 for b in bodies)  # the fake refuses more
        assert "第799条" in fake.of("feishu")[-1].body["content"]["text"]
    finally:
        await stop_app(app)


async def test_a_bad_signature_is_reported_and_the_alert_kept(store, clock, fake):
    app = await start_app(store, clock, [feishu(fake, secret="wrongSecret000000")])
    try:
        await new_incident(app, clock, Tier.I)
        await app.delivery.run_once()
        assert fake.of("feishu") == []
        [waiting] = await store.pending_notifications(clock.now() + timedelta(hours=1))
        assert "19021" in waiting.last_error and TOKEN not in waiting.last_error
    finally:
        await stop_app(app)


async def test_frequency_limited_waits_then_sends(store, clock, fake):
    app = await start_app(store, clock, [feishu(fake)])
    try:
        fake.throttle_next = 1
        inc = await new_incident(app, clock, Tier.II)
        await app.delivery.run_once()
        [waiting] = await store.pending_notifications(clock.now() + timedelta(hours=1))
        assert "11232" in waiting.last_error and waiting.next_attempt_at == clock.now() + timedelta(seconds=60)
        clock.advance(timedelta(seconds=61))
        await app.delivery.run_once()
        assert [inc.number in r.body["card"]["header"]["title"]["content"] for r in fake.of("feishu")] == [True]
    finally:
        await stop_app(app)


async def test_server_down_then_back_loses_nothing(store, clock, fake):
    app = await start_app(store, clock, [feishu(fake)])
    try:
        await fake.stop()
        inc = await new_incident(app, clock, Tier.I)
        await app.delivery.run_once()
        assert len(await store.pending_notifications(clock.now() + timedelta(hours=1))) == 1
        await fake.start()
        clock.advance(timedelta(minutes=2))
        await app.delivery.run_once()
        assert [inc.number in r.body["card"]["header"]["title"]["content"] for r in fake.of("feishu")] == [True]
    finally:
        await stop_app(app)
