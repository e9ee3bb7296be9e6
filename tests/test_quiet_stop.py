"""Ctrl+C or SIGTERM at any moment of `yuqing-bot run` (demo config): exit 0, no traceback, nothing lost.

The signal lands at many points: while starting up, during the first polls, right as the
first alerts print, and later while the journal is being written and compacted. After each
stop the store must reload and hold every incident whose alert was printed.
"""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.store.tinydb_store import TinyDBStore
from tests.test_cli_run import REPO, Bot, write_config

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


def _sigint_caught(pid: int) -> bool | None:
    """Whether the process has a handler for SIGINT now (Linux /proc), None once it is gone."""
    try:
        status = (Path("/proc") / str(pid) / "status").read_text()
    except OSError:
        return None
    caught = int(status.split("SigCgt:")[1].split()[0], 16)
    return bool(caught & (1 << (signal.SIGINT - 1)))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads signal dispositions from /proc")
def test_a_second_ctrl_c_while_the_interpreter_shuts_down_still_exits_0(tmp_path):
    """After the bot stopped, interpreter teardown (modules, threads; ~0.1-0.6 s here) resets every
    signal handler to the default: a Ctrl+C pressed twice, or a SIGTERM arriving then, used to kill the
    process (exit -2, nothing on stderr) instead of letting it end with its own code."""
    bot = Bot(write_config(tmp_path), tmp_path)
    bot.wait_for(re.escape(BANNER), timeout=60)
    assert _sigint_caught(bot.proc.pid)  # running: Ctrl+C is ours
    bot.proc.send_signal(signal.SIGINT)
    deadline = time.monotonic() + 60
    while (caught := _sigint_caught(bot.proc.pid)) and time.monotonic() < deadline:
        pass  # spin: the window is short; the first moment Python no longer handles SIGINT
    if caught is not None:  # still there, without a handler: the interpreter is finalizing
        bot.proc.send_signal(signal.SIGINT)
    _, err = bot.proc.communicate(timeout=60)
    assert caught is not None, "the process ended before its teardown was seen"
    assert "Traceback" not in err, err
    assert bot.proc.returncode == 0, (bot.proc.returncode, err)


def test_a_stop_asked_while_starting_up_waits_for_the_loop_instead_of_interrupting_an_import():
    # A KeyboardInterrupt raised inside an `exec` (dataclasses build methods so, at import) made CPython
    # kill the process with SIGINT at exit even though main() caught it: start-up only notes the stop.
    code = (
        "import asyncio, os, signal\n"
        "from bot import early_stop\n"
        "from bot.app import stop_signal\n"
        "early_stop.catch()\n"
        "os.kill(os.getpid(), signal.SIGTERM)\n"
        "async def main():\n"
        "    print('stopped' if stop_signal().is_set() else 'running')\n"
        "asyncio.run(main())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert (done.returncode, done.stdout.strip()) == (0, "stopped"), done.stderr
