"""One incident in a 钉钉 group and a Telegram chat: each platform's real client against its local fake.

An acknowledgement typed in DingTalk edits the Telegram alert; an assignment made in Telegram
updates the DingTalk card in place. A platform is one more channel, not a second pipeline.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest

from bot.app import App, build_app
from bot.channels.telegram_limits import Limits
from bot.clock import FakeClock
from bot.models import Status
from bot.store.base import Store
from tests.conftest import make_config
from tests.fake_bot_api import FakeBotApi
from tests.fake_dingtalk_app import FakeDingtalk
from tests.telegram_html import html_to_text
from tests.test_dingtalk_app_flow import A, dingtalk_config, new_incident

TG_CHAT = -1001
PEOPLE = [
    {"name": "张三", "role": "leader", "telegram_id": 1, "dingtalk_id": "zhangsan01"},
    {"name": "李明", "role": "monitor", "telegram_id": 2, "dingtalk_id": "liming02"},
    {"name": "王芳", "role": "member", "telegram_id": 3, "dingtalk_id": "wangfang03"},
]


@pytest.fixture
def store(tinydb_store: Store) -> Store:
    return tinydb_store


@pytest.fixture
async def both(api: FakeBotApi, store: Store, clock: FakeClock) -> AsyncIterator[tuple[App, FakeDingtalk]]:
    fake = FakeDingtalk(groups={A})
    await fake.start()
    telegram = {
        "enabled": True,
        "token": api.token,
        "base_url": api.base_url,
        "base_file_url": api.base_file_url,
        "chats": [{"id": str(TG_CHAT), "name": "领导小组"}],
    }
    dingtalk = {**dingtalk_config(fake), "chats": [{"id": A, "name": "监测组"}]}
    chats = {"console": {"enabled": False}, "telegram": telegram, "dingtalk_app": dingtalk}
    app = await build_app(make_config(people=PEOPLE, chats=chats), store, clock, console_out=io.StringIO())
    app.channels["telegram"].limiter.limits = Limits.unlimited()  # type: ignore[attr-defined]
    for channel in app.channels.values():
        await channel.start(app.dispatcher.handle)
    await fake.wait_connected()
    yield app, fake
    for channel in app.channels.values():
        await channel.stop()
    await app.http.aclose()
    await fake.stop()


def telegram_alert(api: FakeBotApi, number: str) -> dict:
    return next(m for m in api.sent(TG_CHAT) if number in m.get("text", "") and "from" in m)


async def test_dingtalk_ack_edits_telegram_and_telegram_assign_updates_the_card(both, api: FakeBotApi, clock) -> None:
    app, fake = both
    inc = await new_incident(app, clock)
    (card,) = fake.cards_in(A)
    tg_id = telegram_alert(api, inc.number)["message_id"]
    await fake.wait_ack(await fake.message(A, "liming02", f"确认 {inc.number}"))
    await app.delivery.run_once()
    assert "确认：李明" in html_to_text(api.message(TG_CHAT, tg_id)["text"])

    api.queue_update(api.user_message(TG_CHAT, 1, f"/assign {inc.number} @王芳 请核实"))
    await api.wait_for("sendMessage", count=2)
    assert (await app.services.store.get_incident(inc.number)).status is Status.ASSIGNED  # type: ignore[union-attr]
    await app.delivery.run_once()
    assert card.updates == 2 and "负责人：王芳" in card.text and "确认：李明" in card.text
