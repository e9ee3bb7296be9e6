"""Monitoring schemes (监测方案) → Matches, all schemes in one automaton.

Every configured word of every scheme (and its traditional/simplified
spellings) goes into one Aho-Corasick automaton over normalised text, so an
item is scanned once however many schemes there are. Only the schemes whose
words were found are then evaluated: their boolean expression, or by default
主体 & 事件 & !排除 (地域 stands in for 主体 when a scheme has no subjects).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ahocorasick

from bot.analysis.expression import And, Group, Node, Not, evaluate, necessary, parse, variables, words
from bot.analysis.normalize import normalize, offsets, variants
from bot.config import SchemeConfig
from bot.models import Hit, Item, Match

MAX_HITS_PER_SCHEME = 50


@dataclass(frozen=True)
class CompiledScheme:
    name: str
    weight: float
    rule: Node


# (scheme index, group, configured word, severity)
Ref = tuple[int, str, str, int]
# an occurrence in an item: field, start, end (normalised text), refs by scheme index
Occurrence = tuple[str, int, int, dict[int, tuple[Ref, ...]]]
_ANCHOR_ORDER = {"subject": 0, "region": 1, "event": 3, "exclude": 4}


def anchor(rule: Node) -> set[str]:
    """The variables that must be found before the scheme is worth evaluating: its most
    selective necessary one (subject before region before quoted word before event), else all."""
    needed = necessary(rule)
    if not needed:
        return set(variables(rule))
    return {min(needed, key=lambda k: _ANCHOR_ORDER.get(k, 2))}


def _key(group: str, word: str) -> str:
    return f"w:{word}" if group == "word" else group


def default_rule(scheme: SchemeConfig) -> Node:
    """主体 & 事件 & !排除, leaving out the groups the scheme does not configure."""
    parts: list[Node] = []
    if scheme.subjects:
        parts.append(Group("subject"))
    elif scheme.regions:
        parts.append(Group("region"))
    if scheme.events:
        parts.append(Group("event"))
    if scheme.exclude:
        parts.append(Not(Group("exclude")))
    return And(tuple(parts)) if len(parts) > 1 else (parts[0] if parts else And(()))


def scheme_words(scheme: SchemeConfig, rule: Node) -> Iterable[tuple[str, str, int]]:
    """(word, group, severity) for every word the scheme looks for."""
    yield from ((w, "subject", 0) for w in scheme.subjects)
    yield from ((w, "region", 0) for w in scheme.regions)
    yield from ((w, "event", sev) for w, sev in scheme.events.items())
    yield from ((w, "exclude", 0) for w in scheme.exclude)
    yield from ((w, "word", 0) for w in words(rule))


class Matcher:
    def __init__(self, schemes: Sequence[SchemeConfig]) -> None:
        self.schemes: list[CompiledScheme] = []
        patterns: dict[str, dict[int, list[Ref]]] = {}
        anchors: dict[str, set[int]] = {}
        for index, scheme in enumerate(schemes):
            rule = parse(scheme.expression) if scheme.expression.strip() else default_rule(scheme)
            self.schemes.append(CompiledScheme(scheme.name, scheme.weight, rule))
            triggers = anchor(rule)
            for word, group, severity in scheme_words(scheme, rule):
                for form in variants(word):
                    refs = patterns.setdefault(form, {}).setdefault(index, [])
                    if (ref := (index, group, word, severity)) not in refs:
                        refs.append(ref)
                    if _key(group, word) in triggers:
                        anchors.setdefault(form, set()).add(index)
        self.automaton = ahocorasick.Automaton()
        for form, by_scheme in patterns.items():
            refs_by = {i: tuple(r) for i, r in by_scheme.items()}
            self.automaton.add_word(form, (len(form), tuple(sorted(anchors.get(form, ()))), refs_by))
        self.empty = not patterns
        if not self.empty:
            self.automaton.make_automaton()

    def match(self, item: Item) -> list[Match]:
        """Matches of every scheme, most severe first (then heaviest)."""
        if self.empty:
            return []
        found: list[Occurrence] = []
        candidates: set[int] = set()
        for field_name, text in (("title", item.title), ("text", item.text)):
            if not text:
                continue
            for end, (length, anchored, refs_by) in self.automaton.iter(normalize(text)):
                found.append((field_name, end - length + 1, end + 1, refs_by))
                candidates.update(anchored)
        if not candidates:
            return []
        out = []
        for index in candidates:
            raw = [(f, s, e, ref) for f, s, e, refs_by in found for ref in refs_by.get(index, ())]
            if (m := self._evaluate(index, raw, item)) is not None:
                out.append(m)
        return sorted(out, key=lambda m: (-m.severity, -m.weight))

    def _evaluate(self, index: int, raw: list[tuple[str, int, int, Ref]], item: Item) -> Match | None:
        scheme = self.schemes[index]
        present = {ref[1] for _f, _s, _e, ref in raw}
        present |= {f"w:{ref[2]}" for _f, _s, _e, ref in raw if ref[1] == "word"}
        if not evaluate(scheme.rule, present):
            return None
        hits = _hits(raw[:MAX_HITS_PER_SCHEME], item)
        severity = max((h.severity for h in hits if h.group == "event"), default=0)
        return Match(scheme.name, hits, severity, scheme.weight)


def _hits(raw: list[tuple[str, int, int, Ref]], item: Item) -> tuple[Hit, ...]:
    """Hits with spans in the original (un-normalised) field text, for highlighting."""
    where = {name: offsets(text) for name, text in (("title", item.title), ("text", item.text))}
    hits = []
    for field_name, start, end, (_i, group, word, severity) in raw:
        pos = where[field_name]
        hits.append(Hit(word, group, field_name, pos[start], pos[end - 1] + 1, severity))
    return tuple(h for h in hits if not any(_inside(h, other) for other in hits))


def _inside(hit: Hit, other: Hit) -> bool:
    """市国资委 found inside 江城市国资委 (same field and group) is not a hit of its own."""
    return (
        other is not hit
        and other.field == hit.field
        and other.group == hit.group
        and other.start <= hit.start
        and hit.end <= other.end
        and other.end - other.start > hit.end - hit.start
    )
