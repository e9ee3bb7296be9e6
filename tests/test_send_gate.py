"""The send gate: a leader whose term ends while it waits (rate limit, pause) sends nothing after it.

Real Redis (lease and fenced store), the real Telegram channel and delivery
worker, the fake Bot API counting what arrives. The lease's own clock is
advanced inside the rate limiter's wait: the term ends between the last
store read and the send, the window the fence alone did not close.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator

import pytest

from bot.analysis.judgement import Judgement
from bot.channels.base import NotLeader
from bot.channels.console import ConsoleChannel
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_limits import Limits, RateLimiter
from bot.delivery import Delivery
from bot.incidents import IncidentService
from bot.lease import LeaderLease, LeaderRole
from bot.models import Hit, Item, Match, Sentiment, Tier
from bot.store.redis_store import RedisStore
from tests.conftest import REDIS_URL, make_config
from tests.fake_bot_api import TOKEN, FakeBotApi

TTL = 6.0


class FakeMonotonic:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def store(redis_prefix) -> AsyncIterator[RedisStore]:
    s = RedisStore(REDIS_URL, redis_prefix)
    await s.open()
    yield s
    await s.close()


def telegram(api: FakeBotApi, clock, limiter: RateLimiter | None = None) -> tuple[object, TelegramChannel]:
    config = make_config(
        storm={"enabled": False},
        chats={
            "console": {"enabled": False},
            "telegram": {"enabled": True, "token": TOKEN, "base_url": api.base_url, "chats": [{"id": "-100"}]},
        },
    )
    channel = TelegramChannel(config.chats.telegram, clock, config.zone, config.people, limits=Limits.unlimited())
    if limiter is not None:
        channel.limiter = limiter
    return config, channel


async def alert(service: IncidentService, title: str, now) -> str:
    item = Item("news", f"https://x.cn/{title}", title, fetched_at=now)
    match = Match("国资委", (Hit("投诉", "event", "title", 0, 2, 2),), 2)
    incident = await service.create(item, Judgement(match, Sentiment("negative", 0.8), Tier.II, "r"), now)
    return incident.number


async def test_term_ending_during_the_rate_limit_wait_sends_nothing(api, store, clock, redis_prefix):
    mono = FakeMonotonic()
    lease = LeaderLease(store.client, redis_prefix, "a", ttl=TTL, monotonic=mono)
    lost: list[str] = []

    async def on_lost() -> None:
        lost.append("a")

    role = LeaderRole(lease, lambda _t: asyncio.sleep(0), on_lost)
    assert await role.tick() is True

    async def paused_past_term(delay: float) -> None:  # the pacing wait, during which a GC/VM pause ends the term
        mono.t += TTL + 1
        await asyncio.sleep(0)

    pace = Limits(per_chat_interval=1.0, per_chat_burst=1, group_per_minute=1000, global_per_second=1000)
    config, channel = telegram(api, clock, RateLimiter(pace, monotonic=mono, sleep=paused_past_term))
    channel.send_gate = role.send_gate
    fenced = store.fenced(lease.key, lease.token)
    service = IncidentService(config, fenced)
    first = await alert(service, "江城国资委被投诉一", clock.now())
    second = await alert(service, "江城国资委被投诉二", clock.now())
    delivery = Delivery(fenced, {"telegram": channel}, clock, service)
    await channel.bot.initialize()
    try:
        with pytest.raises(NotLeader):
            await delivery.run_once()  # the first goes at once, the second waits for its slot
        sent = [m["text"] for m in api.sent("-100")]
        assert len(sent) == 1 and first in sent[0]  # nothing went out after the term ended
        assert role.wake.is_set()  # the gate asked the role to step down now
        assert await role.tick() is False and lost == ["a"]
        note = await store.get_notification(f"{second}:telegram:-100:alert")
        assert note.sent_at is None and note.attempts == 0  # left, untouched, to the next leader

        await store.client.delete(lease.key)  # its key expires in Redis too
        b = LeaderLease(store.client, redis_prefix, "b", ttl=TTL)
        assert await b.try_acquire()
        new_role = LeaderRole(b, lambda _t: asyncio.sleep(0), lambda: asyncio.sleep(0))
        new_role.leading = True
        _, b_channel = telegram(api, clock)
        b_channel.send_gate = new_role.send_gate
        b_store = store.fenced(b.key, b.token)
        await b_channel.bot.initialize()
        await Delivery(b_store, {"telegram": b_channel}, clock, IncidentService(config, b_store)).run_once()
        await b_channel.bot.shutdown()
    finally:
        await channel.bot.shutdown()
    texts = [m["text"] for m in api.sent("-100")]
    assert [sum(n in t for t in texts) for n in (first, second)] == [1, 1]  # each alert once, none lost


async def test_command_reply_after_the_term_is_not_sent(api, clock, redis_prefix, store):
    mono = FakeMonotonic()
    lease = LeaderLease(store.client, redis_prefix, "a", ttl=TTL, monotonic=mono)
    role = LeaderRole(lease, lambda _t: asyncio.sleep(0), lambda: asyncio.sleep(0))
    assert await role.tick() is True
    _, channel = telegram(api, clock)
    channel.send_gate = role.send_gate
    handled: list[str] = []

    async def on_command(cmd) -> list[str]:
        handled.append(cmd.name)
        if cmd.name == "status":
            mono.t += TTL + 1  # the process was frozen while handling it
        return ["运行状态：正常"]

    await channel.start(on_command)
    try:
        api.queue_update(api.user_message(-100, 2, "/list"))
        await api.wait_for("sendMessage", within=5)
        api.queue_update(api.user_message(-100, 2, "/status"))
        for _ in range(100):
            if "status" in handled:
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.3)
    finally:
        await channel.stop()
    assert handled == ["list", "status"]
    assert len(api.requests("sendMessage")) == 1  # the reply to /list only
    assert role.wake.is_set()


async def test_console_prints_nothing_after_the_term(clock, redis_prefix, store):
    mono = FakeMonotonic()
    lease = LeaderLease(store.client, redis_prefix, "a", ttl=TTL, monotonic=mono)
    role = LeaderRole(lease, lambda _t: asyncio.sleep(0), lambda: asyncio.sleep(0))
    assert await role.tick() is True
    config = make_config()
    out = io.StringIO()
    console = ConsoleChannel("李明", clock, config.zone, out)
    console.send_gate = role.send_gate
    await console.send_text("console", "任期内")
    mono.t += TTL + 1
    with pytest.raises(NotLeader):
        await console.send_text("console", "任期后")
    assert "任期内" in out.getvalue() and "任期后" not in out.getvalue()
