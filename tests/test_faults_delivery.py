"""Fault tests: a real bot process (tests/fault_driver.py) against the local fake Bot API.

kill -9 between storing and sending, and between sending and recording, in a
loop; the Bot API down for a while then back; 429 retry_after for one chat
while the other keeps flowing. Every incident must reach every chat, with at
most one duplicate per crash, in order (tier I first).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.store.journal_storage import load_document
from tests.fake_bot_api import FakeBotApi

REPO = Path(__file__).resolve().parents[1]
CHATS = ["-100", "-200"]
NUMBER = re.compile(r"YQ-\d{8}-\d{4}")


class RecordingApi(FakeBotApi):
    """The fake Bot API, noting when each call arrived; it can kill -9 the bot mid-request."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: list[tuple[float, str, str, int, str]] = []  # (t, method, chat, status, number)
        self.victim: int | None = None
        self.kill_at = 0
        self.sends = 0

    async def _api(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        response = await super()._api(request)
        call = self.calls[-1]
        found = NUMBER.search(str(call.params.get("text", "")))
        self.arrivals.append((at, call.method, call.chat_id, call.status, found.group(0) if found else ""))
        return response

    def _m_sendMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        message = super()._m_sendMessage(p)  # the message is in the chat now
        self.sends += 1
        if self.victim is not None and self.sends == self.kill_at:
            os.kill(self.victim, signal.SIGKILL)  # before the bot can record it
            self.victim = None
        return message

    def delivered(self, chat: str) -> list[str]:
        return [n for _, m, c, s, n in self.arrivals if m == "sendMessage" and c == chat and s == 200 and n]


async def driver(api_url: str, store: Path, command: str, *extra: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fault_driver",
        command,
        "--store",
        str(store),
        "--api",
        api_url,
        "--chats=" + ",".join(CHATS),
        *extra,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=asyncio.subprocess.PIPE,
    )


async def finish(proc: asyncio.subprocess.Process, expect: str, within: float = 30.0) -> list[str]:
    assert proc.stdout is not None
    out, _ = await asyncio.wait_for(proc.communicate(), within)
    lines = out.decode().split()
    assert expect in lines, out
    return lines


async def create(api: FakeBotApi, store: Path, n: int, tiers: str) -> list[str]:
    proc = await driver(api.base_url, store, "create", "--n", str(n), "--tiers", tiers)
    lines = await finish(proc, "STORED")
    return [w for w in lines if NUMBER.fullmatch(w)]


@pytest.fixture
async def api():
    server = RecordingApi()
    await server.start()
    yield server
    await server.stop()


def assert_every_chat_got_every_incident(api: RecordingApi, numbers: list[str], crashes: int) -> None:
    extra = 0
    for chat in CHATS:
        got = api.delivered(chat)
        assert set(numbers) <= set(got), (chat, sorted(set(numbers) - set(got)))
        for number in numbers:
            assert got.count(number) <= 2, (chat, number, got.count(number))
        extra += len(got) - len(set(got))
    assert extra <= crashes


async def test_kill_between_storing_and_sending_loses_nothing(api, tmp_path):
    store, numbers = tmp_path / "bot.json", []
    for _ in range(5):
        proc = await driver(api.base_url, store, "create", "--n", "2", "--tiers", "I,II", "--hold")
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
        assert line.startswith("STORED")
        proc.send_signal(signal.SIGKILL)  # stored, not yet sent
        await proc.wait()
        numbers += NUMBER.findall(line)
    assert api.delivered(CHATS[0]) == []
    await finish(await driver(api.base_url, store, "deliver"), "DONE")
    assert len(numbers) == 10
    assert_every_chat_got_every_incident(api, numbers, crashes=0)


async def test_kill_between_sending_and_recording_at_most_one_duplicate_per_crash(api, tmp_path):
    store = tmp_path / "bot.json"
    numbers = await create(api, store, 5, "I,II")
    crashes = 0
    for _ in range(5):
        proc = await driver(api.base_url, store, "deliver")
        api.victim, api.kill_at = proc.pid, api.sends + 2  # the second send of this run
        code = await asyncio.wait_for(proc.wait(), 30)
        if code == -signal.SIGKILL:
            crashes += 1
    assert crashes == 5
    await finish(await driver(api.base_url, store, "deliver"), "DONE")
    assert_every_chat_got_every_incident(api, numbers, crashes)
    assert len(api.delivered(CHATS[0])) + len(api.delivered(CHATS[1])) > 10  # the crashes really duplicated


async def test_api_down_then_back_delivers_everything_in_order_tier_one_first(tmp_path):
    api = RecordingApi()
    await api.start()
    port = api.port
    await api.stop()  # the Bot API is down
    store = tmp_path / "bot.json"
    numbers = await create(api, store, 6, "II,IV,I,III,I,II")
    tiers = dict(zip(numbers, ["II", "IV", "I", "III", "I", "II"], strict=True))
    proc = await driver(api.base_url, store, "deliver", "--backoff", "0.5")
    await until_failed_attempts(store, 2)  # it tried and got "connection refused", at least twice
    assert proc.returncode is None
    await api.start(port=port)  # back
    try:
        await finish(proc, "DONE")
        for chat in CHATS:
            got = api.delivered(chat)
            assert got == sorted(numbers, key=lambda n: (["I", "II", "III", "IV"].index(tiers[n]), n)), got
    finally:
        await api.stop()


async def until_failed_attempts(store: Path, attempts: int, within: float = 30.0) -> None:
    """Wait until the bot recorded failed sends (read from its snapshot and journal, as a reader may)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with contextlib.suppress(FileNotFoundError, ValueError):
            outbox = load_document(store)[0].get("outbox", {}).values()
            if any(n["attempts"] >= attempts and n["last_error"] for n in outbox):
                return
        await asyncio.sleep(0.1)
    raise AssertionError("the bot never tried to send")


async def test_429_waits_for_that_chat_only(api, tmp_path):
    store = tmp_path / "bot.json"
    numbers = await create(api, store, 3, "I")
    api.fail("sendMessage", "retry_after", chat_id=CHATS[0], retry_after=2)
    await finish(await driver(api.base_url, store, "deliver"), "DONE")
    limited = next(t for t, m, c, s, _ in api.arrivals if m == "sendMessage" and s == 429)
    ok = {
        chat: [t for t, m, c, s, _ in api.arrivals if m == "sendMessage" and c == chat and s == 200] for chat in CHATS
    }
    assert len(ok[CHATS[1]]) == 3 and max(ok[CHATS[1]]) - limited < 1.5  # the other chat kept flowing
    assert min(ok[CHATS[0]]) - limited >= 2.0  # retry_after honoured for the limited chat
    assert api.delivered(CHATS[0]) == numbers  # and its order kept
