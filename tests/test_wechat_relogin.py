"""WeChat logging out and in again on a live connection: the real wechaty client against the fake puppet.

python-wechaty 0.10.7 passes on only the first `login` of a Wechaty instance;
the channel follows the puppet's own events, so sending resumes after every
login, and a login wakes the outbox: an alert that came due while the bot was
logged out goes out within seconds, not at its next retry (the clock here
never moves, so only the wake can send it).
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest

from bot.app import App, build_app
from bot.clock import FakeClock
from bot.store.base import Store
from bot.store.tinydb_store import TinyDBStore
from tests.conftest import StoreFactory, make_config
from tests.wechat_rig import require_wechaty, wechat_chat

require_wechaty()

from tests.fake_puppet import FakePuppet  # noqa: E402 - needs wechaty_grpc: after the check
from tests.test_wechat_channel import PEOPLE, ROOM, ZHANG, new_incident, populated, seen, wechat_of  # noqa: E402

SOON = 3.0  # seconds from a login to the alert that waited for it


@pytest.fixture
def store_factory(tmp_path) -> StoreFactory:
    return lambda: TinyDBStore(tmp_path / "store.json")


@pytest.fixture
async def puppet() -> AsyncIterator[FakePuppet]:
    fake = populated()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def app(store: Store, clock: FakeClock, puppet: FakePuppet, tmp_path) -> AsyncIterator[App]:
    """The app with its WeChat channel and the delivery worker running, as `run` has them."""
    chats = {"console": {"enabled": False}, "wechat": wechat_chat(puppet.endpoint, tmp_path, [{"id": ROOM}])}
    built = await build_app(make_config(people=PEOPLE, chats=chats), store, clock, console_out=io.StringIO())
    channel = wechat_of(built)
    await channel.start(built.dispatcher.handle)
    worker = asyncio.create_task(built.delivery.run_forever(idle=0.2))
    yield built
    worker.cancel()
    await asyncio.gather(worker, return_exceptions=True)
    await channel.stop()
    await built.http.aclose()


async def until(check: Callable[[], Awaitable[bool]], within: float = 5.0) -> None:
    """Poll: neither the store nor a logout has a change notification to wait on."""
    async with asyncio.timeout(within):
        while not await check():  # noqa: ASYNC110 - polling is the point
            await asyncio.sleep(0.02)


async def test_sending_resumes_after_each_logout_and_login_on_one_connection(
    app: App, clock: FakeClock, puppet: FakePuppet, store: Store
) -> None:
    channel = wechat_of(app)
    puppet.login()
    await asyncio.wait_for(channel.logged_in.wait(), 10)
    first = await new_incident(app, clock)
    await puppet.wait_sent(lambda s: first.number in s.text)
    session = channel._bot  # the one connection this test keeps

    waits = []
    for _round in range(2):
        puppet.logout()

        async def logged_out() -> bool:
            return not channel.logged_in.is_set()

        await until(logged_out)
        due = await new_incident(app, clock)
        key = f"{due.number}:wechat:{ROOM}:alert"

        async def refused(key: str = key) -> bool:
            note = await store.get_notification(key)
            return note is not None and note.last_error == "微信未登录"

        await until(refused)  # the worker tried while logged out and put it off (30 s, on a clock that stands)
        logged_in_at = time.monotonic()
        puppet.login()
        await puppet.wait_sent(lambda s, n=due.number: n in s.text, within=SOON + 2)
        waits.append(time.monotonic() - logged_in_at)
        assert waits[-1] < SOON, f"the alert went out {waits[-1]:.2f} s after the login"
        sent = await store.get_notification(key)
        assert sent is not None and sent.sent_at is not None and sent.attempts == 2  # refused once, then sent

        puppet.say(ROOM, ZHANG, f"确认 {due.number}")  # commands work again too
        await puppet.wait_sent(lambda s, n=due.number: f"{n} 已由张三确认" in s.text)
    assert channel._bot is session  # no reconnect was needed
    print(f"\nWeChat re-login: alert out {', '.join(f'{w:.2f}' for w in waits)} s after each login")


async def test_a_command_heard_while_logged_out_is_answered_at_the_next_login(
    app: App, clock: FakeClock, puppet: FakePuppet, store: Store
) -> None:
    """A command heard as the account logs out: its reply waits in the outbox and goes out at the login."""
    channel = wechat_of(app)
    puppet.login()
    await asyncio.wait_for(channel.logged_in.wait(), 10)
    puppet.logout()

    async def logged_out() -> bool:
        return not channel.logged_in.is_set()

    await until(logged_out)
    puppet.say(ROOM, ZHANG, "帮助")  # a message can still arrive on the open stream
    await seen(app, 1)

    async def queued() -> bool:
        pending = await store.pending_notifications(clock.now() + timedelta(days=1), 100)
        return any(n.target == f"wechat:{ROOM}" and n.last_error == "微信未登录" for n in pending)

    await until(queued)  # the reply could not go out: it waits in the outbox, refused once by the worker
    assert not puppet.sent_to(ROOM)
    logged_in_at = time.monotonic()
    puppet.login()
    reply = await puppet.wait_sent(lambda s: s.mention_ids == (ZHANG,), within=SOON + 2)
    assert time.monotonic() - logged_in_at < SOON
    assert reply.text.startswith("@张三") and "确认" in reply.text  # the help text, to whoever asked
