"""The dispatcher: chats, people, permissions, incident resolution, errors as Chinese replies."""

from __future__ import annotations

from bot.analysis.judgement import Judgement
from bot.models import ActionKind, Command, Hit, Item, Match, MessageRef, Sentiment, Status, Tier


async def new_incident(app, clock, title="江城化工集团仓库爆炸", tier=Tier.II):
    item = Item("news", f"https://x.cn/{title}", title, fetched_at=clock.now())
    match = Match("国资委", (Hit("爆炸", "event", "title", 0, 2, 4),), 4)
    return await app.services.incidents.create(
        item, Judgement(match, Sentiment("negative", 0.9), tier, "测试"), clock.now()
    )


def cmd(name, *args, user="2", chat="-100", message_id="", reply_to="", platform="telegram"):
    return Command(platform, user, chat, name, tuple(args), f"/{name} {' '.join(args)}", message_id, reply_to)


async def test_unconfigured_chat_is_ignored(app, clock):
    inc = await new_incident(app, clock)
    assert await app.dispatcher.handle(cmd("ack", inc.number, chat="-999")) == []
    assert (await app.services.store.get_incident(inc.number)).status is Status.NEW


async def test_unknown_person_refused_and_audited(app, clock):
    inc = await new_incident(app, clock)
    replies = await app.dispatcher.handle(cmd("ack", inc.number, user="424242"))
    assert "不在值守人员名单" in replies[0]
    refused = [a for a in await app.services.store.actions() if a.kind is ActionKind.REFUSED]
    assert len(refused) == 1 and refused[0].actor.user_id == "424242" and refused[0].chat == "telegram:-100"
    assert (await app.services.store.get_incident(inc.number)).status is Status.NEW


async def test_member_may_not_assign_but_assignee_may_resolve(app, clock):
    inc = await new_incident(app, clock)
    replies = await app.dispatcher.handle(cmd("assign", inc.number, "@张三", user="3"))
    assert "无权执行 /assign" in replies[0] and "领导、监测员" in replies[0]
    await app.dispatcher.handle(cmd("assign", inc.number, "@王芳", user="2"))
    replies = await app.dispatcher.handle(cmd("resolve", inc.number, "已回应", user="3"))
    assert "已办结" in replies[0]
    done = await app.services.store.get_incident(inc.number)
    assert done.status is Status.RESOLVED and done.result == "已回应" and done.assignee == "王芳"


async def test_malformed_commands_get_usage_lines(app, clock):
    inc = await new_incident(app, clock)
    assert "用法：/assign" in (await app.dispatcher.handle(cmd("assign", inc.number)))[0]
    assert "用法：/resolve" in (await app.dispatcher.handle(cmd("resolve", inc.number)))[0]
    assert "用法：/ack" in (await app.dispatcher.handle(cmd("ack")))[0]
    unknown = (await app.dispatcher.handle(cmd("ack", "YQ-20261126-9999")))[0]
    assert "没有编号为 YQ-20261126-9999" in unknown and "/list" in unknown  # where to find the numbers
    assert "未知命令 /frobnicate" in (await app.dispatcher.handle(cmd("frobnicate")))[0]
    assert "未找到人员「赵六」" in (await app.dispatcher.handle(cmd("assign", inc.number, "@赵六")))[0]
    assert "用法：/list" in (await app.dispatcher.handle(cmd("list", "sideways")))[0]


async def test_reply_to_alert_stands_for_the_number(app, clock):
    inc = await new_incident(app, clock)
    await app.services.store.add_message_ref(MessageRef("telegram:-100", "77", inc.number))
    replies = await app.dispatcher.handle(cmd("ack", "看到了", reply_to="77"))
    assert f"{inc.number} 已由李明确认" in replies[0]
    acks = [a for a in await app.services.store.actions(inc.number) if a.kind is ActionKind.ACK]
    assert acks[0].note == "看到了" and acks[0].chat == "telegram:-100"


async def test_redelivered_command_changes_state_once(app, clock):
    inc = await new_incident(app, clock)
    first = await app.dispatcher.handle(cmd("resolve", inc.number, "已处置", message_id="m1"))
    again = await app.dispatcher.handle(cmd("resolve", inc.number, "已处置", message_id="m1"))
    assert "已办结" in first[0] and "未重复操作" in again[0]
    resolves = [a for a in await app.services.store.actions(inc.number) if a.kind is ActionKind.RESOLVE]
    assert len(resolves) == 1


async def test_late_ack_does_not_undo_resolve(app, clock):
    inc = await new_incident(app, clock)
    await app.dispatcher.handle(cmd("resolve", inc.number, "已处置"))
    replies = await app.dispatcher.handle(cmd("ack", inc.number, user="1"))
    assert "已办结" in replies[0]
    assert (await app.services.store.get_incident(inc.number)).status is Status.RESOLVED


async def test_chinese_forms_on_console(app, clock):
    inc = await new_incident(app, clock)
    console = app.channels["console"]
    replies = await console.handle_line(f"确认 {inc.number}", app.dispatcher.handle)
    assert "已由李明确认" in replies[0]
    replies = await console.handle_line(f"指派 {inc.number} @张三 尽快核实", app.dispatcher.handle)
    assert "已指派给 张三" in replies[0] and "尽快核实" in replies[0]
    replies = await console.handle_line(f"办结 {inc.number} 已发布澄清说明", app.dispatcher.handle)
    assert "已发布澄清说明" in replies[0]
    assert "舆情简报" in (await console.handle_line("简报", app.dispatcher.handle))[0]
    assert "命令" in (await console.handle_line("帮助", app.dispatcher.handle))[0]


async def test_note_is_recorded_without_changing_state(app, clock):
    inc = await new_incident(app, clock)
    replies = await app.channels["console"].handle_line(f"备注 {inc.number} 已电话联系企业", app.dispatcher.handle)
    assert "已记录备注：已电话联系企业" in replies[0]
    notes = [a for a in await app.services.store.actions(inc.number) if a.kind is ActionKind.NOTE]
    assert [(n.note, n.actor.person) for n in notes] == [("已电话联系企业", "李明")]
    after = await app.services.store.get_incident(inc.number)
    assert after.status is Status.NEW and after.version == inc.version
    assert "用法：/note" in (await app.dispatcher.handle(cmd("note", inc.number)))[0]


async def test_status_counts_held_messages_as_waiting(app, clock):
    from datetime import timedelta

    await new_incident(app, clock)  # its console and Telegram alerts are due now
    held = await new_incident(app, clock, title="江城建工集团欠薪", tier=Tier.III)
    for note in await app.services.store.pending_notifications(clock.now()):
        if note.incident == held.number:
            await app.services.store.update_notification(
                note.replace(next_attempt_at=clock.now() + timedelta(minutes=5))
            )
    status = (await app.dispatcher.handle(cmd("status")))[0]
    assert "待发送消息 4 条（其中 2 条等待重试、汇总或静默时段结束）" in status
