"""End to end: the real python-telegram-bot Application against the fake Bot API server.

The app is wired by bot.app.build_app (real dispatcher, handlers, TinyDB
store, outbox); only the far side (Telegram) is a local fake.
"""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.analysis.judgement import Judgement
from bot.app import App, build_app
from bot.channels.telegram_limits import Limits
from bot.clock import FakeClock
from bot.models import ActionKind, Command, Hit, Incident, Item, Match, Sentiment, Status, Tier
from bot.store.base import Store
from tests.conftest import make_config
from tests.fake_bot_api import FakeBotApi
from tests.telegram_html import html_to_text

A, B, ELSEWHERE = -1001, -1002, -1999
LEADER, MONITOR, MEMBER, STRANGER = 1, 2, 3, 77


@pytest.fixture
def store(tinydb_store: Store) -> Store:
    """TinyDB only: these tests are about Telegram; the store contract suite covers the backends."""
    return tinydb_store


def telegram_config(api: FakeBotApi, **extra: Any) -> dict[str, Any]:
    return {
        "enabled": True,
        "token": api.token,
        "base_url": api.base_url,
        "base_file_url": api.base_file_url,
        "chats": [{"id": str(A), "name": "领导小组"}, {"id": str(B), "name": "监测组"}],
        **extra,
    }


async def build(api: FakeBotApi, store, clock: FakeClock, console: bool = False, **extra: Any) -> App:
    chats = {"console": {"enabled": console, "person": "张三"}, "telegram": telegram_config(api, **extra)}
    config = make_config(chats=chats)
    app = await build_app(config, store, clock, console_out=io.StringIO())
    app.channels["telegram"].limiter.limits = Limits.unlimited()  # type: ignore[attr-defined]
    return app


@pytest.fixture
async def app(api: FakeBotApi, store, clock: FakeClock) -> AsyncIterator[App]:
    built = await build(api, store, clock)
    await built.channels["telegram"].start(built.dispatcher.handle)
    yield built
    await built.channels["telegram"].stop()
    await built.http.aclose()


async def new_incident(
    app: App,
    clock: FakeClock,
    title: str = "江城化工集团仓库爆炸 <现场> & 浓烟",
    url: str = "https://news.example.cn/a?id=1&from=rss",
    related: str = "",
) -> Incident:
    item = Item("news", url, title, fetched_at=clock.now())
    match = Match("国资委", (Hit("江城化工集团", "subject", "title", 0, 6), Hit("爆炸", "event", "title", 8, 10, 5)), 5)
    judgement = Judgement(match, Sentiment("negative", 0.9), Tier.I, "主体+重大事件词，负面")
    incident = await app.services.incidents.create(item, judgement, clock.now(), related=related)
    await app.delivery.run_once()
    return incident


def alert_ids(api: FakeBotApi, chat: int) -> list[int]:
    return [m["message_id"] for m in api.sent(chat) if "舆情告警" in m.get("text", "") and "from" in m]


def buttons(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row]


async def stored(app: App, number: str) -> Incident:
    incident = await app.services.store.get_incident(number)
    assert incident is not None
    return incident


async def test_alert_is_html_with_buttons_in_every_chat(app: App, api: FakeBotApi, clock: FakeClock) -> None:
    inc = await new_incident(app, clock)
    for chat in (A, B):
        (mid,) = alert_ids(api, chat)
        msg = api.message(chat, mid)
        assert msg["parse_mode"] == "HTML"
        assert "&lt;现场&gt; &amp; 浓烟" in msg["text"]  # scraped text escaped
        assert "<u>爆炸</u>" in msg["text"]  # matched word highlighted
        assert '<a href="https://news.example.cn/a?id=1&amp;from=rss">' in msg["text"]
        visible = html_to_text(msg["text"])
        assert "🔴" in visible and "特别重大" in visible and inc.number in visible and "15分钟内确认" in visible
        assert buttons(msg) == [f"a|{inc.number}", f"g|{inc.number}", f"r|{inc.number}"]
    commands = api.requests("setMyCommands")[0].params["commands"]
    assert {"command": "ack", "description": "确认收到告警"} in commands


async def test_button_ack_edits_the_alert_in_every_chat(app: App, api: FakeBotApi, clock: FakeClock) -> None:
    inc = await new_incident(app, clock)
    (mid_a,), (mid_b,) = alert_ids(api, A), alert_ids(api, B)
    api.queue_update(api.press(A, MONITOR, mid_a, f"a|{inc.number}"))
    (answer,) = await api.wait_for("answerCallbackQuery")
    assert "已由李明确认" in answer.params["text"]
    assert (await stored(app, inc.number)).status is Status.ACKNOWLEDGED
    await app.delivery.run_once()
    for chat, mid in ((A, mid_a), (B, mid_b)):
        msg = api.message(chat, mid)
        assert msg.get("edits") == 1 and "已确认" in msg["text"] and "确认：李明" in msg["text"]
        assert f"a|{inc.number}" not in buttons(msg)  # 确认 is gone, 指派/办结 stay
    ack = [a for a in await app.services.store.actions(inc.number) if a.kind is ActionKind.ACK]
    assert ack[0].chat == f"telegram:{A}" and ack[0].actor.user_id == str(MONITOR)


async def test_assign_typed_in_one_chat_edits_the_other(app: App, api: FakeBotApi, clock: FakeClock) -> None:
    inc = await new_incident(app, clock)
    (mid_a,) = alert_ids(api, A)
    api.queue_update(api.user_message(B, LEADER, f"/assign@{api.username} {inc.number} @王芳 请核实"))
    replies = await api.wait_for("sendMessage", count=3)
    assert "已指派给 王芳" in replies[-1].params["text"] and replies[-1].chat_id == str(B)
    await app.delivery.run_once()
    msg = api.message(A, mid_a)
    assert "负责人：王芳" in html_to_text(msg["text"]) and "处置中" in msg["text"]


async def test_assign_by_picking_a_member_without_username(app: App, api: FakeBotApi, clock) -> None:
    inc = await new_incident(app, clock)
    text = f"/assign {inc.number} Wang Fang 请核实"
    mention = {"type": "text_mention", "offset": text.index("Wang"), "length": 9, "user": api.user(MEMBER)}
    api.queue_update(api.user_message(A, LEADER, text, entities=[mention]))
    replies = await api.wait_for("sendMessage", count=3)
    assert replies[-1].params["text"].endswith("已指派给 王芳：请核实")
    assert (await stored(app, inc.number)).assignee == "王芳"


async def test_reply_to_alert_needs_no_number_and_chinese_form_works(app: App, api: FakeBotApi, clock) -> None:
    inc = await new_incident(app, clock)
    (mid_b,) = alert_ids(api, B)
    api.queue_update(api.user_message(B, MONITOR, "确认 收到，正在核实", reply_to=mid_b))
    await api.wait_for("sendMessage", count=3)
    incident = await stored(app, inc.number)
    assert incident.status is Status.ACKNOWLEDGED and incident.acked_by == "李明"


async def test_redelivered_press_applies_once(app: App, api: FakeBotApi, clock: FakeClock) -> None:
    inc = await new_incident(app, clock)
    (mid_a,) = alert_ids(api, A)
    press = api.press(A, MONITOR, mid_a, f"a|{inc.number}")
    api.queue_update(press)
    await api.wait_for("answerCallbackQuery")
    again = dict(press)  # the same callback query, delivered again under a new update id
    api.queue_update(again)
    answers = await api.wait_for("answerCallbackQuery", count=2)
    assert "未重复操作" in answers[1].params["text"]
    acks = [a for a in await app.services.store.actions(inc.number) if a.kind is ActionKind.ACK]
    assert len(acks) == 1


async def test_assign_by_buttons_checks_permission_at_the_press(app: App, api: FakeBotApi, clock) -> None:
    inc = await new_incident(app, clock)
    (mid_a,) = alert_ids(api, A)
    api.queue_update(api.press(A, MEMBER, mid_a, f"g|{inc.number}"))
    (refused,) = await api.wait_for("answerCallbackQuery")
    assert "无权" in refused.params["text"] and refused.params["show_alert"] in (True, "True", "true")
    assert not api.requests("editMessageReplyMarkup")
    api.queue_update(api.press(A, MONITOR, mid_a, f"g|{inc.number}"))
    await api.wait_for("editMessageReplyMarkup")
    people = buttons(api.message(A, mid_a))
    assert f"s|{inc.number}|2" in people and people[-1] == f"x|{inc.number}|n"
    assert all(len(d.encode()) <= 64 for d in people)
    api.queue_update(api.press(A, MONITOR, mid_a, f"s|{inc.number}|2"))  # 王芳 is people[2]
    answers = await api.wait_for("answerCallbackQuery", count=3)
    assert "已指派给 王芳" in answers[-1].params["text"]
    assert (await stored(app, inc.number)).assignee == "王芳"
    await app.delivery.run_once()
    assert f"s|{inc.number}|2" not in buttons(api.message(A, mid_a))  # the edit restored the alert buttons


async def test_merge_button_comes_back_after_the_people_menu_and_merges_once(app: App, api: FakeBotApi, clock) -> None:
    story = await new_incident(app, clock)
    retold = await new_incident(app, clock, "江城化工集团爆炸后续", "https://news.example.cn/b", related=story.number)
    _, mid = alert_ids(api, A)
    merge = f"m|{retold.number}|{story.number}"
    alert = [f"a|{retold.number}", f"g|{retold.number}", f"r|{retold.number}", merge]
    assert buttons(api.message(A, mid)) == alert
    api.queue_update(api.press(A, MONITOR, mid, f"g|{retold.number}"))
    await api.wait_for("editMessageReplyMarkup")
    back = buttons(api.message(A, mid))[-1]
    assert back == f"x|{retold.number}|n{story.number}"  # 返回 carries the story's number
    api.queue_update(api.press(A, MONITOR, mid, back))
    await api.wait_for("editMessageReplyMarkup", count=2)
    assert buttons(api.message(A, mid)) == alert
    press = api.press(A, MONITOR, mid, merge)
    api.queue_update(press)
    answers = await api.wait_for("answerCallbackQuery", count=3)
    assert answers[-1].params["text"].startswith(f"🔗 {retold.number} 已并入 {story.number}")
    api.queue_update(dict(press))  # the same callback query, delivered again
    answers = await api.wait_for("answerCallbackQuery", count=4)
    assert "未重复操作" in answers[-1].params["text"]
    assert (await stored(app, retold.number)).merged_into == story.number
    assert (await stored(app, story.number)).spread == 2
    await app.delivery.run_once()
    assert not buttons(api.message(A, mid))  # resolved: no buttons at all


async def test_resolve_button_asks_for_the_result_then_takes_the_reply(app: App, api: FakeBotApi, clock) -> None:
    inc = await new_incident(app, clock)
    (mid_a,) = alert_ids(api, A)
    api.queue_update(api.press(A, LEADER, mid_a, f"r|{inc.number}"))
    prompts = await api.wait_for("sendMessage", count=3)
    prompt = prompts[-1].params
    assert prompt["reply_markup"]["force_reply"] is True and inc.number in prompt["text"]
    prompt_id = api.sent(A)[-1]["message_id"]
    api.queue_update(api.user_message(A, LEADER, "已联系企业核实，系消防演练", reply_to=prompt_id))
    await api.wait_for("sendMessage", count=4)
    incident = await stored(app, inc.number)
    assert incident.status is Status.RESOLVED and incident.result == "已联系企业核实，系消防演练"
    await app.delivery.run_once()
    msg = api.message(A, mid_a)
    assert "已办结" in msg["text"] and not buttons(msg)


async def test_strangers_refused_and_unknown_chats_ignored(app: App, api: FakeBotApi, clock) -> None:
    inc = await new_incident(app, clock)
    (mid_a,) = alert_ids(api, A)
    api.queue_update(api.press(A, STRANGER, mid_a, f"a|{inc.number}"))
    (answer,) = await api.wait_for("answerCallbackQuery")
    assert "不在值守人员名单" in answer.params["text"]
    refused = [a for a in await app.services.store.actions() if a.kind is ActionKind.REFUSED]
    assert refused and refused[0].actor.user_id == str(STRANGER)
    before = len(api.requests("sendMessage"))
    api.queue_update(api.user_message(ELSEWHERE, LEADER, f"/ack {inc.number}"))
    api.queue_update(api.user_message(A, LEADER, "/help"))  # a marker: processed after the ignored one
    await api.wait_for("sendMessage", count=before + 1)
    assert [c.chat_id for c in api.requests("sendMessage")[before:]] == [str(A)]
    assert (await stored(app, inc.number)).status is Status.NEW


async def test_malformed_command_gets_usage_line(app: App, api: FakeBotApi, clock) -> None:
    await new_incident(app, clock)
    api.queue_update(api.user_message(A, LEADER, "/resolve"))
    replies = await api.wait_for("sendMessage", count=3)
    assert "用法：/resolve [编号] 处置结果" in replies[-1].params["text"]


async def test_set_my_commands_failure_is_not_fatal(api: FakeBotApi, store, clock, caplog) -> None:
    api.fail("setMyCommands", "bad_request", description="commands are invalid")
    app = await build(api, store, clock)
    caplog.set_level(logging.DEBUG)
    await app.channels["telegram"].start(app.dispatcher.handle)
    try:
        api.queue_update(api.user_message(A, LEADER, "/help"))
        (reply,) = await api.wait_for("sendMessage")
        assert "命令" in reply.params["text"]
        assert any("could not register Telegram commands" in r.getMessage() for r in caplog.records)
        ours = [r for r in caplog.records if not r.name.startswith("aiohttp")]  # aiohttp logs the fake server side
        assert len(ours) > 10 and not any(api.token in r.getMessage() for r in ours)  # the token never reaches a log
    finally:
        await app.channels["telegram"].stop()
        await app.http.aclose()


async def test_action_on_another_platform_edits_telegram(api: FakeBotApi, store, clock: FakeClock) -> None:
    app = await build(api, store, clock, console=True)
    try:
        inc = await new_incident(app, clock)
        (mid_a,), (mid_b,) = alert_ids(api, A), alert_ids(api, B)
        replies = await app.dispatcher.handle(Command("console", "张三", "console", "resolve", (inc.number, "已澄清")))
        assert "已办结" in replies[0]
        await app.delivery.run_once()
        for chat, mid in ((A, mid_a), (B, mid_b)):
            msg = api.message(chat, mid)
            assert "已办结" in msg["text"] and "已澄清" in msg["text"] and not buttons(msg)
    finally:
        await app.http.aclose()
