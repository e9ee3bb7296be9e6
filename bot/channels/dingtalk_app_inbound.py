"""DingTalk stream callbacks → platform-neutral Commands: typed commands, card button presses, 办结 results.

A group message reaches the robot only when it @mentions the robot; DingTalk drops that mention
from the text. Who spoke is `senderStaffId` (the userid configured as `people[].dingtalk_id`),
never the nickname. A quote (引用) of an alert card arrives as `text.repliedMsg`: the incident
number found in the quoted card stands for the number, and a quote of the 办结 prompt makes the
typed text the result. Every action goes through the dispatcher, which decides who may do what;
the message id (msgId, or the card callback's id) becomes the action id, so a callback DingTalk
delivers twice is applied once.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any

from dingtalk_stream import AckMessage, CallbackHandler, CallbackMessage, CardCallbackMessage, ChatbotMessage

from bot.channels.base import CommandHandler, NotLeader
from bot.channels.buttons import Press
from bot.channels.dingtalk_app_cards import press_of
from bot.channels.wechat_text import GLUED, NUMBER_IN_TEXT
from bot.commands import INCIDENT_NUMBER, parse_command
from bot.models import Command

if TYPE_CHECKING:
    from bot.channels.dingtalk_app import DingtalkAppChannel

log = logging.getLogger(__name__)

PROMPT_MARK = "的处置结果"
PRESS_ANSWER = 2.0  # seconds a button press waits for its handling before the ack goes back anyway


def command_from_message(msg: ChatbotMessage, chat: str) -> Command | None:
    """The command in a group message, or the result typed while quoting a 办结 prompt."""
    text = " ".join((msg.text.content if msg.text else "").replace("\u2005", " ").replace("\u3000", " ").split())
    quoted = _quoted(msg)
    base: dict[str, Any] = {
        "platform": "dingtalk_app",
        "user_id": str(msg.sender_staff_id or ""),
        "chat_id": chat,
        "text": text,
        "message_id": str(msg.message_id or ""),
    }
    numbers = {n.upper() for n in NUMBER_IN_TEXT.findall(quoted)}
    parsed = parse_command(GLUED.sub(r"\1 ", text))
    if parsed is None:
        if PROMPT_MARK in quoted and len(numbers) == 1 and text:
            return Command(name="resolve", args=(*numbers, *text.split()), **base)
        return None
    name, args = parsed
    if len(numbers) == 1 and not (args and INCIDENT_NUMBER.match(args[0])):
        args = [*numbers, *args]  # the quoted alert stands for the number
    bot_ids = {msg.chatbot_user_id}
    mentions = tuple(
        dict.fromkeys(u.staff_id for u in msg.at_users or [] if u.staff_id and u.dingtalk_id not in bot_ids)
    )
    return Command(name=name, args=tuple(args), mentions=mentions, **base)


def _quoted(msg: ChatbotMessage) -> str:
    """The quoted message's content as text ("" when the message quotes nothing)."""
    extra = msg.text.extensions if msg.text else {}
    replied = extra.get("repliedMsg") if extra.get("isReplyMsg") else None
    if not replied:
        return ""
    return replied if isinstance(replied, str) else json.dumps(replied, ensure_ascii=False)


class BotMessages(CallbackHandler):
    """Topic /v1.0/im/bot/messages/get: a message in a group, @mentioning the robot."""

    def __init__(self, channel: DingtalkAppChannel, on_command: CommandHandler) -> None:
        super().__init__()
        self.channel = channel
        self.on_command = on_command
        self.logger = channel.sdk_log

    async def process(self, message: CallbackMessage) -> tuple[int, str]:
        msg = ChatbotMessage.from_dict(message.data)
        chat = str(msg.conversation_id or "")
        if msg.conversation_type == "2" and not self.channel.serves(chat, str(msg.conversation_title or "")):
            return AckMessage.STATUS_OK, "OK"
        if msg.conversation_type != "2" or msg.message_type != "text":
            return AckMessage.STATUS_OK, "OK"  # private chats, pictures, files: not commands
        cmd = command_from_message(msg, chat)
        if cmd is None:
            return AckMessage.STATUS_OK, "OK"
        lane = self.channel.lane(chat)
        async with lane:
            await self._run(cmd)
        return AckMessage.STATUS_OK, "OK"

    async def _run(self, cmd: Command) -> None:
        try:
            self.channel.check_gate()
        except NotLeader:  # raised on: no ack goes back, so DingTalk delivers the message again (to the leader)
            log.info("DingTalk message %s left to the new leader", cmd.message_id)
            raise
        replies = await self.on_command(cmd)
        if replies:
            await self.channel.reply(cmd, "\n\n".join(replies))


class CardPresses(CallbackHandler):
    """Topic /v1.0/card/instances/callback: someone pressed a button on one of our cards."""

    def __init__(self, channel: DingtalkAppChannel, on_command: CommandHandler) -> None:
        super().__init__()
        self.channel = channel
        self.on_command = on_command
        self.logger = channel.sdk_log
        self._working: set[asyncio.Task[None]] = set()

    async def process(self, message: CallbackMessage) -> tuple[int, dict[str, Any]]:
        card = CardCallbackMessage.from_dict(message.data)
        press = press_of(card.content if isinstance(card.content, dict) else {})
        chat = await self.channel.chat_of_card(card.card_instance_id)
        if press is None or chat is None or chat not in self.channel.chat_ids:
            return AckMessage.STATUS_OK, {}
        base: dict[str, Any] = {
            "platform": "dingtalk_app",
            "user_id": str(card.user_id),
            "chat_id": chat,
            "message_id": f"cb{message.headers.message_id}",
            "reply_to": card.card_instance_id,
        }
        self.channel.check_gate()  # a stepped-down leader leaves the press unacked: DingTalk sends it again
        work = asyncio.create_task(self._handle(press, base, card.card_instance_id))
        self._working.add(work)
        work.add_done_callback(self._working.discard)
        # The phone shows a spinner until the ack: answer within PRESS_ANSWER even if a send is slow.
        await asyncio.wait({work}, timeout=PRESS_ANSWER)
        return AckMessage.STATUS_OK, {}

    async def _handle(self, press: Press, base: dict[str, Any], card_id: str) -> None:
        try:
            await getattr(self, f"_press_{press.kind}")(press, base, card_id)
        except NotLeader:
            log.info("DingTalk button press left to the new leader")
        except Exception:
            log.exception("DingTalk button press %s could not be handled", base["message_id"])

    def cancel(self) -> None:
        for work in self._working:
            work.cancel()

    async def _press_a(self, press: Press, base: dict[str, Any], card_id: str) -> None:
        cmd = Command(name="ack", args=(press.number,), text="[按钮] 确认", **base)
        await self._answer(cmd, await self.on_command(cmd))

    async def _press_m(self, press: Press, base: dict[str, Any], card_id: str) -> None:
        """🔗 并入: the same command as typed /merge <this number> <the related number>."""
        cmd = Command(name="merge", args=(press.number, press.extra), text=f"[按钮] 并入 {press.extra}", **base)
        await self._answer(cmd, await self.on_command(cmd))

    async def _press_s(self, press: Press, base: dict[str, Any], card_id: str) -> None:
        people = self.channel.assignable
        index = int(press.extra) if press.extra.isdigit() else -1
        if not 0 <= index < len(people):
            await self.channel.reply(Command(name="assign", **base), "该人员已不在名单中，请重新选择")
            return
        name = people[index].name
        cmd = Command(name="assign", args=(press.number, f"@{name}"), text=f"[按钮] 指派 {name}", **base)
        await self._answer(cmd, await self.on_command(cmd))

    async def _press_g(self, press: Press, base: dict[str, Any], card_id: str) -> None:
        if await self._refused(Command(name="assign", args=(press.number,), **base)):
            return
        await self.channel.show_people(card_id, press.number)

    async def _press_x(self, press: Press, base: dict[str, Any], card_id: str) -> None:
        await self.channel.show_alert(card_id, press.number)

    async def _press_r(self, press: Press, base: dict[str, Any], card_id: str) -> None:
        cmd = Command(name="resolve", args=(press.number,), **base)
        if await self._refused(cmd):
            return
        prompt = f"请引用本消息回复 {press.number} {PROMPT_MARK}（例如：已核实并澄清），或发送「办结 {press.number} 处置结果」"
        await self.channel.reply(cmd, prompt)

    async def _refused(self, cmd: Command) -> bool:
        """Ask the dispatcher before showing a menu or prompt; say the refusal in the group."""
        if self.channel.check is None:
            return False
        refusal = await self.channel.check(cmd)
        if refusal:
            await self.channel.reply(cmd, "\n".join(refusal))
        return bool(refusal)

    async def _answer(self, cmd: Command, replies: list[str]) -> None:
        if replies:
            await self.channel.reply(cmd, "\n".join(replies))
