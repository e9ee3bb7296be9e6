"""Stored items are dropped after store.keep_items; incidents and the seen marks stay."""

from __future__ import annotations

import io
from datetime import timedelta

from bot.app import build_app, start, stop
from bot.clock import FakeClock
from bot.models import Item
from bot.retention import prune_items
from tests.conftest import make_config


async def test_items_older_than_keep_items_go_incidents_and_seen_marks_stay(tinydb_store, clock: FakeClock):
    config = make_config(store={"keep_items": "7d"}, chats={"console": {"enabled": False}})
    app = await build_app(config, tinydb_store, clock, console_out=io.StringIO())
    now = clock.now()
    old = Item("news", "https://x.cn/old", "旧闻", fetched_at=now - timedelta(days=8))
    new = Item("news", "https://x.cn/new", "新闻", fetched_at=now - timedelta(days=6))
    await tinydb_store.claim_seen([old.key, new.key], now)
    await tinydb_store.add_items([old, new])
    assert await prune_items(app.services) == 1
    assert await tinydb_store.items_between(now - timedelta(days=30), now) == [new]
    assert await tinydb_store.claim_seen([old.key], now) == [False]  # still seen: it cannot alert again
    await app.http.aclose()


async def test_the_running_bot_prunes_on_a_schedule(tinydb_store, clock: FakeClock):
    config = make_config(chats={"console": {"enabled": False}})
    app = await build_app(config, tinydb_store, clock, console_out=io.StringIO())
    await start(app, read_console=False)
    try:
        job = app.scheduler.get_job("retention")
        assert job is not None and job.trigger.interval == timedelta(hours=6)
    finally:
        await stop(app)
