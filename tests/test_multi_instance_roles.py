"""Three instances in one process (each its own Redis connection, one fake clock):
one briefing per day across leader changes, /metrics and /healthz.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from bot.clock import FakeClock
from bot.models import NoticeKind, Notification
from bot.roles import Node
from bot.store.redis_store import RedisStore
from tests.conftest import REDIS_URL, make_config

SLOT = "08:00"  # START is 08:30 in Asia/Shanghai: within the catch-up grace


def node_config(prefix: str, name: str, **ops: object):
    return make_config(
        store={"backend": "redis", "url": REDIS_URL, "prefix": prefix},
        briefing={"times": [SLOT], "chart": False},
        storm={"enabled": False},
        ops={"instance": name, "lease_ttl": "10s", **ops},
    )


@pytest.fixture
async def nodes(redis_prefix, clock) -> AsyncIterator[list[Node]]:
    built: list[Node] = []
    stores: list[RedisStore] = []
    for n in range(3):
        store = RedisStore(REDIS_URL, redis_prefix)
        await store.open()
        stores.append(store)
        built.append(Node(node_config(redis_prefix, f"n{n}"), store, clock, io.StringIO(), read_console=False))
    yield built
    for node in built:
        await node.stop()
    for store in stores:
        await store.close()


async def settle(node: Node, key: str) -> None:
    """Let the new leader's start-up jobs run (catch-up), then deliver what is due."""
    for _ in range(200):
        if await node.store.get_meta(key) is not None and (await node.store.get_meta(key)).get("status") != "sending":
            break
        await asyncio.sleep(0.01)
    await delivered(node)


async def delivered(node: Node) -> None:
    """Wake the leader's delivery loop and wait until the outbox is empty."""
    for _ in range(300):
        node.leader_app.delivery.wake.set()
        if await node.store.pending_count() == 0:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("outbox not drained")


def briefings(node: Node) -> int:
    return node.console_out.getvalue().count("舆情晨报")


async def crash(node: Node) -> None:
    """The leader dies without releasing its lease; the key expires in Redis."""
    await node.role.on_lost()  # its loops are gone with the process
    node.role.leading = False
    await node.store.client.pexpire(node.lease.key, 1)
    node.lease.token = None


async def take_over(followers: list[Node]) -> Node:
    for _ in range(200):
        for node in followers:
            if await node.role.tick():
                return node
        await asyncio.sleep(0.005)
    raise AssertionError("no follower took the lease")


async def test_one_briefing_per_day_across_leader_changes(nodes, clock: FakeClock):
    a, b, c = nodes
    key = f"briefing:{clock.now():%Y%m%d}:{SLOT}"
    assert await a.role.tick() is True
    assert await b.role.tick() is False and await c.role.tick() is False
    await settle(a, key)
    assert briefings(a) == 1
    await crash(a)
    second = await take_over([b, c])
    await settle(second, key)
    cron = second.leader_app.scheduler.get_job(f"briefing:{SLOT}")
    await cron.func()  # the 08:00 cron run fires too (e.g. clock skew): still once
    await delivered(second)
    await crash(second)
    third = await take_over([n for n in (b, c) if n is not second])
    await settle(third, key)
    assert [briefings(n) for n in nodes].count(1) == 1 and sum(briefings(n) for n in nodes) == 1
    clock.advance(timedelta(days=1))  # next morning, 08:30: the new day's briefing, once
    await third.leader_app.scheduler.get_job(f"briefing:{SLOT}").func()
    await delivered(third)
    assert sum(briefings(n) for n in nodes) == 2 and briefings(third) == 1


async def test_metrics_and_health_endpoints(redis_prefix, clock):
    store = RedisStore(REDIS_URL, redis_prefix)
    await store.open()
    node = Node(node_config(redis_prefix, "m0", metrics_port=0), store, clock, io.StringIO(), read_console=False)
    try:
        await node.start()
        for _ in range(200):
            if node.leader_app is not None:
                break
            await asyncio.sleep(0.01)
        await store.enqueue([Notification("t1", "console:console", NoticeKind.TEXT, clock.now(), text="测试")])
        for _ in range(1000):  # the catch-up briefing is queued by a start-up job: on a busy machine, after t1 went
            await delivered(node)
            if briefings(node) == 1:
                break
            await asyncio.sleep(0.01)
        base = f"http://127.0.0.1:{node.metrics_port}"
        async with httpx.AsyncClient() as client:
            metrics = (await client.get(f"{base}/metrics")).text
            health = (await client.get(f"{base}/healthz")).json()
        assert 'yuqing_leader{instance="m0"} 1.0' in metrics
        assert 'yuqing_lease_holder{holder="m0"} 1.0' in metrics
        assert "yuqing_redis_up 1.0" in metrics
        sent = re.search(r'yuqing_notifications_sent_total\{channel="console"\} ([0-9.]+)', metrics)
        assert sent and float(sent.group(1)) == 2  # the catch-up briefing and t1
        assert "yuqing_outbox_pending 0.0" in metrics
        assert "yuqing_outbox_pending" in metrics and "yuqing_polls_total" in metrics
        assert health == {
            "instance": "m0",
            "leader": True,
            "lease_holder": node.lease.token,
            "redis": True,
            "polls_done": 0,
        }
    finally:
        await node.stop()
        await store.close()
