"""Command grammar: `/ack YQ-… 备注`, `/ack@MyBot …`, and the Chinese forms `确认 YQ-…`."""

from __future__ import annotations

import re

CHINESE_NAMES = {
    "确认": "ack",
    "指派": "assign",
    "办结": "resolve",
    "简报": "brief",
    "列表": "list",
    "状态": "status",
    "帮助": "help",
    "重开": "reopen",
    "合并": "merge",
    "备注": "note",
    "关注": "watch",
    "取消关注": "unwatch",
    "静默": "mute",
    "取消静默": "unmute",
    "屏蔽": "silence",
    "值班": "oncall",
    "换班": "swap",
    "顶班": "cover",
    "交接": "handover",
    "接班": "takeover",
}
MAX_COMMAND = 20_000
_NAME = re.compile(r"[a-z0-9_]{1,32}")
INCIDENT_NUMBER = re.compile(r"^YQ-\d{8}-\d{4,}$", re.I)


def parse_command(text: str, allow_chinese: bool = True) -> tuple[str, list[str]] | None:
    """Return (name, args) or None if the text is not a command at all. Past MAX_COMMAND characters
    a message is not read (handlers cap what they keep much lower: see handlers.base)."""
    text = (text or "")[:MAX_COMMAND].strip()
    if not text:
        return None
    head = text.split(maxsplit=1)[0]
    rest = text[len(head) :].strip()
    if head.startswith("/"):
        name = head[1:].split("@", 1)[0].lower()
        name = CHINESE_NAMES.get(name, name)  # /接班: a Chinese name after the slash is a command too
        if not _NAME.fullmatch(name):
            return None
        return name, rest.split()
    if allow_chinese and head in CHINESE_NAMES:
        return CHINESE_NAMES[head], rest.split()
    return None


def split_number(args: list[str]) -> tuple[str | None, list[str]]:
    """Take a leading incident number off the args, if present (case-insensitive)."""
    if args and INCIDENT_NUMBER.match(args[0]):
        return args[0].upper(), args[1:]
    return None, args
