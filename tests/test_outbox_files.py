"""Queued pictures and documents live in the store, so whichever instance sends them can read them.

Two instances on one Redis with separate working directories (no shared disk):
the one that queued the briefing's chart dies before sending it, the next
leader sends it. Plus the embedded store's folder, entries queued before files
lived in the store (a path), and fencing of a former leader.
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import build_app
from bot.briefing import send_scheduled_briefing
from bot.briefing.files import file_notification, queue_file
from bot.clock import FakeClock
from bot.lease import LeaderLease
from bot.models import NoticeKind, Target
from bot.roles import Node
from bot.store.base import parse_file_ref
from bot.store.file_folder import FileFolder
from bot.store.redis_store import FencedOut, RedisStore
from bot.store.tinydb_store import TinyDBStore
from tests.briefing_scenario import NOW, PEOPLE, fill
from tests.conftest import REDIS_URL, make_config
from tests.fake_bot_api import FakeBotApi
from tests.test_multi_instance_roles import crash, delivered, take_over

PNG = b"\x89PNG\r\n\x1a\n"
CHART = "briefing-20261126-0800.png"
PHOTO_ID = "photo:briefing:20261126:08:00:{target}"
LEADERS = -1001


@pytest.fixture
async def shared(redis_prefix) -> AsyncIterator[RedisStore]:
    """A plain (unfenced) view of the instances' data, for the test to look at."""
    store = RedisStore(REDIS_URL, redis_prefix)
    await store.open()
    await fill(store)  # a week of incidents, so the briefing has a chart
    yield store
    await store.close()


def telegram_node_config(prefix: str, name: str, api: FakeBotApi, workdir: Path):
    telegram = {
        "enabled": True,
        "token": api.token,
        "base_url": api.base_url,
        "base_file_url": api.base_file_url,
        "chats": [{"id": str(LEADERS), "name": "领导小组"}],
    }
    return make_config(
        people=PEOPLE,
        chats={"console": {"enabled": False}, "telegram": telegram},
        store={"backend": "redis", "url": REDIS_URL, "prefix": prefix},
        briefing={"times": ["08:00"], "chart": True, "files_dir": str(workdir / "data" / "files")},
        storm={"enabled": False},
        ops={"instance": name, "lease_ttl": "10s"},
    )


async def test_chart_queued_by_a_dead_leader_is_sent_by_the_next(api: FakeBotApi, shared, redis_prefix, tmp_path):
    """Telegram holds A's chart back (429); A dies with it queued; B, on another machine, sends it."""
    clock = FakeClock(NOW)
    nodes: list[Node] = []
    stores: list[RedisStore] = []
    for name in ("a", "b"):
        store = RedisStore(REDIS_URL, redis_prefix)
        await store.open()
        stores.append(store)
        config = telegram_node_config(redis_prefix, name, api, tmp_path / name)
        nodes.append(Node(config, store, clock, io.StringIO(), read_console=False))
    a, b = nodes
    photo_id = PHOTO_ID.format(target=f"telegram:{LEADERS}")
    try:
        api.fail("sendPhoto", "retry_after", retry_after=30)
        assert await a.role.tick() is True  # A leads: its start-up catch-up queues the 08:00 briefing
        for _ in range(1000):  # A sends the text; Telegram answers the chart with a 429: it waits 30 s, queued
            photo = await shared.get_notification(photo_id)
            if photo is not None and photo.attempts == 1:
                break
            await asyncio.sleep(0.01)
        assert photo is not None and photo.sent_at is None and photo.attempts == 1
        await crash(a)
        shutil.rmtree(tmp_path / "a", ignore_errors=True)  # A's machine is gone, and its disk with it
        assert await take_over([b]) is b
        clock.advance(timedelta(seconds=31))
        await delivered(b)
        assert [c.status for c in api.requests("sendPhoto")] == [429, 200]
        sent = api.requests("sendPhoto")[-1]
        assert sent.params["photo"].filename == CHART and sent.params["caption"] == "📊 舆情趋势图"
        photo = await shared.get_notification(photo_id)
        assert photo is not None and photo.sent_at is not None and photo.message_id
        assert (await shared.get_file(photo.file))[:8] == PNG
        assert [c.status for c in api.requests("sendMessage") if "舆情晨报" in c.params["text"]] == [200]  # once, by A
    finally:
        for node in nodes:
            await node.stop()
        for store in stores:
            await store.close()


async def test_other_working_directory_gets_the_same_bytes(shared, redis_prefix, tmp_path, monkeypatch):
    """A (in its own directory) queues and dies; B (in another) sends through the console: the same PNG."""
    clock = FakeClock(NOW)
    client = shared.client
    config = make_config(
        people=PEOPLE, briefing={"times": ["08:00"], "files_dir": "data/files"}, storm={"enabled": False}
    )
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()

    monkeypatch.chdir(tmp_path / "a")
    lease_a = LeaderLease(client, redis_prefix, "a", ttl=10)
    assert await lease_a.try_acquire()
    store_a = shared.fenced(lease_a.key, lease_a.token)
    app_a = await build_app(config, store_a, clock, console_out=io.StringIO())
    assert await send_scheduled_briefing(app_a.services, "08:00") is True  # queued, then A dies unsent
    await app_a.http.aclose()
    photo_id = PHOTO_ID.format(target="console:console")
    queued = await shared.get_notification(photo_id)
    assert queued is not None and queued.sent_at is None
    stored = await shared.get_file(queued.file)
    assert stored is not None and stored[:8] == PNG
    shutil.rmtree(tmp_path / "a")

    await client.delete(lease_a.key)  # A's lease runs out
    lease_b = LeaderLease(client, redis_prefix, "b", ttl=10)
    assert await lease_b.try_acquire()
    monkeypatch.chdir(tmp_path / "b")
    out = io.StringIO()
    app_b = await build_app(config, shared.fenced(lease_b.key, lease_b.token), clock, console_out=out)
    try:
        assert await app_b.delivery.run_once() == 2  # the text and the chart
        assert (tmp_path / "b" / "data" / "outbox" / CHART).read_bytes() == stored
        assert "📊 舆情趋势图" in out.getvalue()
        with pytest.raises(FencedOut):  # A, were it only paused, can no longer read or store files
            await store_a.get_file(queued.file)
        with pytest.raises(FencedOut):
            await store_a.put_file("late.png", PNG, timedelta(days=1))
    finally:
        await app_b.http.aclose()


async def test_entry_queued_as_a_path_is_still_sent(tinydb_store, tmp_path, monkeypatch):
    """Outbox entries from before the upgrade hold a path under briefing.files_dir: sent if it is there."""
    monkeypatch.chdir(tmp_path)
    legacy = tmp_path / "data" / "files" / "舆情专报-YQ-20261125-0001.docx"
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(b"PK\x03\x04old")
    console = Target("console", "console")
    out = io.StringIO()
    app = await build_app(make_config(people=PEOPLE), tinydb_store, FakeClock(NOW), console_out=out)
    try:
        note = file_notification(console, str(legacy), "📎 专报", NoticeKind.DOCUMENT, "old", NOW)
        await tinydb_store.enqueue([note])
        assert await app.delivery.run_once() == 1
        assert (tmp_path / "data" / "outbox" / legacy.name).read_bytes() == b"PK\x03\x04old"
        sent = await tinydb_store.get_notification(note.id)
        assert sent is not None and sent.message_id and not sent.last_error
    finally:
        await app.http.aclose()


async def test_queue_file_prunes_the_legacy_folder_only(tinydb_store, tmp_path):
    """New files go to the store; the old folder is still pruned, and not created when absent."""
    folder = tmp_path / "files"
    config = make_config(people=PEOPLE, briefing={"files_dir": str(folder)})
    app = await build_app(config, tinydb_store, FakeClock(NOW), console_out=io.StringIO())
    console = Target("console", "console")
    try:
        await queue_file(app.services, [console], b"x", "a.png", "图", NoticeKind.PHOTO, "k0")
        assert not folder.exists()
        folder.mkdir()
        old, fresh = folder / "old.png", folder / "fresh.png"
        old.write_bytes(b"o")
        fresh.write_bytes(b"f")
        month_ago = (NOW - timedelta(days=31)).timestamp()
        os.utime(old, (month_ago, month_ago))
        os.utime(fresh, (NOW.timestamp(), NOW.timestamp()))
        ref = await queue_file(
            app.services, [console], b"doc", "舆情简报-20261126.docx", "📎", NoticeKind.DOCUMENT, "k1"
        )
        assert sorted(p.name for p in folder.iterdir()) == ["fresh.png"]
        assert parse_file_ref(ref) is not None and parse_file_ref(ref)[1] == "舆情简报-20261126.docx"
        assert await tinydb_store.get_file(ref) == b"doc"
    finally:
        await app.http.aclose()


def test_file_folder_expires_and_prunes_on_its_clock(tmp_path):
    now = [1_000_000.0]
    folder = FileFolder(tmp_path / "files", now=lambda: now[0])
    short = folder.put("a.png", b"a", timedelta(hours=1))
    long = folder.put("b.docx", b"b", timedelta(days=30))
    (tmp_path / "files" / ".left-by-a-crash.tmp").write_bytes(b"half")
    now[0] += 3601
    assert folder.get(short) is None and folder.get(long) == b"b"
    assert len(list((tmp_path / "files").iterdir())) == 3  # expired, not yet pruned
    other = folder.put("c.png", b"c", timedelta(hours=1))  # each put prunes
    left = {p.name.split(".")[0] for p in (tmp_path / "files").iterdir()}
    assert left == {digest(long), digest(other)}
    assert folder.put("b.docx", b"b", timedelta(days=60)) == long  # kept longer: one copy, the later expiry
    [copy] = (tmp_path / "files").glob(f"{digest(long)}.*")
    assert copy.name == f"{digest(long)}.{int((now[0] + 60 * 86400) * 1000)}"


def digest(ref: str) -> str:
    parsed = parse_file_ref(ref)
    assert parsed is not None
    return parsed[0]


async def test_tinydb_files_stay_out_of_the_journaled_document(tmp_path):
    path = tmp_path / "store.json"
    store = TinyDBStore(path)
    await store.open()
    big = os.urandom(200_000)
    try:
        ref = await store.put_file("chart.png", big, timedelta(days=30))
        await store.set_meta("k", ref)  # a durable write, so the journal has a line
        assert await store.get_file(ref) == big
    finally:
        await store.close()
    on_disk = [p for p in tmp_path.rglob("*") if p.is_file()]
    beside = tmp_path / "store.json.files"
    assert [p.read_bytes() for p in on_disk if p.parent == beside] == [big]
    assert all(p.stat().st_size < 10_000 for p in on_disk if p.parent != beside)
