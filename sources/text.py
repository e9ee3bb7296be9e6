"""Plain text from scraped HTML fragments: tags dropped, entities decoded, spaces tidied."""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser as HTMLParser

_SPACES = re.compile(r"[ \t\r\f\v\u3000\xa0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_UNTIDY = re.compile(r"[\t\r\n\f\v\u3000\xa0]|  ")
_STRIPPABLE = re.compile(r"<(?:script|style|noscript|template)\b", re.I)
_BLOCK_END = re.compile(r"(<br\s*/?>|</(?:p|div|li|tr|h[1-6]|section|article|blockquote|pre|table)\s*>)", re.I)


def html_to_text(fragment: str) -> str:
    if not fragment:
        return ""
    if "<" not in fragment and "&" not in fragment:
        return tidy(fragment)
    tree = HTMLParser(_BLOCK_END.sub(r"\1\n", fragment))
    if _STRIPPABLE.search(fragment):
        for node in tree.css("script, style, noscript, template"):
            node.decompose()
    root = tree.body or tree.root
    text = root.text(separator="") if root is not None else ""
    return tidy(text)


def tidy(text: str) -> str:
    """Runs of spaces (full-width too) → one; lines trimmed; blank lines dropped."""
    if not _UNTIDY.search(text):
        return text.strip()
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n", text).strip()
