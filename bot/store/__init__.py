"""Store backends behind one contract (bot.store.base.Store)."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from bot.config import StoreConfig
from bot.store.base import Store, StoreLocked


def open_store(config: StoreConfig) -> Store:
    """Build (not yet open) the configured backend."""
    if config.backend == "tinydb":
        from bot.store.tinydb_store import TinyDBStore

        return TinyDBStore(config.path, flush_every=config.flush_every.total_seconds())
    if config.backend == "redis":
        from bot.store.redis_store import RedisStore

        return RedisStore(config.url, config.prefix)
    raise ValueError(f"store.backend {config.backend!r} is not built yet")


@contextlib.asynccontextmanager
async def read_store(config: StoreConfig) -> AsyncIterator[Store]:
    """Open the store for reading (reports, export, replay), even while the bot runs.

    A running bot holds the TinyDB file's lock; its snapshot and journal, read
    journal first, always make a whole, consistent state as of its last commit,
    so the reader works on a private copy of that. Nothing is written back.
    """
    store = open_store(config)
    try:
        await store.open()
    except StoreLocked:
        from bot.store.journal_storage import copy_committed

        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "snapshot.json"
            copy_committed(Path(config.path), copy)
            snapshot = open_store(config.model_copy(update={"path": str(copy)}))
            await snapshot.open()
            try:
                yield snapshot
            finally:
                await snapshot.close()
        return
    try:
        yield store
    finally:
        await store.close()
