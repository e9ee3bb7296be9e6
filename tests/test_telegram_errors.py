"""Telegram's error answers through the real client: 429, migration, 403, 400, long texts, topics, files."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.analysis.judgement import Judgement
from bot.app import App, build_app
from bot.channels.base import DeliveryError
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_limits import Limits, RateLimiter
from bot.channels.telegram_session import TokenRejected
from bot.clock import FakeClock
from bot.config import TelegramConfig
from bot.disabled_chats import disable, enable, is_disabled
from bot.models import ActionKind, Actor, Hit, Incident, Item, Match, Sentiment, Tier
from bot.store.base import Store
from tests.conftest import make_config
from tests.fake_bot_api import FakeBotApi
from tests.telegram_html import html_to_text

A, B, NEW_A = -1001, -1002, -1003


@pytest.fixture
def store(tinydb_store: Store) -> Store:
    """TinyDB only: these tests are about the channels, not the store."""
    return tinydb_store


@pytest.fixture
async def app(api: FakeBotApi, store: Store, clock: FakeClock) -> AsyncIterator[App]:
    built = await make_app(api, store, clock)
    yield built
    await built.channels["telegram"].stop()
    await built.http.aclose()


async def make_app(api: FakeBotApi, store: Store, clock: FakeClock, **telegram: Any) -> App:
    chats = [
        {"id": str(A), "name": "领导小组", "role": "leaders"},
        {"id": str(B), "name": "监测组", "role": "monitors"},
    ]
    config = make_config(
        chats={
            "console": {"enabled": False},
            "telegram": {"enabled": True, "token": api.token, "base_url": api.base_url, "chats": chats, **telegram},
        }
    )
    built = await build_app(config, store, clock, console_out=io.StringIO())
    channel(built).limiter.limits = Limits.unlimited()
    return built


def channel(app: App) -> TelegramChannel:
    tg = app.channels["telegram"]
    assert isinstance(tg, TelegramChannel)
    return tg


async def create(app: App, clock: FakeClock, title: str = "江城建工集团欠薪 农民工讨薪") -> Incident:
    item = Item("news", "https://news.example.cn/b", title, fetched_at=clock.now())
    match = Match("国资委", (Hit("欠薪", "event", "title", 6, 8, 3),), 3)
    return await app.services.incidents.create(item, Judgement(match, Sentiment(), Tier.II, "欠薪"), clock.now())


async def test_retry_after_holds_back_that_chat_only(app: App, api: FakeBotApi, clock: FakeClock) -> None:
    api.fail("sendMessage", "retry_after", chat_id=A, retry_after=7)
    inc = await create(app, clock)
    await app.delivery.run_once()
    notes = {n.target: n for n in await app.services.store.pending_notifications(clock.now() + timedelta(days=1))}
    assert f"telegram:{A}" in notes and notes[f"telegram:{A}"].next_attempt_at == clock.now() + timedelta(seconds=7)
    assert len(api.sent(B)) == 1  # the other chat got its alert at once
    assert channel(app).limiter.blocked_for(str(A)) > 6 and channel(app).limiter.blocked_for(str(B)) == 0
    with pytest.raises(DeliveryError) as held:  # a reply meanwhile fails fast instead of queueing
        await channel(app).send_text(str(A), "回复")
    assert held.value.retry_after and held.value.retry_after > 6
    clock.advance(timedelta(seconds=8))
    channel(app).limiter = RateLimiter(Limits.unlimited())  # its block runs on real time: skip the 7 s
    await app.delivery.run_once()
    assert inc.number in html_to_text(api.sent(A)[0]["text"])


async def test_migrated_group_is_followed_and_remembered(api: FakeBotApi, store: Store, clock: FakeClock) -> None:
    app = await make_app(api, store, clock)
    api.fail("sendMessage", "migrate", chat_id=A, new_chat_id=NEW_A)
    inc = await create(app, clock)
    await app.delivery.run_once()
    assert len(api.sent(NEW_A)) == 1 and not api.sent(A)
    assert await store.get_meta(f"telegram:moved:{A}") == str(NEW_A)
    refs = await store.message_refs(inc.number)
    assert f"telegram:{A}" in {r.target for r in refs}  # the core keeps the configured id
    await channel(app).stop()
    # A restarted bot reads the move from the store: commands from the new id count as the configured chat.
    again = await make_app(api, store, clock)
    await channel(again).start(again.dispatcher.handle)
    try:
        (mid,) = [m["message_id"] for m in api.sent(NEW_A)]
        api.queue_update(api.press(NEW_A, 2, mid, f"a|{inc.number}"))
        (answer,) = await api.wait_for("answerCallbackQuery")
        assert "已由李明确认" in answer.params["text"]
        await again.delivery.run_once()
        assert api.message(NEW_A, mid).get("edits") == 1
    finally:
        await channel(again).stop()
        await again.http.aclose()
        await app.http.aclose()


async def test_kicked_bot_disables_chat_and_tells_monitors(app: App, api: FakeBotApi, clock: FakeClock) -> None:
    api.fail("sendMessage", "forbidden", chat_id=A, times=5)
    await create(app, clock)
    await app.delivery.run_once()
    store = app.services.store
    assert await is_disabled(store, f"telegram:{A}")
    await app.delivery.run_once()
    notice = [m for m in api.sent(B) if "无法在" in m["text"]]
    assert len(notice) == 1 and "领导小组" in notice[0]["text"]
    await create(app, clock, "江城化工集团 第二起投诉")
    before = len(api.requests("sendMessage"))
    await app.delivery.run_once()
    assert [c.chat_id for c in api.requests("sendMessage")[before:]] == [str(B)]  # no more tries in the kicked chat


async def test_kicked_again_after_coming_back_tells_again(app: App, clock: FakeClock) -> None:
    store, chats = app.services.store, app.config.chats
    assert await disable(store, chats, f"telegram:{A}", "kicked", clock.now())
    assert not await disable(store, chats, f"telegram:{A}", "kicked", clock.now())  # one notice per episode
    await enable(store, f"telegram:{A}")
    clock.advance(timedelta(hours=1))
    assert await disable(store, chats, f"telegram:{A}", "kicked", clock.now())
    notices = await store.pending_notifications(clock.now())
    assert [n.target for n in notices] == [f"telegram:{B}", f"telegram:{B}"]


async def test_bot_added_back_enables_chat(app: App, api: FakeBotApi, clock: FakeClock) -> None:
    store = app.services.store
    await store.set_meta(f"chat_disabled:telegram:{A}", {"reason": "kicked"})
    await channel(app).start(app.dispatcher.handle)
    bot = {"id": api.bot_id, "is_bot": True, "first_name": "bot"}
    api.queue_update(
        {
            "my_chat_member": {
                "chat": api.chat(A),
                "from": api.user(1),
                "date": 1_764_000_000,
                "old_chat_member": {"status": "left", "user": bot},
                "new_chat_member": {"status": "member", "user": bot},
            }
        }
    )
    api.queue_update(api.user_message(A, 1, "/help"))  # processed after the membership change
    await api.wait_for("sendMessage", chat_id=A)
    assert not await is_disabled(store, f"telegram:{A}")


async def test_bad_request_is_not_retried(app: App, api: FakeBotApi) -> None:
    api.fail("sendMessage", "bad_request", chat_id=A)
    with pytest.raises(DeliveryError) as info:
        await channel(app).send_text(str(A), "测试")
    assert not info.value.retry and not info.value.disabled


async def test_server_error_is_retried(app: App, api: FakeBotApi) -> None:
    api.fail("sendMessage", "server", chat_id=A)
    with pytest.raises(DeliveryError) as info:
        await channel(app).send_text(str(A), "测试")
    assert info.value.retry


async def test_long_alert_is_split_and_every_part_accepted(app: App, api: FakeBotApi, clock: FakeClock) -> None:
    title = "江城建工集团欠薪<风波>&" * 700  # ~9,800 characters of scraped text
    inc = await create(app, clock, title)
    await app.delivery.run_once()
    parts = [html_to_text(m["text"]) for m in api.sent(A)]
    assert len(parts) >= 3 and all(len(p) <= 4096 for p in parts)
    assert "".join(parts).count("<风波>") == 700 and parts[0].startswith("🟠")
    first = api.sent(A)[0]
    assert first.get("reply_markup") and all("reply_markup" not in m for m in api.sent(A)[1:])
    await app.services.incidents.act(inc.number, ActionKind.ACK, Actor("telegram", "2", "李明"), clock.now())
    await app.delivery.run_once()
    assert "已确认" in api.message(A, first["message_id"])["text"]


async def test_a_lost_later_part_does_not_resend_the_alert(app: App, api: FakeBotApi) -> None:
    api.fail("sendMessage", "server", chat_id=A, after=1)
    first = await channel(app).post_html(str(A), ["<b>告警</b>", "第二部分", "第三部分"])
    assert first == str(api.sent(A)[0]["message_id"]) and len(api.sent(A)) == 1


async def test_unchanged_edit_counts_as_done(app: App, api: FakeBotApi, clock: FakeClock) -> None:
    inc = await create(app, clock)
    await app.delivery.run_once()
    mid = api.sent(A)[0]["message_id"]
    stored = await app.services.store.get_incident(inc.number)
    assert stored is not None
    await channel(app).update_incident(str(A), str(mid), stored)  # same text and buttons: "not modified"
    assert api.requests("editMessageText")[-1].status == 400


async def test_forum_topic_per_incident(api: FakeBotApi, store: Store, clock: FakeClock) -> None:
    api.forums.add(str(A))
    app = await make_app(api, store, clock, forum_topics=True)
    try:
        inc = await create(app, clock)
        await app.delivery.run_once()
        (topic,) = [c for c in api.requests("createForumTopic") if c.status == 200]
        assert topic.chat_id == str(A) and inc.number in topic.params["name"]
        (alert,) = api.sent(A)
        assert alert["message_thread_id"] == api.topics[topic.params["name"]]
        assert "message_thread_id" not in api.sent(B)[0]  # B is no forum: main chat, asked once
        await create(app, clock, "江城化工集团 第二起投诉")
        await app.delivery.run_once()
        assert [c.chat_id for c in api.requests("createForumTopic")].count(str(B)) == 1
    finally:
        await app.http.aclose()


async def test_files_and_long_captions(app: App, api: FakeBotApi) -> None:
    tg = channel(app)
    await tg.send_file(str(A), b"%PDF-1.4 fake", "简报.pdf", "今日简报")
    await tg.send_file(str(A), b"\x89PNG fake", "chart.png", "趋势图" * 400, kind="photo")
    assert [c.method for c in api.requests()][:3] == ["sendDocument", "sendPhoto", "sendMessage"]
    assert len(api.requests("sendPhoto")[0].params["caption"]) == 1024


async def test_unreachable_at_start_keeps_trying_in_the_background(app: App, api: FakeBotApi) -> None:
    api.fail("getMe", "server", times=2)
    tg = channel(app)
    tg.reconnect_delay = 0.05
    await tg.start(app.dispatcher.handle)  # returns at once: the rest of the bot keeps running
    api.queue_update(api.user_message(A, 1, "/help"))
    await api.wait_for("sendMessage", chat_id=A)
    assert [c.status for c in api.requests("getMe")] == [500, 500, 200]


async def test_wrong_token_is_a_loud_error(api: FakeBotApi, clock: FakeClock) -> None:
    config = TelegramConfig(enabled=True, token="9:wrong", base_url=api.base_url, chats=[{"id": str(A)}])
    tg = TelegramChannel(config, clock, ZoneInfo("Asia/Shanghai"))

    async def nobody(cmd: object) -> list[str]:
        return []

    with pytest.raises(TokenRejected, match="Telegram 渠道"):  # never worked: a config error, exit 2 at start
        await tg.start(nobody)
