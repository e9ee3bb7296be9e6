"""The command grammar and the dispatcher's promise: any input gets Chinese replies, never a traceback."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.analysis.judgement import Judgement
from bot.app import App, build_app
from bot.clock import FakeClock
from bot.commands import CHINESE_NAMES, parse_command, split_number
from bot.models import Command, Hit, Item, Match, Sentiment, Tier
from bot.store.tinydb_store import TinyDBStore
from handlers import REGISTRY
from tests.conftest import START, make_config

word = st.text(st.characters(blacklist_categories=("Zs", "Cc", "Zl", "Zp")), min_size=1, max_size=10)
NUMBER = "YQ-20261126-0001"
tokens = st.one_of(
    word,
    st.sampled_from([NUMBER, NUMBER.lower(), "YQ-20261126-9999", "@王芳", "@张三", "@无此人", "today", "week", "mine"]),
    st.sampled_from(["overdue", "all", "昨天", "2h", "-1", "0", "1d", "<b>", "&amp;", "@", "/", "YQ-"]),
)


@given(st.text(max_size=200))
def test_parse_never_raises_and_names_are_single_words(text: str) -> None:
    parsed = parse_command(text)
    if parsed is not None:
        name, args = parsed
        assert name and not any(ch.isspace() for ch in name)
        assert all(a and not any(ch.isspace() for ch in a) for a in args)


@given(
    name=st.sampled_from(sorted(REGISTRY)),
    bot=st.sampled_from(["", "@yuqing_bot", "@Other_Bot"]),
    args=st.lists(word, max_size=6),
    upper=st.booleans(),
)
def test_slash_commands_round_trip(name: str, bot: str, args: list[str], upper: bool) -> None:
    head = f"/{name.upper() if upper else name}{bot}"
    assert parse_command(" ".join([head, *args])) == (name, args)


@given(cn=st.sampled_from(sorted(CHINESE_NAMES)), args=st.lists(word, max_size=6))
def test_chinese_forms(cn: str, args: list[str]) -> None:
    text = " ".join([cn, *args])
    assert parse_command(text) == (CHINESE_NAMES[cn], args)
    assert parse_command(text, allow_chinese=False) is None


@given(
    st.text(max_size=50).filter(
        lambda t: not t.strip().startswith("/") and t.strip().split(" ")[0] not in CHINESE_NAMES
    )
)
def test_ordinary_chat_is_not_a_command(text: str) -> None:
    head = text.strip().split("\n")[0].split(" ")[0]
    if head not in CHINESE_NAMES:
        assert parse_command(text) is None


@given(digits=st.from_regex(r"[0-9]{8}-[0-9]{4,6}", fullmatch=True), rest=st.lists(word, max_size=3))
def test_incident_number_taken_off_in_any_case(digits: str, rest: list[str]) -> None:
    assert split_number([f"yq-{digits}", *rest]) == (f"YQ-{digits}", rest)
    assert split_number(rest) == (None, rest) or rest[0].upper().startswith("YQ-")


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[asyncio.AbstractEventLoop, App]]:
    """One app for all examples (hypothesis runs many per test); state builds up, which is fine."""
    loop = asyncio.new_event_loop()
    path: Path = tmp_path_factory.mktemp("grammar") / "store.json"
    store = TinyDBStore(path)
    config = make_config(
        chats={
            "console": {"enabled": True, "person": "李明"},
            "telegram": {"enabled": False, "chats": [{"id": "-100"}]},
        }
    )

    async def setup() -> App:
        await store.open()
        app = await build_app(config, store, FakeClock(START), console_out=io.StringIO())
        item = Item("news", "https://x.cn/1", "江城化工集团仓库爆炸", fetched_at=START)
        match = Match("国资委", (Hit("爆炸", "event", "title", 6, 8, 5),), 5)
        await app.services.incidents.create(item, Judgement(match, Sentiment(), Tier.II, "测试"), START)
        return app

    app = loop.run_until_complete(setup())
    yield loop, app
    loop.run_until_complete(app.http.aclose())
    loop.run_until_complete(store.close())
    loop.close()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(sorted(REGISTRY)),
    args=st.lists(tokens, max_size=5),
    user=st.sampled_from(["张三", "李明", "王芳", "无名氏"]),
    seq=st.integers(0, 10**9),
)
def test_any_command_gets_chinese_replies_never_a_traceback(running, name, args, user, seq) -> None:
    loop, app = running
    cmd = Command("console", user, "console", name, tuple(args), " ".join([name, *args]), f"m{seq}")
    replies = loop.run_until_complete(app.dispatcher.handle(cmd))
    assert replies and all(isinstance(r, str) and r.strip() for r in replies)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r) for r in replies)  # Chinese, every one
    joined = "\n".join(replies)
    assert "Traceback" not in joined and "处理命令时出错" not in joined  # no handler crashed


@pytest.mark.parametrize("name", ["ack", "assign", "resolve", "reopen"])
def test_missing_number_gets_the_usage_line(running, name: str) -> None:
    loop, app = running
    replies = loop.run_until_complete(app.dispatcher.handle(Command("console", "张三", "console", name)))
    assert f"用法：{REGISTRY[name].usage}" in replies[0]


def test_every_chinese_form_names_a_command_that_exists() -> None:
    assert set(CHINESE_NAMES.values()) <= set(REGISTRY)


def test_a_lone_surrogate_in_a_command_is_recorded_without_breaking_the_store(running) -> None:
    # a chat API's JSON may carry half a surrogate pair (\ud83d alone); the store writes UTF-8
    loop, app = running
    cmd = Command("console", "李明", "console", "watch", ("塔吊\ud83d",), "watch 塔吊\ud83d", "m-surrogate")
    replies = loop.run_until_complete(app.dispatcher.handle(cmd))
    assert replies and "处理命令时出错" not in "\n".join(replies)
    actions = loop.run_until_complete(app.services.store.actions(""))
    assert any("塔吊?" in action.note for action in actions)
