"""/watch … 专班 @甲 @乙: the watch's alerts go to the 专班 in 12-hour turns until the watch ends."""

from __future__ import annotations

from datetime import timedelta

from bot.analysis.judgement import Judgement
from bot.deadlines import check_deadlines
from bot.models import ActionKind, Hit, Item, Match, Sentiment, Tier
from tests.test_deadlines import new_incident
from tests.test_roster_commands import cmd, duty_app  # noqa: F401 - the fixture

IDS = {"1": "张三", "2": "李明", "3": "王芳", "4": "赵磊"}


async def watch_incident(s, word: str = "化工园区"):
    item = Item("news", f"https://x.cn/w{s.clock.now().timestamp()}", f"{word}冒黑烟", fetched_at=s.clock.now())
    match = Match("紧急关注", (Hit(word, "subject", "title", 0, len(word), 4),), 4)
    return await s.incidents.create(
        item, Judgement(match, Sentiment("negative", 0.9), Tier.II, "紧急关注"), s.clock.now()
    )


async def called(s, number: str) -> set[str]:
    notes = await s.store.pending_notifications(s.clock.now(), limit=500)
    return {
        IDS.get(m, m) for n in notes if n.id.startswith(f"text:{number}:duty-call:telegram:-100") for m in n.mentions
    }


async def test_task_force_takes_the_watch_alerts_in_turns_until_unwatch(duty_app, clock):  # noqa: F811
    s = duty_app.services
    replies = await duty_app.dispatcher.handle(
        cmd("watch", "化工园区", "24h", "专班", "@王芳", "@赵磊", message_id="1")
    )
    assert "👮 专班：王芳、赵磊，每 12小时轮换" in replies[0]
    first = await watch_incident(s)
    ordinary = await new_incident(s, Tier.II)
    await check_deadlines(s)
    assert await called(s, first.number) == {"王芳"}
    assert await called(s, ordinary.number) == {"李明"}  # the roster still holds for every other alert
    clock.advance(timedelta(minutes=30))
    await check_deadlines(s)
    notes = await s.store.pending_notifications(clock.now(), limit=500)
    step0 = {IDS.get(m, m) for n in notes if n.id.startswith(f"text:{first.number}:ack-overdue:0:") for m in n.mentions}
    assert step0 == {"王芳", "赵磊"}  # the 专班's 备班 is the next member
    clock.advance(timedelta(hours=12))
    second = await watch_incident(s)
    await check_deadlines(s)
    assert await called(s, second.number) == {"赵磊"}
    await duty_app.dispatcher.handle(cmd("unwatch", "化工园区", message_id="2"))
    third = await watch_incident(s)
    await check_deadlines(s)
    assert await called(s, third.number) == {"李明"}  # 20:30 on 11-26: the roster's night, 李明
    note = next(a.note for a in await s.store.actions() if a.kind is ActionKind.NOTE and "紧急关注" in a.note)
    assert note.endswith("专班 王芳、赵磊")


async def test_task_force_names_must_be_people(duty_app):  # noqa: F811
    replies = await duty_app.dispatcher.handle(cmd("watch", "化工园区", "专班", "@钱七"))
    assert "专班成员「钱七」不在人员名单中" in replies[0]
    replies = await duty_app.dispatcher.handle(cmd("watch", "化工园区", "专班"))
    assert "「专班」后请列出成员" in replies[0]
