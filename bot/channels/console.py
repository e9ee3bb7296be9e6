"""The console channel: alerts printed in the terminal, commands typed by the user.

It speaks as the person named in `chats.console.person`, so permissions and
the audit trail work exactly as in a group chat.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import sys
import threading
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.channels.base import Channel, CommandHandler, NotLeader
from bot.clock import Clock
from bot.commands import parse_command
from bot.models import Command, Incident
from bot.render import incident_text, update_line
from bot.routing import CONSOLE_CHAT

log = logging.getLogger(__name__)


class ConsoleChannel(Channel):
    name = "console"

    def __init__(
        self,
        person: str,
        clock: Clock,
        zone: ZoneInfo,
        out: TextIO | None = None,
        source_names: dict[str, str] | None = None,
    ) -> None:
        self.person = person
        self.clock = clock
        self.zone = zone
        self.out = out or sys.stdout
        self.source_names = source_names or {}
        self._ids = itertools.count(1)
        self._reader: asyncio.Task[None] | None = None

    def _print(self, text: str) -> str:
        self.check_gate()
        message_id = str(next(self._ids))
        self.out.write(text.rstrip("\n") + "\n\n")
        self.out.flush()
        return message_id

    async def send_incident(self, chat_id: str, incident: Incident) -> str:
        name = self.source_names.get(incident.source_id, "")
        return self._print(incident_text(incident, self.clock.now(), self.zone, name))

    async def update_incident(self, chat_id: str, message_id: str, incident: Incident) -> str:
        self._print(update_line(incident, self.clock.now(), self.zone))
        return message_id

    async def send_text(self, chat_id: str, text: str, mentions: tuple[str, ...] = ()) -> str:
        prefix = " ".join(f"@{m}" for m in mentions)
        return self._print(f"{prefix} {text}" if prefix else text)

    async def send_file(
        self, chat_id: str, data: bytes, filename: str, caption: str = "", kind: str = "document"
    ) -> str:
        """Save the file under data/outbox/ and print where it is."""
        folder = Path("data/outbox")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / Path(filename).name
        path.write_bytes(data)
        return self._print(f"{caption}\n📎 已保存：{path}".strip())

    async def start(self, on_command: CommandHandler) -> None:
        self._reader = asyncio.create_task(self._read_stdin(on_command), name="console-input")

    async def stop(self) -> None:
        if self._reader is not None:
            self._reader.cancel()

    async def handle_line(self, line: str, on_command: CommandHandler) -> list[str]:
        """Run one typed line as a command and print the replies."""
        parsed = parse_command(line)
        if parsed is None:
            replies = ["请输入命令，例如 /list 或 /help（也可用中文：列表、帮助）"] if line.strip() else []
        else:
            name, args = parsed
            cmd = Command("console", self.person, CONSOLE_CHAT, name, tuple(args), line.strip(), str(next(self._ids)))
            replies = await on_command(cmd)
        for reply in replies:
            self._print(reply)
        return replies

    async def _read_stdin(self, on_command: CommandHandler) -> None:
        while line := await STDIN.next_line():  # "" is EOF: keep running, just stop reading
            try:
                await self.handle_line(line, on_command)
            except NotLeader:
                log.info("console command left unanswered: this instance is no longer the leader")
            except Exception as exc:  # noqa: BLE001 - the console must keep reading
                self._print(f"命令执行出错：{exc}")


class StdinLines:
    """One reader of stdin per process, whichever console is reading now.

    Consoles come and go in one process (the stand-in while the store cannot be
    opened, then the bot's own; on Redis, a new one each time this instance leads):
    a thread per console would split the typed lines between them. One daemon
    thread (a blocked readline never holds up shutdown) queues every line; the
    console reading now takes them in order, and lines typed between two
    consoles wait for the next.
    """

    def __init__(self) -> None:
        self._lines: asyncio.Queue[str] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def next_line(self) -> str:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # first use (or a new event loop, as in tests): start a reader
            self._loop, self._lines = loop, asyncio.Queue()
            threading.Thread(target=self._pump, args=(loop, self._lines), name="console-stdin", daemon=True).start()
        assert self._lines is not None
        return await self._lines.get()

    @staticmethod
    def _pump(loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str]) -> None:
        try:
            for line in sys.stdin:
                loop.call_soon_threadsafe(lines.put_nowait, line)
            loop.call_soon_threadsafe(lines.put_nowait, "")
        except RuntimeError:  # that event loop is closed: nobody reads these lines any more
            return


STDIN = StdinLines()
