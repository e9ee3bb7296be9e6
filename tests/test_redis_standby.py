"""With store.backend redis and Redis refusing the password (or not running), the bot still serves its console.

The bot runs as a subprocess (`python -m bot.cli run`) against a private redis-server with
`requirepass`. While Redis refuses it, the console answers every command saying the store is
unavailable and why; the store is retried with growing waits; no output carries the password.
Once Redis accepts it (the password set right, or the server started), the bot starts as usual.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import redis

from tests.redis_server import PrivateRedis
from tests.test_secrets_leaks import closed_port

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "SEKRIT-standby-password"


def config_text(port: int) -> str:
    return f"""
timezone: Asia/Shanghai
store:
  backend: redis
  url: redis://:${{REDIS_PASSWORD}}@127.0.0.1:{port}/0
  prefix: 'standby:'
sources:
  - {{id: refused, url: "http://127.0.0.1:{closed_port()}/feed.xml", allow_private: true, every: 1s}}
schemes:
  - name: 安全生产
    events: {{爆炸: 5}}
people:
  - {{name: 李明, role: monitor}}
chats:
  console: {{enabled: true, person: 李明}}
"""


class Bot:
    """The bot as a subprocess: type lines, wait for output."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.text = ""
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        while chunk := await self.proc.stdout.read(4096):
            self.text += chunk.decode("utf-8", "replace")

    def type(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{line}\n".encode())

    async def until(self, pattern: str, within: float, after: int = 0) -> re.Match[str]:
        for _ in range(int(within / 0.1)):
            found = re.search(pattern, self.text[after:])
            if found:
                return found
            await asyncio.sleep(0.1)
        raise AssertionError(f"no {pattern!r} within {within}s:\n{self.text}")

    async def stop(self) -> int:
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.proc.wait(), 60)
        await self.reader
        return code


async def start_bot(tmp_path: Path, port: int) -> Bot:
    config = tmp_path / "config.yaml"
    config.write_text(config_text(port), encoding="utf-8")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "-v", "-c", str(config), "run", "--for", "120",
        cwd=tmp_path, env={**os.environ, "REDIS_PASSWORD": PASSWORD, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO)},
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    return Bot(proc)


async def served_then_carries_on(bot: Bot, why: str, fix) -> str:
    """The console answers while the store is refused; after `fix()`, the bot starts and answers as usual."""
    try:
        await bot.until(r"；0\.5 秒后重试", 60)  # the first attempt failed
        bot.type("/status")
        answer = await bot.until(r"📡 运行状态：存储（Redis）不可用（([^\n]*)）。机器人正在按退避间隔重试", 60)
        assert why in answer.group(1)
        bot.type("/list")
        await bot.until(r"⚠️ /list 未能执行：存储（Redis）不可用", 20)
        await bot.until(r"；1\.0 秒后重试", 20)
        waits = [float(w) for w in re.findall(r"；(\d+\.\d) 秒后重试", bot.text)]
        assert waits[:2] == [0.5, 1.0], bot.text  # retried, each wait longer
        fix()
        mark = len(bot.text)
        await bot.until("存储（Redis）已连接，开始值守", 60, after=mark)
        bot.type("/status")
        await bot.until(r"📡 运行状态  未办结事件 0 条", 60, after=mark)  # the bot's own /status, on Redis
    finally:
        code = await bot.stop()
    assert code == 0, bot.text
    return bot.text


async def test_wrong_password_console_answers_then_redis_accepts_it(tmp_path):
    server = PrivateRedis(tmp_path / "redis", durable=False, password="the-right-one")
    server.start()
    try:
        bot = await start_bot(tmp_path, server.port)

        def set_right() -> None:  # the operator fixes Redis: the password the bot has becomes the right one
            client = redis.Redis(port=server.port, password="the-right-one")
            client.config_set("requirepass", PASSWORD)
            client.close()

        out = await served_then_carries_on(bot, "Redis 认证失败", set_right)
    finally:
        server.kill()
    assert "redis://:***@127.0.0.1" in out  # the server is named, the password masked
    assert PASSWORD not in out and "SEKRIT" not in out and "Traceback" not in out, out


async def test_redis_down_at_start_console_answers_then_redis_comes_up(tmp_path):
    server = PrivateRedis(tmp_path / "redis", durable=False, password=PASSWORD)  # not started yet
    bot = await start_bot(tmp_path, server.port)
    try:
        out = await served_then_carries_on(bot, "无法连接 Redis", server.start)
    finally:
        server.kill()
    assert "SEKRIT" not in out and "Traceback" not in out, out
