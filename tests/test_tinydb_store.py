"""TinyDB backend specifics: the single-process lock, batched and atomic writes."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from bot.models import Item
from bot.store.base import StoreError, StoreLocked
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
    config.write_text(f"store:\n  path: {path}\nchats:\n  console:\n    enabled: false\n", encoding="utf-8")
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


async def test_file_is_replaced_atomically_and_no_temp_files_left(tmp_path):
    path = tmp_path / "data.json"
    store = TinyDBStore(path)
    await store.open()
    inode_before = None
    for n in range(5):
        await store.set_meta("n", n)
        inode = path.stat().st_ino
        assert inode != inode_before  # a new file renamed over the old one each time
        inode_before = inode
        json.loads(path.read_text(encoding="utf-8"))
    await store.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.json", "data.json.lock"]


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
    data = json.loads((tmp_path / "data.json").read_text(encoding="utf-8"))
    assert len(data["seen"]) == 1 and len(data["items"]) == 1 and len(data["source_state"]) == 1
    await store.put_source_state("news", {"fetch": {"etag": '"v3"'}})
    await store.close()  # and closing flushes whatever is left
    again = TinyDBStore(tmp_path / "data.json")
    await again.open()
    assert await again.get_source_state("news") == {"fetch": {"etag": '"v3"'}}
    await again.close()
