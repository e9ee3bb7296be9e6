"""Redis goes away mid-run: the bot keeps running, says so in /status, loses nothing it acknowledged.

These tests crash and restart a private redis-server (tests/redis_server.py),
never the shared one on 6379.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator

import pytest

from bot import app as wiring
from bot.config import Config
from bot.dispatch import STORE_DOWN, STORE_DOWN_STATUS
from bot.models import ActionKind, Actor, Command
from bot.roles import Node
from bot.routing import CONSOLE_CHAT
from bot.store.base import StoreUnavailable
from bot.store.redis_store import RedisStore
from tests.cluster_harness import Cluster, FeedServer, all_alerted, cluster_config, wait_until
from tests.conftest import make_config
from tests.test_store_contract import incident


@pytest.fixture
async def feed() -> AsyncIterator[FeedServer]:
    server = FeedServer()
    await server.start()
    yield server
    await server.stop()


def command(name: str, *args: str) -> Command:
    return Command("console", "李明", CONSOLE_CHAT, name, args, f"/{name} {' '.join(args)}".strip(), "m-" + name)


async def test_status_reports_the_outage_and_acknowledged_actions_survive(private_redis, clock):
    store = RedisStore(private_redis.url, "outage:")
    await store.open()
    app = await wiring.build_app(make_config(), store, clock, io.StringIO())
    try:
        await store.put_incident(incident())
        replies = await app.dispatcher.handle(command("ack", "YQ-20261126-0001"))
        assert "YQ-20261126-0001" in replies[0] and "确认" in replies[0]  # acknowledged to the user
        private_redis.kill()
        assert await app.dispatcher.handle(command("status")) == [STORE_DOWN_STATUS]
        assert await app.dispatcher.handle(command("resolve", "YQ-20261126-0001", "已处置")) == [STORE_DOWN]
        with pytest.raises(StoreUnavailable):
            await store.get_incident("YQ-20261126-0001")
        private_redis.start()  # same port, same AOF
        status = await app.dispatcher.handle(command("status"))
        assert status != [STORE_DOWN_STATUS] and "运行状态" in status[0]
        inc = await store.get_incident("YQ-20261126-0001")
        assert inc.acked_by == "李明"
        assert [a.kind for a in await store.actions("YQ-20261126-0001")] == [ActionKind.ACK]
        assert all(a.actor == Actor("console", "李明", "李明") for a in await store.actions("YQ-20261126-0001"))
    finally:
        await app.http.aclose()
        await store.close()


async def test_cluster_rides_out_a_redis_crash(tmp_path, private_redis, feed):
    prefix = "cluster:"
    cluster = Cluster(tmp_path, cluster_config(feed.url, private_redis.url, prefix))
    store = RedisStore(private_redis.url, prefix)
    await store.open()

    urls = feed.add(3)
    try:
        for n in range(2):
            cluster.start(f"node{n}")
        await wait_until(lambda: all_alerted(store, urls), what="first batch alerted")
        private_redis.kill()
        urls += feed.add(3)  # news arrives while Redis is down
        await wait_until(lambda: _all_noticed(cluster), what="every instance retrying against the dead Redis")
        assert all(i.proc.poll() is None for i in cluster.instances)  # both keep running
        private_redis.start()
        await wait_until(lambda: all_alerted(store, urls), what="caught up after Redis returned")
        assert all(i.proc.poll() is None for i in cluster.instances)
    finally:
        cluster.stop_all()
    incidents = await store.incidents()
    await store.close()
    assert sorted(k for i in incidents for k in i.item_keys) == sorted(urls)
    counts = cluster.alert_counts()
    assert sorted(counts) == sorted(i.number for i in incidents if i.tier.pushed)
    assert set(counts.values()) == {1}, counts


async def _all_noticed(cluster: Cluster) -> bool:
    """Each instance has logged a failed round against Redis (and keeps retrying with backoff)."""
    return all("将退避重试" in i.err_path.read_text(errors="replace") for i in cluster.instances)


async def test_a_poll_cut_by_a_redis_crash_frees_its_source(private_redis):
    """Redis dies while a poll waits on a slow source: the poll ends (the store is down), and once
    Redis is back the next poll of that source runs, not skipped as "already running"."""
    slow = FeedServer(delay=1.0)
    await slow.start()
    slow.add(2)
    raw = cluster_config(slow.url, private_redis.url, "cut:")
    store = RedisStore(private_redis.url, "cut:")
    await store.open()
    node = Node(Config.model_validate(raw), store)
    try:
        poll = asyncio.create_task(node.poller.poll("news"))
        await asyncio.sleep(0.5)  # inside the fetch
        private_redis.kill()
        with pytest.raises(StoreUnavailable):
            await asyncio.wait_for(poll, 30)
        private_redis.start()
        slow.add(1)
        report = await asyncio.wait_for(node.poller.poll("news"), 30)
        assert report is not None and report.new == 3  # it ran; the cut poll had claimed nothing
    finally:
        await node.http.aclose()
        await store.close()
        await slow.stop()
