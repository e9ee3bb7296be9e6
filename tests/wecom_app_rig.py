"""Shared by the 企业微信智能机器人 tests: the app wired by build_app, its wecom_app channel on the local fake."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from bot.analysis.judgement import Judgement
from bot.app import App, build_app
from bot.channels.wecom_app import WecomAppChannel
from bot.clock import FakeClock
from bot.models import Hit, Incident, Item, Match, Sentiment, Tier
from bot.store.base import Store
from tests.conftest import make_config
from tests.fake_wecom_app import FakeWecomApp

BOT_ID, SECRET = "aibJ9xKq0test", "wecom-test-secret-value"
LEADERS, MONITORS = "wrkSFfCgAALeaders", "wrkSFfCgAAMonitors"
PEOPLE = [
    {"name": "张三", "role": "leader", "wecom_userid": "zhangsan"},
    {"name": "李明", "role": "monitor", "wecom_userid": "liming"},
    {"name": "王芳", "role": "member", "wecom_userid": "wangfang", "department": "宣传科"},
]
STRANGER = "outsider01"


def wecom_config(fake: FakeWecomApp, secret: str = SECRET, **extra: Any) -> dict[str, Any]:
    return {
        "enabled": True,
        "bot_id": BOT_ID,
        "secret": secret,
        "ws_url": fake.url,
        "chats": [{"id": LEADERS, "name": "领导群", "role": "leaders"}, {"id": MONITORS, "name": "值班群"}],
        "reconnect": timedelta(milliseconds=50),
        "reconnect_max": timedelta(milliseconds=200),
        **extra,
    }


async def build(store: Store, clock: FakeClock, fake: FakeWecomApp, console: bool = False, **extra: Any) -> App:
    chats = {"console": {"enabled": console, "person": "李明"}, "wecom_app": wecom_config(fake, **extra)}
    config = make_config(people=PEOPLE, chats=chats, allow_literal_secrets=True)
    return await build_app(config, store, clock, console_out=io.StringIO())


def channel(app: App) -> WecomAppChannel:
    found = app.channels["wecom_app"]
    assert isinstance(found, WecomAppChannel)
    return found


async def stop_app(app: App) -> None:
    for each in app.channels.values():
        await each.stop()
    await app.http.aclose()


async def new_incident(
    app: App, clock: FakeClock, title: str = "江城化工集团仓库爆炸 <现场> & [浓烟](http://evil.cn)"
) -> Incident:
    item = Item("news", f"https://news.example.cn/a?id={clock.now():%H%M%S%f}", title, fetched_at=clock.now())
    match = Match("国资委", (Hit("江城化工集团", "subject", "title", 0, 6), Hit("爆炸", "event", "title", 8, 10, 5)), 5)
    judgement = Judgement(match, Sentiment("negative", 0.9), Tier.I, "主体+重大事件词，负面")
    incident = await app.services.incidents.create(item, judgement, clock.now())
    await app.delivery.run_once()
    return incident
