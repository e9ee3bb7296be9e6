"""Poll work on a Redis Streams consumer group: once per source, spread, taken over from the dead."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from bot.store.redis_store import StoreUnavailable
from bot.workqueue import GROUP, PollQueue, Workers
from tests.conftest import REDIS_URL
from tests.redis_server import PrivateRedis


@pytest.fixture
async def client() -> AsyncIterator[aioredis.Redis]:
    c = aioredis.Redis.from_url(REDIS_URL, decode_responses=True)
    yield c
    await c.aclose()


async def queue(client, prefix: str, name: str, claim_idle: float = 60.0) -> PollQueue:
    q = PollQueue(client, prefix, name, claim_idle=claim_idle)
    await q.ensure_group()
    return q


async def test_one_entry_per_source_until_done(client, redis_prefix):
    q = await queue(client, redis_prefix, "a")
    assert await q.enqueue("news") is True
    assert await q.enqueue("news") is False  # already queued
    assert await q.enqueue("forum") is True
    first = await q.take(block_ms=10)
    assert first.source_id == "news"
    assert await q.enqueue("news") is False  # still running
    await q.done(first)
    assert await q.enqueue("news") is True
    assert await q.depth() == (2, 0)


async def test_work_is_spread_and_each_entry_runs_once(client, redis_prefix):
    qa, qb = await queue(client, redis_prefix, "a"), await queue(client, redis_prefix, "b")
    ran: list[tuple[str, str]] = []

    def handler(who: str):
        async def run(source_id: str) -> None:
            ran.append((who, source_id))

        return run

    wa, wb = Workers(qa, handler("a")), Workers(qb, handler("b"))
    for n in range(6):
        await qa.enqueue(f"s{n}")
    while await wa.run_one(block_ms=10) and await wb.run_one(block_ms=10):
        pass
    while await wa.run_one(block_ms=10) or await wb.run_one(block_ms=10):
        pass
    assert sorted(s for _, s in ran) == [f"s{n}" for n in range(6)]
    assert {w for w, _ in ran} == {"a", "b"}
    assert await qa.depth() == (0, 0)


async def test_entry_of_a_dead_worker_is_claimed_by_another(client, redis_prefix):
    qa = await queue(client, redis_prefix, "a")
    await qa.enqueue("news")
    task = await qa.take(block_ms=10)
    assert task is not None  # a took it, then died (kill -9): never acknowledged
    live = await queue(client, redis_prefix, "b", claim_idle=60.0)
    assert await live.take(block_ms=10) is None  # not idle long enough yet
    eager = await queue(client, redis_prefix, "c", claim_idle=0.0)
    ran: list[str] = []

    async def run(source_id: str) -> None:
        ran.append(source_id)

    claimed = await Workers(eager, run).run_one(block_ms=10)
    assert claimed.claimed is True and claimed.entry_id == task.entry_id
    assert ran == ["news"]
    assert await qa.depth() == (0, 0)
    assert await qa.enqueue("news") is True  # the marker went with it


async def test_heartbeat_keeps_a_running_entry_fresh(client, redis_prefix):
    q = await queue(client, redis_prefix, "a")
    await q.enqueue("news")
    task = await q.take(block_ms=10)
    await client.execute_command("XCLAIM", q.stream, GROUP, "a", 0, task.entry_id, "IDLE", 600_000, "JUSTID")
    [entry] = await client.xpending_range(q.stream, GROUP, "-", "+", 10)
    assert entry["time_since_delivered"] >= 600_000
    await client.pexpire(q.marker_prefix + "news", 50_000)
    await q.heartbeat(task)
    [entry] = await client.xpending_range(q.stream, GROUP, "-", "+", 10)
    assert entry["time_since_delivered"] < 60_000
    assert await client.pttl(q.marker_prefix + "news") > 3_000_000  # marker renewed (1 h)


async def test_an_entry_taken_over_is_never_claimed_back_nor_freed_by_its_first_worker(client, redis_prefix):
    first = await queue(client, redis_prefix, "a")
    await first.enqueue("news")
    task = await first.take(block_ms=10)  # a runs it, then stalls (paused, or Redis restarted under it)
    second = await queue(client, redis_prefix, "b", claim_idle=0.0)
    taken = await second.take(block_ms=10)
    assert taken.claimed and taken.entry_id == task.entry_id
    assert await first.heartbeat(task) is False  # a wakes up: it must not take the entry back
    [entry] = await client.xpending_range(first.stream, GROUP, "-", "+", 10)
    assert entry["consumer"] == "b"
    assert await first.done(task) is False  # a's run ends: b's entry and the source's marker stay
    assert await client.exists(first.marker_prefix + "news") == 1
    assert await first.enqueue("news") is False  # still running (on b)
    assert await second.heartbeat(taken) is True
    assert await second.done(taken) is True
    assert await first.depth() == (0, 0)
    assert await first.enqueue("news") is True


async def test_store_outage_leaves_the_entry_pending_but_a_bad_poll_does_not(client, redis_prefix):
    q = await queue(client, redis_prefix, "a")

    async def outage(source_id: str) -> None:
        raise StoreUnavailable("Redis 不可用")

    async def broken(source_id: str) -> None:
        raise ValueError("parser bug")

    await q.enqueue("news")
    with pytest.raises(StoreUnavailable):
        await Workers(q, outage).run_one(block_ms=10)
    assert await q.depth() == (1, 1)
    retry = await queue(client, redis_prefix, "b", claim_idle=0.0)
    assert (await Workers(retry, broken).run_one(block_ms=10)).claimed is True
    assert await q.depth() == (0, 0)


async def test_stream_lost_with_redis_is_recreated(client, redis_prefix):
    q = await queue(client, redis_prefix, "a")
    await client.delete(q.stream)  # Redis restarted without persistence
    assert await q.take(block_ms=10) is None
    assert await q.enqueue("news") is True
    assert (await q.take(block_ms=10)).source_id == "news"


async def test_idle_instances_share_polls_queued_on_a_fixed_beat(tmp_path):
    """A poll queued every `block` seconds (the scheduler's interval) goes to any idle instance.

    Redis hands a new entry to the reader blocked longest. With a fixed read timeout
    equal to the interval, the worker that ran the last poll re-blocks just after each
    enqueue and so is always the oldest reader at the next one: an idle instance
    whose timeouts fell elsewhere in the beat got nothing for 90 s in the HA test.
    """
    period, polls, prefix = 0.2, 40, "beat:"
    server = PrivateRedis(tmp_path / "redis", durable=False, options=("--hz", "100"))  # read timeouts to 10 ms
    server.start()
    clients = [aioredis.Redis.from_url(server.url, decode_responses=True) for _ in range(3)]
    ran: list[str] = []

    def handler(who: str):
        async def run(source_id: str) -> None:
            ran.append(who)

        return run

    workers = []
    for name, c in zip("ab", clients[:2], strict=True):
        w = Workers(await queue(c, prefix, name), handler(name), concurrency=1, block_ms=int(period * 1000))
        workers.append(asyncio.create_task(w.run_forever()))
        await asyncio.sleep(period / 2)  # b's read timeouts fall mid-beat
    leader = PollQueue(clients[2], prefix, "leader")
    loop = asyncio.get_running_loop()
    start = loop.time()
    try:
        for n in range(polls):  # like the scheduler: on the beat, whatever the drift
            await asyncio.sleep(max(0.0, start + n * period - loop.time()))
            await leader.enqueue("news")
        await asyncio.sleep(period)
    finally:
        for t in workers:
            t.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        for c in clients:
            await c.aclose()
        server.kill()
    order = "".join(ran)
    switches = sum(x != y for x, y in itertools.pairwise(order))
    assert len(ran) >= polls - 2
    assert switches >= polls // 4, order  # about half the runs change hands; a sticky taker changes them rarely
