"""The fake Bot API server itself, as other tests use it: a subprocess scripted over HTTP, and its checks."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import httpx
import pytest
from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter

from tests.fake_bot_api import TOKEN, FakeBotApi

ROOT = Path(__file__).resolve().parent.parent


async def test_subprocess_mode_is_scriptable_over_http() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fake_bot_api", "--port", "0", cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        port = int(line.split()[1])
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base) as control, Bot(TOKEN, base_url=f"{base}/bot") as bot:
            await control.post(
                "/_control/fail", json={"method": "sendMessage", "error": "retry_after", "retry_after": 9}
            )
            with pytest.raises(RetryAfter):
                await bot.send_message(-100, "第一条")
            await bot.send_message(-100, "第二条")
            await control.post(
                "/_control/updates",
                json={"message": {"message_id": 1, "date": 0, "chat": {"id": -100, "type": "group"}, "text": "/help"}},
            )
            (update,) = await bot.get_updates(timeout=0)
            assert update.message.text == "/help"
            calls = (await control.get("/_control/requests")).json()
            sent = [c for c in calls if c["method"] == "sendMessage"]
            assert [c["status"] for c in sent] == [429, 200] and sent[1]["params"]["text"] == "第二条"
    finally:
        proc.terminate()
        await proc.wait()


async def test_it_refuses_what_telegram_refuses() -> None:
    api = FakeBotApi()
    await api.start()
    try:
        async with Bot(api.token, base_url=api.base_url) as bot:
            with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
                await bot.send_message(-1, "a < b", parse_mode="HTML")
            with pytest.raises(BadRequest, match="too long"):
                await bot.send_message(-1, "字" * 4097)
            api.fail("sendMessage", "migrate", chat_id=-1, new_chat_id=-1009)
            with pytest.raises(ChatMigrated) as moved:
                await bot.send_message(-1, "x")
            assert moved.value.new_chat_id == -1009
            api.fail("sendMessage", "forbidden")
            with pytest.raises(Forbidden):
                await bot.send_message(-1, "x")
            await bot.send_message(-1, "ok <b>粗体</b> &amp;", parse_mode="HTML")
            assert api.sent(-1)[0]["text"] == "ok <b>粗体</b> &amp;"
    finally:
        await api.stop()
