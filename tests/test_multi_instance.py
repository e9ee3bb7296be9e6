"""Several `yuqing-bot run` processes on one Redis: each incident reaches each chat once.

The chat is the console channel of whichever instance leads (its stdout);
alert lines from every instance's stdout are counted together.
"""

from __future__ import annotations

import os
import signal
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.store.redis_store import RedisStore
from tests.cluster_harness import Cluster, FakeTelegram, FeedServer, all_alerted, cluster_config, wait_until
from tests.conftest import REDIS_URL


@pytest.fixture
async def feed() -> AsyncIterator[FeedServer]:
    server = FeedServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def shared(redis_prefix) -> AsyncIterator[RedisStore]:
    store = RedisStore(REDIS_URL, redis_prefix)
    await store.open()
    yield store
    await store.close()


@pytest.mark.parametrize("count", [2])
async def test_every_incident_once_per_chat(tmp_path, feed, shared, redis_prefix, count):
    cluster = Cluster(tmp_path, cluster_config(feed.url, REDIS_URL, redis_prefix))
    urls = feed.add(4)
    try:
        for n in range(count):
            cluster.start(f"node{n}")
        await wait_until(lambda: all_alerted(shared, urls), what="first batch alerted")
        urls += feed.add(5)  # more news while all of them run
        await wait_until(lambda: all_alerted(shared, urls), what="second batch alerted")
    finally:
        cluster.stop_all()
    incidents = await shared.incidents()
    pushed = sorted(i.number for i in incidents if i.tier.pushed)
    assert sorted(k for i in incidents for k in i.item_keys) == sorted(urls) and pushed
    counts = cluster.alert_counts()
    assert sorted(counts) == pushed
    assert set(counts.values()) == {1}, counts
    printing = [i.name for i in cluster.instances if i.alerts()]
    assert len(printing) == 1  # no leader change: one instance delivered everything
    health = (await shared.get_source_state("news"))["health"]
    assert health["items_seen"] == len(urls)  # each item counted once, whichever worker polled


async def test_leader_killed_follower_takes_over(tmp_path, feed, shared, redis_prefix):
    cluster = Cluster(tmp_path, cluster_config(feed.url, REDIS_URL, redis_prefix))
    urls = feed.add(3)
    try:
        for n in range(3):
            cluster.start(f"node{n}")
        await wait_until(lambda: all_alerted(shared, urls), what="first batch alerted")
        holder = await shared.client.get(f"{redis_prefix}lease:leader")
        leader = cluster.by_name(holder.split(":", 1)[1])
        os.kill(leader.proc.pid, signal.SIGKILL)
        leader.proc.wait()
        urls += feed.add(4)
        await wait_until(lambda: all_alerted(shared, urls), what="second batch alerted after the leader died")
        new_holder = await shared.client.get(f"{redis_prefix}lease:leader")
    finally:
        cluster.stop_all()
    assert new_holder is not None and new_holder.split(":", 1)[1] != leader.name
    assert int(new_holder.split(":", 1)[0]) > int(holder.split(":", 1)[0])
    counts = cluster.alert_counts()
    pushed = sorted(i.number for i in await shared.incidents() if i.tier.pushed)
    assert sorted(counts) == pushed
    assert set(counts.values()) == {1}, counts
    successor = cluster.by_name(new_holder.split(":", 1)[1])
    assert successor.alerts() and leader.alerts()  # both delivered: before and after the kill


async def test_three_instances_two_telegram_groups_and_a_leader_kill(tmp_path, feed, shared, redis_prefix):
    """Counted at the far side: the fake Bot API records every sendMessage per group."""
    telegram = FakeTelegram()
    config = cluster_config(feed.url, REDIS_URL, redis_prefix)
    groups = [-1001, -1002]
    config["chats"] = {**config["chats"], "telegram": telegram.config(groups)}
    # A morning slot 30 minutes ago: each new leader's start-up catch-up tries to send it.
    earlier = datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(minutes=30)
    slot, key = earlier.strftime("%H:%M"), f"briefing:{earlier:%Y%m%d}:{earlier:%H:%M}"
    config["briefing"] = {"times": [slot], "chart": False}
    targets = ("console:console", *(f"telegram:{g}" for g in groups))
    cluster = Cluster(tmp_path, config)
    urls = feed.add(3)
    try:
        for n in range(3):
            cluster.start(f"node{n}")
        await wait_until(lambda: all_alerted(shared, urls, targets), what="first batch in every chat")
        holder = await shared.client.get(f"{redis_prefix}lease:leader")
        os.kill(cluster.by_name(holder.split(":", 1)[1]).proc.pid, signal.SIGKILL)
        urls += feed.add(2)
        await wait_until(lambda: all_alerted(shared, urls, targets), within=45, what="second batch after the kill")

        async def briefed() -> bool:
            notes = [await shared.get_notification(f"text:{key}:{t}") for t in targets]
            return all(n is not None and n.sent_at is not None for n in notes)

        await wait_until(briefed, what="the briefing sent to every chat")
        per_chat = await telegram.alerts_per_chat()
        briefings = await telegram.texts_per_chat("舆情晨报")
    finally:
        cluster.stop_all()
        telegram.stop()
    assert briefings == {str(g): 1 for g in groups}  # one briefing per group, across the leader change
    assert sum(i.output().count("舆情晨报") for i in cluster.instances) == 1
    pushed = sorted(i.number for i in await shared.incidents() if i.tier.pushed)
    assert pushed
    assert sorted(per_chat) == sorted((str(g), n) for g in groups for n in pushed)
    assert set(per_chat.values()) == {1}, per_chat
    counts = cluster.alert_counts()
    assert sorted(counts) == pushed and set(counts.values()) == {1}, counts


async def test_paused_leader_steps_down_and_sends_nothing_after(tmp_path, feed, shared, redis_prefix):
    cluster = Cluster(tmp_path, cluster_config(feed.url, REDIS_URL, redis_prefix))
    urls = feed.add(2)
    try:
        for n in range(2):
            cluster.start(f"node{n}")
        await wait_until(lambda: all_alerted(shared, urls), what="first batch alerted")
        holder = await shared.client.get(f"{redis_prefix}lease:leader")
        paused = cluster.by_name(holder.split(":", 1)[1])
        printed_before = len(paused.alerts())
        os.kill(paused.proc.pid, signal.SIGSTOP)  # a GC pause, a frozen VM
        urls += feed.add(3)
        await wait_until(lambda: all_alerted(shared, urls), within=45, what="follower delivers while it is paused")
        os.kill(paused.proc.pid, signal.SIGCONT)

        async def stepped_down() -> bool:
            return "lost the leader lease" in paused.err_path.read_text(errors="replace")

        await wait_until(stepped_down, what="the former leader notices")
        urls += feed.add(1)
        await wait_until(lambda: all_alerted(shared, urls), what="third batch alerted")
    finally:
        cluster.stop_all()
    assert len(paused.alerts()) == printed_before  # nothing sent after it lost the lease
    counts = cluster.alert_counts()
    assert sorted(counts) == sorted(i.number for i in await shared.incidents() if i.tier.pushed)
    assert set(counts.values()) == {1}, counts
