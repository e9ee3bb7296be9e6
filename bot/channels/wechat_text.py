"""WeChat room text → platform-neutral Command, and replies that quote the incident.

Pure functions (no wechaty import), so the grammar is tested without a puppet.
WeChat writes an @mention into the text as `@显示名` followed by U+2005; the
stable contact ids come separately (the message's mention list).
"""

from __future__ import annotations

from bot.commands import INCIDENT_NUMBER, parse_command
from bot.models import Command

MENTION_SPACE = "\u2005"


def command_from_message(
    *,
    text: str,
    talker_id: str,
    room_id: str,
    message_id: str,
    mentions: list[tuple[str, str]],
    self_id: str,
    self_name: str,
) -> Command | None:
    """The command typed in a room message, or None for ordinary chat.

    `mentions` holds (contact id, display name). A leading @bot is dropped
    (`@值守机器人 确认 YQ-…`); other mentions stay in the text, with spaces in
    display names closed up, so `指派 … @张三` keeps its argument.
    """
    text = (text or "").replace(MENTION_SPACE, " ").strip()
    mentioned_self = any(cid == self_id for cid, _ in mentions)
    if mentioned_self and self_name and text.startswith("@" + self_name):
        text = text[len(self_name) + 1 :].strip()
    for _cid, name in mentions:
        if name and " " in name:
            text = text.replace("@" + name, "@" + name.replace(" ", ""))
    parsed = parse_command(text)
    if parsed is None:
        return None
    name, args = parsed
    others = tuple(dict.fromkeys(cid for cid, _ in mentions if cid != self_id))
    return Command(
        platform="wechat",
        user_id=talker_id,
        chat_id=room_id,
        name=name,
        args=tuple(args),
        text=text,
        message_id=message_id,
        mentions=others,
    )


def quote_number(reply: str, args: tuple[str, ...]) -> str:
    """Make sure a reply about an incident names it: WeChat has no threads to show which."""
    number = next((a.upper() for a in args if INCIDENT_NUMBER.match(a)), "")
    if not number or number in reply.upper():
        return reply
    return f"【{number}】{reply}"
