"""A rejected Telegram token: one clear line naming the channel; exit at start only if it never worked."""

from __future__ import annotations

import asyncio
import io
import logging

import pytest

from bot.app import build_app
from bot.channels.telegram_session import TokenRejected
from bot.clock import FakeClock
from bot.store.base import Store
from tests.conftest import make_config
from tests.fake_bot_api import FakeBotApi


@pytest.fixture
def store(tinydb_store: Store) -> Store:
    return tinydb_store


async def built(api: FakeBotApi, store: Store, clock: FakeClock, token: str = ""):
    config = make_config(
        chats={
            "console": {"enabled": True},
            "telegram": {
                "enabled": True,
                "token": token or api.token,
                "base_url": api.base_url,
                "chats": [{"id": "-1001"}],
            },
        }
    )
    return await build_app(config, store, clock, console_out=io.StringIO())


async def test_never_valid_token_refuses_to_start(api: FakeBotApi, store: Store, clock: FakeClock):
    app = await built(api, store, clock, token="7:never-worked")  # every call is 401
    with pytest.raises(TokenRejected) as info:
        await app.channels["telegram"].start(app.dispatcher.handle)
    assert "TELEGRAM_BOT_TOKEN" in str(info.value) and "\n" not in str(info.value)
    await app.http.aclose()


async def test_revoked_token_pauses_only_telegram(api: FakeBotApi, store: Store, clock: FakeClock, caplog):
    ours = api.token
    app = await built(api, store, clock)
    tg = app.channels["telegram"]
    await tg.start(app.dispatcher.handle)  # works once: the store remembers this token worked
    await tg.stop()
    api.token = "1:someone-else"  # ours is revoked
    app = await built(api, store, clock, token=ours)
    tg = app.channels["telegram"]
    with caplog.at_level(logging.ERROR):
        await tg.start(app.dispatcher.handle)  # no exception: the bot keeps running
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(lines) == 1 and "Telegram 渠道" in lines[0] and "10 分钟" in lines[0]
    assert ours not in lines[0]
    assert tg._connecting is not None and not tg._connecting.done()  # retrying slowly in the background
    await tg.stop()
    await asyncio.sleep(0)
    await app.http.aclose()
