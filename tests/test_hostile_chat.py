"""Oversized chat input: notes and results capped with a reply that says so, echoes cut, no traceback."""

from __future__ import annotations

import logging

import pytest

from bot.analysis.judgement import Judgement
from bot.models import ActionKind, Item, Match, Sentiment, Tier
from handlers.base import MAX_ECHO, MAX_TEXT

HUGE = "长" * 1_000_000  # one "word" of a megabyte


@pytest.fixture
async def number(app) -> str:
    judgement = Judgement(Match("国资委", ()), Sentiment(), Tier.II, "r")
    item = Item("news", "https://x.cn/1", "江城化工集团仓库爆炸", text="三人受伤")
    return (await app.services.incidents.create(item, judgement, app.services.clock.now())).number


async def say(app, line: str) -> str:
    return "\n".join(await app.channels["console"].handle_line(line, app.dispatcher.handle))


async def notes(app, number: str, kind: ActionKind) -> list[str]:
    return [a.note for a in await app.services.store.actions(number) if a.kind == kind]


async def test_long_ack_note_is_shortened_and_says_so(app, number):
    reply = await say(app, f"/ack {number} " + "备" * 100_000)
    assert "已截取前 2000 字" in reply and len(reply) < 1000
    assert [len(n) for n in await notes(app, number, ActionKind.ACK)] == [MAX_TEXT]


async def test_long_note_and_result_are_shortened(app, number):
    reply = await say(app, f"/note {number} " + "注" * 10_000)
    assert "已截取前 2000 字" in reply and len(reply) < MAX_TEXT + 200
    assert [len(n) for n in await notes(app, number, ActionKind.NOTE)] == [MAX_TEXT]
    reply = await say(app, f"/resolve {number} " + "果" * 10_000)
    assert "已截取前 2000 字" in reply and len(reply) < MAX_TEXT + 200
    assert [len(n) for n in await notes(app, number, ActionKind.RESOLVE)] == [MAX_TEXT]


@pytest.mark.parametrize(
    "line",
    [
        "/mute {n} " + HUGE,
        "/mute {n} 99999999999999d",
        "/watch 大桥 99999999999999d",
        "/silence 大桥 99999999999999d",
        "/silence 大桥 " + HUGE,
        "/silence " + HUGE + " 1d",
        "/watch " + HUGE,
        "/unwatch " + HUGE,
        "/unmute " + HUGE,
        "/brief " + HUGE,
        "/list " + HUGE,
        "/assign {n} @" + HUGE,
        "/ack YQ-20261126-" + "0" * 100_000,
        "/" + "x" * 100_000,
        HUGE,
    ],
)
async def test_oversized_arguments_are_never_echoed_whole(app, number, line, caplog):
    with caplog.at_level(logging.ERROR):
        reply = await say(app, line.replace("{n}", number))
    assert len(reply) < 1000, reply[:300]
    assert "长" * (MAX_ECHO + 1) not in reply and "0" * (MAX_ECHO + 1) not in reply
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
