"""What only the shared backend must do: stay atomic when several processes race."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.models import Action, ActionKind, Actor, Item, MessageRef, NoticeKind, Notification, Status
from bot.store import redis_store
from bot.store.base import StoreError, VersionConflict
from bot.store.redis_store import RedisStore
from tests.conftest import REDIS_URL, START
from tests.redis_server import PrivateRedis
from tests.test_store_contract import incident


@pytest.fixture
async def handles(redis_prefix) -> AsyncIterator[list[RedisStore]]:
    stores = [RedisStore(REDIS_URL, redis_prefix) for _ in range(4)]
    for s in stores:
        await s.open()
    yield stores
    for s in stores:
        await s.close()


async def test_claim_seen_races_give_each_key_to_one_handle(handles):
    keys = [f"https://x.cn/{n}" for n in range(50)]
    results = await asyncio.gather(*(s.claim_seen(keys, START) for s in handles))
    winners = [sum(r[i] for r in results) for i in range(len(keys))]
    assert winners == [1] * len(keys)


async def test_version_check_lets_one_writer_win(handles):
    await handles[0].put_incident(incident())
    base = await handles[0].get_incident("YQ-20261126-0001")

    async def ack(store: RedisStore, who: str) -> str:
        try:
            await store.put_incident(
                base.replace(version=2, status=Status.ACKNOWLEDGED, acked_by=who), expected_version=1
            )
            return who
        except VersionConflict:
            return ""

    won = [w for w in await asyncio.gather(*(ack(s, f"p{n}") for n, s in enumerate(handles))) if w]
    assert len(won) == 1
    assert (await handles[1].get_incident("YQ-20261126-0001")).acked_by == won[0]


async def test_sequences_never_repeat_across_handles(handles):
    got = await asyncio.gather(*(s.next_sequence("20261126") for s in handles for _ in range(5)))
    assert sorted(got) == list(range(1, 21))


async def test_pending_pages_keep_order_and_list_each_once(handles, monkeypatch):
    monkeypatch.setattr(redis_store, "_OUTBOX_PAGE", 3)
    store = handles[0]
    notes = [
        Notification(f"n{i}", "console:console", NoticeKind.TEXT, START + timedelta(seconds=i), priority=1 + i % 4)
        for i in range(10)
    ]
    await store.enqueue(notes)
    due = await store.pending_notifications(START + timedelta(minutes=1), limit=100)
    assert [n.id for n in due] == [n.id for n in sorted(notes, key=lambda n: (n.priority, n.created_at))]
    assert await store.pending_count() == 10


async def test_update_of_unknown_notification_is_refused(handles):
    note = Notification("ghost", "console:console", NoticeKind.TEXT, START)
    with pytest.raises(StoreError):
        await handles[0].update_notification(note)
    assert await handles[0].get_notification("ghost") is None


async def test_every_key_lives_under_the_prefix(tmp_path):
    server = PrivateRedis(tmp_path / "redis")  # an empty server: every key in it is ours
    server.start()
    store = RedisStore(server.url, "yq:a:")
    try:
        await store.open()
        await store.put_incident(incident())
        await store.claim_seen(["u"], START)
        await store.add_items([Item("s", "https://x.cn/1", "t", fetched_at=START)])
        await store.append_action(Action("x", "YQ-20261126-0001", ActionKind.CREATE, Actor("system", "bot"), START))
        await store.enqueue([Notification("a", "console:console", NoticeKind.TEXT, START)])
        await store.add_message_ref(MessageRef("console:console", "1", "YQ-20261126-0001"))
        await store.put_source_state("news", {"health": {}})
        await store.set_meta("k", 1)
        await store.next_sequence("20261126")
        keys = [k async for k in store.client.scan_iter(match="*")]
        assert len(keys) >= 12 and all(k.startswith("yq:a:") for k in keys), keys
    finally:
        await store.close()
        server.kill()


async def test_open_reports_an_unreachable_redis_in_chinese():
    store = RedisStore("redis://127.0.0.1:1/0", "x:")
    with pytest.raises(StoreError, match="无法连接 Redis"):
        await store.open()


async def test_a_failed_batch_unmarks_the_items_it_did_not_place(handles):
    store = handles[0]
    with pytest.raises(RuntimeError):
        async with store.batch():
            assert await store.claim_seen(["a", "b", "c"], START) == [True, True, True]
            await store.put_incident(incident(item_keys=("a",)))  # a reached an incident
            raise RuntimeError("judge crashed on b")
    assert await handles[1].claim_seen(["a", "b", "c"], START) == [False, True, True]


async def test_concurrent_batches_keep_their_own_claims(handles):
    store = handles[0]

    async def poll(keys: list[str], fail: bool) -> None:
        async with store.batch():
            await store.claim_seen(keys, START)
            await asyncio.sleep(0)
            if fail:
                raise RuntimeError("boom")

    results = await asyncio.gather(poll(["x1", "x2"], True), poll(["y1", "y2"], False), return_exceptions=True)
    assert isinstance(results[0], RuntimeError) and results[1] is None
    assert await store.claim_seen(["x1", "x2", "y1", "y2"], START) == [True, True, False, False]


async def test_unmarking_waits_for_redis_to_come_back(tmp_path):
    server = PrivateRedis(tmp_path / "redis")
    server.start()
    store = RedisStore(server.url, "yq:b:")
    try:
        await store.open()
        with pytest.raises(StoreError):
            async with store.batch():
                await store.claim_seen(["k1", "k2"], START)
                server.kill()  # Redis dies mid-poll
                await store.put_incident(incident(item_keys=("k1",)))
        server.start()  # AOF: k1 and k2 are still marked seen
        assert await store.claim_seen(["k1", "k2", "k3"], START) == [True, True, True]
    finally:
        await store.close()
        server.kill()


DIE_MID_POLL = """
import asyncio, os, sys
from datetime import datetime
from bot.store.redis_store import RedisStore
async def main():
    store = RedisStore(sys.argv[1], sys.argv[2])
    await store.open()
    async with store.batch():
        print(await store.claim_seen(["https://x.cn/lost"], datetime.fromisoformat(sys.argv[3])), flush=True)
        os._exit(9)  # the machine dies mid-poll: nobody un-marks the claim
asyncio.run(main())
"""


async def test_claims_of_a_poll_that_died_are_swept_and_judged_again(redis_prefix):
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", DIE_MID_POLL, REDIS_URL, redis_prefix, START.isoformat()],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 9 and proc.stdout.strip() == "[True]", proc.stderr
    store = RedisStore(REDIS_URL, redis_prefix)
    await store.open()
    try:
        assert await store.claim_seen(["https://x.cn/lost"], START + timedelta(minutes=5)) == [False]
        async with store.batch():  # a poll that ends well makes its claims final
            assert await store.claim_seen(["https://x.cn/kept"], START) == [True]
        later = START + redis_store.PROVISIONAL_CLAIM + timedelta(minutes=1)
        assert await store.unseen(["https://x.cn/lost"], START + timedelta(minutes=5)) == [False]
        # a poll's first look (before it claims its page in parts) already sees the abandoned claim gone
        assert await store.unseen(["https://x.cn/lost", "https://x.cn/kept"], later) == [True, False]
        assert await store.claim_seen(["https://x.cn/lost", "https://x.cn/kept"], later) == [True, False]
    finally:
        await store.close()
