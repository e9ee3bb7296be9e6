"""The briefing reaches chats through the real outbox: text, then the chart as a photo.

Telegram is the real python-telegram-bot client against the local fake Bot API;
the console channel saves files under data/outbox/.
"""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import build_app
from bot.briefing import send_scheduled_briefing
from bot.briefing.files import file_notification, queue_file
from bot.channels.telegram_limits import Limits
from bot.clock import FakeClock
from bot.delivery import Delivery
from bot.models import NoticeKind, Target
from tests.briefing_scenario import NOW, PEOPLE, fill
from tests.conftest import make_config
from tests.fake_bot_api import FakeBotApi

LEADERS, MONITORS = -1001, -1002


async def telegram_app(api: FakeBotApi, store, tmp_path: Path):
    telegram = {
        "enabled": True,
        "token": api.token,
        "base_url": api.base_url,
        "base_file_url": api.base_file_url,
        "chats": [{"id": str(LEADERS), "name": "领导小组"}, {"id": str(MONITORS), "name": "监测组"}],
    }
    config = make_config(
        people=PEOPLE,
        chats={"console": {"enabled": False}, "telegram": telegram},
        briefing={"chats": [str(LEADERS)], "files_dir": str(tmp_path / "files")},
    )
    await fill(store)
    app = await build_app(config, store, FakeClock(NOW), console_out=io.StringIO())
    app.channels["telegram"].limiter.limits = Limits.unlimited()  # type: ignore[attr-defined]
    return app


def upload_name(call) -> str:
    """The uploaded file's name (the fake closes the upload's body once the request ends)."""
    return call.params["photo"].filename


async def test_briefing_text_then_chart_photo_on_telegram(api: FakeBotApi, store, tmp_path: Path) -> None:
    app = await telegram_app(api, store, tmp_path)
    try:
        assert await send_scheduled_briefing(app.services, "08:00") is True
        await app.delivery.run_once()
        sent = [(c.method, c.chat_id) for c in api.requests() if c.method in ("sendMessage", "sendPhoto")]
        assert sent == [("sendMessage", str(LEADERS)), ("sendPhoto", str(LEADERS))]  # only the configured chat
        (text,) = [c.params["text"] for c in api.requests("sendMessage")]
        assert text.startswith("📰 舆情晨报 11月26日 08:00")
        assert "【未办结】4 条，其中超时 1 条" in text
        (photo,) = api.requests("sendPhoto")
        assert photo.params["caption"] == "📊 舆情趋势图"
        assert upload_name(photo) == "briefing-20261126-0800.png"
        queued = await store.get_notification(f"photo:briefing:20261126:08:00:telegram:{LEADERS}")
        assert (await store.get_file(queued.file))[:8] == b"\x89PNG\r\n\x1a\n"
        assert await store.pending_notifications(NOW) == []
    finally:
        await app.http.aclose()


async def test_text_stands_alone_when_the_picture_fails(api: FakeBotApi, store, tmp_path: Path) -> None:
    app = await telegram_app(api, store, tmp_path)
    try:
        api.fail("sendPhoto", "bad_request", description="IMAGE_PROCESS_FAILED")
        assert await send_scheduled_briefing(app.services, "08:00") is True
        await app.delivery.run_once()
        assert [c.status for c in api.requests("sendMessage")] == [200]
        assert [c.status for c in api.requests("sendPhoto")] == [400]
        photo = await store.get_notification(f"photo:briefing:20261126:08:00:telegram:{LEADERS}")
        assert photo is not None and photo.sent_at is not None and photo.last_error.startswith("放弃")
    finally:
        await app.http.aclose()


async def test_console_saves_queued_document_and_missing_file_is_given_up(
    store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    config = make_config(people=PEOPLE, briefing={"files_dir": "files"})
    out = io.StringIO()
    app = await build_app(config, store, FakeClock(NOW), console_out=out)
    delivery: Delivery = app.delivery
    console = Target("console", "console")
    await queue_file(app.services, [console], b"PK\x03\x04docx", "舆情专报.docx", "📎 专报", NoticeKind.DOCUMENT, "k1")
    # Queued before files lived in the store: a path, and the file is gone from this disk.
    gone = file_notification(
        console, str(tmp_path / "files" / "gone.docx"), "📎 另一份", NoticeKind.DOCUMENT, "k2", NOW
    )
    await store.enqueue([gone])
    assert await delivery.run_once() == 1  # the second is given up, not sent
    assert await store.pending_notifications(NOW) == []
    assert (tmp_path / "data" / "outbox" / "舆情专报.docx").read_bytes() == b"PK\x03\x04docx"
    assert "📎 专报" in out.getvalue()
    lost = await store.get_notification("document:k2:console:console")
    assert lost is not None and "gone.docx 无法读取" in lost.last_error
    await app.http.aclose()


def test_old_files_are_pruned(tmp_path: Path) -> None:
    import os

    from bot.briefing.files import prune_files

    old, fresh = tmp_path / "old.png", tmp_path / "fresh.png"
    old.write_bytes(b"x")
    fresh.write_bytes(b"y")
    month_ago = (NOW - timedelta(days=31)).timestamp()
    os.utime(old, (month_ago, month_ago))
    os.utime(fresh, (NOW.timestamp(), NOW.timestamp()))
    assert prune_files(tmp_path, NOW) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["fresh.png"]


async def test_brief_document_on_telegram(api: FakeBotApi, store, tmp_path: Path) -> None:
    from bot.models import Command

    app = await telegram_app(api, store, tmp_path)
    try:
        ask = Command("telegram", "2", str(MONITORS), "brief", ("YQ-20261125-0001", "文档"), message_id="41")
        replies = await app.dispatcher.handle(ask)
        assert replies[0].startswith("📑 舆情专报 YQ-20261125-0001")
        assert await app.delivery.run_once() == 0  # held back until the text reply is out
        app.services.clock.advance(timedelta(seconds=2))  # type: ignore[attr-defined]
        assert await app.delivery.run_once() == 1
        (doc,) = api.requests("sendDocument")
        assert doc.chat_id == str(MONITORS)
        assert doc.params["document"].filename == "舆情专报-YQ-20261125-0001.docx"
        assert doc.params["caption"] == "📎 舆情专报 YQ-20261125-0001"
    finally:
        await app.http.aclose()
