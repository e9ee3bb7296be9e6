"""The WeChat channel: plain-text alerts to rooms, commands typed in rooms (wechaty).

wechaty (the `[wechat]` extra) is imported lazily, only when the channel
starts, through `wechat_compat`, which applies the patches wechaty 0.10.7
needs on Python 3.11. The client speaks plaintext gRPC to a puppet service
(`chats.wechat.endpoint`); we drive its start-up ourselves because
`Wechaty.start()` stops the whole event loop on a puppet error and sleeps
60 s on a network error.

WeChat punishes bots that send too fast (发送消息过于频繁) and retrying during
the penalty extends it: on that answer the channel goes quiet for a back-off
period, every send meanwhile fails at once with `DeliveryError(throttled=True)`
without touching WeChat, and the delivery worker lets the alert reach the
other configured chats.

Logins are followed from the puppet's own events, so a logout and a new login
on the same connection (someone re-scans the QR code) restores sending; each
login calls `on_ready`, which the app points at the outbox, so what waited
while the bot was logged out goes out at once.

WeChat also truncates or refuses long texts: a text longer than
`chats.wechat.max_text` goes out as numbered parts cut at line ends (see `_send`).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.channels.base import Channel, CommandHandler, DeliveryError, NotLeader
from bot.channels.wechat_text import command_from_message, numbered_parts, quote_number
from bot.clock import Clock
from bot.config import WechatConfig
from bot.models import Incident, Status
from bot.render import incident_text, update_line

log = logging.getLogger(__name__)

NOT_LOGGED_IN_WAIT = 30.0  # seconds before the outbox retries while logged out (a login wakes it sooner)
MAX_RECONNECT = timedelta(minutes=5)


class Throttle:
    """WeChat's sending penalty: stay quiet after 发送消息过于频繁; a repeat doubles the pause."""

    def __init__(self, clock: Clock, first: timedelta, most: timedelta) -> None:
        self.clock = clock
        self.first = first
        self.most = most
        self.pause = first
        self.quiet_until: datetime | None = None

    def remaining(self) -> float:
        if self.quiet_until is None:
            return 0.0
        return max(0.0, (self.quiet_until - self.clock.now()).total_seconds())

    def hit(self) -> float:
        """Record a throttling answer; return how long to stay quiet (seconds)."""
        if self.quiet_until is not None:  # throttled again right after a pause: double it
            self.pause = min(self.most, self.pause * 2)
        self.quiet_until = self.clock.now() + self.pause
        return self.pause.total_seconds()

    def ok(self) -> None:
        self.pause = self.first
        self.quiet_until = None


def is_throttling(exc: BaseException) -> bool:
    text = str(getattr(exc, "message", "") or exc)
    return "频繁" in text or "too frequent" in text.lower() or "RESOURCE_EXHAUSTED" in str(getattr(exc, "status", ""))


class WechatChannel(Channel):
    name = "wechat"

    def __init__(
        self, config: WechatConfig, clock: Clock, zone: ZoneInfo, source_names: dict[str, str] | None = None
    ) -> None:
        self.config = config
        self.clock = clock
        self.zone = zone
        self.source_names = source_names or {}
        self.rooms = {room.id for room in config.rooms}
        self.throttle = Throttle(clock, config.throttle_backoff, config.throttle_max)
        self.logged_in = asyncio.Event()
        self._bot: Any = None
        self._scheduler: Any = None
        self._runner: asyncio.Task[None] | None = None
        self.self_id = ""  # the bot's own contact id, from the last login
        self.messages_seen = 0  # inbound messages handled or ignored (for status and tests)
        self.message_seen = asyncio.Event()

    # -- outbound ---------------------------------------------------------------
    async def send_incident(self, chat_id: str, incident: Incident) -> str:
        name = self.source_names.get(incident.source_id, "")
        text = incident_text(incident, self.clock.now(), self.zone, name)
        if incident.status is Status.NEW:  # no buttons in WeChat: say what to type
            text += f"\n回复「确认 {incident.number}」确认收到"
        return await self._send(chat_id, text)

    async def update_incident(self, chat_id: str, message_id: str, incident: Incident) -> str:
        """WeChat cannot edit a sent message: post a short update line instead."""
        await self._send(chat_id, update_line(incident, self.clock.now(), self.zone))
        return message_id

    async def send_text(self, chat_id: str, text: str, mentions: tuple[str, ...] = ()) -> str:
        return await self._send(chat_id, text, mentions)

    async def send_file(
        self,
        chat_id: str,
        data: bytes,
        filename: str,
        caption: str = "",
        kind: Literal["photo", "document"] = "document",
    ) -> str:
        """Send the caption as text, then the file as a base64 FileBox (URL boxes fail on puppets)."""
        if caption:
            await self._send(chat_id, caption)
        from wechaty_puppet import FileBox

        box = FileBox.from_base64(base64.b64encode(data), name=filename)
        return await self._guarded(lambda: self._bot.puppet.message_send_file(conversation_id=chat_id, file=box))

    async def _send(self, room_id: str, text: str, mentions: tuple[str, ...] = ()) -> str:
        """Send a text in parts of at most `max_text` characters, in order; return the first part's id.

        The @mentions go with the first part only. A part that fails fails the
        whole send, and whoever retries (the outbox, or a reply handed to it)
        sends the whole text again: parts that did arrive may be repeated (their
        （i/n） marks show it), but no part is lost.
        """
        prefix = ""
        if mentions:
            prefix = "".join([f"@{await self._contact_name(m)}\u2005" for m in mentions])
        parts = numbered_parts(text, self.config.max_text, prefix)
        first = ""
        for i, part in enumerate(parts):
            if i:
                await asyncio.sleep(self.config.part_gap.total_seconds())
            ids = list(mentions) if i == 0 and mentions else None
            message_id = await self._guarded(
                lambda part=part, ids=ids: self._bot.puppet.message_send_text(
                    conversation_id=room_id, message=part, mention_ids=ids
                )
            )
            first = first or message_id
        return first

    async def _guarded(self, send: Callable[[], Awaitable[Any]]) -> str:
        """One attempt at a send, with WeChat's failures mapped onto DeliveryError."""
        quiet = self.throttle.remaining()
        if quiet > 0:
            raise DeliveryError("微信发送受限，暂停发送中", throttled=True, retry_after=quiet)
        if self._bot is None or not self.logged_in.is_set():
            raise DeliveryError("微信未登录", retry_after=NOT_LOGGED_IN_WAIT)
        timeout = self.config.send_timeout.total_seconds()
        self.check_gate()  # a leader past its term sends nothing
        try:
            async with asyncio.timeout(timeout):
                message_id = await send()
        except TimeoutError as exc:  # the call may have reached WeChat: the outbox pauses before resending
            raise DeliveryError(f"微信发送超时（{timeout:g} 秒无应答）", maybe_sent=True) from exc
        except Exception as exc:  # grpclib, wechaty and OS errors all end here
            if is_throttling(exc):
                pause = self.throttle.hit()
                log.warning("wechat throttled the bot; quiet for %.0f s", pause)
                raise DeliveryError("微信提示发送消息过于频繁", throttled=True, retry_after=pause) from exc
            raise DeliveryError(f"微信发送失败：{exc}", maybe_sent=isinstance(exc, OSError | TimeoutError)) from exc
        self.throttle.ok()
        # Some puppets answer without an id; the outbox needs one to know the room shows the incident.
        return str(message_id) if message_id else f"local-{uuid.uuid4().hex[:12]}"

    async def _contact_name(self, contact_id: str) -> str:
        with contextlib.suppress(Exception):
            contact = self._bot.Contact.load(contact_id)
            await contact.ready()
            return contact.name or contact_id
        return contact_id

    # -- inbound ----------------------------------------------------------------
    async def start(self, on_command: CommandHandler) -> None:
        from bot.channels.wechat_compat import load_wechaty

        load_wechaty(self.config.cache_dir)  # fail here, at start, if the extra is missing
        self._runner = asyncio.create_task(self._run(on_command), name="wechat")

    async def stop(self) -> None:
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._runner
        await self._close()

    async def _run(self, on_command: CommandHandler) -> None:
        """Stay connected to the puppet service; wait longer after each failure."""
        wait = self.config.reconnect
        while True:
            try:
                await self._session(on_command)
                log.warning("wechat event stream ended; reconnecting")
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - keep the channel alive
                log.warning("wechat connection failed: %s", exc)
            if self.logged_in.is_set():  # that session worked: start the back-off over
                wait = self.config.reconnect
            await self._close()
            await asyncio.sleep(wait.total_seconds())
            wait = min(MAX_RECONNECT, wait * 2)

    async def _session(self, on_command: CommandHandler) -> None:
        """One connection: build a Wechaty, bridge its events, read until the stream ends."""
        from bot.channels.wechat_compat import follow_logins, fresh_pools, load_wechaty, use_keepalive

        wechaty = load_wechaty(self.config.cache_dir)
        from apscheduler.schedulers.asyncio import AsyncIOScheduler
        from wechaty_puppet import PuppetOptions

        host, _, port = self.config.endpoint.rpartition(":")
        await _check_reachable(host, int(port))  # wechaty's own check blocks the loop for 3 s
        token = self.config.token.get_secret_value() or None
        self._scheduler = AsyncIOScheduler()  # in memory: no SQLite job store under $CACHE_DIR
        options = wechaty.WechatyOptions(
            puppet_options=PuppetOptions(token=token, end_point=self.config.endpoint),
            host="127.0.0.1",
            port=self.config.plugin_port or _free_port(),
            scheduler=self._scheduler,
        )
        bot = wechaty.Wechaty(options)
        bot.on("message", lambda msg: self._on_message(msg, on_command))
        await bot.init_puppet()
        fresh_pools(bot)
        use_keepalive(bot.puppet, self.config.keepalive.total_seconds(), self.config.keepalive_timeout.total_seconds())
        await bot.init_puppet_event_bridge(bot.puppet)
        follow_logins(bot.puppet, self._on_login, self._on_logout)  # every login, not only the first
        self._bot = bot
        await bot.puppet.start()  # returns when the event stream ends

    async def _close(self) -> None:
        self.logged_in.clear()
        bot, self._bot = self._bot, None
        if bot is not None:
            puppet = bot.puppet
            with contextlib.suppress(Exception):
                await asyncio.wait_for(bot.stop(), 5)  # says Stop to the service: fails if it is gone
            if getattr(puppet, "channel", None) is not None:
                puppet.channel.close()
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None

    def _on_login(self, contact_id: str) -> None:
        log.warning("微信已登录（%s），恢复发送", contact_id)
        self.self_id = contact_id or self.self_id
        self.logged_in.set()
        if self.on_ready is not None:
            self.on_ready()  # what waited while logged out goes out now, not at its next retry

    def _on_logout(self, contact_id: str) -> None:
        log.warning("微信已退出登录（%s），暂停发送，待重新登录后补发", contact_id)
        self.logged_in.clear()

    async def _on_message(self, msg: Any, on_command: CommandHandler) -> None:
        try:
            await self._handle_message(msg, on_command)
        except NotLeader:  # stepped down meanwhile: the new leader answers it
            log.info("wechat message %s left to the new leader", getattr(msg, "message_id", "?"))
        except Exception:
            log.exception("wechat message %s could not be handled", getattr(msg, "message_id", "?"))
        finally:
            self.messages_seen += 1
            self.message_seen.set()

    async def _handle_message(self, msg: Any, on_command: CommandHandler) -> None:
        room = msg.room()
        # Who we are comes from the last login: wechaty's is_self()/user_self() raise while logged out,
        # and a message heard then is still answered (the reply waits in the outbox for the next login).
        if not self.self_id or room is None or msg.talker().contact_id == self.self_id:
            return  # before any login, private chats and our own messages are ignored
        if room.room_id not in self.rooms or msg.type() != _text_type():
            return  # rooms not in config; pictures, voice, files: not commands
        self_contact = self._bot.ContactSelf.load(self.self_id)
        await self_contact.ready()
        cmd = command_from_message(
            text=msg.text(),
            talker_id=msg.talker().contact_id,
            room_id=room.room_id,
            message_id=msg.message_id,
            mentions=await _mentions(msg),
            self_id=self_contact.contact_id,
            self_name=self_contact.name,
        )
        if cmd is None:
            return
        replies = await on_command(cmd)
        if replies:
            text = quote_number("\n".join(replies), cmd.args)
            try:
                await self._send(room.room_id, text, (cmd.user_id,))
            except DeliveryError as exc:  # throttled or logged out: the outbox sends it later
                await self.reply_undelivered(cmd, text, (cmd.user_id,), exc)


async def _mentions(msg: Any) -> list[tuple[str, str]]:
    """(contact id, display name) of everyone @mentioned in a room message."""
    try:
        return [(c.contact_id, c.name) for c in await msg.mention_list()]
    except Exception:  # noqa: BLE001 - a contact the puppet cannot describe: keep its id, lose its name
        return [(cid, "") for cid in msg.payload.mention_ids or []]


def _text_type() -> Any:
    from wechaty_puppet import MessageType

    return MessageType.MESSAGE_TYPE_TEXT


async def _check_reachable(host: str, port: int) -> None:
    async with asyncio.timeout(3):
        _reader, writer = await asyncio.open_connection(host or "127.0.0.1", port)
    writer.close()
    with contextlib.suppress(Exception):
        await writer.wait_closed()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
