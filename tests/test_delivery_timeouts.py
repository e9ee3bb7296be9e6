"""Connect failures are retried soon; a read timeout (the message may have arrived) is not resent at once;
a platform whose API hangs delays no other.

The real Telegram channel (python-telegram-bot) against the local fake Bot API.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web

from bot.analysis.judgement import Judgement
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_limits import Limits
from bot.delivery import Delivery
from bot.incidents import IncidentService
from bot.models import Hit, Item, Match, Sentiment, Tier
from bot.store.base import Store
from tests.conftest import make_config
from tests.fake_bot_api import TOKEN, FakeBotApi
from tests.fake_robots import FakeRobots
from tests.robot_rig import new_incident as new_robot_incident
from tests.robot_rig import start_app, stop_app


@pytest.fixture
def store(tinydb_store: Store) -> Store:
    """TinyDB only: these tests are about the channel and worker, not the store (and they wait 5 s)."""
    return tinydb_store


class StallingApi(FakeBotApi):
    """Takes the message, then answers too late (longer than the client's read timeout)."""

    stall = 0.0

    async def _api(self, request: web.Request) -> web.Response:
        response = await super()._api(request)
        if self.stall and request.match_info["method"] == "sendMessage":
            await asyncio.sleep(self.stall)
        return response


ROBOT = {"kind": "wecom", "name": "值班群"}


class OneChatStalls(FakeBotApi):
    """Takes every message, but answers those to chat -100 too late (past the client's read timeout)."""

    async def _api(self, request: web.Request) -> web.Response:
        response = await super()._api(request)
        if request.match_info["method"] == "sendMessage" and (await request.post()).get("chat_id") == "-100":
            await asyncio.sleep(5.3)
        return response


def rig(store: Any, clock: Any, base_url: str) -> tuple[IncidentService, Delivery]:
    config = make_config(
        chats={
            "console": {"enabled": False},
            "telegram": {"enabled": True, "token": TOKEN, "base_url": base_url, "chats": [{"id": "-100"}]},
        },
        delivery={"max_backoff": "60s", "maybe_sent_pause": "30s"},
    )
    service = IncidentService(config, store)
    channel = TelegramChannel(config.chats.telegram, clock, config.zone, config.people, limits=Limits.unlimited())
    return service, Delivery(store, {"telegram": channel}, clock, service)


async def new_incident(service: IncidentService, clock: Any):
    item = Item("news", "https://x.cn/1", "江城化工集团仓库爆炸", fetched_at=clock.now())
    match = Match("国资委", (Hit("爆炸", "event", "title", 6, 8, 5),), 5)
    return await service.create(item, Judgement(match, Sentiment("negative", 0.9), Tier.I, "r"), clock.now())


async def test_read_timeout_pauses_before_resending(store, clock):
    api = StallingApi()
    await api.start()
    try:
        service, delivery = rig(store, clock, api.base_url)
        inc = await new_incident(service, clock)
        api.stall = 5.3  # past the client's 5 s read timeout
        assert await delivery.run_once() == 0
        note = (await store.pending_notifications(clock.now() + timedelta(days=1)))[0]
        assert note.next_attempt_at == clock.now() + timedelta(seconds=30) and "超时" in note.last_error
        api.stall = 0.0
        clock.advance(timedelta(seconds=1))
        assert await delivery.run_once() == 0  # not resent within the pause
        assert len(api.requests("sendMessage")) == 1
        clock.advance(timedelta(seconds=30))
        assert await delivery.run_once() == 1
        assert [inc.number in m["text"] for m in api.sent("-100")] == [True, True]  # at most one duplicate
    finally:
        await api.stop()


async def test_connect_failure_is_retried_soon(store, clock):
    api = FakeBotApi()
    await api.start()
    port = api.port
    await api.stop()  # nothing listens: connection refused, nothing can have arrived
    service, delivery = rig(store, clock, f"http://127.0.0.1:{port}/bot")
    await new_incident(service, clock)
    assert await delivery.run_once() == 0
    note = (await store.pending_notifications(clock.now() + timedelta(days=1)))[0]
    assert note.next_attempt_at == clock.now() + timedelta(seconds=1)
    await api.start(port=port)
    try:
        clock.advance(timedelta(seconds=1))
        assert await delivery.run_once() == 1
        assert len(api.sent("-100")) == 1
    finally:
        await api.stop()


async def test_a_platform_whose_api_hangs_delays_no_other(store, clock):
    """Telegram comes first in the outbox and its sends hang for 5 s; the 企业微信 group gets the alert at once."""
    api, robots = OneChatStalls(), FakeRobots(wecom_keys={"k1"})
    await api.start()
    await robots.start()
    telegram = {"enabled": True, "token": TOKEN, "base_url": api.base_url, "chats": [{"id": "-100"}]}
    app = await start_app(
        store, clock, [ROBOT | {"webhook": f"{robots.base}/cgi-bin/webhook/send?key=k1"}], telegram=telegram
    )
    try:
        inc = await new_robot_incident(app, clock)
        start = time.monotonic()
        round_ = asyncio.create_task(app.delivery.run_once())
        while not robots.of("wecom") and time.monotonic() - start < 10:  # noqa: ASYNC110 - polls the fake's record
            await asyncio.sleep(0.01)
        arrived = time.monotonic() - start
        assert await round_ == 1  # 企业微信 sent; Telegram timed out, paused before any resend
        assert arrived < 2.0, arrived
        assert inc.number in robots.of("wecom")[0].body["markdown"]["content"]
        notes = await store.pending_notifications(clock.now() + timedelta(days=1))
        assert [(n.target, "超时" in n.last_error) for n in notes] == [("telegram:-100", True)]
    finally:
        await stop_app(app)
        await robots.stop()
        await api.stop()
