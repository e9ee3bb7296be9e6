"""Telegram updates → platform-neutral Commands: typed commands, button presses, 办结 replies.

Updates are handled side by side (`ChatLanes`): one busy group never holds up
another group's reply. A chat's typed messages keep their order; button
presses take no lane and are answered (answerCallbackQuery) before anything
paced is sent, so a phone never shows the press as timed out.
Every action goes through the dispatcher, which decides who may do what.
A command reply Telegram refuses for now (429, outage) is handed to the
outbox through the channel's `on_undelivered` hook, not dropped.
The update's own id (message id, callback query id) becomes the action id,
so an update delivered twice is applied once. Chats not in the config are
ignored without a word.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from telegram import ChatMember, ForceReply, Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.base import CommandHandler, DeliveryError, NotLeader
from bot.channels.buttons import HANDOVER_SETTLED
from bot.channels.telegram_buttons import Press, alert_keyboard, back_to_alert, decode, people_keyboard
from bot.channels.telegram_render import escape, mention_tag, split_runs, text_runs
from bot.commands import parse_command
from bot.disabled_chats import enable
from bot.models import Command, Status

if TYPE_CHECKING:
    from bot.channels.telegram import TelegramChannel

log = logging.getLogger(__name__)

PROMPT_MARK = "的处置结果"
MAX_ANSWER = 200
_NUMBER = re.compile(r"YQ-\d{8}-\d{4,}", re.I)


MAX_CONCURRENT_UPDATES = 1024  # updates in flight at once over all chats (a lane waits inside this bound)


class ChatLanes(BaseUpdateProcessor):
    """Updates from different chats run concurrently; one chat's messages run one after another.

    Each chat has a lane (a FIFO lock), so `/assign` typed after `/ack` in a
    group is handled after it, and replies keep the order of the commands,
    while a burst in one group leaves every other group's lane free. Button
    presses take no lane: a press is answered at once, never behind a queue of
    replies waiting for their chat's pacing.
    """

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._lanes: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = lane_of(update)
        if key is None:
            await coroutine
            return
        lane = self._lanes.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lane:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # nobody queued in this chat: forget its lane
                del self._waiting[key], self._lanes[key]

    async def initialize(self) -> None:
        """Nothing to set up: lanes are made as chats speak."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def lane_of(update: object) -> int | None:
    """The chat whose order this update must keep; None for button presses and chatless updates."""
    if not isinstance(update, Update) or update.callback_query is not None or update.effective_chat is None:
        return None
    return update.effective_chat.id


def install_handlers(channel: TelegramChannel, on_command: CommandHandler) -> None:
    inbound = Inbound(channel, on_command)
    app = channel.app
    app.add_handler(MessageHandler(filters.TEXT & ~filters.UpdateType.EDITED, inbound.on_message))
    app.add_handler(CallbackQueryHandler(inbound.on_press))
    app.add_handler(ChatMemberHandler(inbound.on_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_error_handler(inbound.on_error)


class Inbound:
    def __init__(self, channel: TelegramChannel, on_command: CommandHandler) -> None:
        self.channel = channel
        self.on_command = on_command

    # -- typed messages -------------------------------------------------------
    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg = update.effective_message
        if msg is None or msg.text is None or msg.from_user is None:
            return
        if not self.channel.is_ours(str(msg.chat_id)):
            return
        chat = self.channel.configured_id(str(msg.chat_id))
        cmd = self.command_from(msg, chat)
        if cmd is None:
            return
        self.channel.check_gate()  # fetched just before our term ended: the new leader gets it too
        if cmd.reply_to and self._from_us(msg.reply_to_message):  # a later part of a split alert stands for it
            cmd = replace(cmd, reply_to=await self.channel.alert_of_part(chat, cmd.reply_to))
        replies = await self.on_command(cmd)
        thread = msg.message_thread_id if msg.is_topic_message else None
        for i, reply in enumerate(replies):
            try:
                await self.channel.post_html(chat, split_runs(text_runs(reply)), reply_to=msg.message_id, thread=thread)
            except DeliveryError as exc:
                # Retryable (429, outage): this reply and the rest, in order, wait in the outbox. Sent
                # from there they no longer quote the command, so they @mention whoever typed it.
                if await self.channel.reply_undelivered(cmd, "\n\n".join(replies[i:]), (cmd.user_id,), exc):
                    return

    def command_from(self, msg: Message, chat: str) -> Command | None:
        """The command in a message, or the result typed in reply to a 办结 prompt."""
        text = msg.text or ""
        reply = msg.reply_to_message
        base: dict[str, Any] = {
            "platform": "telegram",
            "user_id": str(msg.from_user.id) if msg.from_user else "",
            "chat_id": chat,
            "text": text,
            "message_id": str(msg.message_id),
        }
        if self._is_prompt(reply) and not text.startswith("/"):
            number = _NUMBER.search(reply.text or "")  # type: ignore[union-attr]
            if number:
                return Command(name="resolve", args=(number.group(0).upper(), *text.split()), **base)
        if not self._addressed_to_us(text):
            return None
        parsed = parse_command(self._mentions_as_names(msg), allow_chinese=reply is not None)
        if parsed is None:
            return None
        mentions = tuple(str(e.user.id) for e in msg.entities if e.type == "text_mention" and e.user)
        reply_to = str(reply.message_id) if reply else ""
        return Command(name=parsed[0], args=tuple(parsed[1]), reply_to=reply_to, mentions=mentions, **base)

    def _mentions_as_names(self, msg: Message) -> str:
        """Text with each mention of a registered person (picked from the member list) as "@姓名"."""
        text = msg.text or ""
        names = {p.telegram_id: p.name for p in self.channel.people if p.telegram_id is not None}
        picked = [e for e in msg.entities if e.type == "text_mention" and e.user and e.user.id in names]
        for entity in sorted(picked, key=lambda e: e.offset, reverse=True):
            shown = msg.parse_entity(entity)
            start = text.find(shown)
            if start >= 0:
                text = f"{text[:start]}@{names[entity.user.id]}{text[start + len(shown) :]}"  # type: ignore[union-attr]
        return text

    def _is_prompt(self, reply: Message | None) -> bool:
        return self._from_us(reply) and PROMPT_MARK in (reply.text or "")  # type: ignore[union-attr]

    def _from_us(self, msg: Message | None) -> bool:
        return msg is not None and msg.from_user is not None and msg.from_user.id == self.channel.bot.id

    def _addressed_to_us(self, text: str) -> bool:
        """'/ack@OtherBot' is for another bot in the group."""
        head = text.split(maxsplit=1)[0] if text.strip() else ""
        if not head.startswith("/") or "@" not in head:
            return True
        return head.split("@", 1)[1].lower() == (self.channel.bot.username or "").lower()

    # -- button presses ---------------------------------------------------------
    async def on_press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        self.channel.check_gate()
        press = decode(query.data)
        msg = query.message
        if press is None or msg is None or not self.channel.is_ours(str(msg.chat.id)):
            await self._answer(query)
            return
        chat = self.channel.configured_id(str(msg.chat.id))
        base: dict[str, Any] = {
            "platform": "telegram",
            "user_id": str(query.from_user.id),
            "chat_id": chat,
            "message_id": f"cb{query.id}",
            "reply_to": str(msg.message_id),
        }
        handler = getattr(self, f"_press_{press.kind}")
        await handler(query, press, base, msg)

    async def _press_a(self, query: Any, press: Press, base: dict[str, Any], msg: Any) -> None:
        replies = await self.on_command(Command(name="ack", args=(press.number,), text="[按钮] 确认", **base))
        await self._answer(query, replies)

    async def _press_m(self, query: Any, press: Press, base: dict[str, Any], msg: Any) -> None:
        """🔗 并入: the same command as typed /merge <this number> <the related number>."""
        cmd = Command(name="merge", args=(press.number, press.extra), text=f"[按钮] 并入 {press.extra}", **base)
        await self._answer(query, await self.on_command(cmd))

    async def _press_s(self, query: Any, press: Press, base: dict[str, Any], msg: Any) -> None:
        people = self.channel.assignable
        index = int(press.extra) if press.extra.isdigit() else -1
        if not 0 <= index < len(people):
            await self._answer(query, ["该人员已不在名单中，请重新选择"], alert=True)
            return
        name = people[index].name
        cmd = Command(name="assign", args=(press.number, f"@{name}"), text=f"[按钮] 指派 {name}", **base)
        await self._answer(query, await self.on_command(cmd))

    async def _press_g(self, query: Any, press: Press, base: dict[str, Any], msg: Any) -> None:
        if await self._refused(query, Command(name="assign", args=(press.number,), **base)):
            return
        status = Status.NEW if _button_of(msg, "a") is not None else Status.ACKNOWLEDGED
        merge = _button_of(msg, "m")
        related = merge.extra if merge is not None else ""
        markup = people_keyboard(press.number, status, self.channel.assignable, related)
        await self._answer(query, ["请选择负责人"])  # answered first: the edit waits for the chat's pace
        await self._edit_markup(base["chat_id"], msg.message_id, markup)

    async def _press_x(self, query: Any, press: Press, base: dict[str, Any], msg: Any) -> None:
        markup = alert_keyboard(press.number, *back_to_alert(press.extra))
        await self._answer(query)
        await self._edit_markup(base["chat_id"], msg.message_id, markup)

    async def _press_r(self, query: Any, press: Press, base: dict[str, Any], msg: Any) -> None:
        if await self._refused(query, Command(name="resolve", args=(press.number,), **base)):
            return
        user = query.from_user
        tag = mention_tag(str(user.id))
        who = f"<{tag}>{escape(user.full_name or str(user.id))}</a>" if tag else ""
        prompt = f"{who} 请回复本消息，填写 {press.number} {PROMPT_MARK}（例如：已核实并澄清）"
        markup = ForceReply(selective=True, input_field_placeholder="处置结果")
        thread = msg.message_thread_id if getattr(msg, "is_topic_message", False) else None
        await self._answer(query, ["请在回复框中填写处置结果"])
        await self._post(base["chat_id"], [prompt], markup=markup, reply_to=msg.message_id, thread=thread)

    async def _press_h(self, query: Any, press: Press, base: dict[str, Any], msg: Any) -> None:
        """接班 on a handover card: the same command as typed /接班; the card then shows who took over."""
        cmd = Command(name="takeover", args=(press.number,), text="[按钮] 接班", **base)
        if await self._refused(query, cmd):
            return
        replies = await self.on_command(cmd)
        settled = bool(replies) and replies[0].startswith(HANDOVER_SETTLED)
        await self._answer(query, replies, alert=not settled)
        if settled:
            await self._edit_card(base["chat_id"], msg, replies[0])

    # -- helpers ------------------------------------------------------------------
    async def _edit_card(self, chat: str, msg: Any, line: str) -> None:
        """The pressed card at once (the outbox edits the other copies): who accepted, when; no button."""
        try:
            await self.channel.settle_card(chat, str(msg.message_id), line, shown=msg.text or "")
        except DeliveryError as exc:
            log.info("could not update the handover card in %s: %s", chat, exc)

    async def _refused(self, query: Any, cmd: Command) -> bool:
        """Ask the dispatcher before showing a menu or prompt; answer the press if refused."""
        if self.channel.check is None:
            return False
        refusal = await self.channel.check(cmd)
        if refusal:
            await self._answer(query, refusal, alert=True)
        return bool(refusal)

    async def _answer(self, query: Any, replies: list[str] | None = None, alert: bool = False) -> None:
        text = "\n".join(replies or [])
        if len(text) > MAX_ANSWER:
            text = text[: MAX_ANSWER - 1] + "…"
        try:
            self.channel.check_gate()
            await query.answer(text or None, show_alert=alert)
        except NotLeader:
            log.info("button press left unanswered: this instance is no longer the leader")
        except TelegramError as exc:
            log.info("could not answer a button press: %s", exc)

    async def _edit_markup(self, chat: str, message_id: int, markup: Any) -> None:
        async def edit(target: str) -> Any:
            return await self.channel.bot.edit_message_reply_markup(target, message_id, reply_markup=markup)

        try:
            await self.channel.call(chat, edit)
        except DeliveryError as exc:
            log.info("could not change the buttons in %s: %s", chat, exc)

    async def _post(self, chat: str, parts: list[str], **kwargs: Any) -> None:
        try:
            await self.channel.post_html(chat, parts, **kwargs)
        except DeliveryError as exc:
            log.warning("reply to Telegram chat %s not sent: %s", chat, exc)

    async def on_membership(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The bot was added back to a chat it had been removed from: deliver there again."""
        change = update.my_chat_member
        store = self.channel.store
        if change is None or store is None or not self.channel.is_ours(str(change.chat.id)):
            return
        if change.new_chat_member.status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR):
            await enable(store, f"telegram:{self.channel.configured_id(str(change.chat.id))}")

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(context.error, NotLeader):  # stepped down mid-update: no reply, no traceback
            log.info("Telegram update left to the new leader: %s", context.error)
            return
        log.error("Telegram update failed: %r", context.error, exc_info=context.error)


def _button_of(msg: Any, kind: str) -> Press | None:
    """The press of the message's first button of this kind, if it has one."""
    markup = getattr(msg, "reply_markup", None)
    rows = markup.inline_keyboard if markup else ()
    presses = (decode(b.callback_data) for row in rows for b in row)
    return next((p for p in presses if p is not None and p.kind == kind), None)
