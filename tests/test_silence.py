"""/mute, /silence, /unmute through the dispatcher: held back, recorded, lifted, listed."""

from __future__ import annotations

from datetime import timedelta

from bot.analysis.judgement import Judgement
from bot.briefing.build import build_briefing
from bot.deadlines import check_deadlines
from bot.models import ActionKind, Command, Hit, Item, Match, NoticeKind, Sentiment, Tier
from bot.silences import Silences, held_back


def cmd(name: str, *args: str, user: str = "2", message_id: str = "") -> Command:
    return Command("telegram", user, "-100", name, args, f"/{name} {' '.join(args)}", message_id)


async def new_incident(app, clock, title: str, tier: Tier = Tier.II):
    item = Item("news", f"https://x.cn/{title}", title, text="正文", fetched_at=clock.now())
    match = Match("国资委", (Hit("爆炸", "event", "title", 0, 2, 4),), 4)
    return await app.services.incidents.create(
        item, Judgement(match, Sentiment("negative", 0.9), tier, "测试"), clock.now()
    )


async def alerts_for(app, number: str) -> list[str]:
    notes = await app.services.store.pending_notifications(app.services.clock.now())
    return [n.target for n in notes if n.incident == number and n.kind is NoticeKind.ALERT]


async def test_silence_holds_back_matching_incidents_and_lists_them(app, clock):
    reply = (await app.dispatcher.handle(cmd("silence", "化工仓库", "2h")))[0]
    assert "含「化工仓库」的新事件不推送" in reply and "10:30" in reply  # 08:30 + 2h, local time
    held = await new_incident(app, clock, "江城化工仓库爆炸后续")
    other = await new_incident(app, clock, "江城建工集团欠薪")
    assert await alerts_for(app, held.number) == []
    assert sorted(await alerts_for(app, other.number)) == ["console:console", "telegram:-100"]
    briefed = await held_back(app.services.store, clock.now() - timedelta(hours=1), clock.now() + timedelta(seconds=1))
    assert [i.number for i in briefed] == [held.number]
    notes = [a.note for a in await app.services.store.actions(held.number) if a.kind is ActionKind.NOTE]
    assert notes and "化工仓库" in notes[0] and "李明" in notes[0]
    # lifted: the next one is pushed again
    assert "已解除" in (await app.dispatcher.handle(cmd("unmute", "化工仓库")))[0]
    again = await new_incident(app, clock, "江城化工仓库爆炸第三天")
    assert len(await alerts_for(app, again.number)) == 2
    kinds = [a.kind for a in await app.services.store.actions() if a.kind in (ActionKind.MUTE, ActionKind.UNMUTE)]
    assert kinds == [ActionKind.MUTE, ActionKind.UNMUTE]


async def test_silence_expires(app, clock):
    await app.dispatcher.handle(cmd("silence", "化工仓库", "30m"))
    clock.advance(timedelta(minutes=31))
    inc = await new_incident(app, clock, "江城化工仓库爆炸")
    assert len(await alerts_for(app, inc.number)) == 2


async def test_mute_records_who_and_until_and_unmute_lifts(app, clock):
    inc = await new_incident(app, clock, "江城化工集团仓库爆炸")
    reply = (await app.dispatcher.handle(cmd("mute", inc.number, "3h")))[0]
    assert f"{inc.number} 已静默至" in reply and "11:30" in reply
    silences = Silences(app.services.store)
    muted = await silences.muted(inc.number, clock.now())
    assert muted is not None and muted.by == "李明" and muted.until == clock.now() + timedelta(hours=3)
    mute_action = next(a for a in await app.services.store.actions(inc.number) if a.kind is ActionKind.MUTE)
    assert mute_action.actor.person == "李明" and mute_action.chat == "telegram:-100"
    assert "已解除" in (await app.dispatcher.handle(cmd("unmute", inc.number)))[0]
    assert await silences.muted(inc.number, clock.now()) is None
    assert "没有生效中的静默" in (await app.dispatcher.handle(cmd("unmute", inc.number)))[0]


async def test_bad_input_gets_usage_and_members_may_not_silence(app, clock):
    inc = await new_incident(app, clock, "江城化工集团仓库爆炸")
    assert "看不懂" in (await app.dispatcher.handle(cmd("mute", inc.number, "很久")))[0]
    assert "缺少关键词或时长" in (await app.dispatcher.handle(cmd("silence", "化工")))[0]
    assert "不超过 30 天" in (await app.dispatcher.handle(cmd("silence", "化工仓库", "90d")))[0]
    assert "无权执行 /silence" in (await app.dispatcher.handle(cmd("silence", "化工仓库", "1h", user="3")))[0]
    assert await Silences(app.services.store).active(clock.now()) == []


async def test_mute_drops_reminders_already_queued(app, clock):
    inc = await new_incident(app, clock, "江城化工集团仓库爆炸")
    await app.delivery.run_once()
    clock.advance(timedelta(minutes=31))
    assert [a.kind for a in await check_deadlines(app.services)] == [ActionKind.REMIND]
    await app.dispatcher.handle(cmd("mute", inc.number))
    await app.delivery.run_once()
    out = app.channels["console"].out.getvalue()
    assert "超时未确认" not in out


async def test_status_lists_what_is_silenced_by_whom_until_when(app, clock):
    assert "静默：无" in (await app.dispatcher.handle(cmd("status")))[0]
    inc = await new_incident(app, clock, "江城化工集团仓库爆炸")
    await app.dispatcher.handle(cmd("mute", inc.number, "1h"))
    await app.dispatcher.handle(cmd("silence", "化工仓库", "1d"))
    status = (await app.dispatcher.handle(cmd("status")))[0]
    assert "静默 2 项" in status
    assert f"🔕 事件 {inc.number}  李明 设置，至 11-26 09:30" in status
    assert "🔕 关键词「化工仓库」  李明 设置，至 11-27 08:30" in status


async def test_mute_stops_spread_and_upgrade_re_alerts(app, clock):
    inc = await new_incident(app, clock, "江城化工集团仓库爆炸", tier=Tier.III)
    await app.delivery.run_once()
    await app.dispatcher.handle(cmd("mute", inc.number, "2h"))
    repost = Item("forum", "https://bbs.cn/2", "转：江城化工集团仓库爆炸", fetched_at=clock.now())
    spread = await app.services.incidents.add_spread(inc.number, repost, clock.now())
    assert spread.spread == 2  # recorded as spread …
    pending = await app.services.store.pending_notifications(clock.now())
    assert [n for n in pending if n.kind is NoticeKind.UPDATE] == []  # … but no re-alert
    await app.services.incidents.upgrade(inc.number, Tier.II, "传播加快", clock.now())
    await app.delivery.run_once()
    out = app.channels["console"].out.getvalue()
    assert "事件升级" not in out  # the announcement is held back while muted
    assert (await app.services.store.get_incident(inc.number)).tier is Tier.II  # the upgrade itself happened


async def test_held_back_incidents_are_listed_in_the_briefing(app, clock):
    await app.dispatcher.handle(cmd("silence", "化工仓库", "1d"))
    held = await new_incident(app, clock, "江城化工仓库爆炸后续")
    text = await build_briefing(app.services, "today")
    assert "【静默未推送】1 条" in text and held.number in text


async def test_ended_silences_are_pruned_from_the_list_but_kept_in_the_trail(app, clock):
    await app.dispatcher.handle(cmd("silence", "旧闻旧事", "1h"))
    clock.advance(timedelta(days=8))
    await app.dispatcher.handle(cmd("silence", "新的事情", "1h"))
    assert [s.subject for s in await Silences(app.services.store).all()] == ["新的事情"]
    mutes = [a.note for a in await app.services.store.actions() if a.kind is ActionKind.MUTE]
    assert len(mutes) == 2 and "旧闻旧事" in mutes[0]
