"""TinyDB backend specifics: the single-process lock, batched commits, the journal and its compaction."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime

import pytest

from bot.models import SYSTEM, Action, ActionKind, Incident, Item, MessageRef, NoticeKind, Notification, Tier
from bot.store.base import StoreError, StoreLocked
from bot.store.journal_storage import SEQ_KEY, CorruptStoreFile, journal_path, load_document
from bot.store.tinydb_store import TinyDBStore

T0 = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)

HOLD_LOCK = """
import asyncio, sys
from bot.store.tinydb_store import TinyDBStore
async def main():
    s = TinyDBStore(sys.argv[1]); await s.open(); print("open", flush=True); sys.stdin.readline(); await s.close()
asyncio.run(main())
"""


async def test_second_process_refused_with_clear_message(tmp_path):
    path = tmp_path / "data.json"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(StoreLocked) as info:
            await TinyDBStore(path).open()
        assert str(holder.pid) in str(info.value)
        assert "redis" in str(info.value)
    finally:
        holder.communicate("\n", timeout=30)
    store = TinyDBStore(path)  # free again once the holder exits
    await store.open()
    await store.close()


async def test_cli_refuses_second_instance(tmp_path):
    path = tmp_path / "data.json"
    config = tmp_path / "config.yaml"
    config.write_text(
        f"store:\n  path: {path}\nchats:\n  console:\n    enabled: false\n"
        "sources:\n  - {id: a, url: 'https://news.example.cn/rss'}\n",
        encoding="utf-8",
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        proc = subprocess.run(
            [sys.executable, "-m", "bot.cli", "run", "-c", str(config)], capture_output=True, text=True, timeout=60
        )
        assert proc.returncode == 2
        assert "正被另一个进程" in proc.stderr and "Traceback" not in proc.stderr
    finally:
        holder.communicate("\n", timeout=30)


async def test_poll_cycle_is_one_file_rewrite(tmp_path):
    store = TinyDBStore(tmp_path / "data.json")
    await store.open()
    items = [Item("s", f"https://x.cn/{i}", f"标题{i}", fetched_at=T0) for i in range(500)]
    before = store.flushes
    async with store.batch():
        await store.claim_seen([i.key for i in items], T0)
        await store.add_items(items)
        for n in range(50):
            await store.next_sequence("20261126")
            await store.set_meta(f"k{n}", n)
    assert store.flushes - before == 1
    await store.set_meta("outside", 1)
    assert store.flushes - before == 2  # a write outside a batch is durable at once
    await store.close()
    data = json.loads((tmp_path / "data.json").read_text(encoding="utf-8"))
    assert len(data["items"]) == 500 and len(data["seen"]) == 500


async def test_each_commit_is_one_journal_line_and_close_leaves_one_snapshot(tmp_path):
    path = tmp_path / "data.json"
    store = TinyDBStore(path)
    await store.open()
    for n in range(5):
        await store.set_meta("n", n)
        assert len(journal_path(path).read_bytes().splitlines()) == n + 1  # appended, fsynced, not rewritten
        assert load_document(path)[0]["meta"] == {"1": {"key": "n", "value": n}}  # what a crash would leave
    assert not path.exists()  # no snapshot rewritten along the way
    await store.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.json", "data.json.lock"]
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["meta"] == {"1": {"key": "n", "value": 4}} and data[SEQ_KEY] == 5


async def test_a_commit_carries_only_the_documents_it_changed(tmp_path):
    path = tmp_path / "data.json"
    store = TinyDBStore(path)
    await store.open()
    for n in range(200):
        await store.put_incident(_incident(n))
    await store.set_meta("briefing:20261126", "sent")
    last = json.loads(journal_path(path).read_bytes().splitlines()[-1])
    assert last["tables"] == {"meta": {"1": {"key": "briefing:20261126", "value": "sent"}}}
    assert store.compactions == 0  # every write was named, so none fell back to a whole rewrite
    await store.close()


async def test_every_kind_of_write_reaches_the_journal(tmp_path):
    """Replaying snapshot + journal gives exactly the live data, whichever Store method wrote it."""
    path = tmp_path / "data.json"
    store = TinyDBStore(path, compact_min=3_000)  # compact now and then, in the middle of it all
    await store.open()
    storage = store._storage
    inc = _incident(1)
    for step in range(30):
        async with store.batch():
            await store.claim_seen([f"k{step}"], T0)
            await store.add_items([Item("s", f"https://x.cn/{step}", f"标题{step}", fetched_at=T0)])
            await store.put_source_state("s", {"step": step})
        await store.next_sequence("20261126")
        inc = inc.replace(title=f"第{step}版", version=inc.version + 1)
        await store.put_incident(inc)
        await store.append_action(Action(f"a{step}", inc.number, ActionKind.NOTE, SYSTEM, T0, note="备注"))
        note = Notification(f"n{step}", "telegram:-100", NoticeKind.ALERT, T0, incident=inc.number)
        await store.enqueue([note])
        await store.update_notification(note.replace(sent_at=T0, message_id=str(step)))
        await store.add_message_ref(MessageRef("telegram:-100", str(step), inc.number))
        await store.set_meta("step", step)
        assert load_document(path)[0] == storage.read()
    assert store.compactions >= 2
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    await store.close()


async def test_a_write_the_store_did_not_name_is_kept_by_a_whole_rewrite(tmp_path):
    path = tmp_path / "data.json"
    store = TinyDBStore(path)
    await store.open()
    store._t("meta").insert({"key": "direct", "value": 1})  # bypasses the journal's bookkeeping
    await store.set_meta("named", 2)
    assert store.compactions == 1
    assert {d["key"] for d in load_document(path)[0]["meta"].values()} == {"direct", "named"}
    await store.close()


async def test_a_torn_last_journal_line_is_dropped_and_the_rest_loads(tmp_path):
    path = tmp_path / "data.json"
    store = TinyDBStore(path)
    await store.open()
    for n in range(3):
        await store.set_meta(f"k{n}", n)
    crashed = tmp_path / "crashed"  # the files as a kill -9 mid-append leaves them
    crashed.mkdir()
    journal = journal_path(path).read_bytes()
    journal_path(crashed / "data.json").write_bytes(journal + journal.splitlines()[-1][:25])
    await store.close()
    again = TinyDBStore(crashed / "data.json")
    await again.open()
    assert [await again.get_meta(f"k{n}") for n in range(3)] == [0, 1, 2]
    assert not journal_path(crashed / "data.json").exists()  # compacted at open: the torn tail is gone
    await again.set_meta("k3", 3)
    await again.close()


async def test_a_broken_line_before_the_end_is_a_clear_error(tmp_path):
    path = tmp_path / "data.json"
    journal_path(path).write_bytes(b'{"seq":1,"tables":{}}\n{"seq":2,"ta\n{"seq":3,"tables":{}}\n')
    with pytest.raises(StoreError, match="第 2 行已损坏"):
        await TinyDBStore(path).open()


async def test_lines_older_than_the_snapshot_are_not_replayed(tmp_path):
    """A reader may copy the journal, then find the bot compacted: old lines must not roll data back."""
    path = tmp_path / "data.json"
    store = TinyDBStore(path)
    await store.open()
    await store.set_meta("state", "ack")
    old_journal = journal_path(path).read_bytes()
    await store.set_meta("state", "resolved")
    await store.close()  # compacts: snapshot holds "resolved", journal gone
    journal_path(path).write_bytes(old_journal)
    assert load_document(path)[0]["meta"]["1"]["value"] == "resolved"
    journal_path(path).write_bytes(b'{"seq":9,"tables":{}}\n')  # a gap is refused, not papered over
    with pytest.raises(CorruptStoreFile, match="缺少第 3 条"):
        load_document(path)


def _incident(n: int) -> Incident:
    return Incident(f"YQ-20261126-{n:04d}", Tier.II, "江城化工集团" * 20, f"https://x.cn/{n}", "news", T0)


async def test_corrupt_file_is_a_clear_error(tmp_path):
    path = tmp_path / "data.json"
    path.write_text('{"incidents": {"1": ', encoding="utf-8")
    with pytest.raises(StoreError, match="已损坏"):
        await TinyDBStore(path).open()
    store = TinyDBStore(path)  # the failed open released its lock: same error, not "locked"
    with pytest.raises(StoreError, match="已损坏"):
        await store.open()


async def test_redoable_bookkeeping_rides_along_lazily(tmp_path):
    """A poll that finds nothing new (health, ETag, seen keys) costs no file rewrite."""
    store = TinyDBStore(tmp_path / "data.json", flush_every=3600)
    await store.open()
    before = store.flushes
    async with store.batch():
        await store.put_source_state("news", {"fetch": {"etag": '"v2"'}, "health": {"failures": 0}})
        await store.claim_seen(["https://x.cn/1"], T0)
        await store.add_items([Item("news", "https://x.cn/1", "标题", fetched_at=T0)])
    assert store.flushes == before
    await store.set_meta("briefing:20261126", "sent")  # a durable write carries the lazy ones along
    assert store.flushes == before + 1
    data = load_document(tmp_path / "data.json")[0]
    assert len(data["seen"]) == 1 and len(data["items"]) == 1 and len(data["source_state"]) == 1
    await store.put_source_state("news", {"fetch": {"etag": '"v3"'}})
    await store.close()  # and closing flushes whatever is left
    again = TinyDBStore(tmp_path / "data.json")
    await again.open()
    assert await again.get_source_state("news") == {"fetch": {"etag": '"v3"'}}
    await again.close()


async def test_a_failed_append_leaves_no_half_line_and_the_next_commit_carries_it(tmp_path, monkeypatch):
    """Disk full mid-append: the commit fails, the half line is cut off, nothing after it is corrupted."""
    path = tmp_path / "data.json"
    store = TinyDBStore(path)
    await store.open()
    await store.set_meta("a", 1)
    real_write = os.write

    def half_then_full(fd: int, data: bytes) -> int:
        if fd != store._storage._journal:
            return real_write(fd, data)
        real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", half_then_full)
    with pytest.raises(OSError, match="No space"):
        await store.set_meta("b", 2)
    monkeypatch.setattr(os, "write", real_write)
    assert journal_path(path).read_bytes().endswith(b"\n")  # no half line left behind
    await store.set_meta("c", 3)  # room again: this commit also carries "b"
    meta = {d["key"]: d["value"] for d in load_document(path)[0]["meta"].values()}
    assert meta == {"a": 1, "b": 2, "c": 3}
    await store.close()


async def test_no_room_to_compact_at_start_carries_on_with_the_journal(tmp_path, monkeypatch):
    path = tmp_path / "data.json"
    crashed = TinyDBStore(path)
    await crashed.open()
    await crashed.set_meta("a", 1)
    journal = journal_path(path).read_bytes()
    await crashed.close()
    journal_path(path).write_bytes(journal + b'{"seq":2,"tab')  # as a kill -9 mid-append leaves it
    path.unlink()  # and no snapshot yet

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "mkstemp", no_space)
    store = TinyDBStore(path)
    await store.open()  # a warning, not a refusal to start
    assert await store.get_meta("a") == 1
    await store.set_meta("b", 2)  # appended after the last whole line, not after the torn one
    assert {d["key"] for d in load_document(path)[0]["meta"].values()} == {"a", "b"}
    monkeypatch.undo()
    await store.close()
