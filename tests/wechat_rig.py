"""What every WeChat test needs: wechaty importable (else the test is skipped, never faked),
a fake puppet service with a room, and the `chats.wechat` config pointing at it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.channels.wechat_compat import WechatUnavailable, load_wechaty

CACHE_DIR = os.environ.get("CACHE_DIR") or os.path.join(tempfile.gettempdir(), "yuqing-wechaty-test")
TOKEN = "insecure-test-token"


def require_wechaty() -> None:
    """Skip (the module, or the test) when the [wechat] extra is not installed: say so, do not pretend."""
    try:
        load_wechaty(CACHE_DIR)
    except WechatUnavailable as exc:
        pytest.skip(f"wechaty not importable: {exc}", allow_module_level=True)


@contextlib.asynccontextmanager
async def started_puppet(contacts: dict[str, str], room: str, topic: str = "舆情领导小组") -> AsyncIterator[Any]:
    """A running fake puppet service whose room holds the bot and `contacts` (id → name)."""
    require_wechaty()
    from tests.fake_puppet import FakePuppet  # needs wechaty_grpc: imported after the check

    fake = FakePuppet()
    for contact_id, name in contacts.items():
        fake.add_contact(contact_id, name)
    fake.add_room(room, topic, list(contacts))
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


def wechat_chat(endpoint: str, tmp_path: Path, rooms: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """The `chats.wechat` block for a test: the fake's endpoint, quick reconnects, wechaty's files under tmp."""
    return {
        "enabled": True,
        "endpoint": endpoint,
        "token": TOKEN,
        "rooms": rooms,
        "cache_dir": str(tmp_path / "wechaty"),
        "reconnect": "0.2",
        **extra,
    }
