"""Ctrl+C or SIGTERM at any moment of `yuqing-bot run` (demo config): exit 0, no traceback, nothing lost.

The signal lands at many points: while starting up, during the first polls, right as the
first alerts print, and later while the journal is being written and compacted. After each
stop the store must reload and hold every incident whose alert was printed.
"""

from __future__ import annotations

import asyncio
import re
import signal
import time

import pytest

from bot.store.tinydb_store import TinyDBStore
from tests.test_cli_run import Bot, write_config

ALERT = re.compile(r"】(YQ-\d{8}-\d{4}) · ")
BANNER = "舆情值守机器人启动"

# (signal, what to wait for before sending it, extra delay in seconds)
# (Before the banner the interpreter itself may still be starting: a signal there is Python's, not ours.)
MOMENTS = [
    (signal.SIGINT, BANNER, 0.0),  # opening the store, warming up, first polls not yet run
    (signal.SIGTERM, BANNER, 0.3),
    (signal.SIGINT, BANNER, 1.0),
    (signal.SIGINT, "】YQ-", 0.0),  # right as the first alerts print
    (signal.SIGTERM, "】YQ-", 0.0),
    (signal.SIGINT, "】YQ-", 0.4),  # more alerts printing, journal appends and compactions
    (signal.SIGTERM, "】YQ-", 1.5),
]


async def stored_numbers(path) -> set[str]:
    store = TinyDBStore(path)
    await store.open()
    try:
        return {i.number for i in await store.incidents()}
    finally:
        await store.close()


@pytest.mark.parametrize(("sig", "after", "delay"), MOMENTS)
def test_stop_at_any_moment_is_quiet_and_keeps_what_was_shown(tmp_path, sig, after, delay):
    config = write_config(tmp_path)
    bot = Bot(config, tmp_path)
    if after is not None:
        bot.wait_for(re.escape(after), timeout=60)
    time.sleep(delay)
    bot.proc.send_signal(sig)
    _, err = bot.proc.communicate(timeout=60)
    assert "Traceback" not in err, err
    assert bot.proc.returncode == 0, err
    shown = set(ALERT.findall(bot.output))
    data = tmp_path / "data" / "yuqing.json"
    if not data.exists():
        assert not shown  # stopped before the store was created: nothing was shown either
        return
    kept = asyncio.run(stored_numbers(data))
    assert shown <= kept, (shown - kept, bot.output)
