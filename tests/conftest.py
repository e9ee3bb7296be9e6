"""Shared fixtures: a fake clock, a config built in code, stores per backend."""

from __future__ import annotations

import io
import os
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from bot.clock import FakeClock
from bot.config import Config
from bot.store.base import Store
from bot.store.tinydb_store import TinyDBStore
from tests import redis_server
from tests.fake_bot_api import FakeBotApi
from tests.redis_server import PrivateRedis, RedisUnavailable, session_url

# CI explores the same examples on every run (a red build must mean a change broke
# something, not that this run drew a new input), and a loaded machine never trips
# hypothesis' per-example deadline. Locally, runs stay random to keep finding cases.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

START = datetime(2026, 11, 26, 0, 30, tzinfo=UTC)  # 08:30 in Asia/Shanghai

BASE_CONFIG: dict[str, Any] = {
    "schemes": [
        {
            "name": "国资委",
            "subjects": ["江城市国资委", "江城化工集团", "江城建工集团"],
            "events": {"爆炸": 5, "欠薪": 3, "投诉": 2},
            "exclude": ["演练"],
        }
    ],
    "people": [
        {"name": "张三", "role": "leader", "telegram_id": 1},
        {"name": "李明", "role": "monitor", "telegram_id": 2},
        {"name": "王芳", "role": "member", "telegram_id": 3},
    ],
    "chats": {"console": {"enabled": True, "person": "李明"}},
}


def make_config(**overrides: Any) -> Config:
    data = {**BASE_CONFIG, **overrides}
    return Config.model_validate(data)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def config() -> Config:
    return make_config()


StoreFactory = Callable[[], Store]


def redis_url() -> str:
    """The session's private Redis (tests/redis_server.py), started on first use; never 6379."""
    try:
        return session_url()
    except RedisUnavailable as missing:
        pytest.exit(str(missing), returncode=4)


def __getattr__(name: str) -> str:
    """`from tests.conftest import REDIS_URL` starts the private server only when a test needs it (PEP 562).

    Without a redis-server the import still succeeds, so the session can end with one line
    (pytest_collection_modifyitems) instead of an error per module.
    """
    if name == "REDIS_URL":
        try:
            return session_url()
        except RedisUnavailable:
            return "redis://redis-server-missing.invalid:1/0"
    raise AttributeError(name)


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if redis_server.unavailable is not None:
        pytest.exit(redis_server.unavailable, returncode=4)


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of its own for one test on the shared Redis; its keys are deleted after."""
    import uuid

    import redis

    url = redis_url()
    prefix = f"test:{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(params=["tinydb", "redis"])
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> StoreFactory:
    """Build stores of each backend; each call is a new handle on the same data."""
    if request.param == "tinydb":
        return lambda: TinyDBStore(tmp_path / "store.json")
    if request.param == "redis":
        from bot.store.redis_store import RedisStore

        prefix = request.getfixturevalue("redis_prefix")
        url = redis_url()
        return lambda: RedisStore(url, prefix)
    raise NotImplementedError(request.param)


@pytest.fixture
async def store(store_factory: StoreFactory) -> AsyncIterator[Store]:
    s = store_factory()
    await s.open()
    yield s
    await s.close()


@pytest.fixture
async def tinydb_store(tmp_path: Path) -> AsyncIterator[Store]:
    """TinyDB only, for tests about channels and workers (the contract suite covers the backends)."""
    s = TinyDBStore(tmp_path / "store.json")
    await s.open()
    yield s
    await s.close()


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    """A local fake Telegram Bot API server (tests/fake_bot_api.py)."""
    server = FakeBotApi()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def app(store: Store, clock: FakeClock) -> AsyncIterator[Any]:
    """The core wired (not started): console as 李明 plus one configured Telegram group, -100."""
    from bot.app import build_app

    config = make_config(
        chats={
            "console": {"enabled": True, "person": "李明"},
            "telegram": {"enabled": True, "token": "1:x", "chats": [{"id": "-100"}]},
        }
    )
    built = await build_app(config, store, clock, console_out=io.StringIO())
    yield built
    await built.http.aclose()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A redis-server of one test's own (port, directory, AOF): for tests that crash or restart it."""
    server = PrivateRedis(tmp_path / "redis")
    server.start()
    yield server
    server.kill()
