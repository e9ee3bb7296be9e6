"""getUpdates hand-over between two instances: the fake Bot API answers 409 to a second concurrent poller.

Real python-telegram-bot clients (one per instance, each with its own token
secret so the fake knows who called), real leases on Redis. An update is
handled by the instance that leads, once; the one stepping down stops polling.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_limits import Limits
from bot.lease import LeaderLease, LeaderRole
from bot.store.redis_store import RedisStore
from tests.conftest import REDIS_URL, make_config
from tests.fake_bot_api import BOT_ID, FakeBotApi

TTL = 6.0


class StepClock:
    """A monotonic clock that moves `step` seconds at every reading (0: stands still)."""

    def __init__(self) -> None:
        self.t, self.step = 1000.0, 0.0

    def __call__(self) -> float:
        value = self.t
        self.t += self.step
        return value


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi(poll_hold=1.5, any_secret=True)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def client(redis_prefix) -> AsyncIterator[object]:
    store = RedisStore(REDIS_URL, redis_prefix)
    await store.open()
    yield store.client
    await store.close()


async def leader(client, prefix: str, name: str, clock=None) -> LeaderRole:
    lease = LeaderLease(client, prefix, name, ttl=TTL, **({"monotonic": clock} if clock else {}))
    role = LeaderRole(lease, lambda _t: asyncio.sleep(0), lambda: asyncio.sleep(0))
    assert await role.tick() is True
    return role


def channel(api: FakeBotApi, clock, name: str, role: LeaderRole, handled: list[str]) -> tuple[TelegramChannel, object]:
    config = make_config(
        chats={
            "console": {"enabled": False},
            "telegram": {
                "enabled": True,
                "token": f"{BOT_ID}:{name}",
                "base_url": api.base_url,
                "chats": [{"id": "-100"}],
            },
        }
    )
    ch = TelegramChannel(config.chats.telegram, clock, config.zone, config.people, limits=Limits.unlimited())
    ch.send_gate = role.send_gate

    async def on_command(cmd) -> list[str]:
        handled.append(f"{name}:{cmd.text}")
        return [f"{name} 已处理"]

    return ch, on_command


def calls(api: FakeBotApi, method: str, instance: str) -> int:
    return sum(1 for c in api.requests(method) if c.instance == instance)


async def until(predicate, within: float = 8.0) -> None:
    for _ in range(int(within / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached")


async def test_new_leader_rides_out_409_and_the_former_one_polls_no_more(api, client, clock, redis_prefix, caplog):
    a_clock = StepClock()
    a_role = await leader(client, redis_prefix, "a", a_clock)
    handled: list[str] = []
    a, a_cmd = channel(api, clock, "a", a_role, handled)
    await a.start(a_cmd)
    await until(lambda: sum(api._polling.values()) == 1)  # a's long poll is waiting at Telegram
    a_clock.t += TTL + 1  # a freezes past its term; its key expires; b takes the lease
    await client.delete(a_role.lease.key)
    b_role = await leader(client, redis_prefix, "b")
    b, b_cmd = channel(api, clock, "b", b_role, handled)
    caplog.set_level(logging.INFO)
    await b.start(b_cmd)
    try:
        await until(lambda: api.conflicts >= 1)  # b polled while a's request was still open
        a_polls = calls(api, "getUpdates", "a")
        api.queue_update(api.user_message(-100, 2, "/list"))
        await api.wait_for("sendMessage", within=8)
        await asyncio.sleep(0.5)
        assert calls(api, "getUpdates", "a") == a_polls  # past its term a asks Telegram for nothing
    finally:
        await b.stop()
        await a.stop()
    assert handled == ["b:/list"]  # handled once, by the leader
    assert [c.instance for c in api.requests("sendMessage")] == ["b"]
    assert not [r for r in caplog.records if r.exc_info]  # the 409 left no traceback


async def test_poller_that_is_no_longer_leader_stops_at_its_409(api, client, clock, redis_prefix, caplog):
    b_role = await leader(client, redis_prefix, "b")
    handled: list[str] = []
    b, b_cmd = channel(api, clock, "b", b_role, handled)
    await b.start(b_cmd)
    await until(lambda: sum(api._polling.values()) == 1)
    a_clock = StepClock()
    lease = LeaderLease(client, redis_prefix + "other:", "a", ttl=TTL, monotonic=a_clock)
    a_role = LeaderRole(lease, lambda _t: asyncio.sleep(0), lambda: asyncio.sleep(0))
    assert await a_role.tick() is True  # a still believes it leads (a partition, a clock that ran slow)
    a, a_cmd = channel(api, clock, "a", a_role, handled)
    a_clock.step = TTL  # its first poll goes out inside its term; by its 409 the term is over
    caplog.set_level(logging.INFO)
    await a.start(a_cmd)
    try:
        await until(lambda: api.conflicts >= 1)
        await until(lambda: not a.app.updater.running, within=3)  # stopped at once, not after PTB's retries
        assert calls(api, "getUpdates", "a") == 1
        api.queue_update(api.user_message(-100, 2, "/list"))
        await api.wait_for("sendMessage", within=8)
    finally:
        await a.stop()
        await b.stop()
    assert handled == ["b:/list"]
    assert "本实例已不是主节点，立即停止拉取更新" in caplog.text
    assert not [r for r in caplog.records if r.exc_info]
