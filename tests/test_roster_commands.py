"""/oncall, /swap and /cover through the dispatcher, on both stores, across a day on the fake clock."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from bot.models import ActionKind, Command
from tests.conftest import make_config
from tests.test_roster import PEOPLE, ROSTER

CHATS = {
    "console": {"enabled": True, "person": "李明"},
    "telegram": {"enabled": True, "token": "1:x", "chats": [{"id": "-100"}, {"id": "-200", "role": "leaders"}]},
}


@pytest.fixture
async def duty_app(store, clock):
    from bot.app import build_app

    config = make_config(people=PEOPLE, roster=ROSTER, chats=CHATS)
    built = await build_app(config, store, clock, console_out=io.StringIO())
    yield built
    await built.http.aclose()


def cmd(name, *args, user="2", message_id="", chat="-100"):
    return Command("telegram", user, chat, name, tuple(args), f"/{name} {' '.join(args)}", message_id)


async def oncall(app) -> str:
    return (await app.dispatcher.handle(cmd("oncall", user="3")))[0]  # a member may ask


async def test_oncall_names_the_three_across_a_day_and_midnight(duty_app, clock):
    # START is 2026-11-26 08:30 Beijing: 李明's day (rotation of three from 11-23)
    text = await oncall(duty_app)
    assert "当前值班 11-26（周四）白班 08:30–17:30：值班员 李明，备班 赵磊，带班领导 张三" in text
    assert "下一班 11-26（周四）夜班 17:30–次日08:30：值班员 李明" in text
    clock.advance(timedelta(hours=9))  # 17:30
    assert "当前值班 11-26（周四）夜班" in await oncall(duty_app)
    clock.advance(timedelta(hours=7))  # 00:30 on the 27th: still the 26th's night
    text = await oncall(duty_app)
    assert "当前值班 11-26（周四）夜班 17:30–次日08:30：值班员 李明" in text
    assert "下一班 11-27（周五）白班 08:30–17:30：值班员 赵磊，备班 王芳" in text
    clock.advance(timedelta(hours=8))  # 08:30 on the 27th
    assert "当前值班 11-27（周五）白班 08:30–17:30：值班员 赵磊" in await oncall(duty_app)


async def test_swap_mid_shift_is_kept_audited_announced_and_applied_once(duty_app, clock):
    clock.advance(timedelta(hours=2))  # 10:30, during 李明's day shift
    first = await duty_app.dispatcher.handle(cmd("swap", "今天", "白班", "@王芳", message_id="7"))
    assert first == ["🔁 已换班：11-26（周四）白班 08:30–17:30 值班员 李明 → 王芳（李明 操作）"]
    again = await duty_app.dispatcher.handle(cmd("swap", "今天", "白班", "@王芳", message_id="7"))
    assert "未重复操作" in again[0]
    assert "值班员 王芳（已换班）" in await oncall(duty_app)
    actions = [a for a in await duty_app.services.store.actions() if a.kind is ActionKind.ROSTER]
    assert len(actions) == 1 and actions[0].actor.person == "李明" and "李明 → 王芳" in actions[0].note
    pending = await duty_app.services.store.pending_notifications(clock.now())
    announced = {n.target for n in pending if n.text.startswith("📋 值班调整")}
    assert announced == {"console:console", "telegram:-200"}  # every chat but the one that asked


async def test_cover_takes_over_now_and_ends_by_itself(duty_app, clock):
    replies = await duty_app.dispatcher.handle(cmd("cover", "2h", "@赵磊"))
    assert replies == ["🛡 已顶班：赵磊 顶班至 11-26 10:30（2小时，李明 操作），期间告警 @ 赵磊"]
    assert "值班员 赵磊（顶班至 10:30）" in await oncall(duty_app)
    clock.advance(timedelta(hours=2))
    assert "值班员 李明，" in await oncall(duty_app)


async def test_bad_swaps_and_covers_say_what_is_wrong_and_change_nothing(duty_app, clock):
    handle = duty_app.dispatcher.handle
    assert "无权执行 /swap" in (await handle(cmd("swap", "明天", "白班", "@王芳", user="3")))[0]
    assert "没有班次「早班」" in (await handle(cmd("swap", "明天", "早班", "@王芳")))[0]
    assert "看不懂" in (await handle(cmd("swap", "下周", "白班", "@王芳")))[0]
    assert "不在人员名单中" in (await handle(cmd("swap", "明天", "白班", "@钱七")))[0]
    assert "已结束" in (await handle(cmd("swap", "11-25", "白班", "@王芳")))[0]
    assert "不超过" in (await handle(cmd("cover", "3d")))[0]
    assert not [a for a in await duty_app.services.store.actions() if a.kind is ActionKind.ROSTER]
    assert "值班员 李明，" in await oncall(duty_app)


async def test_chinese_forms(duty_app, clock):
    from bot.commands import parse_command

    assert parse_command("值班") == ("oncall", [])
    assert parse_command("换班 明天 夜班 @王芳") == ("swap", ["明天", "夜班", "@王芳"])
    assert parse_command("顶班 2h") == ("cover", ["2h"])


async def test_swap_to_the_one_already_on_duty_changes_nothing(duty_app, clock):
    replies = await duty_app.dispatcher.handle(cmd("swap", "今天", "夜班", "@李明"))
    assert replies == ["李明 已是 11-26（周四）夜班 17:30–次日08:30 的值班员，未改动"]
    assert not [a for a in await duty_app.services.store.actions() if a.kind is ActionKind.ROSTER]
