"""The morning briefing on WeChat: the text, then the chart as an image (base64 FileBox).

The real wechaty client against the local fake puppet service.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
from collections.abc import AsyncIterator

import pytest

from bot.app import build_app
from bot.briefing import send_scheduled_briefing
from bot.clock import FakeClock
from bot.store.tinydb_store import TinyDBStore
from tests.briefing_scenario import NOW, fill
from tests.conftest import StoreFactory, make_config
from tests.wechat_rig import require_wechaty, started_puppet, wechat_chat

require_wechaty()

from tests.fake_puppet import FakePuppet  # noqa: E402 - needs wechaty_grpc: after the check

ROOM = "leaders@chatroom"
LI = "wxid_liming"


@pytest.fixture
def store_factory(tmp_path) -> StoreFactory:
    return lambda: TinyDBStore(tmp_path / "store.json")


@pytest.fixture
async def puppet() -> AsyncIterator[FakePuppet]:
    async with started_puppet({LI: "李明"}, ROOM) as fake:
        yield fake


async def test_briefing_text_then_chart_image_on_wechat(store, puppet: FakePuppet, tmp_path) -> None:
    await fill(store)
    config = make_config(
        people=[{"name": "李明", "role": "monitor", "wechat_id": LI}],
        chats={
            "console": {"enabled": False},
            "wechat": wechat_chat(puppet.endpoint, tmp_path, [{"id": ROOM, "name": "舆情领导小组"}]),
        },
        briefing={"files_dir": str(tmp_path / "files")},
    )
    app = await build_app(config, store, FakeClock(NOW), console_out=io.StringIO())
    channel = app.channels["wechat"]
    await channel.start(app.dispatcher.handle)
    puppet.login()
    await asyncio.wait_for(getattr(channel, "inner", channel).logged_in.wait(), 10)
    try:
        assert await send_scheduled_briefing(app.services, "08:00") is True
        await app.delivery.run_once()
        image = await puppet.wait_sent(lambda s: bool(s.filebox))
        texts = [s.text for s in puppet.sent_to(ROOM) if s.text]
        assert texts[0].startswith("📰 舆情晨报 11月26日 08:00")
        assert texts[1] == "📊 舆情趋势图"  # the caption, then the picture
        box = json.loads(image.filebox)
        assert box["name"] == "briefing-20261126-0800.png"
        assert base64.b64decode(box["base64"])[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        await channel.stop()
        await app.http.aclose()
