"""WeChat room text → Command, replies quoting the incident, and the throttling pause (no puppet needed)."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.channels.base import DeliveryError
from bot.channels.wechat import Throttle, is_throttling
from bot.channels.wechat_text import command_from_message, quote_number
from bot.clock import FakeClock

SELF = ("wxid_bot", "值守机器人")
NUMBER = "YQ-20261126-0007"


def parse(text: str, mentions: list[tuple[str, str]] | None = None):
    return command_from_message(
        text=text,
        talker_id="wxid_zhangsan",
        room_id="leaders@chatroom",
        message_id="m1",
        mentions=mentions or [],
        self_id=SELF[0],
        self_name=SELF[1],
    )


def test_chinese_forms_become_commands():
    cmd = parse(f"确认 {NUMBER} 已知悉")
    assert (cmd.platform, cmd.user_id, cmd.chat_id, cmd.message_id) == (
        "wechat",
        "wxid_zhangsan",
        "leaders@chatroom",
        "m1",
    )
    assert (cmd.name, cmd.args) == ("ack", (NUMBER, "已知悉"))
    assert [parse(w).name for w in ("简报", "列表", "状态", "帮助")] == ["brief", "list", "status", "help"]
    assert parse(f"办结 {NUMBER} 已回复网民").args == (NUMBER, "已回复网民")
    assert parse(f"/ack {NUMBER}").name == "ack"


def test_phone_typing_full_width_spaces_and_no_space_before_the_number():
    assert parse(f"确认\u3000{NUMBER}\u3000收到").args == (NUMBER, "收到")
    assert parse(f"确认{NUMBER.lower()} 收到").args == (NUMBER.lower(), "收到")
    assert parse(f"办结{NUMBER}").name == "resolve"


def test_a_quoted_alert_stands_for_the_number():
    alert = f"值守机器人：🟠【II 重大】{NUMBER} · 待确认\n江城化工集团仓库爆炸\nhttps://x.cn/1"
    quoted = f"「{alert}」\n- - - - - - - - - - - - - - -\n"
    assert parse(quoted + "确认").args == (NUMBER,)
    assert parse(quoted + "办结 已澄清").args == (NUMBER, "已澄清")
    other = "YQ-20261126-0009"
    assert parse(quoted + f"确认 {other}").args == (other,)  # a number typed wins over the quote
    assert parse(quoted + "收到，马上处理") is None  # quoting an alert is not a command by itself
    digest = f"「值守机器人：{NUMBER} 与 {other}」\n- - - - - - - - - - - - - - -\n确认"
    assert parse(digest).args == ()  # two incidents quoted: ambiguous, the usage line will ask


def test_ordinary_chat_is_not_a_command():
    assert parse("大家辛苦了") is None
    assert parse("确认一下今天谁值班") is None  # the command word must stand alone
    assert parse("") is None


def test_leading_mention_of_the_bot_is_dropped_and_not_kept_as_a_mention():
    cmd = parse(f"@值守机器人\u2005确认 {NUMBER}", [SELF])
    assert (cmd.name, cmd.args, cmd.mentions) == ("ack", (NUMBER,), ())


def test_mention_of_someone_else_first_is_not_a_command():
    assert parse(f"@张三\u2005确认 {NUMBER}", [("wxid_zhangsan", "张三")]) is None


def test_assign_keeps_the_mention_word_and_carries_the_contact_id():
    cmd = parse(f"指派 {NUMBER} @芳芳 宣传\u2005今天核实", [("wxid_wangfang", "芳芳 宣传")])
    assert cmd.name == "assign"
    assert cmd.args == (NUMBER, "@芳芳宣传", "今天核实")  # a display name with a space stays one word
    assert cmd.mentions == ("wxid_wangfang",)


def test_replies_quote_the_incident_number():
    assert quote_number("您不在值守人员名单中", (NUMBER.lower(), "x")) == f"【{NUMBER}】您不在值守人员名单中"
    assert quote_number(f"✅ {NUMBER} 已由张三确认", (NUMBER,)) == f"✅ {NUMBER} 已由张三确认"
    assert quote_number("暂无待办事件", ()) == "暂无待办事件"


@given(st.text(max_size=60))
def test_any_text_parses_or_is_ignored_without_raising(text):
    cmd = parse(text, [SELF, ("wxid_x", "x y")])
    assert cmd is None or (cmd.name and cmd.platform == "wechat" and SELF[0] not in cmd.mentions)


def test_throttle_pauses_doubles_while_repeated_and_resets_after_a_send():
    clock = FakeClock()
    throttle = Throttle(clock, timedelta(minutes=2), timedelta(minutes=5))
    assert throttle.remaining() == 0
    assert throttle.hit() == 120 and throttle.remaining() == 120
    clock.advance(timedelta(minutes=2))
    assert throttle.remaining() == 0
    assert throttle.hit() == 240  # throttled again at once: a longer pause
    assert throttle.hit() == 300  # capped at throttle_max
    throttle.ok()
    assert throttle.remaining() == 0 and throttle.hit() == 120


def test_throttling_is_recognised_from_the_platform_text():
    assert is_throttling(RuntimeError("发送消息过于频繁，请稍后再试"))
    assert is_throttling(RuntimeError("send too frequent"))
    assert not is_throttling(RuntimeError("connection reset"))
    assert not is_throttling(DeliveryError("微信未登录"))
