"""One incident in a 企业微信 group and a Telegram chat, each through its real client and a local fake far side.

A press on the WeCom card edits the Telegram alert in place; a Telegram button
reaches the WeCom group as one update line, and the WeCom card catches up when pressed.
"""

from __future__ import annotations

import asyncio
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
from tests.fake_wecom_app import FakeWecomApp
from tests.telegram_html import html_to_text
from tests.wecom_app_rig import BOT_ID, LEADERS, MONITORS, SECRET, channel, new_incident, stop_app, wecom_config

TG_CHAT, ZHANG_TG, LI_TG = -1001, 1, 2
PEOPLE = [
    {"name": "张三", "role": "leader", "telegram_id": ZHANG_TG, "wecom_userid": "zhangsan"},
    {"name": "李明", "role": "monitor", "telegram_id": LI_TG, "wecom_userid": "liming"},
]


@pytest.fixture
def store(tinydb_store: Store) -> Store:
    return tinydb_store


@pytest.fixture
async def fake() -> AsyncIterator[FakeWecomApp]:
    service = FakeWecomApp(bots={BOT_ID: SECRET}, groups={LEADERS, MONITORS})
    await service.start()
    yield service
    await service.stop()


@pytest.fixture
async def app(store: Store, clock: FakeClock, fake: FakeWecomApp, api: FakeBotApi) -> AsyncIterator[App]:
    telegram = {
        "enabled": True,
        "token": api.token,
        "base_url": api.base_url,
        "base_file_url": api.base_file_url,
        "chats": [{"id": str(TG_CHAT), "name": "领导小组"}],
    }
    chats = {"console": {"enabled": False}, "telegram": telegram, "wecom_app": wecom_config(fake)}
    built = await build_app(make_config(people=PEOPLE, chats=chats), store, clock, console_out=io.StringIO())
    built.channels["telegram"].limiter.limits = Limits.unlimited()  # type: ignore[attr-defined]
    for each in built.channels.values():
        await each.start(built.dispatcher.handle)
    await asyncio.wait_for(channel(built).connected.wait(), 5)
    yield built
    await stop_app(built)


def telegram_alert(api: FakeBotApi) -> dict:
    (alert,) = [m for m in api.sent(TG_CHAT) if "舆情告警" in m.get("text", "") and "from" in m]
    return alert


async def test_a_wecom_press_edits_the_telegram_alert(app: App, fake: FakeWecomApp, api: FakeBotApi, clock) -> None:
    inc = await new_incident(app, clock)
    mid = telegram_alert(api)["message_id"]
    (card,) = [s.card for s in fake.of("aibot_send_msg", LEADERS) if s.card]
    req = await fake.press(LEADERS, "zhangsan", card["task_id"], f"a|{inc.number}")
    await fake.wait_for(lambda: fake.answers_to(req))
    await app.delivery.run_once()
    msg = api.message(TG_CHAT, mid)
    assert msg.get("edits") == 1 and "确认：张三" in html_to_text(msg["text"])


async def test_a_telegram_press_reaches_wecom_and_a_stale_card_catches_up(app: App, fake, api: FakeBotApi, clock):
    inc = await new_incident(app, clock)
    mid = telegram_alert(api)["message_id"]
    api.queue_update(api.press(TG_CHAT, LI_TG, mid, f"a|{inc.number}"))
    await api.wait_for("answerCallbackQuery")
    await app.delivery.run_once()
    for chat in (LEADERS, MONITORS):
        (line,) = [s.text for s in fake.of("aibot_send_msg", chat) if s.body.get("msgtype") == "markdown"]
        assert line.startswith(f"更新 {inc.number}") and "已确认（李明）" in line
    (card,) = [s.card for s in fake.of("aibot_send_msg", MONITORS) if s.card]
    req = await fake.press(MONITORS, "zhangsan", card["task_id"], f"g|{inc.number}")  # 指派 on the stale card
    await fake.wait_for(lambda: fake.answers_to(req))
    assert "已确认" in fake.cards[card["task_id"]]["main_title"]["title"]  # the menu shows the current state
    incident = await app.services.store.get_incident(inc.number)
    assert incident is not None and incident.status is Status.ACKNOWLEDGED
