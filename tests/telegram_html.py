"""A strict reader of Telegram's HTML parse mode, as the Bot API applies it.

The fake Bot API server refuses what this refuses ("can't parse entities"),
so a rendering bug fails a test the way it would fail in production.
"""

from __future__ import annotations

import re

ALLOWED_TAGS = {
    "b": set(),
    "strong": set(),
    "i": set(),
    "em": set(),
    "u": set(),
    "ins": set(),
    "s": set(),
    "strike": set(),
    "del": set(),
    "tg-spoiler": set(),
    "span": {"class"},
    "a": {"href"},
    "code": {"class"},
    "pre": set(),
    "blockquote": {"expandable"},
    "tg-emoji": {"emoji-id"},
}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9\-]*)((?:\s+[a-zA-Z\-]+(?:=\"[^\"<]*\"|='[^'<]*')?)*)\s*>")
_ATTR = re.compile(r"([a-zA-Z\-]+)(?:=\"([^\"]*)\"|='([^']*)')?")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class HtmlError(ValueError):
    """The text would be refused by Telegram with "can't parse entities"."""


def _entity(m: re.Match[str]) -> str:
    name = m.group(1)
    if name in _NAMED:
        return _NAMED[name]
    code = int(name[2:], 16) if name.startswith("#x") else int(name[1:])
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise HtmlError(f"bad character reference {m.group(0)}")
    return chr(code)


def _tag(m: re.Match[str], stack: list[str]) -> None:
    closing, name, attrs = m.group(1), m.group(2).lower(), m.group(3)
    if name not in ALLOWED_TAGS:
        raise HtmlError(f'Unsupported start tag "{name}" at byte offset {m.start()}')
    if closing:
        if not stack or stack[-1] != name:
            raise HtmlError(f'Unmatched end tag at byte offset {m.start()}, expected "</{stack[-1] if stack else ""}>"')
        stack.pop()
        return
    for attr in _ATTR.finditer(attrs):
        if attr.group(1).lower() not in ALLOWED_TAGS[name]:
            raise HtmlError(f"unsupported attribute {attr.group(1)} of <{name}>")
    stack.append(name)


def html_to_text(html: str) -> str:
    """The visible text of an HTML message; raise HtmlError where Telegram would refuse it."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(html):
        ch = html[i]
        if ch == "<":
            m = _TAG.match(html, i)
            if m is None:
                raise HtmlError(f"Unexpected character '<' at byte offset {i}")
            _tag(m, stack)
            i = m.end()
        elif ch == "&":
            m = _ENTITY.match(html, i)
            if m is None:
                raise HtmlError(f"Unexpected character '&' at byte offset {i}")
            out.append(_entity(m))
            i = m.end()
        else:
            out.append(ch)
            i += 1
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2
