"""Storm digests, reminders and edits of deleted alerts over the real Telegram channel (local fake Bot API)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.analysis.judgement import Judgement
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_limits import Limits
from bot.deadlines import check_deadlines
from bot.delivery import Delivery
from bot.incidents import IncidentService
from bot.models import ActionKind, Actor, Hit, Item, Match, Sentiment, Tier
from bot.people import People
from bot.services import Services
from bot.store.tinydb_store import TinyDBStore
from tests.conftest import make_config
from tests.fake_bot_api import TOKEN, FakeBotApi
from tests.telegram_html import html_to_text

MONITOR = Actor("telegram", "2", "李明")


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


async def test_an_alert_deleted_in_the_group_is_posted_again_when_the_incident_changes(rig, clock):
    api, services, delivery = rig
    inc = await new_incident(services, "江城化工集团仓库爆炸", Tier.I)
    await delivery.run_once()
    [first] = api.sent("-100")
    del api.messages[("-100", first["message_id"])]  # someone in the group deleted the bot's alert
    clock.advance(timedelta(minutes=1))
    await services.incidents.act(inc.number, ActionKind.ACK, MONITOR, clock.now(), note="收到")
    await delivery.run_once()
    [again] = api.sent("-100")  # the edit found nothing to edit: the card was posted afresh
    assert inc.number in again["text"] and "已确认" in html_to_text(again["text"])
    refs = [r.message_id for r in await services.store.message_refs(inc.number)]
    assert refs == [str(again["message_id"])]  # the deleted one is no longer the incident's
    clock.advance(timedelta(minutes=1))
    await services.incidents.act(inc.number, ActionKind.RESOLVE, MONITOR, clock.now(), note="已澄清")
    await delivery.run_once()
    [edited] = api.sent("-100")  # later changes edit the new card, no third copy
    assert edited["message_id"] == again["message_id"] and edited["edits"] == 1


async def test_after_the_group_became_a_supergroup_the_next_change_posts_the_card_there(rig, clock):
    api, services, delivery = rig
    inc = await new_incident(services, "江城化工集团仓库爆炸", Tier.I)
    await delivery.run_once()
    api.fail("editMessageText", "migrate", new_chat_id=-1009)  # the group moved meanwhile
    clock.advance(timedelta(minutes=1))
    await services.incidents.act(inc.number, ActionKind.ACK, MONITOR, clock.now())
    await delivery.run_once()
    [card] = api.sent("-1009")  # the old card stayed behind; the current one is in the supergroup
    assert inc.number in card["text"] and "已确认" in html_to_text(card["text"])
