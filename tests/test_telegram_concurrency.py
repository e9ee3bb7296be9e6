"""Busy groups and quiet groups: the real python-telegram-bot Application against the fake Bot API.

One group typing a burst of commands must not hold up another group's reply,
nor anyone's button answer: each chat waits only for its own pacing. Within a
chat, replies keep the order of the commands. A reply to any part of an alert
split over several messages acts on the alert.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from bot.analysis.judgement import Judgement
from bot.app import App
from bot.channels.telegram_limits import Limits
from bot.clock import FakeClock
from bot.models import Hit, Incident, Item, Match, Sentiment, Status, Tier
from bot.store.base import Store
from tests.fake_bot_api import Call, FakeBotApi
from tests.telegram_html import html_to_text
from tests.test_telegram_flow import LEADER, MONITOR, A, B, alert_ids, build, new_incident, stored

# Slower than Telegram's one message a second per chat would make the test slow; the shape is the same:
# the busy group needs BURST × PACE seconds for its replies, the quiet group must not wait for them.
PACE = 0.3
BURST = 10
QUICK = 1.0  # the quiet group's reply and every button answer arrive within this


@pytest.fixture
def store(tinydb_store: Store) -> Store:
    return tinydb_store


@pytest.fixture
async def app(api: FakeBotApi, store: Store, clock: FakeClock) -> AsyncIterator[App]:
    built = await build(api, store, clock)
    channel = built.channels["telegram"]
    await channel.start(built.dispatcher.handle)
    yield built
    await channel.stop()
    await built.http.aclose()


def pace(app: App) -> None:
    """Real pacing from here on: one message per PACE seconds per chat, no burst allowance."""
    app.channels["telegram"].limiter.limits = Limits(per_chat_interval=PACE, per_chat_burst=1)  # type: ignore[attr-defined]


def replies_to(api: FakeBotApi, chat: int) -> list[Call]:
    return [c for c in api.requests("sendMessage") if c.chat_id == str(chat) and c.status == 200]


def queue_burst(api: FakeBotApi, chat: int, count: int) -> list[int]:
    """`count` commands typed in `chat` (each /help carries its index in its text); their message ids."""
    ids = []
    for i in range(count):
        update = api.queue_update(api.user_message(chat, LEADER, f"/help {i}"))
        ids.append(update["message"]["message_id"])
    return ids


async def test_quiet_group_is_answered_while_another_group_is_busy(app: App, api: FakeBotApi) -> None:
    pace(app)
    busy = queue_burst(api, A, BURST)
    asked = time.monotonic()
    (quiet,) = queue_burst(api, B, 1)
    (reply,) = await api.wait_for("sendMessage", chat_id=B, within=BURST * PACE + 5)
    assert reply.params["reply_parameters"]["message_id"] == quiet
    assert reply.at - asked < QUICK, f"quiet group waited {reply.at - asked:.2f} s behind the busy one"
    assert len(replies_to(api, A)) < BURST  # the busy group was still being paced meanwhile

    await api.wait_for("sendMessage", count=BURST, chat_id=A, within=BURST * PACE + 5)
    order = [c.params["reply_parameters"]["message_id"] for c in replies_to(api, A)]
    assert order == busy  # one chat's replies in the order its commands came
    gaps = [b.at - a.at for a, b in zip(replies_to(api, A), replies_to(api, A)[1:], strict=False)]
    assert min(gaps) > PACE * 0.8  # and the busy group kept its own pace


async def test_button_answers_come_at_once_and_before_the_paced_edit(
    app: App, api: FakeBotApi, clock: FakeClock
) -> None:
    inc = await new_incident(app, clock)  # sent unpaced (test set-up)
    (alert,) = alert_ids(api, A)
    pace(app)
    queue_burst(api, A, BURST)
    await api.wait_for("sendMessage", chat_id=A, within=5)  # the burst is being handled
    pressed = time.monotonic()
    api.queue_update(api.press(A, LEADER, alert, f"g|{inc.number}"))  # 指派: answer, then show the people
    (answer,) = await api.wait_for("answerCallbackQuery", within=5)
    assert answer.at - pressed < QUICK, f"button answer took {answer.at - pressed:.2f} s"
    assert answer.params["text"] == "请选择负责人"
    (edit,) = await api.wait_for("editMessageReplyMarkup", within=BURST * PACE + 5)
    assert edit.at > answer.at  # the edit waited for the busy group's pace; the answer did not

    pressed = time.monotonic()
    api.queue_update(api.press(A, MONITOR, alert, f"a|{inc.number}"))  # 确认
    _, ack = await api.wait_for("answerCallbackQuery", count=2, within=5)
    assert ack.at - pressed < QUICK, f"确认 answer took {ack.at - pressed:.2f} s"
    assert "已由李明确认" in ack.params["text"]
    assert (await stored(app, inc.number)).status is Status.ACKNOWLEDGED
    assert len(replies_to(api, A)) < 1 + BURST  # the burst's replies were still going out


async def test_a_reply_to_any_part_of_a_split_alert_acts_on_the_alert(
    app: App, api: FakeBotApi, store: Store, clock: FakeClock
) -> None:
    inc = await long_incident(app, clock)
    parts = [m for m in api.sent(A) if "from" in m]
    assert len(parts) >= 3, "the alert must be split for this test"
    assert inc.number not in html_to_text(parts[-1]["text"])  # nothing in the last part names the incident
    api.queue_update(api.user_message(A, MONITOR, "/ack 收到", reply_to=parts[-1]["message_id"]))
    await api.wait_for("sendMessage", count=len(api.requests("sendMessage")) + 1, within=5)
    assert (await stored(app, inc.number)).status is Status.ACKNOWLEDGED
    # The note outlives the channel: a fresh one (a restart) still knows the middle part.
    fresh = await build(api, store, clock)
    channel = fresh.channels["telegram"]
    assert await channel.alert_of_part(str(A), str(parts[1]["message_id"])) == str(parts[0]["message_id"])  # type: ignore[attr-defined]
    assert await channel.alert_of_part(str(A), "424242") == "424242"  # type: ignore[attr-defined]
    await fresh.http.aclose()


async def long_incident(app: App, clock: FakeClock) -> Incident:
    """An incident whose alert runs over two Telegram messages (a long judgement reason)."""
    item = Item("news", "https://news.example.cn/long", "江城化工集团仓库爆炸", fetched_at=clock.now())
    match = Match("国资委", (Hit("江城化工集团", "subject", "title", 0, 6), Hit("爆炸", "event", "title", 8, 10, 5)), 5)
    reason = "；".join(f"第{i}条研判依据：现场浓烟，周边居民转发" for i in range(500))
    judgement = Judgement(match, Sentiment("negative", 0.9), Tier.I, reason)
    incident = await app.services.incidents.create(item, judgement, clock.now())
    await app.delivery.run_once()
    return incident


async def test_a_slow_command_holds_up_its_own_chat_only(api: FakeBotApi, store: Store, clock: FakeClock) -> None:
    """A typed command that takes long (a slow store, a big report) holds its chat's lane, no other."""
    app = await build(api, store, clock)
    started, release = asyncio.Event(), asyncio.Event()

    async def slow(cmd):  # type: ignore[no-untyped-def]
        if cmd.args[:1] == ("slow",):
            started.set()
            await release.wait()
        return await app.dispatcher.handle(cmd)

    channel = app.channels["telegram"]
    await channel.start(slow)  # type: ignore[arg-type]
    try:
        api.queue_update(api.user_message(A, LEADER, "/help slow"))
        await asyncio.wait_for(started.wait(), 5)
        api.queue_update(api.user_message(A, LEADER, "/help after"))
        api.queue_update(api.user_message(B, LEADER, "/help other"))
        (other,) = await api.wait_for("sendMessage", chat_id=B, within=5)
        await asyncio.sleep(0.3)
        assert not replies_to(api, A)  # the second command in A waits for the first
        release.set()
        first, second = await api.wait_for("sendMessage", count=2, chat_id=A, within=5)
        assert other.at < first.at < second.at
        assert [c.params["reply_parameters"]["message_id"] for c in (first, second)] == [
            m["message_id"]
            for m in sorted(api.sent(A), key=lambda m: m["message_id"])
            if "from" in m and m["from"]["id"] == LEADER
        ][:2]
    finally:
        release.set()
        await channel.stop()
        await app.http.aclose()
