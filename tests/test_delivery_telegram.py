"""Storm digests and reminders over the real Telegram channel (local fake Bot API)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_limits import Limits
from bot.deadlines import check_deadlines
from bot.delivery import Delivery
from bot.incidents import IncidentService, Judgement
from bot.models import Hit, Item, Match, Sentiment, Tier
from bot.people import People
from bot.services import Services
from bot.store.tinydb_store import TinyDBStore
from tests.conftest import make_config
from tests.fake_bot_api import TOKEN, FakeBotApi


@pytest.fixture
async def rig(tmp_path, clock):
    api = FakeBotApi()
    await api.start()
    store = TinyDBStore(tmp_path / "store.json")
    await store.open()
    config = make_config(
        chats={
            "console": {"enabled": False},
            "telegram": {"enabled": True, "token": TOKEN, "base_url": api.base_url, "chats": [{"id": "-100"}]},
        }
    )
    service = IncidentService(config, store)
    channel = TelegramChannel(config.chats.telegram, clock, config.zone, config.people, limits=Limits.unlimited())
    services = Services(config, store, clock, People(config.people), service)
    yield api, services, Delivery(store, {"telegram": channel}, clock, service)
    await store.close()
    await api.stop()


async def new_incident(s: Services, title: str, tier: Tier):
    item = Item("news", f"https://x.cn/{title}", title, fetched_at=s.clock.now())
    match = Match("国资委", (Hit("投诉", "event", "title", 0, 2, 2),), 2)
    return await s.incidents.create(item, Judgement(match, Sentiment("negative", 0.7), tier, "r"), s.clock.now())


async def test_storm_digest_is_one_telegram_message_with_scraped_text_escaped(rig):
    api, services, delivery = rig
    made = [await new_incident(services, f"网友投诉<b>江城公交</b>&乱收费 {k}", Tier.III) for k in range(4)]
    await delivery.run_once()
    sent = api.sent("-100")
    assert len(sent) == 1  # one digest, not four alerts
    text = sent[0]["text"]
    assert "舆情汇总：4 条" in text and all(i.number in text for i in made)
    assert "&lt;b&gt;江城公交&lt;/b&gt;&amp;乱收费" in text  # the fake Bot API rejects broken HTML


async def test_reminder_mentions_reach_telegram(rig, clock):
    api, services, delivery = rig
    inc = await new_incident(services, "江城化工集团仓库爆炸", Tier.I)
    await delivery.run_once()
    clock.advance(timedelta(minutes=15))
    await check_deadlines(services)
    await delivery.run_once()
    reminder = api.sent("-100")[-1]["text"]
    assert "超时未确认" in reminder and inc.number in reminder
    assert 'href="tg://user?id=2"' in reminder  # the monitor 李明 is @mentioned
