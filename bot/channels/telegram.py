"""The Telegram channel: HTML alerts with 确认/指派/办结 buttons, edited in place.

Talks to the Bot API through python-telegram-bot 22 (any `base_url`, so a
self-hosted Bot API server works). Outbound calls are paced per chat and
globally; platform errors become `DeliveryError`s the outbox understands
(429 → wait for that chat only, 403 → disable the chat). A group upgraded to
a supergroup is followed: the new id is remembered (in the store) and the
message resent there, while the core keeps using the configured id.
Inbound commands and button presses go to the same dispatcher as every
other platform (see `telegram_inbound`).
"""

from __future__ import annotations

import asyncio
import logging
import re
import warnings
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from telegram import ForceReply, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application, ApplicationBuilder

from bot.cards import settled_text
from bot.channels.base import CommandHandler, DeliveryError, NotLeader
from bot.channels.group import GroupChannel
from bot.channels.telegram_buttons import alert_keyboard, handover_keyboard
from bot.channels.telegram_inbound import ChatLanes, install_handlers
from bot.channels.telegram_limits import Limits, RateLimiter
from bot.channels.telegram_render import incident_parts, split_runs, text_runs
from bot.channels.telegram_session import GatedUpdatesRequest, connect_or_retry, disconnect
from bot.clock import Clock
from bot.config import Config, PersonConfig, TelegramConfig
from bot.models import Incident
from bot.store.base import Store

log = logging.getLogger(__name__)
# httpx logs every request URL at INFO, and the Bot API puts the token in the URL.
logging.getLogger("httpx").setLevel(logging.WARNING)

MOVED_KEY = "telegram:moved:"
PART_KEY = "telegram:part:"  # + "<chat>:<later part's id>" → the alert's first message id
CARD_KEY = "telegram:card:"  # + "<chat>:<message id>" → {text, mentions} of a text sent with a button
MAX_CAPTION = 1024
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


# Bot API answers to an edit of a message that is no longer there (deleted by someone in the
# chat, or left in the old group when it became a supergroup).
MESSAGE_GONE = ("message to edit not found", "message_id_invalid", "message can't be edited")


class TelegramChannel(GroupChannel[TelegramConfig]):
    name = "telegram"
    section = "telegram"

    def __init__(
        self,
        config: TelegramConfig,
        clock: Clock,
        zone: ZoneInfo,
        people: Sequence[PersonConfig] = (),
        source_names: dict[str, str] | None = None,
        commands: Sequence[tuple[str, str]] = (),
        store: Store | None = None,
        limits: Limits | None = None,
        check: CommandHandler | None = None,
    ) -> None:
        super().__init__(config, clock, zone, people, source_names, store, check)
        self.commands = list(commands)
        self.limiter = RateLimiter(limits)
        self.moved: dict[str, str] = {}  # configured chat id → the id Telegram uses now
        self.not_forums: set[str] = set()
        self.parts: dict[tuple[str, str], str] = {}  # (chat, later part id) → first part id, when no store
        self.cards: dict[tuple[str, str], dict[str, Any]] = {}  # (chat, message id) → card, when no store
        self.app: Application = self._build_app()
        self._started = False
        self._connecting: asyncio.Task[None] | None = None
        self.stopping: asyncio.Task[None] | None = None  # polling stopped after a 409 (telegram_session)
        self.reconnect_delay = 5.0  # first wait before retrying an unreachable Bot API at start

    @classmethod
    def config_extras(cls, config: Config) -> dict[str, Any]:
        """The handlers' command menu (the one Telegram shows when typing "/")."""
        from handlers import REGISTRY

        return {
            "commands": [(h.name, h.summary) for h in REGISTRY.values() if h.name != "start" and _COMMAND.match(h.name)]
        }

    def _build_app(self) -> Application:
        token = self.config.token.get_secret_value() or "0:unset"
        return (
            ApplicationBuilder()
            .token(token)
            .base_url(self.config.base_url)
            .base_file_url(self.config.base_file_url)
            .job_queue(None)  # the bot's own scheduler runs the timers
            .concurrent_updates(ChatLanes())  # chats side by side, each chat's commands in order
            .get_updates_request(GatedUpdatesRequest(self.may_poll, connection_pool_size=1))
            .build()
        )

    def may_poll(self) -> bool:
        """Fetch updates only while we may answer them (several instances: the leader within its term)."""
        try:
            self.check_gate()
        except NotLeader:
            return False
        return True

    @property
    def bot(self) -> Any:
        return self.app.bot

    # -- lifecycle ----------------------------------------------------------
    async def start(self, on_command: CommandHandler) -> None:
        await self._load_moved()
        install_handlers(self, on_command)
        self._started = True
        self._connecting = await connect_or_retry(self)

    async def stop(self) -> None:
        if not self._started:
            return
        self._started = False
        if self._connecting is not None:
            self._connecting.cancel()
            await asyncio.gather(self._connecting, return_exceptions=True)
        await disconnect(self)

    # -- chat ids (configured ↔ current) -------------------------------------
    async def _load_moved(self) -> None:
        if self.store is None:
            return
        for chat_id in self.chat_ids:
            new_id = await self.store.get_meta(MOVED_KEY + chat_id)
            if new_id:
                self.moved[chat_id] = str(new_id)

    async def _remember_move(self, chat_id: str, new_id: str) -> None:
        configured = self.configured_id(chat_id)
        self.moved[configured] = new_id
        log.warning("Telegram chat %s moved to %s (group upgraded to supergroup)", configured, new_id)
        if self.store is not None:
            await self.store.set_meta(MOVED_KEY + configured, new_id)

    def current_id(self, chat_id: str) -> str:
        return self.moved.get(chat_id, chat_id)

    def configured_id(self, chat_id: str) -> str:
        """The id the config (and so the core) knows this chat by."""
        return next((old for old, new in self.moved.items() if new == chat_id), chat_id)

    def is_ours(self, chat_id: str) -> bool:
        return self.configured_id(chat_id) in self.chat_ids

    # -- the one way out ------------------------------------------------------
    async def call(self, chat_id: str, send: Callable[[str], Awaitable[Any]], paced: bool = True) -> Any:
        """Run one Bot API call for a chat, paced, following a migration once; map errors."""
        target = self.current_id(chat_id)
        for _attempt in range(2):
            held = self.limiter.blocked_for(target)
            if held > 0:  # still inside its 429 wait: fail fast, so nothing queues behind this chat
                raise DeliveryError(f"Telegram 限流中，{held:.0f} 秒后重试", retry_after=held)
            if paced:
                await self.limiter.wait(target)
            self.check_gate()  # after the pacing wait: a leader past its term sends nothing
            try:
                return await send(target)
            except ChatMigrated as exc:
                await self._remember_move(target, str(exc.new_chat_id))
                target = str(exc.new_chat_id)
            except RetryAfter as exc:
                self.limiter.block(target, retry_seconds(exc))
                raise DeliveryError(f"Telegram 限流：{exc}", retry_after=retry_seconds(exc)) from exc
            except Forbidden as exc:
                raise DeliveryError(f"机器人无权在此群发言：{exc}", retry=False, disabled=True) from exc
            except TimedOut as exc:
                raise DeliveryError(f"Telegram 超时：{exc}", maybe_sent=True) from exc
            except BadRequest as exc:
                raise DeliveryError(f"Telegram 拒绝：{exc}", retry=False) from exc
            except TelegramError as exc:
                raise DeliveryError(f"Telegram 错误：{exc}") from exc
            except RuntimeError as exc:  # the HTTP client is closed (channel stopped)
                raise DeliveryError(f"Telegram 渠道未运行：{exc}") from exc
        raise DeliveryError(f"群 {chat_id} 已迁移到 {target}，稍后重发", new_chat_id=target)

    async def post_html(
        self,
        chat_id: str,
        parts: list[str],
        markup: InlineKeyboardMarkup | ForceReply | None = None,
        reply_to: int | None = None,
        thread: int | None = None,
    ) -> str:
        """Send HTML parts in order (buttons under the first); return the first message id."""
        ids = await self._post_parts(chat_id, parts, markup, reply_to, thread)
        return ids[0]

    async def _post_parts(
        self,
        chat_id: str,
        parts: list[str],
        markup: InlineKeyboardMarkup | ForceReply | None,
        reply_to: int | None,
        thread: int | None,
    ) -> list[str]:
        """Send HTML parts in order; return the ids of those that went out (at least the first)."""
        ids: list[str] = []
        for i, part in enumerate(parts):

            async def send(target: str, part: str = part, i: int = i) -> Message:
                return await self.bot.send_message(
                    target,
                    part,
                    parse_mode="HTML",
                    reply_markup=markup if i == 0 else None,
                    message_thread_id=thread,
                    reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True)
                    if reply_to and i == 0
                    else None,
                    link_preview_options=None,
                )

            try:
                message = await self.call(chat_id, send)
            except DeliveryError:
                if not ids:
                    raise
                # The alert and its buttons are out: resending all would duplicate them.
                log.warning("part %d/%d to %s not sent; the alert stands without it", i + 1, len(parts), chat_id)
                break
            ids.append(str(message.message_id))
        return ids

    # -- the parts of a split alert --------------------------------------------
    async def _remember_parts(self, chat_id: str, ids: list[str]) -> None:
        """Note which alert each later part belongs to, so a reply to any part acts on the alert."""
        for later in ids[1:]:
            if self.store is None:
                self.parts[(chat_id, later)] = ids[0]
                continue
            try:
                await self.store.set_meta(f"{PART_KEY}{chat_id}:{later}", ids[0])
            except Exception as exc:  # noqa: BLE001 - the alert is out: a lost note must not resend it
                log.warning("could not note part %s of alert %s in %s: %s", later, ids[0], chat_id, exc)

    async def alert_of_part(self, chat_id: str, message_id: str) -> str:
        """The first message of the split alert `message_id` is a later part of; else `message_id` itself."""
        first = self.parts.get((chat_id, message_id))
        if first is None and self.store is not None:
            first = await self.store.get_meta(f"{PART_KEY}{chat_id}:{message_id}")
        return str(first) if first else message_id

    # -- Channel seam -----------------------------------------------------------
    async def send_incident(self, chat_id: str, incident: Incident) -> str:
        parts = incident_parts(incident, self.clock.now(), self.zone, self.source_names.get(incident.source_id, ""))
        thread = await self._topic_for(chat_id, incident) if self.config.forum_topics else None
        markup = alert_keyboard(incident.number, incident.status, incident.related)
        ids = await self._post_parts(chat_id, parts, markup, None, thread)
        await self._remember_parts(chat_id, ids)
        return ids[0]

    async def update_incident(self, chat_id: str, message_id: str, incident: Incident) -> str:
        """Edit the alert in place: its first part carries status, people and deadline."""
        parts = incident_parts(incident, self.clock.now(), self.zone, self.source_names.get(incident.source_id, ""))
        markup = alert_keyboard(incident.number, incident.status, incident.related)

        async def edit(target: str) -> Any:
            return await self.bot.edit_message_text(
                parts[0], chat_id=target, message_id=int(message_id), parse_mode="HTML", reply_markup=markup
            )

        try:
            await self.call(chat_id, edit)
        except DeliveryError as exc:
            if any(sign in str(exc).lower() for sign in MESSAGE_GONE):
                raise DeliveryError(f"原预警消息已不在群里：{exc}", retry=False, gone=True) from exc
            if "not modified" not in str(exc):
                raise
        return message_id

    async def send_text(self, chat_id: str, text: str, mentions: tuple[str, ...] = ()) -> str:
        return await self.post_html(chat_id, self.text_parts(text, mentions))

    async def send_text_button(self, chat_id: str, text: str, mentions: tuple[str, ...], press: str) -> str:
        """The text with its one button under the first part (the handover card's 接班), kept to edit later."""
        message_id = await self.post_html(chat_id, self.text_parts(text, mentions), markup=handover_keyboard(press))
        card = {"text": text, "mentions": list(mentions)}
        if self.store is None:
            self.cards[(chat_id, message_id)] = card
            return message_id
        try:
            await self.store.set_meta(f"{CARD_KEY}{chat_id}:{message_id}", card)
        except Exception as exc:  # noqa: BLE001 - the card is out: a lost note must not resend it
            log.warning("could not note card %s in %s: %s", message_id, chat_id, exc)
        return message_id

    async def settle_card(self, chat_id: str, message_id: str, line: str, shown: str = "") -> str:
        """Edit the card in place: its prompt becomes `line` (who accepted, when), and the button goes.

        `shown` is the card's text as Telegram showed it, for a card sent before cards were kept.
        """
        card = await self.card_of(chat_id, message_id)
        text, mentions = card if card is not None else (shown, ())
        if not text:  # not known here: at least take the button away and say it below the card
            await self._drop_button(chat_id, message_id)
            return await self.post_html(chat_id, self.text_parts(line, ()), reply_to=int(message_id))
        first = self.text_parts(settled_text(text, line), mentions)[0]  # the button sits under the first part

        async def edit(target: str) -> Any:
            return await self.bot.edit_message_text(
                first, chat_id=target, message_id=int(message_id), parse_mode="HTML", reply_markup=None
            )

        await self._edit(chat_id, edit)
        return message_id

    async def _drop_button(self, chat_id: str, message_id: str) -> None:
        async def edit(target: str) -> Any:
            return await self.bot.edit_message_reply_markup(target, int(message_id), reply_markup=None)

        await self._edit(chat_id, edit)

    async def _edit(self, chat_id: str, edit: Callable[[str], Awaitable[Any]]) -> None:
        """One edit; an edit that changes nothing is done, and a message no longer there is `gone`."""
        try:
            await self.call(chat_id, edit)
        except DeliveryError as exc:
            if any(sign in str(exc).lower() for sign in MESSAGE_GONE):
                raise DeliveryError(f"原消息已不在群里：{exc}", retry=False, gone=True) from exc
            if "not modified" not in str(exc):
                raise

    async def card_of(self, chat_id: str, message_id: str) -> tuple[str, tuple[str, ...]] | None:
        """(text, mentions) of a card sent with a button, to edit it in place; None if not known."""
        card = self.cards.get((chat_id, message_id))
        if card is None and self.store is not None:
            card = await self.store.get_meta(f"{CARD_KEY}{chat_id}:{message_id}")
        if not isinstance(card, dict):
            return None
        return str(card.get("text", "")), tuple(card.get("mentions", ()))

    def text_parts(self, text: str, mentions: tuple[str, ...]) -> list[str]:
        """Text as HTML message parts, each mention a link to the person."""
        names = {str(p.telegram_id): p.name for p in self.people if p.telegram_id is not None}
        return split_runs(text_runs(text, [(m, names.get(m, m)) for m in mentions]))

    async def send_file(
        self,
        chat_id: str,
        data: bytes,
        filename: str,
        caption: str = "",
        kind: Literal["photo", "document"] = "document",
    ) -> str:
        async def send(target: str) -> Message:
            if kind == "photo":
                return await self.bot.send_photo(target, data, caption=caption[:MAX_CAPTION], filename=filename)
            return await self.bot.send_document(target, data, caption=caption[:MAX_CAPTION], filename=filename)

        message = await self.call(chat_id, send)
        if len(caption) > MAX_CAPTION:
            await self.send_text(chat_id, caption[MAX_CAPTION:])
        return str(message.message_id)

    async def _topic_for(self, chat_id: str, incident: Incident) -> int | None:
        """Open a forum topic for the incident; None where the group has no topics."""
        if chat_id in self.not_forums:
            return None
        name = f"{incident.tier.emoji}{incident.number} {incident.title}"[:128]

        async def create(target: str) -> Any:
            return await self.bot.create_forum_topic(target, name)

        try:
            topic = await self.call(chat_id, create)
        except DeliveryError as exc:
            if exc.retry or exc.disabled:
                raise
            log.info("chat %s has no forum topics (%s); alerts go to the main chat", chat_id, exc)
            self.not_forums.add(chat_id)
            return None
        return int(topic.message_thread_id)
