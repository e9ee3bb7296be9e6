"""Shared by the robot tests: the app configured with group robots against tests/fake_robots.py."""

from __future__ import annotations

import io
from typing import Any

from bot.analysis.judgement import Judgement
from bot.app import App, build_app
from bot.clock import FakeClock
from bot.models import Hit, Incident, Item, Match, Sentiment, Tier
from bot.store.base import Store
from tests.conftest import make_config

PEOPLE = [
    {"name": "张三", "role": "leader", "mobile": "13800000001", "wecom_userid": "zhangsan", "dingtalk_id": "dt_zs",
     "feishu_open_id": "ou_zhangsan"},
    {"name": "李明", "role": "monitor", "mobile": "13800000002"},
]  # fmt: skip


async def start_app(store: Store, clock: FakeClock, robots: list[dict[str, Any]], **chats: Any) -> App:
    """The app with these robots (and any other `chats` keys, e.g. proxy=…, mail=…)."""
    config = make_config(people=PEOPLE, chats={"console": {"enabled": False}, "robots": robots, **chats})
    return await build_app(config, store, clock, console_out=io.StringIO())


async def stop_app(app: App) -> None:
    for channel in app.channels.values():
        await channel.stop()
    await app.http.aclose()


async def new_incident(app: App, clock: FakeClock, tier: Tier = Tier.I, title: str = "") -> Incident:
    title = title or f"江城化工集团仓库爆炸-{clock.now():%H%M%S%f}"
    item = Item("news", f"https://x.cn/{clock.now():%H%M%S%f}", title, fetched_at=clock.now())
    match = Match("国资委", (Hit("爆炸", "event", "title", 0, 2, 5),), 5)
    return await app.services.incidents.create(
        item, Judgement(match, Sentiment("negative", 0.9), tier, "测试"), clock.now()
    )
