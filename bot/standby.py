"""What the bot serves while its store cannot be opened (store.backend: redis, Redis down or refusing us).

The poll workers, the outbox and the chats all need the store, so they wait; the
console is served meanwhile: every command is answered in one line saying the
store is unavailable, why (the error, secrets masked) and that the bot keeps
retrying and starts on its own once Redis answers.
"""

from __future__ import annotations

import logging
from typing import TextIO

from bot.channels.console import ConsoleChannel
from bot.clock import SystemClock
from bot.config import Config
from bot.models import Command
from bot.redact import redact

log = logging.getLogger(__name__)

STARTING = "正在首次连接"  # the reason before the first attempt has failed


class Standby:
    """A console that answers while the store is being retried; `reason` is the latest failure."""

    def __init__(self, config: Config, out: TextIO | None = None) -> None:
        self.reason = STARTING
        self.console: ConsoleChannel | None = None
        if config.chats.console.enabled:
            self.console = ConsoleChannel(config.chats.console.person, SystemClock(), config.zone, out)

    def failed(self, exc: BaseException) -> None:
        self.reason = redact(exc)

    async def start(self) -> None:
        if self.console is not None:
            await self.console.start(self.answer)

    async def stop(self) -> None:
        if self.console is not None:
            await self.console.stop()

    async def answer(self, cmd: Command) -> list[str]:
        """Every command gets the same answer: nothing can be read or recorded until the store opens."""
        head = "📡 运行状态：" if cmd.name == "status" else f"⚠️ /{cmd.name} 未能执行："
        return [
            f"{head}存储（Redis）不可用（{self.reason}）。"
            "机器人正在按退避间隔重试连接，连上后自动开始值守；此前不抓取来源、不发送告警，命令无法执行。"
        ]
