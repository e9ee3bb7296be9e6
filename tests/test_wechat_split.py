"""Long WeChat texts go out whole: numbered parts cut at line ends, @mentions on the first only.

The splitting rules are checked as properties of the pure functions; the
sends themselves with the real wechaty client against the local fake puppet.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.app import App, build_app
from bot.channels.wechat import WechatChannel
from bot.channels.wechat_text import numbered_parts, split_text
from bot.clock import FakeClock
from bot.incidents import text_notification
from bot.models import Incident, Status, Target, Tier
from bot.store.base import Store
from tests.conftest import make_config
from tests.wechat_rig import started_puppet, wechat_chat

if TYPE_CHECKING:
    from tests.fake_puppet import FakePuppet

ROOM = "leaders@chatroom"
ZHANG = "wxid_zhangsan"
MARK = re.compile(r"\n（(\d+)/(\d+)）$")


# -- the rules, as properties -------------------------------------------------
TEXTS = st.text(alphabet=st.sampled_from(["a", "中", "🔴", " ", "\n"]), max_size=400)


@given(TEXTS, st.integers(min_value=1, max_value=30))
def test_pieces_rejoin_exactly_and_cut_inside_a_line_only_when_it_is_too_long(text: str, limit: int) -> None:
    pieces = split_text(text, limit)
    assert "".join(pieces) == text
    for piece, after in itertools.pairwise(pieces):
        assert len(piece.removesuffix("\n")) <= limit
        if piece.endswith("\n"):  # a cut at a line end: the next line would not have fitted
            next_line = after.split("\n", 1)[0] + ("\n" if "\n" in after else "")
            assert len((piece + next_line).removesuffix("\n")) > limit
        else:  # a hard cut: only inside a line longer than the limit, and only when full
            assert len(piece) == limit and "\n" not in piece
    assert len(pieces[-1].removesuffix("\n")) <= limit


@given(TEXTS, st.integers(min_value=200, max_value=260), st.sampled_from(["", "@张三\u2005", "@甲\u2005@乙\u2005"]))
def test_parts_fit_the_limit_carry_their_number_and_the_mentions_once(text: str, limit: int, prefix: str) -> None:
    text = text * 3
    parts = numbered_parts(text, limit, prefix)
    assert all(len(p) <= limit for p in parts)
    if len(prefix + text) <= limit:
        assert parts == [prefix + text]  # short enough: one message, no marker
        return
    n = len(parts)
    assert n > 1
    bodies = []
    for i, part in enumerate(parts, 1):
        mark = MARK.search(part)
        assert mark is not None and (int(mark[1]), int(mark[2])) == (i, n)
        bodies.append(part[: mark.start()])
    assert bodies[0].startswith(prefix) and not any(b.startswith("@") for b in bodies[1:])
    bodies[0] = bodies[0].removeprefix(prefix)
    # Nothing lost or reordered: only newlines a cut fell on are gone (each became its marker's line break).
    assert "".join(bodies).replace("\n", "") == text.replace("\n", "")
    assert 0 <= text.count("\n") - "".join(bodies).count("\n") <= n - 1


# -- through the real client --------------------------------------------------
@pytest.fixture
def store(tinydb_store: Store) -> Store:
    """TinyDB only: these tests are about the channel, not the store."""
    return tinydb_store


@pytest.fixture
async def puppet() -> AsyncIterator[FakePuppet]:
    async with started_puppet({ZHANG: "张三"}, ROOM) as fake:
        yield fake


async def start_app(store: Store, clock: FakeClock, puppet: FakePuppet, tmp_path: Any, **wechat: Any) -> App:
    config = make_config(
        people=[{"name": "张三", "role": "leader", "wechat_id": ZHANG}],
        chats={
            "console": {"enabled": False},
            "wechat": wechat_chat(
                puppet.endpoint, tmp_path, [{"id": ROOM, "name": "舆情领导小组"}], **{"part_gap": "0", **wechat}
            ),
        },
    )
    app = await build_app(config, store, clock, console_out=io.StringIO())
    await wechat_of(app).start(app.dispatcher.handle)
    puppet.login()
    await asyncio.wait_for(wechat_of(app).logged_in.wait(), 10)
    return app


async def stop_app(app: App) -> None:
    await wechat_of(app).stop()
    await app.http.aclose()


def wechat_of(app: App) -> WechatChannel:
    channel = app.channels["wechat"]
    assert isinstance(channel, WechatChannel)
    return channel


def long_text(lines: int = 100, width: int = 49) -> str:
    """`lines` lines of `width` characters plus a newline each (5,000 characters by default)."""
    return "".join(f"第{i:03d}行" + "舆" * (width - 5) + "\n" for i in range(lines))


def marks(texts: list[str]) -> list[tuple[int, int]]:
    found = [MARK.search(t) for t in texts]
    return [(int(m[1]), int(m[2])) if m else (0, 0) for m in found]


async def test_a_long_text_arrives_as_three_ordered_parts_with_the_mention_on_the_first(
    store, clock, puppet, tmp_path
) -> None:
    app = await start_app(store, clock, puppet, tmp_path)
    try:
        text = long_text()
        assert len(text) == 5000
        note = text_notification(Target("wechat", ROOM), text, clock.now(), "briefing").replace(mentions=(ZHANG,))
        await store.enqueue([note])
        assert await app.delivery.run_once() == 1
        parts = puppet.sent_to(ROOM)
        assert marks([p.text for p in parts]) == [(1, 3), (2, 3), (3, 3)]
        assert all(len(p.text) <= 2000 for p in parts)
        assert [p.mention_ids for p in parts] == [(ZHANG,), (), ()]
        assert parts[0].text.startswith("@张三\u2005第000行") and not any("@" in p.text for p in parts[1:])
        bodies = [MARK.sub("", p.text) for p in parts]
        bodies[0] = bodies[0].removeprefix("@张三\u2005")
        assert "\n".join(bodies) + "\n" == text  # the cuts fell on line ends; nothing lost, nothing added
        sent = await store.get_notification(note.id)
        assert sent.sent_at is not None and sent.message_id == parts[0].message_id
    finally:
        await stop_app(app)


async def test_a_single_overlong_line_is_cut_hard(store, clock, puppet, tmp_path) -> None:
    app = await start_app(store, clock, puppet, tmp_path, max_text=1000)
    try:
        text = "".join(chr(0x4E00 + i % 500) for i in range(2500))  # one line, no place to break
        await wechat_of(app).send_text(ROOM, text)
        parts = puppet.sent_to(ROOM)
        assert marks([p.text for p in parts]) == [(1, 3), (2, 3), (3, 3)]
        assert all(len(p.text) <= 1000 for p in parts)
        assert "".join(MARK.sub("", p.text) for p in parts) == text
    finally:
        await stop_app(app)


async def test_short_texts_go_as_one_message_without_a_marker(store, clock, puppet, tmp_path) -> None:
    app = await start_app(store, clock, puppet, tmp_path)
    try:
        text = long_text(lines=40)  # 2,000 characters: exactly the limit
        await wechat_of(app).send_text(ROOM, text.removesuffix("\n"))
        [sent] = puppet.sent_to(ROOM)
        assert sent.text == text.removesuffix("\n")
    finally:
        await stop_app(app)


async def test_alerts_and_update_lines_are_split_too(store, clock, puppet, tmp_path) -> None:
    app = await start_app(store, clock, puppet, tmp_path, max_text=200)
    try:
        channel = wechat_of(app)
        incident = Incident(
            "YQ-20261126-0001", Tier.I, "江城化工集团仓库爆炸" * 25, "https://x.cn/1", "news", clock.now()
        )
        first_id = await channel.send_incident(ROOM, incident)
        alert = puppet.sent_to(ROOM)
        assert len(alert) > 1 and all(len(p.text) <= 200 for p in alert)
        assert alert[0].text.startswith("🔴【I 特别重大】YQ-20261126-0001") and first_id == alert[0].message_id
        assert MARK.sub("", alert[-1].text).endswith("回复「确认 YQ-20261126-0001」确认收到")
        resolved = incident.replace(status=Status.RESOLVED, result="已核实并澄清，" * 40)
        await channel.update_incident(ROOM, first_id, resolved)
        update = puppet.sent_to(ROOM)[len(alert) :]
        assert len(update) > 1 and all(len(p.text) <= 200 for p in update)
        assert update[0].text.startswith("更新 YQ-20261126-0001") and marks([update[-1].text])[0][0] == len(update)
    finally:
        await stop_app(app)


async def test_a_part_that_fails_is_retried_with_the_whole_text(store, clock, puppet, tmp_path) -> None:
    """Part 2 of 3 throttled: the outbox resends the whole text after the pause; part 1 shows twice, none is lost."""
    app = await start_app(store, clock, puppet, tmp_path, part_gap="0.5")
    try:
        text = long_text()
        note = text_notification(Target("wechat", ROOM), text, clock.now(), "briefing")
        await store.enqueue([note])
        delivering = asyncio.create_task(app.delivery.run_once())
        await puppet.wait_sent(lambda s: s.text.endswith("（1/3）"))
        puppet.throttle_sends = 1  # part 2 comes half a second later: WeChat refuses it
        assert await delivering == 0
        failed = await store.get_notification(note.id)
        assert failed.sent_at is None and "频繁" in failed.last_error
        assert marks([s.text for s in puppet.sent_to(ROOM)]) == [(1, 3)]
        clock.advance(timedelta(minutes=2))  # throttle_backoff
        assert await app.delivery.run_once() == 1
        texts = [s.text for s in puppet.sent_to(ROOM)]
        assert marks(texts) == [(1, 3), (1, 3), (2, 3), (3, 3)]
        assert "\n".join(MARK.sub("", t) for t in texts[1:]) + "\n" == text
    finally:
        await stop_app(app)
