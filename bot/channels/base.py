"""The Channel seam: deliver incident views and text to a chat, receive commands.

An adapter knows its platform and nothing of tiers beyond rendering; it
hands inbound commands to `on_command` and sends whatever replies come back.
A reply the platform refuses for now goes to `on_undelivered`, which the app
connects to the outbox, so the person who typed the command still gets it.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from typing import Literal

from bot.models import Command, Incident

log = logging.getLogger(__name__)

CommandHandler = Callable[[Command], Awaitable[list[str]]]
# (the command, its reply text, who to @mention): keep the reply and send it later
UndeliveredHandler = Callable[[Command, str, tuple[str, ...]], Awaitable[None]]
# The channel can send again (WeChat logged in): retry what waits for it now, not at its next attempt time.
ReadyHandler = Callable[[], None]


class DeliveryError(Exception):
    """A send failed.

    retry: trying again later may succeed (network, 5xx, 429).
    retry_after: seconds the platform asked us to wait, for this chat only.
    maybe_sent: the request may have reached the platform (read timeout).
    disabled: the chat refuses the bot (kicked, blocked): stop sending there.
    throttled: the platform is rate-limiting the bot as a whole (WeChat's 发送消息过于频繁):
        back off, and let the alert reach the other configured chats meanwhile.
    new_chat_id: the chat moved (Telegram group → supergroup): resend there.
    gone: the message to edit no longer exists (deleted in the chat, or left behind when the
        group moved): post the incident afresh instead.
    """

    def __init__(
        self,
        message: str,
        *,
        retry: bool = True,
        retry_after: float | None = None,
        maybe_sent: bool = False,
        disabled: bool = False,
        new_chat_id: str = "",
        throttled: bool = False,
        gone: bool = False,
    ) -> None:
        super().__init__(message)
        self.retry = retry
        self.retry_after = retry_after
        self.maybe_sent = maybe_sent
        self.disabled = disabled
        self.new_chat_id = new_chat_id
        self.throttled = throttled
        self.gone = gone


class NotLeader(Exception):
    """This instance's leader term has ended: it must not send anything more (nothing was sent)."""


# Raises NotLeader when this instance may no longer talk to chats (bot.roles sets it on the leader's channels).
SendGate = Callable[[], None]


class Channel(ABC):
    name: str = ""
    # Set by the app when it builds the channel (bot.app): where an unsent command reply goes.
    on_undelivered: UndeliveredHandler | None = None
    # Set by the app too: the channel calls it when it can send again after it could not (a login).
    on_ready: ReadyHandler | None = None
    # Set on the leader's channels when several instances share Redis (bot.roles); None: always open.
    send_gate: SendGate | None = None

    def check_gate(self) -> None:
        """Call immediately before each platform send or edit (after any rate-limit wait)."""
        if self.send_gate is not None:
            self.send_gate()

    async def reply_undelivered(self, cmd: Command, text: str, mentions: tuple[str, ...], exc: DeliveryError) -> bool:
        """A command's reply failed: keep it for later if trying again can help; True if kept.

        A chat that refuses the bot (disabled) or a request the platform rejects
        (retry=False) would fail again: that reply is dropped, with a log line.
        """
        if exc.retry and not exc.disabled and self.on_undelivered is not None:
            try:
                await self.on_undelivered(cmd, text, mentions)
            except Exception:  # the store is down too: nothing more to do than say so
                log.exception("reply to %s:%s could not be queued either", self.name, cmd.chat_id)
                return False
            log.info("reply to %s:%s not sent now (%s); queued for delivery", self.name, cmd.chat_id, exc)
            return True
        log.warning("reply to %s:%s not sent: %s", self.name, cmd.chat_id, exc)
        return False

    async def start(self, on_command: CommandHandler) -> None:  # noqa: B027 - optional hook
        """Begin receiving commands (a channel without inbound may skip this)."""

    async def stop(self) -> None:  # noqa: B027 - optional hook
        """Stop receiving and release connections."""

    @abstractmethod
    async def send_incident(self, chat_id: str, incident: Incident) -> str:
        """Send a new alert; return the platform message id."""

    @abstractmethod
    async def update_incident(self, chat_id: str, message_id: str, incident: Incident) -> str:
        """Show the changed incident (edit in place, or an update line); return message id."""

    @abstractmethod
    async def send_text(self, chat_id: str, text: str, mentions: tuple[str, ...] = ()) -> str:
        """Send plain text (replies, reminders, briefings); return message id."""

    async def send_text_button(self, chat_id: str, text: str, mentions: tuple[str, ...], press: str) -> str:
        """Send text with one button (a press string of bot.channels.buttons); without buttons, the text alone.

        The text itself says what to type instead (the handover card: /接班).
        """
        return await self.send_text(chat_id, text, mentions)

    async def settle_card(self, chat_id: str, message_id: str, line: str) -> str:
        """A card sent with send_text_button was settled (the handover accepted): show `line` on it.

        Platforms that edit messages put `line` in place of the card's prompt and take the
        button away; the others cannot, so the line goes as a new message.
        """
        return await self.send_text(chat_id, line)

    async def send_file(
        self,
        chat_id: str,
        data: bytes,
        filename: str,
        caption: str = "",
        kind: Literal["photo", "document"] = "document",
    ) -> str:
        """Send a picture or document; channels that cannot, send the caption alone."""
        return await self.send_text(chat_id, f"{caption}\n（附件 {filename} 无法在此渠道发送）".strip())
