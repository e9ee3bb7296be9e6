"""`yuqing-bot backup` writes one consistent snapshot, while the bot holds the store, and it loads."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.models import Incident, Tier
from bot.store.tinydb_store import TinyDBStore
from tests.conftest import REDIS_URL

REPO = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


def cli(tmp_path: Path, *args: str, store: str = "tinydb") -> subprocess.CompletedProcess[str]:
    backend = f"{{backend: redis, url: '{REDIS_URL}'}}" if store == "redis" else f"{{path: {tmp_path / 'data.json'}}}"
    config = tmp_path / "c.yaml"
    config.write_text(f"store: {backend}\nchats: {{console: {{enabled: false}}}}\n", encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "backup", "-c", str(config), *args],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip


async def test_backup_while_the_bot_runs_is_the_last_committed_state(tmp_path):
    running = TinyDBStore(tmp_path / "data.json")
    await running.open()  # holds the lock, journal not yet folded in: as a running bot leaves it
    try:
        for n in range(3):
            await running.put_incident(Incident(f"YQ-20261126-000{n}", Tier.II, f"标题{n}", "https://x.cn", "news", T0))
        done = cli(tmp_path, "--out", "backup/b.json")
        assert done.returncode == 0, done.stderr
        assert "事件 3 条" in done.stdout
    finally:
        await running.close()
    restored = TinyDBStore(tmp_path / "backup" / "b.json")
    await restored.open()
    try:
        assert [i.number for i in await restored.incidents()] == [f"YQ-20261126-000{n}" for n in range(3)]
    finally:
        await restored.close()


def test_backup_refuses_what_it_cannot_do(tmp_path):
    missing = cli(tmp_path, "--out", "b.json")
    assert missing.returncode == 2 and "不存在" in missing.stderr and "Traceback" not in missing.stderr
    redis = cli(tmp_path, "--out", "b.json", store="redis")
    assert redis.returncode == 2 and "Redis" in redis.stderr
