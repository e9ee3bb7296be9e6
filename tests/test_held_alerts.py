"""/list and /status say which alerts wait (汇总中 / 静默时段) and when they go out."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from bot.analysis.judgement import Judgement
from bot.app import build_app
from bot.channels.console import CONSOLE_CHAT
from bot.clock import FakeClock
from bot.models import Command, Hit, Item, Match, Sentiment, Tier
from tests.conftest import make_config


def cmd(name: str, *args: str) -> Command:
    """Typed into the console as 李明 (the console person of the base config)."""
    return Command("console", "李明", CONSOLE_CHAT, name, args, f"/{name} {' '.join(args)}", "1")


async def new_incident(app, clock, title: str, tier: Tier = Tier.III):
    item = Item("news", f"https://x.cn/{title}", title, text="正文", fetched_at=clock.now())
    match = Match("国资委", (Hit("欠薪", "event", "title", 0, 2, 3),), 3)
    return await app.services.incidents.create(
        item, Judgement(match, Sentiment("negative", 0.9), tier, "测试"), clock.now()
    )


@pytest.fixture
async def built(tinydb_store, request):
    clock = request.param
    app = await build_app(
        make_config(quiet_hours={"IV": "22:00-08:00"}), tinydb_store, clock, console_out=io.StringIO()
    )
    yield app, clock
    await app.http.aclose()


DAY = FakeClock(datetime(2026, 11, 26, 0, 30, tzinfo=UTC))  # 08:30 in Shanghai
NIGHT = FakeClock(datetime(2026, 11, 26, 15, 0, tzinfo=UTC))  # 23:00 in Shanghai


@pytest.mark.parametrize("built", [DAY], indirect=True)
async def test_storm_held_alert_is_explained_with_its_time(built):
    app, clock = built
    first = await new_incident(app, clock, "江城建工集团欠薪一")
    await app.delivery.run_once()  # the first III alert goes out at once
    clock.advance(timedelta(seconds=20))
    later = await new_incident(app, clock, "江城建工集团欠薪二")
    await app.delivery.run_once()  # within the group interval: held for the digest
    listing = (await app.dispatcher.handle(cmd("list")))[0]
    block = listing.split(later.number, 1)[1]
    assert "⏳ 告警汇总中，预计 11-26 08:35 发出" in block  # 08:30 + the 5 min group interval
    assert "汇总中" not in listing.split(later.number, 1)[0].split(first.number, 1)[1]  # the sent one: no note
    status = (await app.dispatcher.handle(cmd("status")))[0]
    assert f"告警待发 1 条事件：\n⏳ 告警汇总中，预计 11-26 08:35 发出：{later.number}" in status
    clock.advance(timedelta(minutes=5))
    await app.delivery.run_once()  # out it goes: nothing waits any more
    assert "汇总中" not in (await app.dispatcher.handle(cmd("list")))[0]
    assert "告警待发" not in (await app.dispatcher.handle(cmd("status")))[0]


@pytest.mark.parametrize("built", [NIGHT], indirect=True)
async def test_quiet_hours_held_alert_is_explained_and_tier_one_is_not_held(built):
    app, clock = built
    quiet = await new_incident(app, clock, "江城建工集团欠薪夜间", Tier.IV)
    loud = await new_incident(app, clock, "江城化工集团爆炸", Tier.I)
    await app.delivery.run_once()
    listing = (await app.dispatcher.handle(cmd("list")))[0]
    assert "🌙 告警静默时段，预计 11-27 08:00 发出" in listing.split(quiet.number, 1)[1]
    assert "静默时段" not in listing.split(loud.number, 1)[1].split(quiet.number, 1)[0]
