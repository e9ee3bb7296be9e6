"""Event concepts: synonymous event words (拖欠 / 欠薪 / 讨薪) count as one fact when scored.

The table ships as package data (bot/data/event_concepts.txt, one concept a line) rather
than code, so an analyst can read and extend it. A scheme's event word belongs to the
concept listing it, else to the concept of the longest listed word it contains
(拖欠农民工工资 → 欠薪), else to a concept of its own.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from bot.analysis.normalize import normalize

TABLE = "event_concepts.txt"


@cache
def table() -> dict[str, str]:
    """Listed word (normalised) → the concept's name (the first word of its line)."""
    text = (resources.files("bot") / "data" / TABLE).read_text(encoding="utf-8")
    return parse(text)


def parse(text: str) -> dict[str, str]:
    """Lines of space-separated synonyms; '#' starts a comment. A word listed twice keeps its first line."""
    concepts: dict[str, str] = {}
    for line in text.splitlines():
        words = [normalize(w) for w in line.partition("#")[0].split()]
        words = [w for w in words if w]
        for word in words:
            concepts.setdefault(word, words[0])
    return concepts


@cache
def concept(word: str) -> str:
    """The concept an event word belongs to; the word itself when no concept lists it."""
    known = table()
    normal = normalize(word)
    if normal in known:
        return known[normal]
    inside = [w for w in known if len(w) >= 2 and w in normal]
    if not inside:
        return normal
    return known[max(inside, key=len)]
