"""Pictures and files to group robots: on WeCom the chart as an image (base64 + md5, ≤ 2 MB) and a .docx
uploaded then sent as a file (≤ 20 MB); DingTalk and Feishu custom robots cannot upload: a note.

Real httpx against tests/fake_robots.py, which checks the md5, the sizes and the media_id as the platform does.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.briefing.files import queue_file
from bot.briefing.schedule import send_scheduled_briefing
from bot.models import NoticeKind, Target
from bot.store.base import Store
from tests.fake_robots import FakeRobots
from tests.robot_rig import start_app, stop_app

KEY = "5c1b9c5e-1d2f-4a7b-9e3c-wecomimagekey"
DT_TOKEN = "dingtalk-access-token-for-images"
FS_TOKEN = "feishu-hook-token-for-images-0001"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


@pytest.fixture
def store(tinydb_store: Store) -> Store:
    return tinydb_store


@pytest.fixture
async def fake() -> AsyncIterator[FakeRobots]:
    robots = FakeRobots(wecom_keys={KEY}, dingtalk={DT_TOKEN: ""}, feishu={FS_TOKEN: ""})
    await robots.start()
    yield robots
    await robots.stop()


def robots(fake: FakeRobots) -> list[dict]:
    return [
        {"kind": "wecom", "name": "值班群", "webhook": f"{fake.base}/cgi-bin/webhook/send?key={KEY}"},
        {"kind": "dingtalk", "name": "钉钉群", "webhook": f"{fake.base}/robot/send?access_token={DT_TOKEN}"},
        {"kind": "feishu", "name": "飞书群", "webhook": f"{fake.base}/open-apis/bot/v2/hook/{FS_TOKEN}"},
    ]


async def queue_picture(app, data: bytes, name: str = "chart.png") -> None:
    targets = [Target("wecom", "值班群"), Target("dingtalk", "钉钉群"), Target("feishu", "飞书群")]
    await queue_file(app.services, targets, data, name, "📊 舆情趋势图", NoticeKind.PHOTO, "t")


async def test_scheduled_briefing_chart_reaches_wecom_as_an_image(store, clock, fake):
    app = await start_app(store, clock, robots(fake)[:1])
    try:
        assert await send_scheduled_briefing(app.services, "08:00")
        await app.delivery.run_once()
        kinds = [r.body["msgtype"] for r in fake.of("wecom")]
        assert kinds[0] == "text" and kinds[-1] == "image"  # the text, then the chart
        image = fake.of("wecom")[-1].body["image"]
        data = base64.b64decode(image["base64"])
        assert data.startswith(b"\x89PNG") and image["md5"] == hashlib.md5(data, usedforsecurity=False).hexdigest()
        assert await store.pending_notifications(clock.now() + timedelta(hours=1)) == []
    finally:
        await stop_app(app)


async def test_dingtalk_and_feishu_robots_get_the_caption_with_a_note(store, clock, fake):
    app = await start_app(store, clock, robots(fake))
    try:
        await queue_picture(app, PNG)
        await app.delivery.run_once()
        [wecom] = fake.of("wecom")
        assert base64.b64decode(wecom.body["image"]["base64"]) == PNG
        [dingtalk] = fake.of("dingtalk")
        [feishu] = fake.of("feishu")
        assert (
            "舆情趋势图" in dingtalk.body["text"]["content"] and "无法在此渠道发送" in dingtalk.body["text"]["content"]
        )
        assert "舆情趋势图" in feishu.body["content"]["text"] and "无法在此渠道发送" in feishu.body["content"]["text"]
    finally:
        await stop_app(app)


async def test_a_picture_over_two_megabytes_goes_as_a_note_not_an_error(store, clock, fake):
    app = await start_app(store, clock, robots(fake)[:1])
    try:
        await queue_picture(app, PNG[:8] + b"\0" * (2 * 1024 * 1024))
        await app.delivery.run_once()
        [note] = fake.of("wecom")
        assert note.body["msgtype"] == "text" and "超过企业微信群机器人 2 MB 上限" in note.body["text"]["content"]
        assert await store.pending_notifications(clock.now() + timedelta(hours=1)) == []
    finally:
        await stop_app(app)


async def test_exactly_two_megabytes_is_still_an_image(store, clock, fake):
    app = await start_app(store, clock, robots(fake)[:1])
    try:
        data = PNG[:8] + b"\1" * (2 * 1024 * 1024 - 8)
        await app.channels["wecom"].send_file("值班群", data, "big.png", "图", "photo")
        [image] = fake.of("wecom")
        assert image.body["msgtype"] == "image"  # the fake refuses 40009 above 2 MB
    finally:
        await stop_app(app)


async def test_a_document_is_uploaded_and_sent_as_a_file_on_wecom_and_a_note_elsewhere(store, clock, fake):
    app = await start_app(store, clock, robots(fake))
    try:
        docx = b"PK\3\4" + b"word/document.xml" * 100
        targets = [Target("wecom", "值班群"), Target("dingtalk", "钉钉群"), Target("feishu", "飞书群")]
        await queue_file(app.services, targets, docx, "舆情日报-20261125.docx", "📎 舆情日报", NoticeKind.DOCUMENT, "d")
        await app.delivery.run_once()
        [sent] = fake.of("wecom")
        assert sent.body["msgtype"] == "file"
        assert fake.uploads[sent.body["file"]["media_id"]] == ("舆情日报-20261125.docx", docx)
        [dingtalk] = fake.of("dingtalk")
        assert "舆情日报-20261125.docx" in dingtalk.body["text"]["content"]  # no upload for custom robots
        assert await store.pending_notifications(clock.now() + timedelta(hours=1)) == []
    finally:
        await stop_app(app)


async def test_a_throttled_upload_waits_in_the_outbox(store, clock, fake):
    app = await start_app(store, clock, robots(fake)[:1])
    try:
        fake.throttle_next = 1
        await queue_file(
            app.services, [Target("wecom", "值班群")], b"PK\3\4docx", "a.docx", "📎", NoticeKind.DOCUMENT, "d"
        )
        await app.delivery.run_once()
        [waiting] = await store.pending_notifications(clock.now() + timedelta(hours=1))
        assert "45009" in waiting.last_error and fake.uploads == {}
        clock.advance(timedelta(seconds=61))
        await app.delivery.run_once()
        assert [r.body["msgtype"] for r in fake.of("wecom")] == ["file"]
    finally:
        await stop_app(app)


async def test_a_file_over_twenty_megabytes_goes_as_a_note(store, clock, fake):
    app = await start_app(store, clock, robots(fake)[:1])
    try:
        await app.channels["wecom"].send_file("值班群", b"\0" * (20 * 1024 * 1024 + 1), "big.docx", "📎 大文件")
        [note] = fake.of("wecom")
        assert note.body["msgtype"] == "text" and "超过企业微信群机器人 20 MB 上限" in note.body["text"]["content"]
        assert fake.uploads == {}
    finally:
        await stop_app(app)


def test_upload_address_follows_the_webhook():
    from pydantic import SecretStr

    from bot.channels.robot_wecom import upload_url
    from bot.config import RobotConfig

    robot = RobotConfig(
        kind="wecom", name="a", webhook=SecretStr("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K1")
    )
    assert upload_url(robot) == "https://qyapi.weixin.qq.com/cgi-bin/webhook/upload_media?key=K1&type=file"
