"""The platform-neutral command contract, run on every two-way channel (tests/chat_contract.py).

The same scenarios, typed as people type them, through each channel's real client against its
local fake: an alert arrives in the group; 确认 (and /ack) acknowledges it and the group shows
it; 指派 … @person assigns; 办结 with a result resolves; a stranger is refused and audited;
/list and /help answer in Chinese; on the platforms with card buttons, 🔗 并入 on a card that
names the story it may retell merges it (as /merge does), and a member may not press it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.clock import FakeClock
from bot.models import ActionKind, Incident, Status
from bot.store.base import Store
from tests.chat_contract import MEMBER_DEPARTMENT, RIGS, STRANGER, ChatRig


@pytest.fixture
def store(tinydb_store: Store) -> Store:
    """The channels are what is tested here; the store contract suite covers the backends."""
    return tinydb_store


@pytest.fixture(params=sorted(RIGS))
async def rig(request: pytest.FixtureRequest, store: Store, clock: FakeClock, tmp_path) -> AsyncIterator[ChatRig]:
    chat = RIGS[request.param](store, clock, tmp_path)
    scenario = request.node.originalname.removeprefix("test_")
    if scenario in chat.cannot:
        pytest.skip(f"{chat.name}: {chat.cannot[scenario]}")
    try:
        await chat.start()
        yield chat
    finally:
        await chat.stop()


async def stored(rig: ChatRig, number: str) -> Incident:
    assert rig.app is not None
    incident = await rig.app.services.store.get_incident(number)
    assert incident is not None
    return incident


async def updated_everywhere(rig: ChatRig, number: str, shows: str) -> None:
    """The outbox brings the change to the group: the card edited in place, or an update line."""
    assert rig.app is not None
    await rig.app.delivery.run_once()
    # the alert itself (its title is in it) now says so, or an update line about it follows
    await rig.wait_text(lambda t: number in t and shows in t and ("爆炸" in t or t.startswith("更新")))


async def test_alert(rig: ChatRig) -> None:
    inc = await rig.new_alert()
    shown = await rig.wait_text(lambda t: inc.number in t)
    assert "爆炸" in shown and ("特别重大" in shown or "I" in shown)
    assert rig.app is not None
    refs = await rig.app.services.store.message_refs(inc.number)
    assert [r.target for r in refs] == [rig.audit_chat]


async def test_chinese_ack(rig: ChatRig) -> None:
    inc = await rig.new_alert()
    await rig.say("李明", f"确认 {inc.number} 收到，正在核实")
    await rig.wait_text(lambda t: f"{inc.number} 已由李明确认" in t)
    incident = await stored(rig, inc.number)
    assert incident.status is Status.ACKNOWLEDGED and incident.acked_by == "李明"
    assert rig.app is not None
    (ack,) = [a for a in await rig.app.services.store.actions(inc.number) if a.kind is ActionKind.ACK]
    assert (ack.actor.user_id, ack.actor.person, ack.chat) == (rig.actor_id("李明"), "李明", rig.audit_chat)
    await updated_everywhere(rig, inc.number, "已确认")


async def test_english_ack(rig: ChatRig) -> None:
    inc = await rig.new_alert()
    await rig.say("张三", f"/ack {inc.number}")
    await rig.wait_text(lambda t: f"{inc.number} 已由张三确认" in t)
    assert (await stored(rig, inc.number)).acked_by == "张三"
    await updated_everywhere(rig, inc.number, "已确认")


async def test_assign(rig: ChatRig) -> None:
    inc = await rig.new_alert()
    await rig.say("张三", f"指派 {inc.number} @王芳 今天核实回复", mentions=("王芳",))
    reply = await rig.wait_text(lambda t: "已指派给" in t)
    assert f"{inc.number} 已指派给 王芳（{MEMBER_DEPARTMENT}）：今天核实回复" in reply
    incident = await stored(rig, inc.number)
    assert incident.status is Status.ASSIGNED and incident.assignee == "王芳"


async def test_resolve(rig: ChatRig) -> None:
    inc = await rig.new_alert()
    await rig.say("张三", f"办结 {inc.number} 已核实为演练，已发布说明")
    await rig.wait_text(lambda t: f"{inc.number} 已办结：已核实为演练，已发布说明" in t)
    incident = await stored(rig, inc.number)
    assert incident.status is Status.RESOLVED
    assert rig.app is not None
    (done,) = [a for a in await rig.app.services.store.actions(inc.number) if a.kind is ActionKind.RESOLVE]
    assert (done.actor.person, done.chat, done.note) == ("张三", rig.audit_chat, "已核实为演练，已发布说明")
    await updated_everywhere(rig, inc.number, "已办结")


async def test_stranger(rig: ChatRig) -> None:
    inc = await rig.new_alert()
    await rig.say(STRANGER, f"确认 {inc.number}")
    await rig.wait_text(lambda t: "不在值守人员名单" in t)
    assert (await stored(rig, inc.number)).status is Status.NEW
    assert rig.app is not None
    refused = [a for a in await rig.app.services.store.actions() if a.kind is ActionKind.REFUSED]
    assert [(a.actor.user_id, a.chat) for a in refused] == [(rig.actor_id(STRANGER), rig.audit_chat)]


async def test_list_and_help(rig: ChatRig) -> None:
    inc = await rig.new_alert()
    await rig.say("李明", "/list")
    listing = await rig.wait_text(lambda t: "📋 未办结事件 1 条" in t)
    assert inc.number in listing and "爆炸" in listing
    for typed in ("/help", "帮助"):  # the English command and its Chinese form
        await rig.say("李明", typed)
    commands = await rig.wait_texts(lambda t: "确认收到告警" in t, count=2)
    assert all("指派负责人" in t and "办结并记录处置结果" in t for t in commands)


async def story_and_retelling(rig: ChatRig) -> tuple[Incident, Incident]:
    """An open story and a retelling whose card names it (疑似同一事件), both shown in the group."""
    assert rig.app is not None
    story = await rig.new_alert()
    retold = await rig.incident(related=story.number)
    await rig.app.delivery.run_once()
    await rig.wait_text(lambda t: retold.number in t and "爆炸" in t)
    return story, retold


async def test_merge_button(rig: ChatRig) -> None:
    story, retold = await story_and_retelling(rig)
    merge = f"m|{retold.number}|{story.number}"
    assert merge in await rig.buttons(retold.number)
    assert not [b for b in await rig.buttons(story.number) if b.startswith("m|")]  # names no story: no 并入
    await rig.press("李明", retold.number, merge)
    await rig.wait_answer(lambda t: "已并入" in t)
    duplicate = await stored(rig, retold.number)
    assert duplicate.status is Status.RESOLVED and duplicate.merged_into == story.number
    assert (await stored(rig, story.number)).spread == 2
    assert rig.app is not None
    (merged,) = [a for a in await rig.app.services.store.actions(retold.number) if a.kind is ActionKind.MERGE]
    assert (merged.actor.person, merged.chat, merged.note) == ("李明", rig.audit_chat, story.number)
    await rig.app.delivery.run_once()
    assert not [b for b in await rig.buttons(retold.number) if b.startswith("m|")]  # resolved: the button is gone


async def test_merge_button_refused_to_a_member(rig: ChatRig) -> None:
    story, retold = await story_and_retelling(rig)
    await rig.press("王芳", retold.number, f"m|{retold.number}|{story.number}")
    await rig.wait_answer(lambda t: "无权" in t)
    duplicate = await stored(rig, retold.number)
    assert duplicate.status is Status.NEW and duplicate.merged_into == ""
    assert (await stored(rig, story.number)).spread == 1
    assert rig.app is not None
    assert not [a for a in await rig.app.services.store.actions(retold.number) if a.kind is ActionKind.MERGE]
    refused = [a for a in await rig.app.services.store.actions() if a.kind is ActionKind.REFUSED]
    assert [(a.actor.user_id, a.chat) for a in refused] == [(rig.actor_id("王芳"), rig.audit_chat)]
    assert f"m|{retold.number}|{story.number}" in await rig.buttons(retold.number)  # still offered
