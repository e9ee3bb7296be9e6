"""End to end: the wecom_app channel's own websocket client against the local fake service.

The app is wired by bot.app.build_app (real dispatcher, handlers, TinyDB store,
outbox); only the far side (the 企业微信智能机器人 service) is a local fake that
speaks the frames the official SDK speaks (tests/fake_wecom_app.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.app import App
from bot.clock import FakeClock
from bot.models import ActionKind, Incident, Status
from bot.store.base import Store
from tests.fake_wecom_app import FakeWecomApp, Sent
from tests.wecom_app_rig import (
    BOT_ID,
    LEADERS,
    MONITORS,
    SECRET,
    STRANGER,
    build,
    channel,
    new_incident,
    stop_app,
)


@pytest.fixture
def store(tinydb_store: Store) -> Store:
    return tinydb_store


@pytest.fixture
async def fake() -> AsyncIterator[FakeWecomApp]:
    service = FakeWecomApp(bots={BOT_ID: SECRET}, groups={LEADERS, MONITORS})
    await service.start()
    yield service
    await service.stop()


@pytest.fixture
async def app(store: Store, clock: FakeClock, fake: FakeWecomApp) -> AsyncIterator[App]:
    built = await build(store, clock, fake)
    await channel(built).start(built.dispatcher.handle)
    await asyncio.wait_for(channel(built).connected.wait(), 5)
    yield built
    await stop_app(built)


def alerts(fake: FakeWecomApp, chat: str) -> list[Sent]:
    return [s for s in fake.of("aibot_send_msg", chat) if s.body.get("msgtype") == "template_card"]


def keys(card: dict) -> list[str]:
    return [b["key"] for b in card.get("button_list", [])]


def rows(card: dict) -> dict[str, str]:
    return {r["keyname"]: r["value"] for r in card.get("horizontal_content_list", [])}


async def stored(app: App, number: str) -> Incident:
    incident = await app.services.store.get_incident(number)
    assert incident is not None
    return incident


async def test_alert_arrives_in_every_group_as_a_card_with_buttons(app: App, fake: FakeWecomApp, clock) -> None:
    inc = await new_incident(app, clock)
    for chat in (LEADERS, MONITORS):
        (sent,) = alerts(fake, chat)
        card = sent.card
        assert card["card_type"] == "button_interaction"
        assert "特别重大" in card["main_title"]["title"] and card["main_title"]["desc"] == inc.number
        assert "<现场> & [浓烟](http://evil.cn)" in card["sub_title_text"]  # plain card text: shown as typed
        assert card["card_action"] == {"type": 1, "url": inc.url}
        assert keys(card) == [f"a|{inc.number}", f"g|{inc.number}", f"r|{inc.number}"]
        assert "15分钟内确认" in rows(card)["时限"]
        assert card["task_id"].startswith(inc.number)
    assert alerts(fake, LEADERS)[0].card["task_id"] != alerts(fake, MONITORS)[0].card["task_id"]


async def test_typed_chinese_ack_acks_and_every_copy_shows_it(app: App, fake: FakeWecomApp, clock) -> None:
    inc = await new_incident(app, clock)
    req = await fake.say(MONITORS, "liming", f"@值守机器人 确认 {inc.number} 收到，正在核实")
    (reply,) = await fake.wait_for(lambda: fake.answers_to(req))
    assert reply.cmd == "aibot_respond_msg" and reply.body["stream"]["finish"] is True
    assert "李明" in reply.text and "确认" in reply.text
    incident = await stored(app, inc.number)
    assert incident.status is Status.ACKNOWLEDGED and incident.acked_by == "李明"
    await app.delivery.run_once()
    for chat in (LEADERS, MONITORS):  # no press to answer: the service allows no redraw, so an update line
        lines = [s.text for s in fake.of("aibot_send_msg", chat) if s.body.get("msgtype") == "markdown"]
        assert lines == [f"更新 {inc.number} 🔴I 已确认（李明）  ⏱ 1天内办结"], lines
    await app.delivery.run_once()  # nothing new to say: no second line
    assert len(fake.of("aibot_send_msg")) == 4


async def test_button_ack_redraws_the_pressed_card_in_place(app: App, fake: FakeWecomApp, clock) -> None:
    inc = await new_incident(app, clock)
    task = alerts(fake, LEADERS)[0].card["task_id"]
    req = await fake.press(LEADERS, "zhangsan", task, f"a|{inc.number}")
    (update,) = await fake.wait_for(lambda: fake.answers_to(req))
    assert update.cmd == "aibot_respond_update_msg" and update.body["response_type"] == "update_template_card"
    card = fake.cards[task]
    assert card["task_id"] == task and "已确认" in card["main_title"]["title"] and rows(card)["确认"].startswith("张三")
    assert f"a|{inc.number}" not in keys(card) and f"g|{inc.number}" in keys(card)
    await app.delivery.run_once()
    assert not [s for s in fake.of("aibot_send_msg", LEADERS) if s.body.get("msgtype") == "markdown"]
    (line,) = [s for s in fake.of("aibot_send_msg", MONITORS) if s.body.get("msgtype") == "markdown"]
    assert line.text.startswith(f"更新 {inc.number}") and "已确认（张三）" in line.text
    (ack,) = [a for a in await app.services.store.actions(inc.number) if a.kind is ActionKind.ACK]
    assert ack.chat == f"wecom_app:{LEADERS}" and ack.actor.user_id == "zhangsan"


async def test_a_stale_copy_is_redrawn_when_pressed(app: App, fake: FakeWecomApp, clock) -> None:
    inc = await new_incident(app, clock)
    task_a, task_b = alerts(fake, LEADERS)[0].card["task_id"], alerts(fake, MONITORS)[0].card["task_id"]
    await fake.press(LEADERS, "zhangsan", task_a, f"a|{inc.number}")
    await fake.wait_for(lambda: "已确认" in fake.cards[task_a]["main_title"]["title"])
    req = await fake.press(MONITORS, "liming", task_b, f"a|{inc.number}")  # its 确认 button is stale
    await fake.wait_for(lambda: fake.answers_to(req))
    assert "已确认" in fake.cards[task_b]["main_title"]["title"]
    said = await fake.wait_for(lambda: [s.text for s in fake.of("aibot_send_msg", MONITORS) if "张三" in s.text])
    assert "<@liming>" in said[-1]  # nothing changed: the presser is told why


async def test_assign_by_buttons_picks_a_person(app: App, fake: FakeWecomApp, clock) -> None:
    inc = await new_incident(app, clock)
    task = alerts(fake, LEADERS)[0].card["task_id"]
    req = await fake.press(LEADERS, "zhangsan", task, f"g|{inc.number}")
    await fake.wait_for(lambda: fake.answers_to(req))
    menu = fake.cards[task]
    labels = [b["text"] for b in menu["button_list"]]
    assert labels == ["张三", "李明", "王芳（宣传科）", "↩️ 返回"]
    assert "请选择负责人" in menu["sub_title_text"]
    req = await fake.press(LEADERS, "zhangsan", task, keys(menu)[2])
    await fake.wait_for(lambda: fake.answers_to(req))
    incident = await stored(app, inc.number)
    assert incident.status is Status.ASSIGNED and incident.assignee == "王芳"
    card = fake.cards[task]
    assert rows(card)["负责人"] == "王芳" and f"r|{inc.number}" in keys(card)


async def test_a_member_may_not_open_the_assign_menu(app: App, fake: FakeWecomApp, clock) -> None:
    inc = await new_incident(app, clock)
    task = alerts(fake, MONITORS)[0].card["task_id"]
    await fake.press(MONITORS, "wangfang", task, f"g|{inc.number}")
    said = await fake.wait_for(lambda: [s for s in fake.of("aibot_send_msg", MONITORS) if "无权" in s.text])
    assert said[0].text.startswith("<@wangfang>")
    assert fake.cards[task]["button_list"] == alerts(fake, MONITORS)[0].card["button_list"]  # no menu shown
    assert not fake.of("aibot_respond_update_msg")


async def test_resolve_button_asks_for_the_result_and_a_quoted_answer_resolves(app: App, fake, clock) -> None:
    inc = await new_incident(app, clock)
    task = alerts(fake, LEADERS)[0].card["task_id"]
    await fake.press(LEADERS, "zhangsan", task, f"r|{inc.number}")
    (prompt,) = await fake.wait_for(lambda: [s for s in fake.of("aibot_send_msg", LEADERS) if "处置结果" in s.text])
    assert prompt.text.startswith("<@zhangsan>") and inc.number in prompt.text
    quote = {"msgtype": "text", "text": {"content": prompt.text}}
    req = await fake.say(LEADERS, "zhangsan", "@值守机器人 已核实并澄清", quote=quote)
    (reply,) = await fake.wait_for(lambda: fake.answers_to(req))
    incident = await stored(app, inc.number)
    assert incident.status is Status.RESOLVED and incident.result == "已核实并澄清"
    assert "办结" in reply.text


async def test_quoting_the_card_needs_no_number(app: App, fake: FakeWecomApp, clock) -> None:
    inc = await new_incident(app, clock)
    card = alerts(fake, MONITORS)[0].card
    quote = {"msgtype": "template_card", "template_card": {"main_title": card["main_title"]}}
    req = await fake.say(MONITORS, "liming", "@值守机器人 确认", quote=quote)
    await fake.wait_for(lambda: fake.answers_to(req))
    assert (await stored(app, inc.number)).acked_by == "李明"


async def test_a_stranger_is_refused_and_audited(app: App, fake: FakeWecomApp, clock) -> None:
    inc = await new_incident(app, clock)
    req = await fake.say(MONITORS, STRANGER, f"@值守机器人 确认 {inc.number}")
    (reply,) = await fake.wait_for(lambda: fake.answers_to(req))
    assert "不在值守人员名单中" in reply.text
    task = alerts(fake, MONITORS)[0].card["task_id"]
    await fake.press(MONITORS, STRANGER, task, f"a|{inc.number}")
    await fake.wait_for(lambda: [s for s in fake.of("aibot_send_msg", MONITORS) if "不在值守人员名单中" in s.text])
    assert (await stored(app, inc.number)).status is Status.NEW
    refusals = [a for a in await app.services.store.actions("") if a.kind is ActionKind.REFUSED]
    assert len(refusals) == 2 and {a.actor.user_id for a in refusals} == {STRANGER}


async def test_display_names_do_not_identify_anyone(app: App, fake: FakeWecomApp, clock) -> None:
    inc = await new_incident(app, clock)
    req = await fake.say(MONITORS, "张三", f"@值守机器人 确认 {inc.number}")  # a userid that is a person's name
    (reply,) = await fake.wait_for(lambda: fake.answers_to(req))
    assert "不在值守人员名单中" in reply.text and (await stored(app, inc.number)).status is Status.NEW


async def test_unconfigured_group_is_ignored_and_named_once(app: App, fake: FakeWecomApp, clock, caplog) -> None:
    inc = await new_incident(app, clock)
    for _ in range(2):
        req = await fake.say("wrkOtherGroup", "zhangsan", f"@值守机器人 确认 {inc.number}")
    await asyncio.sleep(0.2)
    assert not fake.answers_to(req) and (await stored(app, inc.number)).status is Status.NEW
    named = [r for r in caplog.records if "wrkOtherGroup" in r.getMessage()]
    assert len(named) == 1 and "chats.wecom_app.chats" in named[0].getMessage()


async def test_being_taken_over_by_another_connection_is_said_plainly(app: App, fake: FakeWecomApp, caplog) -> None:
    await fake.event("enter_chat")
    await fake.event("disconnected_event")
    async with asyncio.timeout(5):
        while "被另一处连接顶替" not in caplog.text:  # noqa: ASYNC110 - a log line, no event to wait on
            await asyncio.sleep(0.01)
    assert not fake.sent  # neither event is answered
