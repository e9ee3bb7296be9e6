"""A busy group and a quiet group under Telegram's real pacing; prints figures, asserts nothing.

The app as `run` wires it (real dispatcher, handlers, TinyDB store) with the
real python-telegram-bot client against the local fake Bot API, pacing at the
defaults (1 message/s per chat after a burst of 3, 20/min per group). One group
types N `/help` at once; then the quiet group types one `/help`, and someone in
the busy group presses 指派 under an alert. Printed: how long the quiet group's
reply and the button answer took, and how long the busy group's replies took.

Usage: python bench/bench_telegram_groups.py [--burst N]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_app  # noqa: E402
from bot.channels.telegram_limits import Limits  # noqa: E402
from bot.clock import FakeClock  # noqa: E402
from bot.store.tinydb_store import TinyDBStore  # noqa: E402
from tests.conftest import make_config  # noqa: E402
from tests.fake_bot_api import FakeBotApi  # noqa: E402
from tests.test_telegram_flow import LEADER, A, B, alert_ids, new_incident  # noqa: E402


async def run(burst: int) -> None:
    api = FakeBotApi()
    await api.start()
    folder = tempfile.TemporaryDirectory()
    store = TinyDBStore(Path(folder.name) / "store.json")
    await store.open()
    chats = {"id": str(A), "name": "领导小组"}, {"id": str(B), "name": "监测组"}
    telegram = {"enabled": True, "token": api.token, "base_url": api.base_url, "chats": list(chats)}
    clock = FakeClock()
    app = await build_app(make_config(chats={"telegram": telegram}), store, clock, console_out=io.StringIO())
    channel = app.channels["telegram"]
    channel.limiter.limits = Limits.unlimited()  # type: ignore[attr-defined]
    await channel.start(app.dispatcher.handle)
    try:
        inc = await new_incident(app, clock)
        (alert,) = alert_ids(api, A)
        channel.limiter.limits = Limits()  # type: ignore[attr-defined]  # Telegram's pacing from here on
        start = time.monotonic()
        for i in range(burst):
            api.queue_update(api.user_message(A, LEADER, f"/help {i}"))
        api.queue_update(api.user_message(B, LEADER, "/help"))
        api.queue_update(api.press(A, LEADER, alert, f"g|{inc.number}"))
        _alert, quiet = await api.wait_for("sendMessage", count=2, chat_id=B, within=burst * 4 + 10)
        (answer,) = await api.wait_for("answerCallbackQuery", within=burst * 4 + 10)
        busy = await api.wait_for("sendMessage", count=burst + 1, chat_id=A, within=burst * 4 + 10)  # alert + burst
        (edit,) = await api.wait_for("editMessageReplyMarkup", within=burst * 4 + 10)
        print(f"busy group: {burst} × /help, replies done after {busy[-1].at - start:.2f} s (its own pacing)")
        print(f"quiet group's /help answered after {quiet.at - start:.2f} s")
        print(f"button answer (answerCallbackQuery) after {answer.at - start:.2f} s; its paced edit after "
              f"{edit.at - start:.2f} s")  # fmt: skip
    finally:
        await channel.stop()
        await app.http.aclose()
        await store.close()
        await api.stop()
        folder.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--burst", type=int, default=8)
    asyncio.run(run(parser.parse_args().burst))


if __name__ == "__main__":
    main()
