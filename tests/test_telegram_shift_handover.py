"""The handover card's 接班 button on Telegram: the real python-telegram-bot app against the fake Bot API.

The card goes out through the outbox with one button; pressing it runs /接班 through the
dispatcher (same rules), answers the press, and edits the card in place to show who took
over and when. A press by someone the rules refuse is answered, and nothing changes.
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
from bot.roster.shifts import check_shifts
from bot.store.base import Store
from tests.conftest import make_config
from tests.fake_bot_api import FakeBotApi
from tests.telegram_html import html_to_text
from tests.test_roster import PEOPLE, ROSTER

CHAT, LEADERS = -1001, -1002
LEADER, MONITOR, MEMBER, OTHER_MONITOR = 1, 2, 3, 4
SLOT = "2026-11-26:白班"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def app(api: FakeBotApi, store: Store, clock: FakeClock) -> AsyncIterator[App]:
    telegram = {
        "enabled": True,
        "token": api.token,
        "base_url": api.base_url,
        "base_file_url": api.base_file_url,
        "chats": [{"id": str(CHAT), "name": "监测组"}, {"id": str(LEADERS), "role": "leaders"}],
    }
    config = make_config(people=PEOPLE, roster=ROSTER, chats={"console": {"enabled": False}, "telegram": telegram})
    built = await build_app(config, store, clock, console_out=io.StringIO())
    built.channels["telegram"].limiter.limits = Limits.unlimited()  # type: ignore[attr-defined]
    await built.channels["telegram"].start(built.dispatcher.handle)
    yield built
    await built.channels["telegram"].stop()
    await built.http.aclose()


def alert(answer: Any) -> bool:
    """Whether the press was answered with a pop-up (the form says "true" / "false")."""
    return str(answer.params.get("show_alert", "")).lower() == "true"


def buttons(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row]


async def card(app: App, api: FakeBotApi) -> dict[str, Any]:
    assert await check_shifts(app.services) == [f"roster:handover:{SLOT}"]
    await app.delivery.run_once()
    (sent,) = [m for m in api.sent(CHAT) if "交接班" in m.get("text", "")]
    assert not [m for m in api.sent(LEADERS) if "交接班" in m.get("text", "")]  # monitors' chats only
    return sent


async def press(api: FakeBotApi, user: int, message_id: int, data: str) -> Any:
    before = len(api.requests("answerCallbackQuery"))
    api.queue_update(api.press(CHAT, user, message_id, data))
    answers = await api.wait_for("answerCallbackQuery", count=before + 1)
    return answers[-1]


async def test_button_accepts_and_the_card_shows_who_and_when(app, api, clock):
    sent = await card(app, api)
    assert buttons(sent) == [f"h|{SLOT}"]
    assert html_to_text(sent["text"]).endswith("接班请发送 /接班（或：接班）")
    clock.advance(timedelta(minutes=10))  # 08:40
    answer = await press(api, MONITOR, sent["message_id"], f"h|{SLOT}")
    assert answer.params["text"].startswith("✅ 李明 已接班：11-26（周四）白班 08:30–17:30（08:40 接班）")
    assert not alert(answer)
    await api.wait_for("editMessageText")
    edited = api.message(CHAT, sent["message_id"])
    visible = html_to_text(edited["text"])
    line = "✅ 李明 已接班：11-26（周四）白班 08:30–17:30（08:40 接班）"
    assert visible == html_to_text(sent["text"]).replace("接班请发送 /接班（或：接班）", line)  # the rest stays
    assert "tg://user?id=2" in edited["text"]  # the incoming 值班员 is still @mentioned
    assert buttons(edited) == []
    taken = [a for a in await app.services.store.actions() if a.id == f"roster:handover-accepted:{SLOT}"]
    assert len(taken) == 1 and taken[0].note == "接班" and taken[0].actor.person == "李明"
    assert taken[0].chat == f"telegram:{CHAT}"
    again = await press(api, OTHER_MONITOR, sent["message_id"], f"h|{SLOT}")  # a second press: who had it
    assert "已由 李明 接班（08:40 接班）" in again.params["text"]
    assert len([a for a in await app.services.store.actions() if a.id.startswith("roster:handover-accepted:")]) == 1


async def test_a_press_the_rules_refuse_is_answered_and_changes_nothing(app, api, clock):
    sent = await card(app, api)
    answer = await press(api, MEMBER, sent["message_id"], f"h|{SLOT}")  # 王芳 is a member: not allowed
    assert "无权" in answer.params["text"] and alert(answer)
    assert await app.services.store.get_meta(f"roster:handover-accepted:{SLOT}") is None
    assert not api.requests("editMessageText")
    assert buttons(api.message(CHAT, sent["message_id"])) == [f"h|{SLOT}"]


async def test_a_press_on_an_old_card_accepts_nothing(app, api, clock):
    sent = await card(app, api)
    clock.advance(timedelta(hours=9))  # 17:30: the night shift has begun; the morning card is stale
    answer = await press(api, MONITOR, sent["message_id"], f"h|{SLOT}")
    assert "已过期" in answer.params["text"] and alert(answer)
    assert await app.services.store.get_meta(f"roster:handover-accepted:{SLOT}") is None
    assert await app.services.store.get_meta("roster:handover-accepted:2026-11-26:夜班") is None
    assert not api.requests("editMessageText")
