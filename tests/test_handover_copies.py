"""Every copy of the handover card shows who accepted and when, however it was accepted.

Two monitors' Telegram groups and the console get the card through the outbox. Accepting it
(a typed /接班 in one group, the 🤝 接班 button in the other, or /接班 on the console) queues
one settle per chat holding a copy: Telegram copies are edited in place (prompt → who and
when, button gone), the console (which cannot edit) gets the line, except when it was the
console that accepted (its reply said it). A copy still queued goes out settled. Runs on
TinyDB and Redis (the `store` fixture), with real python-telegram-bot against the fake Bot API.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from bot.app import App, build_app
from bot.channels.telegram_limits import Limits
from bot.clock import FakeClock
from bot.models import Command, NoticeKind
from bot.roster.shifts import check_shifts
from bot.store.base import Store
from tests.conftest import make_config
from tests.fake_bot_api import FakeBotApi
from tests.telegram_html import html_to_text
from tests.test_roster import PEOPLE, ROSTER

CHAT, CHAT2, LEADERS = -1001, -1003, -1002
MONITOR, OTHER_MONITOR = 2, 4
SLOT = "2026-11-26:白班"
PROMPT = "接班请发送 /接班（或：接班）"
LINE = "✅ 李明 已接班：11-26（周四）白班 08:30–17:30（08:40 接班）"


@pytest.fixture
async def app(api: FakeBotApi, store: Store, clock: FakeClock) -> AsyncIterator[tuple[App, io.StringIO]]:
    telegram = {
        "enabled": True,
        "token": api.token,
        "base_url": api.base_url,
        "base_file_url": api.base_file_url,
        "chats": [{"id": str(CHAT)}, {"id": str(CHAT2)}, {"id": str(LEADERS), "role": "leaders"}],
    }
    chats = {"console": {"enabled": True, "person": "李明"}, "telegram": telegram}
    out = io.StringIO()
    built = await build_app(make_config(people=PEOPLE, roster=ROSTER, chats=chats), store, clock, console_out=out)
    built.channels["telegram"].limiter.limits = Limits.unlimited()  # type: ignore[attr-defined]
    await built.channels["telegram"].start(built.dispatcher.handle)
    yield built, out
    await built.channels["telegram"].stop()
    await built.http.aclose()


def buttons(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row]


def cards(api: FakeBotApi) -> dict[int, dict[str, Any]]:
    """chat → the handover card there (as the fake Bot API holds it now)."""
    found = {chat: [m for m in api.sent(chat) if "交接班" in m.get("text", "")] for chat in (CHAT, CHAT2)}
    assert all(len(v) == 1 for v in found.values()), found
    return {chat: api.message(chat, v[0]["message_id"]) for chat, v in found.items()}


async def post_cards(app: App, clock: FakeClock) -> None:
    assert await check_shifts(app.services) == [f"roster:handover:{SLOT}"]
    await app.delivery.run_once()
    clock.advance(timedelta(minutes=10))  # 08:40


def assert_settled(card: dict[str, Any], before: str) -> None:
    text = html_to_text(card["text"])
    assert text == before.replace(PROMPT, LINE)  # the rest of the card stays as it was
    assert buttons(card) == []


async def test_typed_takeover_edits_the_card_in_every_group_and_tells_the_console(app, api, clock):
    bot, out = app
    await post_cards(bot, clock)
    before = {chat: html_to_text(c["text"]) for chat, c in cards(api).items()}
    assert all(buttons(c) == [f"h|{SLOT}"] for c in cards(api).values())
    assert out.getvalue().count(PROMPT) == 1  # the console's copy
    api.queue_update(api.user_message(CHAT2, MONITOR, "/接班"))
    reply = (await api.wait_for("sendMessage", count=2, chat_id=CHAT2))[-1]  # after the card
    assert LINE in html_to_text(reply.params["text"])
    assert await bot.delivery.run_once() == 3  # one settle per chat holding a copy
    for chat, card in cards(api).items():
        assert_settled(card, before[chat])
    assert out.getvalue().rstrip().endswith(LINE)  # the console cannot edit: the line follows its copy
    await bot.delivery.run_once()
    assert all(card.get("edits") == 1 for card in cards(api).values())  # settled once, not again


async def test_button_in_one_group_settles_the_copy_in_the_other(app, api, clock):
    bot, out = app
    await post_cards(bot, clock)
    before = {chat: html_to_text(c["text"]) for chat, c in cards(api).items()}
    pressed = cards(api)[CHAT]
    api.queue_update(api.press(CHAT, MONITOR, pressed["message_id"], f"h|{SLOT}"))
    await api.wait_for("answerCallbackQuery")
    await api.wait_for("editMessageText")  # the pressed card, at once
    await bot.delivery.run_once()
    for chat, card in cards(api).items():
        assert_settled(card, before[chat])
    assert cards(api)[CHAT].get("edits") == 1  # the outbox's edit of the pressed card changed nothing more
    assert out.getvalue().count(LINE) == 1
    # a phone that still shows the old button may press it: it is told who had it
    api.queue_update(api.press(CHAT2, OTHER_MONITOR, cards(api)[CHAT2]["message_id"], f"h|{SLOT}"))
    (answer,) = (await api.wait_for("answerCallbackQuery", count=2))[1:]
    assert "已由 李明 接班（08:40 接班）" in answer.params["text"]


async def test_accepted_on_the_console_edits_telegram_and_adds_no_second_console_line(app, api, clock):
    bot, out = app
    await post_cards(bot, clock)
    before = {chat: html_to_text(c["text"]) for chat, c in cards(api).items()}
    (reply,) = await bot.dispatcher.handle(Command("console", "李明", "console", "takeover", (), "/接班", "c1"))
    assert reply == LINE
    notes = await bot.services.store.pending_notifications(clock.now(), limit=100)
    assert sorted(n.target for n in notes if n.kind is NoticeKind.SETTLE) == [f"telegram:{CHAT}", f"telegram:{CHAT2}"]
    await bot.delivery.run_once()
    for chat, card in cards(api).items():
        assert_settled(card, before[chat])
    assert LINE not in out.getvalue()  # the console's reply is printed by the console itself, not the outbox


async def test_a_copy_still_queued_goes_out_settled_without_its_button(app, api, clock):
    bot, out = app
    assert await check_shifts(bot.services) == [f"roster:handover:{SLOT}"]
    clock.advance(timedelta(minutes=10))
    await bot.dispatcher.handle(Command("telegram", str(MONITOR), str(CHAT), "takeover", (), "/接班", "m1"))
    await bot.delivery.run_once()
    for card in cards(api).values():
        text = html_to_text(card["text"])
        assert "🔄 交接班" in text and text.endswith(LINE) and PROMPT not in text
        assert buttons(card) == [] and not card.get("edits")
    assert out.getvalue().count(LINE) == 1 and PROMPT not in out.getvalue()


async def test_a_reply_to_the_card_names_no_incident(app, api, clock):
    bot, _ = app
    await post_cards(bot, clock)
    card = cards(api)[CHAT]
    cmd = Command("telegram", str(MONITOR), str(CHAT), "ack", (), "/ack", "m2", reply_to=str(card["message_id"]))
    (reply,) = await bot.dispatcher.handle(cmd)
    assert reply.startswith("请提供事件编号")
