"""Store backends behind one contract (bot.store.base.Store)."""

from __future__ import annotations

from bot.config import StoreConfig
from bot.store.base import Store


def open_store(config: StoreConfig) -> Store:
    """Build (not yet open) the configured backend."""
    if config.backend == "tinydb":
        from bot.store.tinydb_store import TinyDBStore

        return TinyDBStore(config.path, flush_every=config.flush_every.total_seconds())
    if config.backend == "redis":
        from bot.store.redis_store import RedisStore

        return RedisStore(config.url, config.prefix)
    raise ValueError(f"store.backend {config.backend!r} is not built yet")
