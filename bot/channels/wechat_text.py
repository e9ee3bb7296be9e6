"""WeChat room text → platform-neutral Command; replies that quote the incident; long texts in parts.

Pure functions (no wechaty import), so the grammar is tested without a puppet.
WeChat writes an @mention into the text as `@显示名` followed by U+2005; the
stable contact ids come separately (the message's mention list). Phones type
full-width spaces (U+3000) and often no space at all (`确认YQ-…`). A 引用
(quote) reply arrives as `「昵称：被引用的文字」`, a dashed line, then the new text:
quoting an alert and typing `确认` acts on the quoted incident. WeChat
truncates or refuses a long text, so one goes out as numbered parts cut at
line ends (`numbered_parts`).
"""

from __future__ import annotations

import re

from bot.commands import CHINESE_NAMES, INCIDENT_NUMBER, parse_command
from bot.models import Command

MENTION_SPACE = "\u2005"
QUOTE = re.compile(r"^「(?P<quoted>.*)」[ \t]*\n-(?: ?-){2,}[ \t]*\n(?P<text>.*)$", re.S)
NUMBER_IN_TEXT = re.compile(r"YQ-\d{8}-\d{4,}", re.I)
LINE = re.compile(r"[^\n]*\n|[^\n]+")  # each line with its newline; the last may have none
_WORDS = "|".join(sorted(CHINESE_NAMES, key=len, reverse=True))
GLUED = re.compile(rf"^({_WORDS})(?=YQ-)", re.I)  # `确认YQ-…`: the number typed without a space


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
    text, quoted = split_quote((text or "").replace(MENTION_SPACE, " ").replace("\u3000", " ").strip())
    text = _without_bot_mention(text, mentions, self_id, self_name)
    parsed = parse_command(GLUED.sub(r"\1 ", text))
    if parsed is None:
        return None
    name, args = parsed
    quoted_numbers = {n.upper() for n in NUMBER_IN_TEXT.findall(quoted)}
    if len(quoted_numbers) == 1 and not (args and INCIDENT_NUMBER.match(args[0])):
        args = [*quoted_numbers, *args]  # the quoted alert stands for the number
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


def _without_bot_mention(text: str, mentions: list[tuple[str, str]], self_id: str, self_name: str) -> str:
    """Drop a leading @bot; close up spaces inside other mentioned display names."""
    if self_name and text.startswith("@" + self_name) and any(cid == self_id for cid, _ in mentions):
        text = text[len(self_name) + 1 :].strip()
    for _cid, name in mentions:
        if name and " " in name:
            text = text.replace("@" + name, "@" + name.replace(" ", ""))
    return text


def split_quote(text: str) -> tuple[str, str]:
    """(new text, quoted text) of a 引用 reply; (text, "") for a plain message."""
    match = QUOTE.match(text)
    return (match["text"].strip(), match["quoted"]) if match else (text, "")


def quote_number(reply: str, args: tuple[str, ...]) -> str:
    """Make sure a reply about an incident names it: WeChat has no threads to show which."""
    number = next((a.upper() for a in args if INCIDENT_NUMBER.match(a)), "")
    if not number or number in reply.upper():
        return reply
    return f"【{number}】{reply}"


def numbered_parts(text: str, limit: int, prefix: str = "") -> list[str]:
    """The messages that carry `text`, each at most `limit` characters.

    `prefix` (the @mentions) goes on the first only. When the text needs more
    than one message, each ends with a line `（i/n）`, so readers know more
    follows; the newline a cut falls on becomes that line's break.
    """
    if len(prefix) + len(text) <= limit:
        return [prefix + text]
    digits = 1
    while True:  # the marker's width depends on how many parts there are
        mark = len(f"\n（{'9' * digits}/{'9' * digits}）")
        pieces = split_text(text, max(limit - len(prefix) - mark, limit // 2))
        if len(str(len(pieces))) <= digits:
            break
        digits = len(str(len(pieces)))
    n = len(pieces)
    return [f"{prefix if i == 1 else ''}{p.removesuffix(chr(10))}\n（{i}/{n}）" for i, p in enumerate(pieces, 1)]


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of `text` that rejoin to it exactly, each within `limit` characters (a trailing newline free).

    Cuts fall after a newline; only a line longer than `limit` on its own is cut inside.
    """
    pieces: list[str] = []
    current = ""
    for line in LINE.findall(text):
        if _width(current + line) <= limit:
            current += line
            continue
        if current:
            pieces.append(current)
        while _width(line) > limit:
            pieces.append(line[:limit])
            line = line[limit:]
        current = line
    if current or not pieces:
        pieces.append(current)
    return pieces


def _width(piece: str) -> int:
    """Characters a piece takes in its message: its last newline becomes the part marker's line break."""
    return len(piece.removesuffix("\n"))
