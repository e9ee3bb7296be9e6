"""企业微信群机器人 through the real httpx client against a local fake webhook (tests/fake_robots.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.channels.robot_base import Pacer, RobotChannel
from bot.models import Status, Tier
from bot.store.base import Store
from tests.fake_robots import FakeRobots
from tests.robot_rig import new_incident, start_app, stop_app

KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"


@pytest.fixture
def store(tinydb_store: Store) -> Store:
    return tinydb_store


@pytest.fixture
async def fake() -> AsyncIterator[FakeRobots]:
    robots = FakeRobots(wecom_keys={KEY})
    await robots.start()
    yield robots
    await robots.stop()


def wecom(fake: FakeRobots, key: str = KEY, **extra: object) -> dict:
    return {"kind": "wecom", "name": "值班群", "webhook": f"{fake.base}/cgi-bin/webhook/send?key={key}", **extra}


async def test_alert_arrives_as_markdown_and_an_update_as_a_short_new_message(store, clock, fake):
    app = await start_app(store, clock, [wecom(fake)])
    try:
        inc = await new_incident(app, clock, Tier.I)
        await app.delivery.run_once()
        [alert] = fake.of("wecom")
        assert alert.body["msgtype"] == "markdown"
        content = alert.body["markdown"]["content"]
        assert f"【I 特别重大】{inc.number}" in content and inc.title in content
        updated = inc.replace(status=Status.ACKNOWLEDGED, acked_by="张三", acked_at=clock.now())
        await app.channels["wecom"].update_incident("值班群", "x", updated)
        line = fake.of("wecom")[-1].body
        assert line["msgtype"] == "text" and line["text"]["content"].startswith(f"更新 {inc.number}")
        assert len(line["text"]["content"].splitlines()) == 1
    finally:
        await stop_app(app)


async def test_mentions_by_userid_and_mobile_never_by_name(store, clock, fake):
    app = await start_app(store, clock, [wecom(fake)])
    try:
        await app.channels["wecom"].send_text("值班群", "请确认", ("zhangsan", "13800000002"))
        [msg] = fake.of("wecom")
        assert msg.body["text"]["mentioned_list"] == ["zhangsan"]
        assert msg.body["text"]["mentioned_mobile_list"] == ["13800000002"]
        people = app.services.people
        assert people.platform_id(people.by_name("张三"), "wecom") == "zhangsan"
        assert people.platform_id(people.by_name("李明"), "wecom") == "13800000002"
        assert people.platform_id(people.by_name("李明"), "feishu") == ""  # no id: no mention, never the name
    finally:
        await stop_app(app)


async def test_scraped_markup_is_made_inert(store, clock, fake):
    app = await start_app(store, clock, [wecom(fake)])
    try:
        await new_incident(app, clock, Tier.I, title="<@all> [点此](http://evil.cn) **紧急**")
        await app.delivery.run_once()
        content = fake.of("wecom")[0].body["markdown"]["content"]
        assert "<@all>" not in content and "[点此]" not in content and "＜@all＞" in content
    finally:
        await stop_app(app)


async def test_long_text_is_split_within_the_byte_limits(store, clock, fake):
    app = await start_app(store, clock, [wecom(fake)])
    try:
        text = "\n".join(f"第{i}条：江城化工集团仓库爆炸事件进展，现场已经得到控制。" for i in range(300))
        await app.channels["wecom"].send_text("值班群", text)
        parts = [r.body["text"]["content"] for r in fake.of("wecom")]
        assert len(parts) > 5 and all(len(p.encode()) <= 2048 for p in parts)  # the fake refuses more
        assert parts[-1].endswith(f"（{len(parts)}/{len(parts)}）")
        assert "第299条" in parts[-1] and "第0条" in parts[0]
    finally:
        await stop_app(app)


async def test_throttle_45009_waits_in_the_outbox_and_is_sent_after(store, clock, fake):
    app = await start_app(store, clock, [wecom(fake)])
    try:
        fake.throttle_next = 1
        inc = await new_incident(app, clock, Tier.I)
        await app.delivery.run_once()
        assert fake.attempts == 1 and fake.of("wecom") == []
        [waiting] = await store.pending_notifications(clock.now() + timedelta(hours=1))
        assert "45009" in waiting.last_error and waiting.next_attempt_at == clock.now() + timedelta(seconds=60)
        clock.advance(timedelta(seconds=30))
        await app.delivery.run_once()
        assert fake.attempts == 1  # honoured: nothing tried before the minute is up
        clock.advance(timedelta(seconds=31))
        await app.delivery.run_once()
        assert [inc.number in r.body["markdown"]["content"] for r in fake.of("wecom")] == [True]
    finally:
        await stop_app(app)


async def test_server_down_then_back_loses_nothing(store, clock, fake):
    app = await start_app(store, clock, [wecom(fake)])
    try:
        await fake.stop()
        inc = await new_incident(app, clock, Tier.I)
        await app.delivery.run_once()
        [waiting] = await store.pending_notifications(clock.now() + timedelta(hours=1))
        assert "连接失败" in waiting.last_error and KEY not in waiting.last_error  # the key is a secret
        await fake.start()  # same port
        clock.advance(timedelta(minutes=2))
        await app.delivery.run_once()
        assert [inc.number in r.body["markdown"]["content"] for r in fake.of("wecom")] == [True]
        assert await store.pending_notifications(clock.now() + timedelta(hours=1)) == []
    finally:
        await stop_app(app)


async def test_a_wrong_key_is_reported_and_the_alert_kept(store, clock, fake):
    app = await start_app(store, clock, [wecom(fake, key="wrong-key-123")])
    try:
        await new_incident(app, clock, Tier.I)
        await app.delivery.run_once()
        [waiting] = await store.pending_notifications(clock.now() + timedelta(hours=1))
        assert "93000" in waiting.last_error and "请检查 webhook" in waiting.last_error
    finally:
        await stop_app(app)


def test_pacer_keeps_each_robot_within_twenty_a_minute():
    now = [1000.0]
    pacer = Pacer(((20, 60.0),), monotonic=lambda: now[0])
    delays = [pacer.reserve("a") for _ in range(45)]
    assert delays[:20] == [0.0] * 20 and delays[20] == 60.0 and delays[40] == 120.0
    assert pacer.reserve("b") == 0.0  # another robot is not slowed
    booked = sorted(1000.0 + d for d in delays)
    assert all(sum(1 for t in booked if start <= t < start + 60) <= 20 for start in booked)


def test_feishu_style_two_windows():
    now = [0.0]
    pacer = Pacer(((100, 60.0), (5, 1.0)), monotonic=lambda: now[0])
    delays = [pacer.reserve("a") for _ in range(12)]
    assert delays == [0.0] * 5 + [1.0] * 5 + [2.0] * 2


def test_split_helper_respects_limit():
    text = "爆" * 5000
    parts = RobotChannel.parts(text, 4096)
    assert all(len(p.encode()) <= 4096 for p in parts) and "".join(p.split("\n（")[0] for p in parts) == text
