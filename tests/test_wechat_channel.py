"""The WeChat channel end to end: the real wechaty client against a local fake puppet service.

Alerts reach rooms as plain text, commands typed in rooms act on incidents,
@mentions resolve by contact id, strangers are refused, unknown rooms and the
bot's own messages are ignored, and WeChat's throttling is waited out while
the alert goes to the other chats.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import pytest

from bot.analysis.judgement import Judgement
from bot.app import App, build_app
from bot.channels.wechat import WechatChannel
from bot.clock import FakeClock
from bot.models import ActionKind, Hit, Incident, Item, Match, Sentiment, Status, Tier
from bot.store.base import Store
from bot.store.tinydb_store import TinyDBStore
from tests.conftest import StoreFactory, make_config
from tests.wechat_rig import TOKEN, require_wechaty, wechat_chat

require_wechaty()

from tests.fake_puppet import IMAGE, Blackhole, FakePuppet  # noqa: E402 - needs wechaty_grpc: after the check

ROOM = "leaders@chatroom"
OTHER_ROOM = "gossip@chatroom"
ZHANG, LI, WANG, STRANGER = "wxid_zhangsan", "wxid_liming", "wxid_wangfang", "wxid_stranger"
PEOPLE = [
    {"name": "张三", "role": "leader", "wechat_id": ZHANG},
    {"name": "李明", "role": "monitor", "wechat_id": LI},
    {"name": "王芳", "role": "member", "department": "宣传处", "wechat_id": WANG},
]


@pytest.fixture
def store_factory(tmp_path) -> StoreFactory:
    """The channel is what is tested here: one store backend is enough (the contract suite covers both)."""
    return lambda: TinyDBStore(tmp_path / "store.json")


def populated() -> FakePuppet:
    fake = FakePuppet()
    fake.add_contact(ZHANG, "张三")
    fake.add_contact(LI, "李明")
    fake.add_contact(WANG, "芳芳 宣传")  # a display name unlike the registry's, with a space
    fake.add_contact(STRANGER, "路人甲")
    fake.add_room(ROOM, "舆情领导小组", [ZHANG, LI, WANG, STRANGER])
    fake.add_room(OTHER_ROOM, "闲聊群", [ZHANG, LI])
    return fake


@pytest.fixture
async def puppet() -> AsyncIterator[FakePuppet]:
    fake = populated()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def app(store: Store, clock: FakeClock, puppet: FakePuppet, tmp_path) -> AsyncIterator[App]:
    config = make_config(
        people=PEOPLE,
        chats={
            "console": {"enabled": True, "person": "李明", "tiers": ["III", "IV"]},
            "wechat": wechat_chat(
                puppet.endpoint, tmp_path, [{"id": ROOM, "name": "舆情领导小组", "tiers": ["I", "II"]}]
            ),
        },
    )
    built = await build_app(config, store, clock, console_out=io.StringIO())
    channel = wechat_of(built)
    await channel.start(built.dispatcher.handle)
    puppet.login()
    await asyncio.wait_for(channel.logged_in.wait(), 10)
    yield built
    await channel.stop()
    await built.http.aclose()


def wechat_of(app: App) -> WechatChannel:
    """The WeChat channel itself, also when the app wraps channels (metrics)."""
    channel = app.channels["wechat"]
    channel = getattr(channel, "inner", channel)
    assert isinstance(channel, WechatChannel)
    return channel


async def new_incident(app: App, clock: FakeClock, tier: Tier = Tier.II) -> Incident:
    title = f"江城化工集团仓库爆炸-{clock.now():%H%M%S%f}"
    item = Item("news", f"https://x.cn/{title}", title, fetched_at=clock.now())
    match = Match("国资委", (Hit("爆炸", "event", "title", 0, 2, 4),), 4)
    judgement = Judgement(match, Sentiment("negative", 0.9), tier, "测试")
    return await app.services.incidents.create(item, judgement, clock.now())


async def alerted(app: App, clock: FakeClock, puppet: FakePuppet) -> Incident:
    inc = await new_incident(app, clock)
    assert await app.delivery.run_once() == 1
    await puppet.wait_sent(lambda s: inc.number in s.text)
    return inc


async def seen(app: App, count: int) -> None:
    """Wait until the channel has taken `count` inbound messages (handled or ignored)."""
    channel = wechat_of(app)
    async with asyncio.timeout(5):
        while channel.messages_seen < count:
            channel.message_seen.clear()
            await channel.message_seen.wait()


def console_text(app: App) -> str:
    out = getattr(app.channels["console"], "inner", app.channels["console"]).out
    assert isinstance(out, io.StringIO)
    return out.getvalue()


async def test_alert_reaches_the_room_as_plain_text(app, clock, puppet):
    inc = await alerted(app, clock, puppet)
    [sent] = puppet.sent_to(ROOM)
    assert sent.text.splitlines()[0].startswith("🟠【II 重大】" + inc.number)
    assert inc.title in sent.text and inc.url in sent.text
    assert "<" not in sent.text  # plain text: no HTML for WeChat
    assert sent.text.endswith(f"回复「确认 {inc.number}」确认收到")  # no buttons: what to type
    refs = await app.services.store.message_refs(inc.number)
    assert [(r.target, r.message_id) for r in refs] == [(f"wechat:{ROOM}", sent.message_id)]


async def test_ack_typed_in_the_room_acks_and_the_reply_quotes_the_number(app, clock, puppet):
    inc = await alerted(app, clock, puppet)
    puppet.say(ROOM, ZHANG, f"确认 {inc.number.lower()} 已知悉")
    reply = await puppet.wait_sent(lambda s: "确认" in s.text and s.mention_ids)
    assert reply.text == f"@张三\u2005✅ {inc.number} 已由张三确认"
    assert reply.mention_ids == (ZHANG,)
    stored = await app.services.store.get_incident(inc.number)
    assert stored.status is Status.ACKNOWLEDGED and stored.acked_by == "张三"
    [ack] = [a for a in await app.services.store.actions(inc.number) if a.kind is ActionKind.ACK]
    assert (ack.actor.user_id, ack.actor.person, ack.chat, ack.note) == (ZHANG, "张三", f"wechat:{ROOM}", "已知悉")
    await app.delivery.run_once()  # the action shows in every chat the incident was sent to
    update = await puppet.wait_sent(lambda s: s.text.startswith(f"更新 {inc.number}"))
    assert "已确认" in update.text and "张三" in update.text


async def test_assign_with_a_real_mention_resolves_the_person_by_contact_id(app, clock, puppet):
    inc = await alerted(app, clock, puppet)
    puppet.say(ROOM, ZHANG, f"指派 {inc.number} {puppet.mention(WANG)}今天核实回复", mention_ids=(WANG,))
    reply = await puppet.wait_sent(lambda s: "指派" in s.text)
    assert f"{inc.number} 已指派给 王芳（宣传处）：今天核实回复" in reply.text
    stored = await app.services.store.get_incident(inc.number)
    assert stored.status is Status.ASSIGNED and stored.assignee == "王芳"


async def test_commands_addressed_to_the_bot_and_chinese_forms(app, clock, puppet):
    inc = await alerted(app, clock, puppet)
    me = puppet.self_id
    puppet.say(ROOM, LI, f"{puppet.mention(me)}列表", mention_ids=(me,))
    listing = await puppet.wait_sent(lambda s: s.mention_ids == (LI,))
    assert inc.number in listing.text
    puppet.say(ROOM, LI, "办结")  # malformed: the usage line, never a traceback
    usage = await puppet.wait_sent(lambda s: "用法" in s.text)
    assert "办结" in usage.text or "/resolve" in usage.text
    assert "Traceback" not in usage.text


async def test_unknown_contact_is_refused_and_audited(app, clock, puppet):
    inc = await alerted(app, clock, puppet)
    puppet.say(ROOM, STRANGER, f"确认 {inc.number}")
    reply = await puppet.wait_sent(lambda s: s.mention_ids == (STRANGER,))
    assert "不在值守人员名单中" in reply.text and inc.number in reply.text
    assert (await app.services.store.get_incident(inc.number)).status is Status.NEW
    refused = [a for a in await app.services.store.actions() if a.kind is ActionKind.REFUSED]
    assert [(a.actor.user_id, a.chat) for a in refused] == [(STRANGER, f"wechat:{ROOM}")]


async def test_rooms_not_in_config_ordinary_chat_and_own_messages_are_ignored(app, clock, puppet):
    inc = await alerted(app, clock, puppet)
    puppet.say(OTHER_ROOM, ZHANG, f"确认 {inc.number}")
    puppet.say(ROOM, puppet.self_id, f"确认 {inc.number}")  # the bot hears its own messages back
    puppet.say(ROOM, ZHANG, "大家辛苦了")
    puppet.say(ROOM, ZHANG, f"确认 {inc.number}", kind=IMAGE)  # a picture is not a command, whatever its text
    await seen(app, 4)
    puppet.say(ROOM, LI, "帮助")
    await puppet.wait_sent(lambda s: s.mention_ids == (LI,))
    assert puppet.sent_to(OTHER_ROOM) == []
    assert [s.mention_ids for s in puppet.sent_to(ROOM)] == [(), (LI,)]  # the alert, then the help reply
    assert (await app.services.store.get_incident(inc.number)).status is Status.NEW


async def test_throttled_send_backs_off_and_the_alert_reaches_the_other_chat(app, clock, puppet):
    puppet.throttle_sends = 1
    inc = await new_incident(app, clock)
    await app.delivery.run_once()
    assert puppet.send_attempts == 1 and puppet.sent == []
    note = await app.services.store.get_notification(f"{inc.number}:wechat:{ROOM}:alert")
    assert note.sent_at is None and "频繁" in note.last_error
    assert note.next_attempt_at == clock.now() + timedelta(minutes=2)  # throttle_backoff
    await app.delivery.run_once()  # the fallback queued in the first round goes out now
    assert inc.number in console_text(app)
    second = await new_incident(app, clock)  # during the pause WeChat is not even asked
    clock.advance(timedelta(seconds=30))
    await app.delivery.run_once()
    await app.delivery.run_once()
    assert puppet.send_attempts == 1
    assert second.number in console_text(app)
    clock.advance(timedelta(minutes=2))  # the pause is over: both alerts reach the room, once each
    await app.delivery.run_once()
    await puppet.wait_sent(lambda s: second.number in s.text)
    assert [inc.number in s.text for s in puppet.sent_to(ROOM)] == [True, False]
    assert puppet.send_attempts == 3


async def test_files_go_as_base64_after_their_caption(app, clock, puppet):
    channel = wechat_of(app)
    await channel.send_file(ROOM, b"%PDF-1.4 fake", "简报.pdf", caption="今日舆情简报")
    sent = await puppet.wait_sent(lambda s: bool(s.filebox))
    assert puppet.sent_to(ROOM)[0].text == "今日舆情简报"
    box = json.loads(sent.filebox)
    assert (box["name"], base64.b64decode(box["base64"])) == ("简报.pdf", b"%PDF-1.4 fake")


@pytest.fixture
def wechaty_log() -> Iterator[list[str]]:
    """What wechaty's own loggers (they do not propagate) let through."""
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())  # type: ignore[method-assign]
    loggers = [logging.getLogger(name) for name in ("PuppetService", "Wechaty")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lines
    for logger in loggers:
        logger.removeHandler(handler)


async def test_the_token_never_reaches_the_log(wechaty_log, app, clock, puppet):
    await alerted(app, clock, puppet)
    assert not any(TOKEN in line for line in wechaty_log)


async def test_when_the_event_stream_ends_the_channel_reconnects(app, clock, puppet, store):
    await alerted(app, clock, puppet)
    channel = wechat_of(app)
    second = await new_incident(app, clock)
    puppet.end_stream()
    await asyncio.wait_for(puppet.connected.wait(), 10)  # a new session, not logged in yet
    await app.delivery.run_once()
    note = await store.get_notification(f"{second.number}:wechat:{ROOM}:alert")
    assert note.sent_at is None and note.last_error == "微信未登录"
    puppet.login()
    await asyncio.wait_for(channel.logged_in.wait(), 10)
    clock.advance(timedelta(seconds=31))
    await app.delivery.run_once()
    await puppet.wait_sent(lambda s: second.number in s.text)
    puppet.say(ROOM, ZHANG, f"确认 {second.number}")
    await puppet.wait_sent(lambda s: f"{second.number} 已由张三确认" in s.text)


async def test_an_action_taken_in_another_chat_shows_in_the_room_as_an_update_line(app, clock, puppet):
    inc = await alerted(app, clock, puppet)
    console = getattr(app.channels["console"], "inner", app.channels["console"])
    replies = await console.handle_line(f"指派 {inc.number} @王芳 请核实", app.dispatcher.handle)
    assert replies == [f"👤 {inc.number} 已指派给 王芳（宣传处）：请核实"]
    clock.advance(timedelta(seconds=1))
    await app.delivery.run_once()
    update = await puppet.wait_sent(lambda s: s.text.startswith(f"更新 {inc.number}"))
    assert "王芳" in update.text and len(update.text.splitlines()) == 1  # one short line, not the whole card


async def test_quoting_the_alert_and_typing_a_command_acts_on_it(app, clock, puppet):
    inc = await alerted(app, clock, puppet)
    first_line = puppet.sent_to(ROOM)[0].text.splitlines()[0]
    puppet.say(ROOM, LI, f"「值守机器人：{first_line}」\n- - - - - - - - - - - - - - -\n确认\u3000收到")
    reply = await puppet.wait_sent(lambda s: s.mention_ids == (LI,))
    assert reply.text.endswith(f"✅ {inc.number} 已由李明确认")
    assert (await app.services.store.get_incident(inc.number)).acked_by == "李明"


async def test_a_puppet_that_answers_without_ids_still_gets_update_lines(app, clock, puppet):
    puppet.answer_ids = False
    inc = await alerted(app, clock, puppet)
    [ref] = await app.services.store.message_refs(inc.number)
    assert ref.target == f"wechat:{ROOM}" and ref.message_id.startswith("local-")
    puppet.say(ROOM, ZHANG, f"确认 {inc.number}")
    await puppet.wait_sent(lambda s: "已由张三确认" in s.text)
    await app.delivery.run_once()
    await puppet.wait_sent(lambda s: s.text.startswith(f"更新 {inc.number}"))


async def test_a_connection_that_dies_silently_is_noticed_by_keepalive(store, clock, puppet, tmp_path):
    proxy = Blackhole(puppet.port)
    await proxy.start()
    config = make_config(
        people=PEOPLE,
        chats={
            "console": {"enabled": False},
            "wechat": wechat_chat(
                proxy.endpoint, tmp_path, [{"id": ROOM}], reconnect="0.1", keepalive="0.3", keepalive_timeout="0.3"
            ),
        },
    )
    app = await build_app(config, store, clock, console_out=io.StringIO())
    channel = wechat_of(app)
    await channel.start(app.dispatcher.handle)
    try:
        puppet.login()
        await asyncio.wait_for(channel.logged_in.wait(), 10)
        puppet.connected.clear()
        proxy.swallow()  # from now on the first connection carries nothing, and is not closed
        await asyncio.wait_for(puppet.connected.wait(), 10)  # the bot noticed and came back
        puppet.login()
        await asyncio.wait_for(channel.logged_in.wait(), 10)
        puppet.say(ROOM, ZHANG, "帮助")
        await puppet.wait_sent(lambda s: s.mention_ids == (ZHANG,))
    finally:
        await channel.stop()
        await proxy.stop()
        await app.http.aclose()
