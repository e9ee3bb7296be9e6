"""Leader lease on the real Redis: one holder, takeover, fencing of a former leader."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from bot.channels.base import NotLeader
from bot.lease import LeaderLease, LeaderRole
from bot.models import NoticeKind, Notification
from bot.store.redis_store import FencedOut, RedisStore
from tests.conftest import REDIS_URL, START


@pytest.fixture
async def client() -> AsyncIterator[aioredis.Redis]:
    c = aioredis.Redis.from_url(REDIS_URL, decode_responses=True)
    yield c
    await c.aclose()


class FakeMonotonic:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


async def test_one_holder_and_growing_tokens(client, redis_prefix):
    a = LeaderLease(client, redis_prefix, "a", ttl=10)
    b = LeaderLease(client, redis_prefix, "b", ttl=10)
    assert await a.try_acquire() is True
    assert await b.try_acquire() is False
    assert await a.holder() == a.token and a.token.endswith(":a")
    assert await a.renew() is True
    await a.release()
    assert await b.try_acquire() is True
    assert b.epoch > 0 and b.token.endswith(":b")
    assert await a.renew() is False  # a released; b holds it now


async def test_follower_takes_over_when_the_lease_expires(client, redis_prefix):
    gained: list[str] = []

    async def gain(name: str) -> None:
        gained.append(name)

    async def lost() -> None:
        gained.append("lost")

    a = LeaderRole(LeaderLease(client, redis_prefix, "a", ttl=10), lambda t: gain("a"), lost)
    b = LeaderRole(LeaderLease(client, redis_prefix, "b", ttl=10), lambda t: gain("b"), lost)
    assert await a.tick() is True
    assert await b.tick() is False
    # a dies (stops renewing); its key expires in Redis.
    await client.pexpire(a.lease.key, 1)
    for _ in range(200):
        if await b.tick():
            break
        await asyncio.sleep(0.005)
    assert gained == ["a", "b"]
    assert b.lease.epoch > a.lease.epoch
    # The paused former leader wakes up: its renewal fails and it stops at once.
    assert await a.tick() is False
    assert gained == ["a", "b", "lost"]


async def test_fenced_store_refuses_a_former_leader(client, redis_prefix):
    store = RedisStore(REDIS_URL, redis_prefix)
    await store.open()
    try:
        a = LeaderLease(client, redis_prefix, "a", ttl=10)
        assert await a.try_acquire()
        fenced = store.fenced(a.key, a.token)
        note = Notification("n1", "console:console", NoticeKind.TEXT, START, text="简报")
        assert await fenced.enqueue([note]) == [True]
        assert await fenced.set_meta_if_absent("briefing:x", "a") is True
        # Another instance takes the lease while a is paused.
        await client.delete(a.key)
        b = LeaderLease(client, redis_prefix, "b", ttl=10)
        assert await b.try_acquire()
        with pytest.raises(FencedOut):
            await fenced.update_notification(note.replace(sent_at=START))
        with pytest.raises(FencedOut):
            await fenced.pending_notifications(START)
        with pytest.raises(FencedOut):
            await fenced.set_meta("k", 1)
        assert (await store.get_notification("n1")).sent_at is None  # nothing written
        assert await store.get_meta("k") is None
        b_store = store.fenced(b.key, b.token)
        await b_store.update_notification(note.replace(sent_at=START))
        assert (await store.get_notification("n1")).sent_at == START
    finally:
        await store.close()


async def test_step_down_on_own_clock_when_redis_is_unreachable(redis_prefix):
    dead = aioredis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2, decode_responses=True)
    clock = FakeMonotonic()
    lease = LeaderLease(dead, redis_prefix, "a", ttl=6, monotonic=clock)
    events: list[str] = []

    async def lost() -> None:
        events.append("lost")

    role = LeaderRole(lease, lambda t: asyncio.sleep(0), lost)
    lease.token, lease.valid_until, role.leading = "7:a", clock.t + 6, True
    clock.t += 3
    assert await role.tick() is True and role.redis_ok is False  # lease cannot have lapsed yet
    assert role.next_wait() == pytest.approx(2.0)  # renew at ttl/3, still inside the term
    clock.t += 2.5
    assert role.next_wait() == pytest.approx(0.5)  # wake exactly when the term ends, not at the next renewal
    clock.t += 0.5
    assert await role.tick() is False  # term over by its own clock: steps down without asking Redis
    assert events == ["lost"] and lease.token is None
    await dead.aclose()


async def test_follower_retries_just_after_the_holder_key_expires(client, redis_prefix):
    a = LeaderLease(client, redis_prefix, "a", ttl=6)
    b = LeaderLease(client, redis_prefix, "b", ttl=6)
    follower = LeaderRole(b, lambda t: asyncio.sleep(0), lambda: asyncio.sleep(0))
    assert await a.try_acquire() is True
    assert await follower.tick() is False
    assert follower.next_wait() == pytest.approx(2.0)  # the key has ~6 s left: check again at ttl/3
    await client.pexpire(a.key, 300)  # a died 5.7 s ago
    assert await follower.tick() is False
    assert 0.15 < follower.next_wait() < 0.45  # not ttl/3 later: 0.3 s + the margin
    await asyncio.sleep(follower.next_wait())
    assert await follower.tick() is True and b.token.endswith(":b")


async def test_a_slow_start_keeps_renewing_and_keeps_the_lease(client, redis_prefix):
    lease = LeaderLease(client, redis_prefix, "a", ttl=0.9)
    started: list[str] = []

    async def slow_gain(token: str) -> None:  # Telegram connecting, warm-up on a busy machine: > 2 terms
        await asyncio.sleep(2.0)
        started.append(token)

    role = LeaderRole(lease, slow_gain, lambda: asyncio.sleep(0))
    assert await role.tick() is True
    assert started == [lease.token] and lease.held
    assert await client.get(lease.key) == lease.token  # renewed meanwhile; nobody else could take it
    b = LeaderLease(client, redis_prefix, "b", ttl=0.9)
    assert await b.try_acquire() is False


async def test_the_last_moment_of_a_term_is_closed_to_sends(redis_prefix):
    clock = FakeMonotonic()
    dead = aioredis.Redis(host="127.0.0.1", port=1, decode_responses=True)
    lease = LeaderLease(dead, redis_prefix, "a", ttl=6, monotonic=clock)
    role = LeaderRole(lease, lambda t: asyncio.sleep(0), lambda: asyncio.sleep(0))
    lease.token, lease.valid_until, role.leading = "3:a", clock.t + 6, True
    clock.t += 4.9
    role.send_gate()  # 1.1 s left: open
    clock.t += 0.2
    with pytest.raises(NotLeader):  # 0.9 s left: a request sent now might arrive after a takeover
        role.send_gate()
    assert role.wake.is_set()
    await dead.aclose()
