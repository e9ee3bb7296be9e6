"""End to end: the real dingtalk-stream SDK and our OpenAPI client against a local fake of 钉钉.

The app is wired by bot.app.build_app (real dispatcher, handlers, TinyDB store, outbox); only the
far side is a local fake (tests/fake_dingtalk_app.py): the stream websocket and the OpenAPI.
"""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.analysis.judgement import Judgement
from bot.app import App, build_app
from bot.clock import FakeClock
from bot.models import ActionKind, Hit, Incident, Item, Match, Sentiment, Status, Tier
from bot.store.base import Store
from tests.conftest import make_config
from tests.fake_dingtalk_app import CARD_TOPIC, MESSAGE_TOPIC, FakeDingtalk

A, B, ELSEWHERE = "cidGroupA+abc/1==", "cidGroupB+def/2==", "cidOther+zzz/9=="
LEADER, MONITOR, MEMBER, STRANGER = "zhangsan01", "liming02", "wangfang03", "stranger99"
PEOPLE = [
    {"name": "张三", "role": "leader", "dingtalk_id": LEADER},
    {"name": "李明", "role": "monitor", "dingtalk_id": MONITOR},
    {"name": "王芳", "role": "member", "dingtalk_id": MEMBER},
]


@pytest.fixture
def store(tinydb_store: Store) -> Store:
    return tinydb_store


@pytest.fixture
async def fake() -> AsyncIterator[FakeDingtalk]:
    server = FakeDingtalk(groups={A, B, ELSEWHERE})
    await server.start()
    yield server
    await server.stop()


def dingtalk_config(fake: FakeDingtalk, **extra: Any) -> dict[str, Any]:
    return {
        "enabled": True,
        "client_id": fake.client_id,
        "client_secret": fake.client_secret,
        "endpoint": fake.endpoint,
        "chats": [{"id": A, "name": "领导小组"}, {"id": B, "name": "监测组"}],
        "reconnect": 0.05,
        "reconnect_max": 0.2,
        **extra,
    }


async def build(fake: FakeDingtalk, store: Store, clock: FakeClock, console: bool = False, **extra: Any) -> App:
    chats = {"console": {"enabled": console, "person": "李明"}, "dingtalk_app": dingtalk_config(fake, **extra)}
    config = make_config(people=PEOPLE, chats=chats)
    return await build_app(config, store, clock, console_out=io.StringIO())


@pytest.fixture
async def app(fake: FakeDingtalk, store: Store, clock: FakeClock) -> AsyncIterator[App]:
    built = await build(fake, store, clock)
    await built.channels["dingtalk_app"].start(built.dispatcher.handle)
    await fake.wait_connected()
    yield built
    await built.channels["dingtalk_app"].stop()
    await built.http.aclose()


async def new_incident(app: App, clock: FakeClock, title: str = "江城化工集团仓库爆炸 <现场> & 浓烟") -> Incident:
    item = Item("news", "https://news.example.cn/a?id=1&from=rss", title, fetched_at=clock.now())
    match = Match("国资委", (Hit("江城化工集团", "subject", "title", 0, 6), Hit("爆炸", "event", "title", 8, 10, 5)), 5)
    judgement = Judgement(match, Sentiment("negative", 0.9), Tier.I, "主体+重大事件词，负面")
    incident = await app.services.incidents.create(item, judgement, clock.now())
    await app.delivery.run_once()
    return incident


async def stored(app: App, number: str) -> Incident:
    incident = await app.services.store.get_incident(number)
    assert incident is not None
    return incident


def alert_buttons(number: str) -> list[str]:
    return [f"a|{number}", f"g|{number}", f"r|{number}"]


async def test_alert_arrives_as_a_card_with_buttons_in_every_group(app: App, fake: FakeDingtalk, clock) -> None:
    inc = await new_incident(app, clock)
    for chat in (A, B):
        (card,) = fake.cards_in(chat)
        assert card.presses == alert_buttons(inc.number)
        assert inc.number in card.text and "特别重大" in card.text and "15分钟内确认" in card.text
        assert "＜现场＞ & 浓烟" in card.text and "<现场>" not in card.text  # scraped text made inert
    assert not fake.cards_in(ELSEWHERE)
    (opened,) = fake.opened
    assert {s["topic"] for s in opened["subscriptions"]} == {MESSAGE_TOPIC, CARD_TOPIC}
    assert all(s["type"] == "CALLBACK" for s in opened["subscriptions"])


async def test_acks_match_the_service_format_byte_for_byte(app: App, fake: FakeDingtalk, clock) -> None:
    ping = await fake.ping()
    ack = await fake.wait_ack(ping)
    assert ack["code"] == 200 and ack["headers"] == {"contentType": "application/json", "messageId": ping}
    mid = await fake.message(A, LEADER, "帮助")
    ack = await fake.wait_ack(mid)
    assert list(ack) == ["code", "headers", "message", "data"] and json.loads(ack["data"]) == {"response": "OK"}
    assert not fake.bad_acks


async def test_typed_chinese_ack_updates_every_card(app: App, fake: FakeDingtalk, clock) -> None:
    inc = await new_incident(app, clock)
    await fake.wait_ack(await fake.message(A, MONITOR, f"确认 {inc.number} 收到"))
    (reply,) = await fake.wait_text(A)
    assert "@李明" in reply and inc.number in reply
    incident = await stored(app, inc.number)
    assert incident.status is Status.ACKNOWLEDGED and incident.acked_by == "李明"
    await app.delivery.run_once()
    for chat in (A, B):
        (card,) = fake.cards_in(chat)
        assert card.updates == 1 and "确认：李明" in card.text
        assert card.presses == [f"g|{inc.number}", f"r|{inc.number}"]  # 确认 gone, 指派/办结 stay
    (ack,) = [a for a in await app.services.store.actions(inc.number) if a.kind is ActionKind.ACK]
    assert ack.chat == f"dingtalk_app:{A}" and ack.actor.user_id == MONITOR


async def test_quoting_the_card_needs_no_number(app: App, fake: FakeDingtalk, clock) -> None:
    inc = await new_incident(app, clock)
    (card,) = fake.cards_in(B)
    quoted = {"msgType": "interactiveCard", "msgId": "msgcard01", "content": {"title": card.text[:80]}}
    await fake.wait_ack(await fake.message(B, MONITOR, "确认 正在核实", replied=quoted))
    assert (await stored(app, inc.number)).status is Status.ACKNOWLEDGED


async def test_assign_button_offers_people_then_assigns(app: App, fake: FakeDingtalk, clock) -> None:
    inc = await new_incident(app, clock)
    (card,) = fake.cards_in(A)
    await fake.wait_ack(await fake.press(card.biz_id, MONITOR, f"g|{inc.number}"))
    assert f"s|{inc.number}|2" in card.presses and card.presses[-1] == f"x|{inc.number}|n"
    (other,) = fake.cards_in(B)
    assert other.updates == 0  # the menu shows only where it was asked for
    await fake.wait_ack(await fake.press(card.biz_id, MONITOR, f"s|{inc.number}|2"))  # 王芳 is people[2]
    assert (await stored(app, inc.number)).assignee == "王芳"
    assert any("已指派给 王芳" in t for t in fake.texts_in(A))
    await app.delivery.run_once()
    for chat in (A, B):
        (shown,) = fake.cards_in(chat)
        assert "负责人：王芳" in shown.text and f"s|{inc.number}|2" not in shown.presses


async def test_assign_menu_refused_to_a_member(app: App, fake: FakeDingtalk, clock) -> None:
    inc = await new_incident(app, clock)
    (card,) = fake.cards_in(A)
    await fake.wait_ack(await fake.press(card.biz_id, MEMBER, f"g|{inc.number}"))
    (refusal,) = await fake.wait_text(A)
    assert "无权" in refusal and card.updates == 0


async def test_resolve_button_asks_for_the_result_then_takes_the_quote(app: App, fake: FakeDingtalk, clock) -> None:
    inc = await new_incident(app, clock)
    (card,) = fake.cards_in(A)
    await fake.wait_ack(await fake.press(card.biz_id, LEADER, f"r|{inc.number}"))
    (prompt,) = await fake.wait_text(A)
    assert inc.number in prompt and "处置结果" in prompt
    quoted = {"msgType": "markdown", "msgId": "msgprompt1", "content": {"text": prompt}}
    await fake.wait_ack(await fake.message(A, LEADER, "已联系企业核实，系消防演练", replied=quoted))
    incident = await stored(app, inc.number)
    assert incident.status is Status.RESOLVED and incident.result == "已联系企业核实，系消防演练"
    await app.delivery.run_once()
    for chat in (A, B):
        (shown,) = fake.cards_in(chat)
        assert "已办结" in shown.text and shown.presses == []


async def test_a_stranger_is_refused_and_audited_unknown_groups_ignored(
    app: App, fake: FakeDingtalk, clock, caplog
) -> None:
    inc = await new_incident(app, clock)
    await fake.wait_ack(await fake.message(A, STRANGER, f"确认 {inc.number}"))
    (refusal,) = await fake.wait_text(A)
    assert "不在值守人员名单" in refusal
    refused = [a for a in await app.services.store.actions() if a.kind is ActionKind.REFUSED]
    assert refused and refused[0].actor.user_id == STRANGER and refused[0].chat == f"dingtalk_app:{A}"
    for _ in range(2):
        await fake.wait_ack(await fake.message(ELSEWHERE, LEADER, f"确认 {inc.number}"))
    await fake.wait_ack(await fake.message(A, LEADER, "single chat", conversation_type="1"))
    assert not fake.texts_in(ELSEWHERE) and len(fake.texts_in(A)) == 1
    # whoever sets the bot up learns an unconfigured group's id from the log, once
    told = [r.getMessage() for r in caplog.records if ELSEWHERE in r.getMessage() and "未在" in r.getMessage()]
    assert len(told) == 1 and f"group {ELSEWHERE}" in told[0]
    assert (await stored(app, inc.number)).status is Status.NEW


async def test_platform_down_then_back_loses_nothing(app: App, fake: FakeDingtalk, clock) -> None:
    port = fake.port
    await fake.stop()
    inc = await new_incident(app, clock)  # the sends fail: the alert waits in the outbox
    assert not fake.cards
    pending = await app.services.store.pending_notifications(clock.now() + clock_span(), 100)
    assert {n.target for n in pending} == {f"dingtalk_app:{A}", f"dingtalk_app:{B}"}
    fake.port = port
    await fake.start()
    await fake.wait_connected(within=10)  # the stream came back by itself (backoff)
    clock.advance(clock_span())
    await app.delivery.run_once()
    assert {c.chat for c in fake.cards.values()} == {A, B}
    await fake.wait_ack(await fake.message(A, MONITOR, f"确认 {inc.number}"))
    assert (await stored(app, inc.number)).status is Status.ACKNOWLEDGED


async def test_service_disconnect_frame_reconnects(app: App, fake: FakeDingtalk, clock) -> None:
    await fake.disconnect()
    await fake.wait(lambda: len(fake.opened) >= 2, within=5)
    await fake.wait_connected()
    inc = await new_incident(app, clock)
    await fake.wait_ack(await fake.message(B, MONITOR, f"确认 {inc.number}"))
    assert (await stored(app, inc.number)).status is Status.ACKNOWLEDGED


def clock_span():
    from datetime import timedelta

    return timedelta(minutes=5)


async def test_a_press_is_answered_promptly_even_when_sending_is_slow(app: App, fake: FakeDingtalk, clock, monkeypatch):
    import time

    from bot.channels import dingtalk_app_inbound

    monkeypatch.setattr(dingtalk_app_inbound, "PRESS_ANSWER", 0.2)
    inc = await new_incident(app, clock)
    (card,) = fake.cards_in(A)
    fake.slow_sends = 1.5
    started = time.monotonic()
    await fake.wait_ack(await fake.press(card.biz_id, LEADER, f"r|{inc.number}"), within=1.0)
    assert time.monotonic() - started < 1.0 and not fake.texts_in(A)
    (prompt,) = await fake.wait_text(A, within=5)  # the prompt still arrives, after the ack
    assert inc.number in prompt
