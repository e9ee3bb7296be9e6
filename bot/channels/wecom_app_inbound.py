"""企业微信智能机器人 callbacks → platform-neutral Commands: typed commands and card button presses.

In a group the robot hears only messages that @mention it; the mention comes first
in the text (`@值守机器人 确认 YQ-…`) and is dropped. A 引用 (quote) of an alert
stands for its number, so quoting the card and typing `确认` is enough; quoting the
办结 prompt and typing the result resolves that incident. Who speaks is the sender's
userid (`people[].wecom_userid`), never a display name. Every action goes through the
dispatcher, which decides who may do what and audits refusals.
A press must be answered within 5 s: the pressed card is redrawn at once; a reply
is posted only when the press changed nothing (a refusal, a finished incident).
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from bot.channels.base import CommandHandler, DeliveryError, NotLeader
from bot.channels.buttons import Press, decode
from bot.channels.wecom_app_ws import EVENT, MESSAGE, Frame
from bot.commands import CHINESE_NAMES, INCIDENT_NUMBER, parse_command
from bot.models import Command

if TYPE_CHECKING:
    from bot.channels.wecom_app import WecomAppChannel

log = logging.getLogger(__name__)

PLATFORM = "wecom_app"
PROMPT_MARK = "的处置结果"
NUMBER_IN_TEXT = re.compile(r"YQ-\d{8}-\d{4,}", re.I)
_WORDS = "|".join(sorted(CHINESE_NAMES, key=len, reverse=True))
GLUED = re.compile(rf"^({_WORDS})(?=YQ-)", re.I)  # `确认YQ-…`: the number typed without a space
_SPACES = str.maketrans({"\u2005": " ", "\u3000": " ", "\xa0": " "})


async def handle_frame(channel: WecomAppChannel, frame: Frame, on_command: CommandHandler) -> None:
    try:
        channel.check_gate()  # heard just as our term ended: the new leader hears it too
        if frame.get("cmd") == MESSAGE:
            await on_message(channel, frame, on_command)
        elif frame.get("cmd") == EVENT:
            await on_event(channel, frame, on_command)
    except NotLeader:
        log.info("企业微信 callback left to the new leader")
    except Exception:
        log.exception("企业微信 callback could not be handled")


# -- typed messages ---------------------------------------------------------------
async def on_message(channel: WecomAppChannel, frame: Frame, on_command: CommandHandler) -> None:
    body = frame.get("body") or {}
    chat = str(body.get("chatid", ""))
    if not channel.serves(chat) or body.get("msgtype") != "text":
        return  # private chats, unconfigured groups, pictures and voice: not commands
    cmd = command_from_body(body, chat)
    if cmd is None:
        return
    req_id = str((frame.get("headers") or {}).get("req_id", ""))
    async with channel.lane(chat):
        replies = await on_command(cmd)
        if not replies:
            return
        text = "\n\n".join(replies)
        try:
            await channel.respond(req_id, text)
        except DeliveryError as exc:  # down or refused: the outbox sends it later, @mentioning the sender
            await channel.reply_undelivered(cmd, text, (cmd.user_id,), exc)


def command_from_body(body: dict[str, Any], chat: str) -> Command | None:
    """The command in a text callback, or None for ordinary chat."""
    text = str((body.get("text") or {}).get("content", "")).translate(_SPACES).strip()
    text = _without_leading_mention(text)
    quoted = " ".join(_strings(body.get("quote")))
    quoted_numbers = list(dict.fromkeys(n.upper() for n in NUMBER_IN_TEXT.findall(quoted)))
    base: dict[str, Any] = {
        "platform": PLATFORM,
        "user_id": str((body.get("from") or {}).get("userid", "")),
        "chat_id": chat,
        "text": text,
        "message_id": str(body.get("msgid", "")),
        "reply_to": _quoted_id(body.get("quote")),
    }
    parsed = parse_command(GLUED.sub(r"\1 ", text))
    if parsed is None:
        if PROMPT_MARK in quoted and len(quoted_numbers) == 1 and text:  # the result, typed under the prompt
            return Command(name="resolve", args=(quoted_numbers[0], *text.split()), **base)
        return None
    name, args = parsed
    if len(quoted_numbers) == 1 and not (args and INCIDENT_NUMBER.match(args[0])):
        args = [quoted_numbers[0], *args]  # the quoted alert stands for the number
    return Command(name=name, args=tuple(args), **base)


def _without_leading_mention(text: str) -> str:
    """Drop the @robot that starts every group message the robot hears."""
    if text.startswith("@"):
        head, _, rest = text.partition(" ")
        return rest.strip() if head else text
    return text


def _strings(node: object) -> list[str]:
    """Every text inside a quote, whatever its message type (text, markdown, card)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def _quoted_id(quote: object) -> str:
    """The quoted message's id, when the service gives it: the card's task_id or a msgid."""
    if not isinstance(quote, dict):
        return ""
    for key in ("task_id", "msgid"):
        found = quote.get(key) or (quote.get("template_card") or {}).get(key)
        if isinstance(found, str) and found:
            return found
    return ""


# -- card button presses -----------------------------------------------------------
async def on_event(channel: WecomAppChannel, frame: Frame, on_command: CommandHandler) -> None:
    body = frame.get("body") or {}
    event = body.get("event") or {}
    if event.get("eventtype") == "disconnected_event":  # newer services: another connection took this robot over
        log.warning(
            "企业微信智能机器人的连接被另一处连接顶替：同一机器人同时只能有一个连接，请检查是否有其他实例在运行"
        )
        return
    if event.get("eventtype") != "template_card_event":
        return  # enter_chat, feedback: nothing to do
    card = event.get("template_card_event") or {}
    chat = str(body.get("chatid", ""))
    task_id = str(card.get("task_id", ""))
    press = decode(str(card.get("event_key", "")))
    if chat not in channel.chat_ids or press is None or not task_id:
        return
    req_id = str((frame.get("headers") or {}).get("req_id", ""))
    channel.note_press(chat, task_id, req_id)
    user = str((body.get("from") or {}).get("userid", ""))
    presser = Presser(channel, on_command, chat, task_id, user, str(body.get("msgid") or req_id))
    await getattr(presser, f"press_{press.kind}")(press)


class Presser:
    """One press on one card: run it through the dispatcher, then redraw that card."""

    def __init__(
        self, channel: WecomAppChannel, on_command: CommandHandler, chat: str, task_id: str, user: str, event_id: str
    ) -> None:
        self.channel = channel
        self.on_command = on_command
        self.chat = chat
        self.task_id = task_id
        self.user = user
        self.base: dict[str, Any] = {
            "platform": PLATFORM,
            "user_id": user,
            "chat_id": chat,
            "message_id": f"ev{event_id}",  # a press delivered twice is applied once
            "reply_to": task_id,
        }

    async def press_a(self, press: Press) -> None:
        await self._act(press.number, Command(name="ack", args=(press.number,), text="[按钮] 确认", **self.base))

    async def press_m(self, press: Press) -> None:
        """🔗 并入: the same command as typed /merge <this number> <the related number>."""
        cmd = Command(name="merge", args=(press.number, press.extra), text=f"[按钮] 并入 {press.extra}", **self.base)
        await self._act(press.number, cmd)

    async def press_s(self, press: Press) -> None:
        index = int(press.extra) if press.extra.isdigit() else -1
        person = next((p for p in self.channel.assignable if p.index == index), None)
        if person is None:
            await self._say(["该人员已不在名单中，请重新选择"])
            return
        args = (press.number, f"@{person.name}")
        await self._act(press.number, Command(name="assign", args=args, text=f"[按钮] 指派 {person.name}", **self.base))

    async def press_g(self, press: Press) -> None:
        if await self._refused(Command(name="assign", args=(press.number,), **self.base)):
            return
        incident = await self._incident(press.number)
        if incident is not None:
            menu = self.channel.people_menu(incident, self.task_id)
            await self.channel.redraw(self.chat, self.task_id, menu, (incident.version, "people"))

    async def press_x(self, press: Press) -> None:
        incident = await self._incident(press.number)
        if incident is not None:
            await self.channel.redraw_alert(self.chat, self.task_id, incident, force=True)

    async def press_r(self, press: Press) -> None:
        if await self._refused(Command(name="resolve", args=(press.number,), **self.base)):
            return
        prompt = (
            f"请 @机器人 并引用本消息，填写 {press.number} {PROMPT_MARK}（例如：已核实并澄清）；"
            f"也可直接输入：办结 {press.number} 处置结果"
        )
        await self._say([prompt])

    # -- helpers ------------------------------------------------------------------
    async def _act(self, number: str, cmd: Command) -> None:
        before = await self._incident(number)
        replies = await self.on_command(cmd)
        after = await self._incident(number)
        if after is not None:
            await self.channel.redraw_alert(self.chat, self.task_id, after)
        if before is None or after is None or after.version == before.version:
            await self._say(replies)  # nothing changed (refused, already done): say why

    async def _refused(self, cmd: Command) -> bool:
        if self.channel.check is None:
            return False
        refusal = await self.channel.check(cmd)
        if refusal:
            await self._say(refusal)
        return bool(refusal)

    async def _incident(self, number: str) -> Any:
        store = self.channel.store
        return await store.get_incident(number) if store is not None else None

    async def _say(self, replies: list[str]) -> None:
        if not replies:
            return
        try:
            await self.channel.send_text(self.chat, "\n".join(replies), (self.user,))
        except DeliveryError as exc:
            log.info("reply to a press in %s not sent: %s", self.chat, exc)
