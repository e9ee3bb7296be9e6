"""One incident, many chats: WeChat and Telegram, each through its real client and a local fake far side.

An action taken in a WeChat room edits the Telegram alert; an action taken in
Telegram reaches the room as one update line; when WeChat throttles the bot,
the alert goes to the Telegram chat meanwhile.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.analysis.judgement import Judgement
from bot.app import App, build_app
from bot.clock import FakeClock
from bot.models import Hit, Incident, Item, Match, Sentiment, Status, Tier
from bot.store.base import Store
from tests.conftest import make_config
from tests.fake_bot_api import FakeBotApi
from tests.telegram_html import html_to_text
from tests.wechat_rig import require_wechaty, wechat_chat

require_wechaty()

from tests.fake_puppet import FakePuppet  # noqa: E402 - needs wechaty_grpc: after the check

ROOM, TG_CHAT = "leaders@chatroom", -1001
ZHANG_WX, ZHANG_TG = "wxid_zhangsan", 1
PEOPLE = [
    {"name": "张三", "role": "leader", "telegram_id": ZHANG_TG, "wechat_id": ZHANG_WX},
    {"name": "李明", "role": "monitor", "telegram_id": 2, "wechat_id": "wxid_liming"},
]


@pytest.fixture
def store(tinydb_store: Store) -> Store:
    """TinyDB only: these tests are about the channels, not the store."""
    return tinydb_store


@pytest.fixture
async def far_sides() -> AsyncIterator[tuple[FakeBotApi, FakePuppet]]:
    api, puppet = FakeBotApi(), FakePuppet()
    puppet.add_contact(ZHANG_WX, "老张")
    puppet.add_room(ROOM, "舆情领导小组", [ZHANG_WX])
    await api.start()
    await puppet.start()
    yield api, puppet
    await puppet.stop()
    await api.stop()


async def start_app(
    store: Store,
    clock: FakeClock,
    api: FakeBotApi,
    puppet: FakePuppet,
    tg_tiers: list[str],
    cache_dir: Path,
    **wechat: object,
) -> App:
    config = make_config(
        people=PEOPLE,
        chats={
            "console": {"enabled": False},
            "telegram": {
                "enabled": True,
                "token": api.token,
                "base_url": api.base_url,
                "base_file_url": api.base_file_url,
                "chats": [{"id": str(TG_CHAT), "name": "领导小组", "tiers": tg_tiers}],
            },
            "wechat": wechat_chat(puppet.endpoint, cache_dir, [{"id": ROOM, "tiers": ["I", "II"]}], **wechat),
        },
    )
    app = await build_app(config, store, clock, console_out=io.StringIO())
    telegram = getattr(app.channels["telegram"], "inner", app.channels["telegram"])
    if hasattr(telegram, "limiter"):
        from bot.channels.telegram_limits import Limits

        telegram.limiter.limits = Limits.unlimited()
    for channel in app.channels.values():
        await channel.start(app.dispatcher.handle)
    puppet.login()
    wechat = getattr(app.channels["wechat"], "inner", app.channels["wechat"])
    await asyncio.wait_for(wechat.logged_in.wait(), 10)
    return app


async def stop_app(app: App) -> None:
    for channel in app.channels.values():
        await channel.stop()
    await app.http.aclose()


async def new_incident(app: App, clock: FakeClock, tier: Tier) -> Incident:
    title = f"江城化工集团仓库爆炸-{clock.now():%H%M%S%f}"
    item = Item("news", f"https://x.cn/{title}", title, fetched_at=clock.now())
    match = Match("国资委", (Hit("爆炸", "event", "title", 0, 2, 5),), 5)
    return await app.services.incidents.create(
        item, Judgement(match, Sentiment("negative", 0.9), tier, "测试"), clock.now()
    )


def telegram_alert(api: FakeBotApi, number: str) -> dict:
    [alert] = [m for m in api.sent(TG_CHAT) if number in m.get("text", "") and "reply_markup" in m]
    return alert


async def test_an_action_in_one_platform_shows_in_the_other(store, clock, far_sides, tmp_path):
    api, puppet = far_sides
    app = await start_app(store, clock, api, puppet, ["I", "II"], tmp_path)
    try:
        inc = await new_incident(app, clock, Tier.I)
        await app.delivery.run_once()
        await puppet.wait_sent(lambda s: inc.number in s.text)
        tg_id = telegram_alert(api, inc.number)["message_id"]

        puppet.say(ROOM, ZHANG_WX, f"确认 {inc.number}")  # typed in WeChat
        await puppet.wait_sent(lambda s: "已由张三确认" in s.text)
        clock.advance(timedelta(seconds=1))
        await app.delivery.run_once()
        edited = api.message(TG_CHAT, tg_id)
        assert edited.get("edits") == 1 and "确认：张三" in html_to_text(edited["text"])  # edited in Telegram

        api.queue_update(api.user_message(TG_CHAT, ZHANG_TG, f"/resolve@{api.username} {inc.number} 已澄清"))
        await api.wait_for("sendMessage", count=2)
        assert (await app.services.store.get_incident(inc.number)).status is Status.RESOLVED
        clock.advance(timedelta(seconds=1))
        await app.delivery.run_once()
        line = await puppet.wait_sent(lambda s: s.text.startswith(f"更新 {inc.number}") and "已澄清" in s.text)
        assert len(line.text.splitlines()) == 1  # a short line in WeChat
        assert api.message(TG_CHAT, tg_id)["edits"] == 2
    finally:
        await stop_app(app)


async def test_throttled_wechat_alert_reaches_the_telegram_chat(store, clock, far_sides, tmp_path):
    api, puppet = far_sides
    app = await start_app(store, clock, api, puppet, ["III", "IV"], tmp_path)  # Telegram would not get tier II
    try:
        puppet.throttle_sends = 1
        inc = await new_incident(app, clock, Tier.II)
        await app.delivery.run_once()  # WeChat: 发送消息过于频繁 → pause, and the alert is queued for Telegram
        await app.delivery.run_once()
        assert telegram_alert(api, inc.number)
        assert puppet.send_attempts == 1 and puppet.sent == []
        clock.advance(timedelta(minutes=2))
        await app.delivery.run_once()
        await puppet.wait_sent(lambda s: inc.number in s.text)
        assert puppet.send_attempts == 2
    finally:
        await stop_app(app)


async def test_a_hung_wechat_send_does_not_hold_up_the_telegram_alert(store, clock, far_sides, tmp_path):
    api, puppet = far_sides
    app = await start_app(store, clock, api, puppet, ["I", "II"], tmp_path, send_timeout="1s")
    try:
        puppet.stall_sends = 1  # the puppet service takes the call and never answers
        first = await new_incident(app, clock, Tier.I)
        clock.advance(timedelta(milliseconds=5))
        second = await new_incident(app, clock, Tier.I)  # its Telegram alert is queued behind first's WeChat one
        await asyncio.wait_for(app.delivery.run_once(), 5)  # not stuck behind the hung call
        assert telegram_alert(api, first.number) and telegram_alert(api, second.number)
        later = clock.now() + timedelta(hours=1)
        waiting = [n for n in await store.pending_notifications(later) if "wechat" in n.target]
        assert [(n.incident, n.attempts) for n in waiting] == [(first.number, 1), (second.number, 0)]
        assert "微信发送超时" in waiting[0].last_error  # it may have arrived: paused, not resent at once
        assert puppet.send_attempts == 1
        puppet.unstall()
        clock.advance(app.config.delivery.maybe_sent_pause + timedelta(seconds=1))
        await app.delivery.run_once()
        await puppet.wait_sent(lambda s: second.number in s.text)
        assert any(first.number in s.text for s in puppet.sent)  # at least once
    finally:
        await stop_app(app)
