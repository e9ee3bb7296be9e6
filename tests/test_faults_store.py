"""The TinyDB files survive kill -9 in the middle of writing (journal append or compaction), every time."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.models import Incident, Status
from bot.store.tinydb_store import TinyDBStore

REPO = Path(__file__).resolve().parents[1]

WRITER = r"""
import asyncio, sys
from datetime import UTC, datetime
from bot.models import Incident, Tier
from bot.store.tinydb_store import TinyDBStore

async def main(path):
    store = TinyDBStore(path, compact_min=200_000)  # compact every ~25 incidents: kills land in both kinds of write
    await store.open()
    n = len(await store.incidents())
    print("ready", flush=True)
    while True:
        n += 1
        inc = Incident(f"YQ-20261126-{n:04d}", Tier.II, "江城化工集团" * 400, "https://x.cn/%d" % n, "news",
                       datetime(2026, 11, 26, tzinfo=UTC))
        await store.put_incident(inc)

asyncio.run(main(sys.argv[1]))
"""


def test_store_file_killed_mid_write_always_loads(tmp_path: Path):
    path = tmp_path / "store.json"
    rng = random.Random(7)
    counts = []
    for _ in range(5):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=REPO, stdout=subprocess.PIPE, env=_env())
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.05, 0.4))  # let it be mid-write: it appends and compacts continuously
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        incidents = asyncio.run(_load(path))  # raises StoreError on a torn file
        counts.append(len(incidents))
        assert all(i.title.startswith("江城化工集团") for i in incidents)
    assert counts[-1] > counts[0] > 0, counts  # it really wrote between kills
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) <= 5  # at most one torn temp file per kill, never the data file


async def _load(path: Path) -> list[Incident]:
    store = TinyDBStore(path)
    await store.open()
    try:
        return await store.incidents(statuses=[Status.NEW])
    finally:
        await store.close()


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}
