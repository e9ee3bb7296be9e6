"""Event concepts: synonymous event words (拖欠 / 欠薪 / 讨薪) count as one fact when scored, and a
scheme's event word is also found under its synonyms (溺水 in a scheme finds 溺亡, 淹死).

The table ships as package data (bot/data/event_concepts.txt, one concept a line) rather
than code, so an analyst can read and extend it. A scheme's event word belongs to the
concept listing it, else to the concept of the longest listed word it contains
(拖欠农民工工资 → 欠薪), else to a concept of its own. A word written with a leading `~` is
counted with its concept but never looked for in place of another word: too loose on its own
(举报 would find an office's own 欢迎举报 notice for a scheme's 被举报). A word written with a leading `^`
is narrower than its concept: found for the concept's other words (受伤 finds 撞伤), never finding them in
its place (a scheme's 烫伤 is about burns, and finds no 受伤).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.analysis.normalize import normalize

TABLE = "event_concepts.txt"
LOOSE = "~"  # marks a word counted with its concept, never looked for in place of another
NARROW = "^"  # marks a word looked for in place of the concept's others, finding none of them in its place


@dataclass(frozen=True)
class Concepts:
    """The parsed table: each listed word's concept, and each concept's words that may stand in for another."""

    of: dict[str, str]  # listed word (normalised) → the concept's name (the first word of its line)
    findable: dict[str, tuple[str, ...]]  # concept name → its words that may stand in for another
    narrow: frozenset[str] = frozenset()  # words that stand in for another but find no other in their place


@cache
def _bundled() -> Concepts:
    return parse_table((resources.files("bot") / "data" / TABLE).read_text(encoding="utf-8"))


def table() -> dict[str, str]:
    """Listed word (normalised) → the concept's name (the first word of its line)."""
    return _bundled().of


def parse_table(text: str) -> Concepts:
    """Lines of space-separated synonyms; '#' starts a comment, `~` marks a word that stands in for no
    other, `^` one that finds no other in its place. A word listed twice keeps its first line."""
    of: dict[str, str] = {}
    findable: dict[str, tuple[str, ...]] = {}
    narrow: set[str] = set()
    for line in text.splitlines():
        words = line.partition("#")[0].split()
        marked = [(w.startswith(LOOSE), normalize(w.lstrip(LOOSE + NARROW))) for w in words]
        narrow.update(normalize(w[1:]) for w in words if w.startswith(NARROW))
        marked = [(loose, w) for loose, w in marked if w]
        if not marked:
            continue
        name = marked[0][1]
        for _loose, word in marked:
            of.setdefault(word, name)
        findable.setdefault(name, tuple(w for loose, w in marked if not loose and of[w] == name))
    return Concepts(of, findable, frozenset(narrow))


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


@cache
def synonyms(word: str) -> frozenset[str]:
    """The words a scheme's event word is also found under: the other findable words of the concept
    that lists it by itself (not one it merely contains: 拖欠农民工工资 is narrower than 欠薪)."""
    bundled = _bundled()
    normal = normalize(word)
    name = bundled.of.get(normal)
    if name is None or normal in bundled.narrow:
        return frozenset()
    return frozenset(bundled.findable.get(name, ())) - {normal}
