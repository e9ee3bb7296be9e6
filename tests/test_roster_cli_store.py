"""`yuqing-bot roster` and `check` show the swaps and covers made in chat (kept in the store), on both backends.

The store is read as `export` reads it: while a bot holds the TinyDB file, from a copy,
and nothing is written; an unreachable Redis leaves the configured plan with a note.
"""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from bot.cli import main
from bot.models import Actor
from bot.roster.model import Override
from bot.roster.overrides import Overrides
from bot.store.redis_store import RedisStore
from tests.conftest import BASE_CONFIG, make_config
from tests.test_roster import PEOPLE, ROSTER, local

ZONE = make_config().zone
LEADER = Actor("telegram", "1", "张三")


def write_config(tmp_path: Path, store, roster: dict | None = None) -> Path:
    if isinstance(store, RedisStore):
        where = {"backend": "redis", "url": store.url, "prefix": store.prefix}
    else:
        where = {"path": str(store.path)}
    data = {**BASE_CONFIG, "people": PEOPLE, "roster": roster or ROSTER, "store": where}
    data["sources"] = [{"id": "news", "url": "https://news.example/rss.xml"}]
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path


def swap(slot: str, person: str, at: datetime) -> Override:
    return Override(f"swap:{slot}:{person}", "swap", person, "张三", at, slot=slot)


def cover(person: str, start: datetime, hours: int) -> Override:
    return Override(
        f"cover:{person}:{start:%H%M}", "cover", person, "张三", start, start=start, end=start + timedelta(hours=hours)
    )


async def test_roster_shows_swaps_and_covers_while_the_bot_holds_the_store(store, tmp_path, capsys):
    kept = Overrides(store)
    await kept.add(swap("2026-11-27:夜班", "王芳", local(26, 9)), LEADER, "换班")
    await kept.add(cover("李明", local(27, 10), 2), LEADER, "顶班")
    path = write_config(tmp_path, store)
    before = _files(tmp_path)
    assert await run(["roster", "-c", str(path), "--from", "2026-11-27", "--to", "2026-11-27"]) == 0  # store still open
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "值班表 2026-11-27 至 2026-11-27（含群内 /swap 换班、/cover 顶班）"
    assert out[1] == "11-27（周五）白班 08:30–17:30：值班员 赵磊，备班 王芳，带班领导 张三"
    assert out[2] == "    ↳ 10:00–12:00 由 李明 顶班"
    assert out[3] == "11-27（周五）夜班 17:30–次日08:30：值班员 王芳（已换班），备班 王芳，带班领导 张三"
    assert _files(tmp_path) == before  # read only: the bot's file is untouched


async def test_check_counts_a_gap_filled_in_chat_and_one_made_in_chat(store, tmp_path, capsys):
    soon = (datetime.now(UTC) + timedelta(days=2)).astimezone(ZONE).date()
    hole = {"date": soon.isoformat(), "shift": "夜班", "backup": "李明", "leader": "张三"}
    path = write_config(tmp_path, store, {**ROSTER, "overrides": [hole]})
    assert await run(["check", "-c", str(path)]) == 0
    assert f"⚠️ 值班缺口：{soon:%m-%d}（周" in capsys.readouterr().out  # nobody that night, as configured
    now = datetime.now(UTC)
    await Overrides(store).add(swap(f"{soon.isoformat()}:夜班", "赵磊", now), LEADER, "换班")
    assert await run(["check", "-c", str(path)]) == 0
    out = capsys.readouterr().out
    assert "⚠️ 值班缺口" not in out and "群内换班/顶班 1 条" in out
    later = soon + timedelta(days=1)
    await Overrides(store).add(swap(f"{later.isoformat()}:白班", "钱七", now + timedelta(seconds=1)), LEADER, "换班")
    assert await run(["check", "-c", str(path)]) == 0
    assert f"⚠️ 值班缺口：{later:%m-%d}（周" in capsys.readouterr().out  # swapped to someone not in people


def test_unreachable_redis_leaves_the_configured_plan_with_a_note(tmp_path, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nobody listens there
    path = write_config(tmp_path, RedisStore(f"redis://127.0.0.1:{port}/0", "x:"))
    assert main(["roster", "-c", str(path), "--from", "2026-11-27", "--to", "2026-11-27"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("（无法读取存储中的换班、顶班，以下仅为配置与 CSV")
    assert out[2] == "11-27（周五）白班 08:30–17:30：值班员 赵磊，备班 王芳，带班领导 张三"


def test_tinydb_never_run_creates_no_file(tmp_path, capsys):
    class Absent:
        path = tmp_path / "data" / "store.json"

    path = write_config(tmp_path, Absent())
    assert main(["roster", "-c", str(path), "--from", "2026-11-27", "--to", "2026-11-27"]) == 0
    assert "无法读取" not in capsys.readouterr().out
    assert not (tmp_path / "data").exists()


async def run(argv: list[str]) -> int:
    """The CLI in a thread, as another process would run it: this loop keeps the store open meanwhile."""
    return await asyncio.to_thread(main, argv)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and p.suffix != ".yaml"}
