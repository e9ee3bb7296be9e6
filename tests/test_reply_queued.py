"""A command reply the platform refuses for now waits in the outbox; the person who typed the command gets it.

WeChat with the real wechaty client against the local fake puppet, Telegram
with the real python-telegram-bot against the local fake Bot API; the app is
wired by bot.app.build_app, so the channels' hook is the real outbox.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

from bot.app import App, build_app
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_limits import Limits, RateLimiter
from bot.channels.wechat import WechatChannel
from bot.clock import FakeClock
from bot.models import Notification
from bot.store.base import Store
from tests.conftest import make_config
from tests.fake_bot_api import FakeBotApi
from tests.telegram_html import html_to_text
from tests.wechat_rig import started_puppet, wechat_chat

if TYPE_CHECKING:
    from tests.fake_puppet import FakePuppet

ROOM, ZHANG = "leaders@chatroom", "wxid_zhangsan"
TG_CHAT, MONITOR = -1001, 2


@pytest.fixture
def store(tinydb_store: Store) -> Store:
    """TinyDB only: these tests are about the channels and the outbox worker, not the store."""
    return tinydb_store


async def queued(app: App, note_id: str) -> Notification:
    """The outbox entry for a reply, once the channel has handed it over (which wakes the delivery worker)."""
    await asyncio.wait_for(app.delivery.wake.wait(), 5)
    note = await app.services.store.get_notification(note_id)
    assert note is not None
    return note


# -- WeChat -----------------------------------------------------------------
@pytest.fixture
async def puppet() -> AsyncIterator[FakePuppet]:
    async with started_puppet({ZHANG: "张三"}, ROOM) as fake:
        yield fake


@pytest.fixture
async def wechat_app(store: Store, clock: FakeClock, puppet: FakePuppet, tmp_path: Any) -> AsyncIterator[App]:
    config = make_config(
        people=[{"name": "张三", "role": "leader", "wechat_id": ZHANG}],
        chats={
            "console": {"enabled": False},
            "wechat": wechat_chat(puppet.endpoint, tmp_path, [{"id": ROOM, "name": "舆情领导小组"}]),
        },
    )
    app = await build_app(config, store, clock, console_out=io.StringIO())
    channel = app.channels["wechat"]
    assert isinstance(channel, WechatChannel)
    await channel.start(app.dispatcher.handle)
    puppet.login()
    await asyncio.wait_for(channel.logged_in.wait(), 10)
    app.delivery.wake.clear()  # the login woke the outbox; `queued` waits for the reply's own wake
    yield app
    await channel.stop()
    await app.http.aclose()


async def test_wechat_reply_refused_as_too_frequent_is_sent_by_the_outbox_after_the_pause(
    wechat_app: App, store: Store, clock: FakeClock, puppet: FakePuppet
) -> None:
    puppet.throttle_sends = 1  # WeChat answers the reply with 发送消息过于频繁
    message_id = puppet.say(ROOM, ZHANG, "帮助")
    note = await queued(wechat_app, f"text:reply:{message_id}:wechat:{ROOM}")
    assert puppet.send_attempts == 1 and puppet.sent == []
    assert note.sent_at is None and note.mentions == (ZHANG,) and "确认" in note.text

    assert await wechat_app.delivery.run_once() == 0  # during the pause WeChat is not even asked
    assert puppet.send_attempts == 1
    held = await store.get_notification(note.id)
    assert held.next_attempt_at == clock.now() + timedelta(minutes=2)  # throttle_backoff

    clock.advance(timedelta(minutes=2))
    assert await wechat_app.delivery.run_once() == 1
    [reply] = puppet.sent_to(ROOM)
    assert reply.mention_ids == (ZHANG,) and reply.text == f"@张三\u2005{note.text}"
    assert puppet.send_attempts == 2
    assert (await store.get_notification(note.id)).message_id == reply.message_id


# -- Telegram ----------------------------------------------------------------
@pytest.fixture
async def telegram_app(api: FakeBotApi, store: Store, clock: FakeClock) -> AsyncIterator[App]:
    config = make_config(
        chats={
            "console": {"enabled": False},
            "telegram": {
                "enabled": True,
                "token": api.token,
                "base_url": api.base_url,
                "base_file_url": api.base_file_url,
                "chats": [{"id": str(TG_CHAT), "name": "领导小组"}],
            },
        }
    )
    app = await build_app(config, store, clock, console_out=io.StringIO())
    channel = app.channels["telegram"]
    assert isinstance(channel, TelegramChannel)
    # Unpaced, and a 429's hold runs on the test's clock, so "after the pause" needs no real waiting.
    channel.limiter = RateLimiter(Limits.unlimited(), monotonic=lambda: clock.now().timestamp())
    await channel.start(app.dispatcher.handle)
    yield app
    await channel.stop()
    await app.http.aclose()


async def test_telegram_reply_refused_with_retry_after_is_sent_by_the_outbox_later(
    telegram_app: App, api: FakeBotApi, store: Store, clock: FakeClock
) -> None:
    api.fail("sendMessage", "retry_after", chat_id=TG_CHAT, retry_after=7)
    update = api.queue_update(api.user_message(TG_CHAT, MONITOR, "/help"))
    note = await queued(telegram_app, f"text:reply:{update['message']['message_id']}:telegram:{TG_CHAT}")
    assert [c.status for c in api.requests("sendMessage")] == [429]
    assert note.sent_at is None and note.mentions == (str(MONITOR),) and "/ack" in note.text

    assert await telegram_app.delivery.run_once() == 0  # Telegram said 7 s: the chat is held, not asked
    assert len(api.requests("sendMessage")) == 1
    assert (await store.get_notification(note.id)).next_attempt_at == clock.now() + timedelta(seconds=7)

    clock.advance(timedelta(seconds=8))
    assert await telegram_app.delivery.run_once() == 1
    [reply] = api.sent(TG_CHAT)[1:]  # after the user's own /help
    assert html_to_text(reply["text"]).startswith("@李明 ")  # it no longer quotes the command: it names him
    assert f'<a href="tg://user?id={MONITOR}">' in reply["text"]
    assert note.text.splitlines()[0] in html_to_text(reply["text"])
    assert [c.status for c in api.requests("sendMessage")] == [429, 200]


async def test_telegram_reply_in_a_chat_that_refuses_the_bot_is_dropped_not_queued(
    telegram_app: App, api: FakeBotApi, store: Store, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    api.fail("sendMessage", "forbidden", chat_id=TG_CHAT)  # once: the next reply goes through
    with caplog.at_level(logging.WARNING, logger="bot.channels.base"):
        api.queue_update(api.user_message(TG_CHAT, MONITOR, "/help"))
        api.queue_update(api.user_message(TG_CHAT, MONITOR, "/help"))  # handled after the first
        await api.wait_for("sendMessage")
    assert [c.status for c in api.requests("sendMessage")] == [403, 200]
    [dropped] = caplog.records
    assert "not sent" in dropped.getMessage() and "Forbidden" in dropped.getMessage()
    assert await store.pending_notifications(clock.now() + timedelta(days=1)) == []
    assert not telegram_app.delivery.wake.is_set()
