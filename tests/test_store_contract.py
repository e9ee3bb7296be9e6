"""The Store contract: every backend (see conftest.store_factory) must pass all of it."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from bot.models import (
    Action,
    ActionKind,
    Actor,
    Hit,
    Incident,
    Item,
    Match,
    MessageRef,
    NoticeKind,
    Notification,
    Sentiment,
    Status,
    Tier,
)
from bot.store.base import VersionConflict, file_ref, parse_file_ref

T0 = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


def incident(number: str = "YQ-20261126-0001", **kw: object) -> Incident:
    base = Incident(
        number=number,
        tier=Tier.II,
        title="江城化工集团仓库爆炸",
        url="https://news.example.cn/a/1",
        source_id="news",
        discovered_at=T0,
        match=Match("国资委", (Hit("爆炸", "event", "title", 6, 8, 5),), 5),
        sentiment=Sentiment("negative", 0.9),
        reason="主体 + 事件 → II",
        ack_deadline=T0 + timedelta(minutes=30),
        item_keys=("https://news.example.cn/a/1",),
    )
    return base.replace(**kw)


def note(nid: str, priority: int, created: datetime, **kw: object) -> Notification:
    return Notification(nid, "console:console", NoticeKind.ALERT, created, incident="X", priority=priority).replace(
        **kw
    )


async def test_incident_roundtrip_keeps_every_field(store):
    inc = incident()
    await store.put_incident(inc)
    assert await store.get_incident(inc.number) == inc
    assert await store.get_incident("YQ-20261126-9999") is None


async def test_incident_version_check(store):
    inc = incident()
    await store.put_incident(inc)
    await store.put_incident(inc.replace(version=2, status=Status.ACKNOWLEDGED), expected_version=1)
    with pytest.raises(VersionConflict):
        await store.put_incident(inc.replace(version=2), expected_version=1)
    assert (await store.get_incident(inc.number)).status is Status.ACKNOWLEDGED


async def test_incidents_filtered_and_ordered(store):
    await store.put_incident(incident("YQ-20261126-0002", discovered_at=T0 + timedelta(hours=1)))
    await store.put_incident(incident("YQ-20261126-0001", status=Status.RESOLVED))
    await store.put_incident(incident("YQ-20261126-0003", discovered_at=T0 + timedelta(hours=2)))
    assert [i.number for i in await store.incidents()] == [
        "YQ-20261126-0001",
        "YQ-20261126-0002",
        "YQ-20261126-0003",
    ]
    open_ = await store.incidents(statuses=[Status.NEW])
    assert [i.number for i in open_] == ["YQ-20261126-0002", "YQ-20261126-0003"]
    recent = await store.incidents(since=T0 + timedelta(minutes=90))
    assert [i.number for i in recent] == ["YQ-20261126-0003"]


async def test_sequences_count_per_day(store):
    assert [await store.next_sequence("20261126") for _ in range(3)] == [1, 2, 3]
    assert await store.next_sequence("20261127") == 1


async def test_claim_seen_is_once_per_key(store):
    assert await store.claim_seen(["a", "b"], T0) == [True, True]
    assert await store.claim_seen(["b", "c", "c"], T0) == [False, True, False]


async def test_unseen_reads_without_claiming(store):
    await store.claim_seen(["a"], T0)
    assert await store.unseen(["a", "b", "b"], T0) == [False, True, True]
    assert await store.unseen(["b"], T0) == [True]  # the look marked nothing
    assert await store.claim_seen(["b"], T0) == [True]
    assert await store.unseen(["b"], T0) == [False]
    assert await store.unseen([], T0) == []


async def test_items_between(store):
    items = [Item("s", f"https://x.cn/{i}", f"标题{i}", fetched_at=T0 + timedelta(minutes=i)) for i in range(5)]
    await store.add_items(items)
    got = await store.items_between(T0 + timedelta(minutes=1), T0 + timedelta(minutes=3))
    assert [i.url for i in got] == ["https://x.cn/1", "https://x.cn/2"]
    assert got[0] == items[1]


async def test_prune_items_drops_only_the_old_and_is_safe_to_repeat(store_factory):
    s = store_factory()
    await s.open()
    ages = [40, 31, 29, 1]
    await s.add_items([Item("s", f"https://x.cn/{d}", f"标题{d}", fetched_at=T0 - timedelta(days=d)) for d in ages])
    await s.add_items([Item("s", "https://x.cn/undated", "无时间")])
    assert await s.prune_items(T0 - timedelta(days=30)) == 2
    assert await s.prune_items(T0 - timedelta(days=30)) == 0
    await s.set_meta("commit", 1)  # a durable write: the pruning rides along
    await s.close()
    again = store_factory()
    await again.open()
    try:
        kept = await again.items_between(T0 - timedelta(days=365), T0)
        assert [i.url for i in kept] == ["https://x.cn/29", "https://x.cn/1"]  # and so after a restart
    finally:
        await again.close()


async def test_actions_append_only_and_idempotent(store):
    actor = Actor("telegram", "2", "李明")
    a1 = Action("m1", "YQ-1", ActionKind.ACK, actor, T0, note="收到")
    a2 = Action("m2", "YQ-1", ActionKind.ASSIGN, actor, T0 + timedelta(seconds=1), assignee="张三")
    a3 = Action("m3", "YQ-2", ActionKind.ACK, actor, T0 + timedelta(seconds=2))
    assert await store.append_action(a1) is True
    assert await store.append_action(a2) is True
    assert await store.append_action(dataclasses.replace(a1, note="x")) is False
    await store.append_action(a3)
    assert await store.actions("YQ-1") == [a1, a2]
    assert [a.id for a in await store.actions()] == ["m1", "m2", "m3"]
    assert [a.id for a in await store.actions(since=T0 + timedelta(seconds=1))] == ["m2", "m3"]


async def test_source_state_roundtrip(store):
    assert await store.get_source_state("news") == {}
    await store.put_source_state("news", {"fetch": {"etag": '"abc"'}, "health": {"failures": 2}})
    assert await store.get_source_state("news") == {"fetch": {"etag": '"abc"'}, "health": {"failures": 2}}


async def test_outbox_order_idempotency_and_updates(store):
    n_low = note("a", 3, T0)
    n_high = note("b", 1, T0 + timedelta(seconds=5))
    n_later = note("c", 1, T0 + timedelta(seconds=9), next_attempt_at=T0 + timedelta(minutes=5))
    assert await store.enqueue([n_low, n_high, n_later]) == [True, True, True]
    assert await store.enqueue([n_low.replace(text="changed")]) == [False]
    due = await store.pending_notifications(T0 + timedelta(seconds=10))
    assert [n.id for n in due] == ["b", "a"]  # tier I first, then oldest; c not due yet
    await store.update_notification(n_high.replace(sent_at=T0, message_id="42"))
    assert (await store.get_notification("b")).message_id == "42"
    due = await store.pending_notifications(T0 + timedelta(minutes=6))
    assert [n.id for n in due] == ["c", "a"]
    assert (await store.get_notification("a")).text == ""


async def test_message_refs(store):
    await store.add_message_ref(MessageRef("telegram:-100", "7", "YQ-1"))
    await store.add_message_ref(MessageRef("console:console", "3", "YQ-1"))
    await store.add_message_ref(MessageRef("telegram:-100", "8", "YQ-2"))
    assert {r.target for r in await store.message_refs("YQ-1")} == {"telegram:-100", "console:console"}
    assert await store.incident_for_message("telegram:-100", "8") == "YQ-2"
    assert await store.incident_for_message("telegram:-100", "9") is None


async def test_meta_and_set_if_absent(store):
    assert await store.get_meta("k") is None
    assert await store.set_meta_if_absent("k", "first") is True
    assert await store.set_meta_if_absent("k", "second") is False
    assert await store.get_meta("k") == "first"
    await store.set_meta("k", {"n": 1})
    assert await store.get_meta("k") == {"n": 1}


async def test_batch_then_reopen_keeps_everything(store_factory):
    s = store_factory()
    await s.open()
    async with s.batch():
        await s.put_incident(incident())
        await s.claim_seen(["u1"], T0)
        await s.append_action(Action("x", "YQ-20261126-0001", ActionKind.CREATE, Actor("system", "bot"), T0))
    await s.close()
    again = store_factory()
    await again.open()
    try:
        assert await again.get_incident("YQ-20261126-0001") == incident()
        assert await again.claim_seen(["u1"], T0) == [False]
        assert len(await again.actions()) == 1
        assert await again.next_sequence("d") == 1
    finally:
        await again.close()


# Not text in any encoding: NUL bytes, invalid UTF-8, a PNG signature.
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe\xc3" + bytes(range(256)) + b"\x00"
MONTH = timedelta(days=30)


async def test_a_failed_batch_unmarks_the_items_it_did_not_place(store_factory):
    """A poll that fails half-way (a bug in a stage, a write error) loses none of its page: the items it
    claimed but did not place are judged again by the next poll, now and after a restart."""
    s = store_factory()
    await s.open()
    with pytest.raises(RuntimeError):
        async with s.batch():
            assert await s.claim_seen(["a", "b", "c"], T0) == [True, True, True]
            await s.put_incident(incident(item_keys=("a",)))  # a reached an incident
            raise RuntimeError("judge crashed on b")
    assert await s.unseen(["a", "b", "c"], T0) == [False, True, True]
    async with s.batch():  # a later batch that succeeds keeps its claims
        assert await s.claim_seen(["b"], T0) == [True]
    await s.close()
    again = store_factory()
    await again.open()
    try:
        assert await again.claim_seen(["a", "b", "c"], T0) == [False, False, True]
        assert await again.get_incident("YQ-20261126-0001") is not None
    finally:
        await again.close()


async def test_file_roundtrip_of_binary_data(store):
    ref = await store.put_file("舆情简报-20261126.docx", BINARY, MONTH)
    assert parse_file_ref(ref) == (ref[7:39], "舆情简报-20261126.docx")  # the name the chat shows
    assert await store.get_file(ref) == BINARY
    empty = await store.put_file("empty.txt", b"", MONTH)
    assert await store.get_file(empty) == b""  # empty, not missing
    assert await store.put_file("again.docx", BINARY, MONTH) != ref  # same bytes, another name
    assert await store.get_file(await store.put_file("again.docx", BINARY, MONTH)) == BINARY
    with pytest.raises(ValueError):
        await store.put_file("../x.png", b"x", MONTH)


async def test_unknown_file_refs_are_none(store):
    assert await store.get_file(file_ref("never-stored.png", b"other bytes")) is None
    for not_a_ref in ("", "/etc/hostname", "data/files/briefing.png", "stored:../../etc/hostname", "stored:x/y"):
        assert await store.get_file(not_a_ref) is None


async def test_file_expires_after_keep(store):
    short = await store.put_file("short.png", b"short-lived", timedelta(milliseconds=300))
    kept = await store.put_file("kept.png", BINARY, MONTH)
    assert await store.put_file("kept.png", BINARY, timedelta(milliseconds=300)) == kept  # cannot shorten it
    assert await store.get_file(short) == b"short-lived"
    await asyncio.sleep(0.45)
    assert await store.get_file(short) is None
    assert await store.get_file(kept) == BINARY
    again = await store.put_file("short.png", b"short-lived", MONTH)  # stored again after it expired
    assert again == short and await store.get_file(again) == b"short-lived"


async def test_files_survive_reopen(store_factory):
    s = store_factory()
    await s.open()
    ref = await s.put_file("chart.png", BINARY, MONTH)
    await s.close()
    again = store_factory()
    await again.open()
    try:
        assert await again.get_file(ref) == BINARY
    finally:
        await again.close()
