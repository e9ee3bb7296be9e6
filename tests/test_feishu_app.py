"""End to end: the real lark-oapi SDK (long connection and OpenAPI) against a local fake of 飞书.

The app is wired by bot.app.build_app (real dispatcher, handlers, TinyDB store,
outbox); only the far side is fake (tests/fake_feishu_app.py), on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from bot.analysis.judgement import Judgement
from bot.app import App, build_app
from bot.channels.feishu_app import FeishuAppChannel
from bot.clock import FakeClock
from bot.models import ActionKind, Hit, Incident, Item, Match, Sentiment, Status, Tier
from bot.store.base import Store
from tests.conftest import make_config
from tests.fake_feishu_app import APP_ID, APP_SECRET, FakeFeishu

A, B, ELSEWHERE = "oc_leaders", "oc_monitors", "oc_other"
LEADER, MONITOR, MEMBER, STRANGER = "ou_leader", "ou_monitor", "ou_member", "ou_stranger"
PEOPLE = [
    {"name": "张三", "role": "leader", "feishu_open_id": LEADER},
    {"name": "李明", "role": "monitor", "feishu_open_id": MONITOR},
    {"name": "王芳", "role": "member", "feishu_open_id": MEMBER, "department": "网信办"},
]


@pytest.fixture
def store(tinydb_store: Store) -> Store:
    return tinydb_store


@pytest.fixture
async def feishu() -> AsyncIterator[FakeFeishu]:
    fake = FakeFeishu()
    await fake.start()
    yield fake
    await fake.stop()


def feishu_config(fake: FakeFeishu, **extra: Any) -> dict[str, Any]:
    return {
        "enabled": True,
        "app_id": APP_ID,
        "app_secret": APP_SECRET,
        "domain": fake.domain,
        "chats": [{"id": A, "name": "领导小组", "role": "leaders"}, {"id": B, "name": "监测组"}],
        "reconnect": "0.2s",
        "reconnect_max": "1s",
        **extra,
    }


async def build(fake: FakeFeishu, store: Store, clock: FakeClock, console: bool = False, **extra: Any) -> App:
    chats = {"console": {"enabled": console, "person": "李明"}, "feishu_app": feishu_config(fake, **extra)}
    config = make_config(chats=chats, people=PEOPLE)
    return await build_app(config, store, clock, console_out=io.StringIO())


def channel(app: App) -> FeishuAppChannel:
    ch = app.channels["feishu_app"]
    assert isinstance(ch, FeishuAppChannel)
    return ch


@pytest.fixture
async def app(feishu: FakeFeishu, store: Store, clock: FakeClock) -> AsyncIterator[App]:
    built = await build(feishu, store, clock)
    await channel(built).start(built.dispatcher.handle)
    await feishu.wait_connected()
    yield built
    await channel(built).stop()
    await built.http.aclose()


async def new_incident(
    app: App, clock: FakeClock, title: str = '江城化工集团仓库爆炸 <at user_id="all"> 浓烟'
) -> Incident:
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


async def test_alert_arrives_as_a_shared_card_with_buttons_in_every_chat(
    app: App, feishu: FakeFeishu, clock: FakeClock
) -> None:
    inc = await new_incident(app, clock)
    for chat in (A, B):
        (card,) = feishu.alerts(chat)
        assert card.content["config"]["update_multi"] is True
        assert card.content["header"]["template"] == "red"
        assert inc.number in card.text and "特别重大" in card.text and "15分钟内确认" in card.text
        assert '<at user_id="all">' in card.text  # shown as is: a plain_text block renders no markup
        assert all(e["text"]["tag"] == "plain_text" for e in card.content["elements"] if e["tag"] == "div")
        assert card.presses() == [f"a|{inc.number}", f"g|{inc.number}", f"r|{inc.number}"]
    (create,) = [r for r in feishu.calls("/im/v1/messages?receive_id_type=chat_id") if r.body["receive_id"] == A]
    assert create.headers["Authorization"].startswith("Bearer t-")


async def test_typed_chinese_ack_updates_the_card_in_every_chat(app: App, feishu: FakeFeishu, clock: FakeClock) -> None:
    inc = await new_incident(app, clock)
    (card_a,), (card_b,) = feishu.alerts(A), feishu.alerts(B)
    await feishu.push(feishu.user_message(B, MEMBER, f"@值守机器人 确认 {inc.number}", [("ou_bot", "值守机器人")]))
    reply = await feishu.wait_for(lambda: [m for m in feishu.sent(B, "text") if m.parent_id])
    assert "已确认" in reply[0].text or "确认" in reply[0].text
    assert (await stored(app, inc.number)).status is Status.ACKNOWLEDGED
    await app.delivery.run_once()
    for card in (card_a, card_b):
        assert card.patches == 1 and "已确认" in card.text and "确认：王芳" in card.text
        assert card.presses() == [f"g|{inc.number}", f"r|{inc.number}"]  # 确认 gone; 指派/办结 stay
    (ack,) = [a for a in await app.services.store.actions(inc.number) if a.kind is ActionKind.ACK]
    assert ack.chat == f"feishu_app:{B}" and ack.actor.user_id == MEMBER


async def test_reply_to_the_alert_needs_no_number(app: App, feishu: FakeFeishu, clock: FakeClock) -> None:
    inc = await new_incident(app, clock)
    (card,) = feishu.alerts(A)
    await feishu.push(
        feishu.user_message(A, MONITOR, "@值守机器人 确认", [("ou_bot", "值守机器人")], parent_id=card.message_id)
    )
    await feishu.wait_for(lambda: [m for m in feishu.sent(A, "text") if m.parent_id])
    assert (await stored(app, inc.number)).acked_by == "李明"


async def test_button_ack_answers_with_a_toast(app: App, feishu: FakeFeishu, clock: FakeClock) -> None:
    inc = await new_incident(app, clock)
    (card,) = feishu.alerts(A)
    answer = await feishu.push(feishu.press(A, MONITOR, card.message_id, f"a|{inc.number}"))
    assert answer["code"] == 200 and "李明" in answer["data"]["toast"]["content"]
    assert (await stored(app, inc.number)).status is Status.ACKNOWLEDGED
    await app.delivery.run_once()
    assert card.patches == 1 and "确认：李明" in card.text


async def test_button_assign_picks_a_person(app: App, feishu: FakeFeishu, clock: FakeClock) -> None:
    inc = await new_incident(app, clock)
    (card,) = feishu.alerts(A)
    answer = await feishu.push(feishu.press(A, LEADER, card.message_id, f"g|{inc.number}"))
    assert "选择负责人" in answer["data"]["toast"]["content"]
    (picker,) = await feishu.wait_for(lambda: [m for m in feishu.sent(A, "interactive") if m.parent_id])
    assert picker.parent_id == card.message_id
    assert picker.presses() == [f"s|{inc.number}|0", f"s|{inc.number}|1", f"s|{inc.number}|2", f"x|{inc.number}"]
    assert "王芳（网信办）" in json.dumps(picker.content, ensure_ascii=False)
    answer = await feishu.push(feishu.press(A, LEADER, picker.message_id, f"s|{inc.number}|2"))
    assert "王芳" in answer["data"]["card"]["data"]["elements"][0]["text"]["content"]  # the picker's new card
    assert (await stored(app, inc.number)).assignee == "王芳"
    await app.delivery.run_once()
    assert "负责人：王芳" in card.text and feishu.alerts(B)[0].patches == 1


async def test_member_may_not_open_the_assign_picker(app: App, feishu: FakeFeishu, clock: FakeClock) -> None:
    inc = await new_incident(app, clock)
    (card,) = feishu.alerts(A)
    answer = await feishu.push(feishu.press(A, MEMBER, card.message_id, f"g|{inc.number}"))
    assert answer["data"]["toast"]["type"] == "error" and "无权" in answer["data"]["toast"]["content"]
    assert not [m for m in feishu.sent(A, "interactive") if m.parent_id]


async def test_resolve_button_asks_for_the_result(app: App, feishu: FakeFeishu, clock: FakeClock) -> None:
    inc = await new_incident(app, clock)
    (card,) = feishu.alerts(A)
    answer = await feishu.push(feishu.press(A, MONITOR, card.message_id, f"r|{inc.number}"))
    assert "处置结果" in answer["data"]["toast"]["content"]
    (prompt,) = await feishu.wait_for(lambda: [m for m in feishu.sent(A, "text") if m.parent_id == card.message_id])
    assert inc.number in prompt.text and f'<at user_id="{MONITOR}">' in prompt.text
    await feishu.push(feishu.user_message(A, MONITOR, "已核实并澄清", parent_id=prompt.message_id))
    await feishu.wait_for(lambda: [m for m in feishu.sent(A, "text") if m.parent_id and m.parent_id != card.message_id])
    resolved = await stored(app, inc.number)
    assert resolved.status is Status.RESOLVED and "已核实并澄清" in resolved.result
    await app.delivery.run_once()
    assert "已办结" in card.text and card.presses() == []


async def test_stranger_is_refused_and_audited(app: App, feishu: FakeFeishu, clock: FakeClock) -> None:
    inc = await new_incident(app, clock)
    (card,) = feishu.alerts(A)
    answer = await feishu.push(feishu.press(A, STRANGER, card.message_id, f"a|{inc.number}"))
    assert answer["data"]["toast"]["type"] == "error" and "不在值守人员名单" in answer["data"]["toast"]["content"]
    await feishu.push(feishu.user_message(A, STRANGER, f"确认 {inc.number}"))
    (reply,) = await feishu.wait_for(lambda: [m for m in feishu.sent(A, "text") if m.parent_id])
    assert "不在值守人员名单" in reply.text
    assert (await stored(app, inc.number)).status is Status.NEW
    refused = [a for a in await app.services.store.actions("") if a.kind is ActionKind.REFUSED]
    assert len(refused) == 2 and {a.actor.user_id for a in refused} == {STRANGER}


async def test_unconfigured_chat_is_ignored(app: App, feishu: FakeFeishu, clock: FakeClock) -> None:
    inc = await new_incident(app, clock)
    await feishu.push(feishu.user_message(ELSEWHERE, LEADER, f"确认 {inc.number}"))
    await feishu.push(feishu.user_message(A, LEADER, "/status"))  # answered: so the one before was handled
    await feishu.wait_for(lambda: feishu.sent(A, "text"))
    assert not feishu.sent(ELSEWHERE, "text") and (await stored(app, inc.number)).status is Status.NEW


async def test_fragmented_event_is_put_together(app: App, feishu: FakeFeishu, clock: FakeClock) -> None:
    inc = await new_incident(app, clock)
    feishu.fragment = 3
    await feishu.push(feishu.user_message(A, LEADER, f"/ack {inc.number}"))
    await feishu.wait_for(lambda: feishu.sent(A, "text"))
    assert (await stored(app, inc.number)).acked_by == "张三"


async def test_platform_down_then_back_loses_nothing(app: App, feishu: FakeFeishu, clock: FakeClock) -> None:
    ch = channel(app)
    # the fake saw the socket open; the channel counts it a moment later, on its own thread
    await feishu.wait_for(lambda: ch.connection is not None and ch.connection.connects >= 1)
    connects = ch.connection.connects if ch.connection else 0
    await feishu.go_down()  # OpenAPI answers 503 (an HTML page) and the websocket drops
    inc = await new_incident(app, clock)
    later = clock.now() + timedelta(days=1)
    assert not feishu.alerts(A) and len(await app.services.store.pending_notifications(later, 100)) == 2
    feishu.come_back()
    await feishu.wait_connected()  # the long connection comes back by itself (with back-off)
    await feishu.wait_for(lambda: ch.connection is not None and ch.connection.connects > connects)
    await app.delivery.run_once()  # reconnecting called on_ready: the waiting alerts are due at once
    assert [inc.number in c.text for c in feishu.alerts(A) + feishu.alerts(B)] == [True, True]
    await feishu.push(feishu.user_message(A, LEADER, f"确认 {inc.number}"))  # and commands flow again
    await feishu.wait_for(lambda: feishu.sent(A, "text"))
    assert (await stored(app, inc.number)).status is Status.ACKNOWLEDGED


async def test_error_codes_in_the_body_decide(app: App, feishu: FakeFeishu, clock: FakeClock) -> None:
    feishu.fail("messages", 230020, status=400, msg="This operation triggers the frequency limit.")
    inc = await new_incident(app, clock)  # A throttled (a 400 with a throttling code): kept, not dropped
    assert len(feishu.alerts(A) + feishu.alerts(B)) == 1
    pending = await app.services.store.pending_notifications(clock.now() + timedelta(seconds=30), 100)
    assert [n.target for n in pending] == [f"feishu_app:{A}"]
    clock.advance(timedelta(seconds=30))
    await app.delivery.run_once()
    assert len(feishu.alerts(A)) == 1 and inc.number in feishu.alerts(A)[0].text


async def test_recalled_card_is_posted_again(app: App, feishu: FakeFeishu, clock: FakeClock) -> None:
    inc = await new_incident(app, clock)
    (card,) = feishu.alerts(A)
    del feishu.messages[card.message_id]  # someone recalled it: a patch answers 230011
    await feishu.push(feishu.user_message(B, LEADER, f"确认 {inc.number}"))
    await feishu.wait_for(lambda: feishu.sent(B, "text"))
    await app.delivery.run_once()
    (again,) = feishu.alerts(A)
    assert again.message_id != card.message_id and "确认：张三" in again.text


async def test_removed_bot_disables_the_chat(app: App, feishu: FakeFeishu, clock: FakeClock) -> None:
    feishu.fail("messages", 230002, times=1, msg="Bot is not in the chat")
    await new_incident(app, clock)
    from bot.disabled_chats import is_disabled

    assert await is_disabled(app.services.store, f"feishu_app:{A}")
    await app.delivery.run_once()
    notice = [m for m in feishu.sent(B, "text") if "无法在" in m.text]
    assert notice and "领导小组" in notice[0].text
    await feishu.push(feishu.bot_added(A, LEADER))  # someone adds the bot back: the chat gets alerts again
    for _ in range(100):
        if not await is_disabled(app.services.store, f"feishu_app:{A}"):
            break
        await asyncio.sleep(0.05)
    assert not await is_disabled(app.services.store, f"feishu_app:{A}")


async def test_expired_token_is_fetched_again(app: App, feishu: FakeFeishu, clock: FakeClock) -> None:
    await new_incident(app, clock)
    feishu.tokens.clear()  # 飞书 no longer knows the cached token: 99991663
    inc = await new_incident(app, clock, "江城建工集团工地欠薪投诉")
    assert any(inc.number in c.text for c in feishu.alerts(A))
    assert len(feishu.calls("tenant_access_token")) >= 2


async def test_reply_refused_for_now_waits_in_the_outbox(app: App, feishu: FakeFeishu, clock: FakeClock) -> None:
    inc = await new_incident(app, clock)
    feishu.fail("reply", 99991400, status=400, msg="request trigger frequency limit")
    await feishu.push(feishu.user_message(A, LEADER, f"确认 {inc.number}"))

    async def queued_replies() -> list[Any]:
        pending = await app.services.store.pending_notifications(clock.now() + timedelta(days=1), 100)
        return [n for n in pending if n.id.startswith("text:reply:om_user_")]

    for _ in range(100):  # the command is handled on the bot's loop; its reply fails, then is queued
        if await queued_replies():
            break
        await asyncio.sleep(0.05)
    (queued,) = await queued_replies()
    assert queued.target == f"feishu_app:{A}" and queued.mentions == (LEADER,)
    clock.advance(timedelta(minutes=1))
    await app.delivery.run_once()
    (later,) = [m for m in feishu.sent(A, "text") if not m.parent_id]
    assert later.text.startswith(f'<at user_id="{LEADER}">') and "确认" in later.text


async def test_bad_credential_is_one_line_and_other_channels_go_on(
    feishu: FakeFeishu, store: Store, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    out = io.StringIO()
    chats = {
        "console": {"enabled": True, "person": "李明"},
        "feishu_app": feishu_config(feishu, app_secret="wrong-secret", refused_wait="0.3s"),
    }
    app = await build_app(make_config(chats=chats, people=PEOPLE), store, clock, console_out=out)
    caplog.set_level(logging.INFO)
    await channel(app).start(app.dispatcher.handle)
    try:
        await feishu.wait_for(lambda: len(feishu.calls("/callback/ws/endpoint")) >= 3)  # it keeps asking, quietly
        inc = await new_incident(app, clock)
        assert inc.number in out.getvalue()  # the console got the alert
        assert not feishu.alerts(A) and not feishu.sockets
        refused = [r for r in caplog.records if "飞书应用凭证被拒绝" in r.getMessage()]
        assert len(refused) == 1 and refused[0].levelno == logging.ERROR
        assert "wrong-secret" not in caplog.text
        pending = await app.services.store.pending_notifications(clock.now() + timedelta(days=1), 100)
        assert {n.target for n in pending} == {f"feishu_app:{A}", f"feishu_app:{B}"}  # kept for when it is fixed
    finally:
        await channel(app).stop()
        await app.http.aclose()


async def test_stop_is_quick_and_quiet(feishu: FakeFeishu, store: Store, clock: FakeClock, caplog) -> None:
    app = await build(feishu, store, clock)
    ch = channel(app)
    await ch.start(app.dispatcher.handle)
    await feishu.wait_connected()
    thread = ch.connection._thread if ch.connection else None
    started = asyncio.get_running_loop().time()
    await ch.stop()
    assert asyncio.get_running_loop().time() - started < 2
    assert thread is not None and not thread.is_alive()
    await feishu.wait_for(lambda: not feishu.sockets)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    await app.http.aclose()


def test_check_accepts_the_docs_example(tmp_path) -> None:
    import os
    import re
    import subprocess
    import sys
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[1] / "docs" / "feishu_app.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", docs, re.S).group(1)  # type: ignore[union-attr]
    source = "sources:\n  - {id: a, url: 'https://news.example.cn/rss'}\n"
    (tmp_path / "config.yaml").write_text(source + example, encoding="utf-8")
    env = {**os.environ, "FEISHU_APP_ID": "cli_a1b2c3", "FEISHU_APP_SECRET": "feishu-secret-0001"}
    run = [sys.executable, "-m", "bot.cli", "check", "-c", "config.yaml"]
    out = subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "feishu_app × 2" in out.stdout and "feishu-secret-0001" not in out.stdout + out.stderr
    (tmp_path / "config.yaml").write_text(source + example.replace("${FEISHU_APP_SECRET}", "literal"), encoding="utf-8")
    refused = subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "app_secret" in refused.stdout + refused.stderr  # a secret belongs in ${ENV}


def test_config_wants_credentials_when_enabled() -> None:
    from pydantic import ValidationError

    from bot.config import FeishuAppConfig

    with pytest.raises(ValidationError, match="app_id 与 app_secret"):
        FeishuAppConfig(enabled=True, app_id="cli_x")
    assert not FeishuAppConfig().enabled  # off by default: the demo runs without it
    with pytest.raises(ValidationError, match="https"):
        FeishuAppConfig(domain="http://open.feishu.cn")


@pytest.mark.parametrize(
    ("typed", "expect"),
    [
        ("/list", "YQ-"),
        ("列表", "YQ-"),
        ("/help", "确认"),
        ("帮助", "确认"),
        ("/status", "运行状态"),
        ("状态", "运行状态"),
    ],
)
async def test_commands_work_in_both_forms(
    app: App, feishu: FakeFeishu, clock: FakeClock, typed: str, expect: str
) -> None:
    await new_incident(app, clock)
    await feishu.push(feishu.user_message(A, MEMBER, f"@值守机器人 {typed}", [("ou_bot", "值守机器人")]))
    (reply,) = await feishu.wait_for(lambda: [m for m in feishu.sent(A, "text") if m.parent_id])
    assert expect in reply.text


async def test_typed_assign_names_the_person_by_mention(app: App, feishu: FakeFeishu, clock: FakeClock) -> None:
    inc = await new_incident(app, clock)
    text = f"@值守机器人 指派 {inc.number} @王芳"
    await feishu.push(feishu.user_message(A, LEADER, text, [("ou_bot", "值守机器人"), (MEMBER, "王芳")]))
    await feishu.wait_for(lambda: [m for m in feishu.sent(A, "text") if m.parent_id])
    assert (await stored(app, inc.number)).assignee == "王芳"


async def test_a_leader_past_its_term_sends_nothing(app: App, feishu: FakeFeishu, clock: FakeClock) -> None:
    from bot.channels.base import NotLeader

    inc = await new_incident(app, clock)
    (card,) = feishu.alerts(A)
    before = len(feishu.requests)

    def closed() -> None:
        raise NotLeader("term over")

    channel(app).send_gate = closed
    with pytest.raises(NotLeader):
        await channel(app).update_incident(A, card.message_id, inc)
    answer = await feishu.push(feishu.press(A, MONITOR, card.message_id, f"a|{inc.number}"))
    assert answer["code"] == 200 and not answer.get("data")  # an empty answer: the new leader's turn
    assert len(feishu.requests) == before and (await stored(app, inc.number)).status is Status.NEW


def test_missing_sdk_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from bot.channels.feishu_app_ws import load_sdk
    from bot.config_loader import ConfigError

    monkeypatch.setitem(sys.modules, "lark_oapi.ws.client", None)  # as if the extra were not installed
    with pytest.raises(ConfigError, match=r"pip install .*\.\[chats\]"):
        load_sdk()


COLD_SEND = """
import asyncio, socket, sys, time
from zoneinfo import ZoneInfo
from bot.channels.base import DeliveryError
from bot.channels.feishu_app import FeishuAppChannel
from bot.clock import SystemClock
from bot.config import FeishuAppConfig

async def main():
    assert "lark_oapi" not in sys.modules
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]  # nobody listens there: a refused connection
    config = FeishuAppConfig(app_id="cli_x", app_secret="s", domain=f"http://127.0.0.1:{port}")
    channel = FeishuAppChannel(config, SystemClock(), ZoneInfo("Asia/Shanghai"))
    worst, done = 0.0, False
    async def ticker():
        nonlocal worst
        while not done:
            t = time.perf_counter(); await asyncio.sleep(0.01); worst = max(worst, time.perf_counter() - t)
    tick = asyncio.create_task(ticker())
    results = await asyncio.gather(*(channel.send_text("oc_a", "x") for _ in range(3)), return_exceptions=True)
    done = True; await tick
    assert all(isinstance(r, DeliveryError) and r.retry for r in results), results
    print(f"WORST {worst:.3f}")

asyncio.run(main())
"""


def test_first_sends_import_the_sdk_off_the_loop(tmp_path) -> None:
    """Before the channel starts, the outbox may already send: lark-oapi loads in a worker, the loop keeps turning."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", COLD_SEND], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stdout + out.stderr
    worst = float(out.stdout.split("WORST")[1])
    assert worst < 1.5  # importing lark_oapi on the loop itself would stall it 2–4 s


async def test_a_slow_press_is_answered_in_time_and_still_acts(
    app: App, feishu: FakeFeishu, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.channels.feishu_app as feishu_app

    inc = await new_incident(app, clock)
    (card,) = feishu.alerts(A)
    monkeypatch.setattr(feishu_app, "PRESS_ANSWER_WITHIN", 0.0)  # as if the store took longer than 飞书 waits
    answer = await feishu.push(feishu.press(A, MONITOR, card.message_id, f"a|{inc.number}"))
    assert "正在处理" in answer["data"]["toast"]["content"]
    for _ in range(100):
        if (await stored(app, inc.number)).status is Status.ACKNOWLEDGED:
            break
        await asyncio.sleep(0.05)
    assert (await stored(app, inc.number)).acked_by == "李明"


async def test_sends_to_one_group_are_paced(app: App, feishu: FakeFeishu, clock: FakeClock) -> None:
    started = asyncio.get_running_loop().time()
    await asyncio.gather(*(channel(app).send_text(A, f"第 {i} 条") for i in range(9)))
    assert asyncio.get_running_loop().time() - started >= 1.9  # 4 a second: the 9th waits two windows
    assert len(feishu.sent(A, "text")) == 9


async def test_chart_and_report_go_as_picture_and_file(app: App, feishu: FakeFeishu, clock: FakeClock) -> None:
    png, docx = b"\x89PNG\r\n\x1a\n" + bytes(2000), b"PK\x03\x04" + bytes(3000)
    await channel(app).send_file(A, png, "trend.png", "📈 今日舆情走势", kind="photo")
    await channel(app).send_file(A, docx, "舆情专报.docx", "舆情专报", kind="document")
    image, file = [m for m in feishu.sent(A) if m.msg_type in ("image", "file")]
    assert feishu.uploads[image.content["image_key"]]["bytes"] == png
    assert feishu.uploads[image.content["image_key"]]["image_type"] == "message"
    upload = feishu.uploads[file.content["file_key"]]
    assert upload["bytes"] == docx and upload["file_type"] == "doc" and upload["file_name"] == "舆情专报.docx"
    assert [m.text for m in feishu.sent(A, "text")] == ["📈 今日舆情走势", "舆情专报"]  # each caption before its file


async def test_upload_without_the_scope_sends_the_caption(app: App, feishu: FakeFeishu, clock: FakeClock) -> None:
    feishu.fail("images", 99991672, msg="Access denied. One of the following scopes is required: [im:resource]")
    await channel(app).send_file(A, b"\x89PNG", "trend.png", "📈 今日舆情走势", kind="photo")
    (text,) = feishu.sent(A, "text")
    assert "今日舆情走势" in text.text and "trend.png" in text.text and not feishu.uploads


async def test_upload_after_a_stale_token_sends_the_whole_file(app: App, feishu: FakeFeishu, clock: FakeClock) -> None:
    await channel(app).send_text(A, "先取一次令牌")
    feishu.tokens.clear()  # the cached token is now refused (99991663): the upload is retried with a new one
    png = b"\x89PNG\r\n\x1a\n" + bytes(500)
    await channel(app).send_file(A, png, "trend.png", kind="photo")
    (image,) = [m for m in feishu.sent(A) if m.msg_type == "image"]
    assert feishu.uploads[image.content["image_key"]]["bytes"] == png
