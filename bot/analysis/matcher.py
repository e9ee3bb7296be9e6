"""Monitoring schemes (监测方案) → Matches, all schemes in one automaton.

Every configured word of every scheme (and its traditional/simplified
spellings) goes into one Aho-Corasick automaton over normalised text, so an
item is scanned once however many schemes there are. The automaton is
ahocorasick_rs (a DFA in Rust): the scan was the pipeline's largest single cost
with pyahocorasick, some twenty-five times slower on Chinese text with a
thousand schemes (bench/bench_pipeline.py prints both). Only the schemes whose
words were found are then evaluated: their boolean expression, or by default
(主体 | 领导) & 事件 & !排除 (地域 stands in for 主体 when a scheme has neither).

A scheme that would match is then checked closer: subject, leader, region and
event hits inside a longer word are dropped (bot.analysis.boundaries), and an
exclusion word counts only in its scope (`exclude_scope`: the title, or the
sentence of a subject/leader hit, or anywhere); the expression is evaluated
again on what is left.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ahocorasick_rs import AhoCorasick, MatchKind

from bot.analysis.boundaries import KINDS, Boundaries
from bot.analysis.concepts import synonyms
from bot.analysis.expression import (
    And,
    Group,
    Node,
    Not,
    Or,
    evaluate,
    necessary,
    necessary_together,
    parse,
    variables,
    words,
)
from bot.analysis.normalize import normalize, offsets, variants
from bot.analysis.short_names import aliases, brand
from bot.config import SchemeConfig
from bot.models import Hit, Item, Match

MAX_HITS_PER_SCHEME = 50
SENTENCE_END = re.compile(r"[。！？!?；;\n\r]")


@dataclass(frozen=True)
class CompiledScheme:
    name: str
    weight: float
    rule: Node
    exclude_scope: str = "sentence"
    anchors: frozenset[str] = frozenset({"subject", "leader"})  # hit groups whose sentence an exclusion governs
    prefilter: bool = True  # the rule can only lose by dropping hits: skip the close look if it fails first


# (scheme index, group, configured word, severity, boundary check)
Ref = tuple[int, str, str, int, bool]
# an occurrence in an item: field, start, end (normalised text), refs by scheme index
Occurrence = tuple[str, int, int, dict[int, tuple[Ref, ...]]]
# what the automaton knows of a form: schemes it anchors, refs by scheme index
Payload = tuple[tuple[int, ...], dict[int, tuple[Ref, ...]]]
RawHit = tuple[str, int, int, Ref]  # field, start, end (normalised text), one scheme's ref
ALIAS = "alias"  # the group of a subject's short names: the subject's ref, found under its short name
_ANCHOR_ORDER = {"subject": 0, "leader": 0, "region": 1, "event": 3, "exclude": 4}


def anchor(rule: Node) -> set[str]:
    """The variables that must be found before the scheme is worth evaluating: its most
    selective necessary one (subject before region before quoted word before event), with
    主体 | 领导 together preferred to an event word when one of the two is necessary, else all."""
    needed = necessary(rule)
    keys = set(variables(rule))
    if needed is None:
        return keys
    best = min(needed, key=lambda k: _ANCHOR_ORDER.get(k, 2)) if needed else None
    if best is None or _ANCHOR_ORDER.get(best, 2) > 1:
        for together in ({"subject", "leader"}, {"subject", "leader", "region"}):
            if (present := together & keys) and necessary_together(rule, present):
                return present
    return {best} if best else keys


def _key(group: str, word: str) -> str:
    return f"w:{word}" if group == "word" else group


def default_rule(scheme: SchemeConfig) -> Node:
    """(主体 | 领导) & 事件 & !排除, leaving out the groups the scheme does not configure."""
    parts: list[Node] = []
    who = [Group(g) for g, configured in (("subject", scheme.subjects), ("leader", scheme.leaders)) if configured]
    if who:
        parts.append(who[0] if len(who) == 1 else Or(tuple(who)))
    elif scheme.regions:
        parts.append(Group("region"))
    if scheme.events:
        parts.append(Group("event"))
    if scheme.exclude:
        parts.append(Not(Group("exclude")))
    return And(tuple(parts)) if len(parts) > 1 else (parts[0] if parts else And(()))


# who a passive's agent may be (被实名举报, 被网友投诉, 被多次举报): the event is the one configured
_AGENTS = str.split("实名 匿名 网友 群众 多次 多名 家长 村民 员工 职工 工人 业主 市民 居民 患者 学生 人")


def passive_forms(word: str) -> frozenset[str]:
    """Forms of a passive event word (被举报) with its agent said (被实名举报) or with 遭 (遭举报). Not the
    active 实名举报: an office's own 欢迎实名举报 would read as a report against it."""
    if not word.startswith("被") or len(word) < 3:
        return frozenset()
    rest = word[1:]
    forms = {f"遭{rest}", *(f"{lead}{agent}{rest}" for lead in "被遭" for agent in _AGENTS)}
    return frozenset(f for form in forms for f in variants(form))


# a report named as made (实名举报：…, 匿名举报称…) is an accusation, unless the clause invites reports
# (欢迎实名举报, 接受群众实名举报, 实名举报电话): an office's own notice
_ACCUSERS = ("实名", "匿名")
INVITING_SPAN = 24  # characters before the report word where an invitation may start (欢迎群众对…问题实名举报)
_INVITING = re.compile(r"(?:欢迎|鼓励|接受|受理|畅通|公布|设立|开通|拨打|通过|如有|可向|请)[^，。；！？,;!?\n]{0,20}$")
_CHANNEL = re.compile(r"^(?:电话|热线|信箱|邮箱|渠道|方式|平台|途径|奖励|制度|专线|窗口|受理)")


def active_forms(word: str) -> frozenset[str]:
    """The active forms of a passive report word naming its accuser (实名举报 for 被举报); see `invites`."""
    if not word.startswith("被") or len(word) < 3:
        return frozenset()
    return frozenset(f for accuser in _ACCUSERS for f in variants(f"{accuser}{word[1:]}"))


def invites(text: str, start: int, end: int) -> bool:
    """Does the clause around text[start:end] invite reports rather than make one (欢迎实名举报, 举报电话)?"""
    return bool(_INVITING.search(text[max(0, start - INVITING_SPAN) : start]) or _CHANNEL.match(text, end))


def synonym_forms(word: str, own: frozenset[str]) -> frozenset[str]:
    """What else a scheme's event word is found as: the words of its event concept (bot.analysis.concepts:
    溺水 → 溺亡, 淹死) and their passive forms, except words the scheme lists itself (`own`: its own
    severity for them stands) and words holding one of them (the scheme's word is found inside)."""
    forms: set[str] = set()
    for synonym in synonyms(word):
        if not any(form in synonym for form in own):  # 拖欠工资 for 拖欠: the word itself is found in it
            forms |= (variants(synonym) | passive_forms(synonym)) - own
    return frozenset(forms)


def short_forms(subject: str) -> frozenset[str]:
    """The short names of a scheme's subject (bot.analysis.short_names: 纸厂 for 芷汀纸业公司, 区医院 for
    浔阳区人民医院), found as ALIAS refs: they never satisfy a rule, but an item naming the subject only so
    (纸厂的人又去堵门了) asks whether it retells a story told under the full name (`Matcher.match`, `named_if`)."""
    return frozenset(form for alias in aliases(subject) for form in variants(alias))


def own_brands(schemes: Sequence[SchemeConfig]) -> dict[str, str]:
    """Subject → the brand it alone is called by (锟程 for 锟程汽车零部件公司, `short_names.brand`): not one that
    starts another subject, a leader or a region of the schemes (江城 of 江城建工集团 and 江城水务集团 is the city).
    A subject's own longer name is no other (曜联移动 and its branch 曜联移动杞川分公司 are both 曜联, round 101)."""
    subjects = {str(w) for scheme in schemes for w in scheme.words("subject")}
    names = subjects | {str(w) for scheme in schemes for group in ("leader", "region") for w in scheme.words(group)}
    found = {subject: brand(subject) for subject in subjects}

    def another(other: str, subject: str, head: str) -> bool:
        if other == subject or (other in subjects and (other.startswith(subject) or subject.startswith(other))):
            return False
        return other.startswith(head) or head.startswith(other)

    return {
        subject: head
        for subject, head in found.items()
        if head and not any(another(other, subject, head) for other in names)
    }


def scheme_words(scheme: SchemeConfig, rule: Node) -> Iterable[tuple[str, str, int, bool]]:
    """(word, group, severity, boundary check) for every word the scheme looks for."""
    for group in ("subject", "leader", "region"):
        yield from ((w, group, 0, w.exact) for w in scheme.words(group))
    yield from ((w, "event", scheme.events[w], w.exact) for w in scheme.words("event"))
    yield from ((w, "exclude", 0, False) for w in scheme.exclude)
    yield from ((w, "word", 0, False) for w in words(rule))


def _negated(node: Node, under_not: bool = False) -> set[str]:
    """Groups and words that appear under a negation."""
    if isinstance(node, Not):
        return _negated(node.operand, True)
    if isinstance(node, And | Or):
        return {k for n in node.operands for k in _negated(n, under_not)}
    if not under_not:
        return set()
    return {node.name} if isinstance(node, Group) else {f"w:{node.text}"}


def _anchor_groups(scheme: SchemeConfig) -> frozenset[str]:
    if scheme.subjects or scheme.leaders:
        return frozenset({"subject", "leader"})
    return frozenset({"region"}) if scheme.regions else frozenset()


class Matcher:
    def __init__(self, schemes: Sequence[SchemeConfig]) -> None:
        self.schemes: list[CompiledScheme] = []
        patterns: dict[str, dict[int, list[Ref]]] = {}
        anchors: dict[str, set[int]] = {}
        checked: set[str] = set()
        dictionary: set[str] = set()
        self._active: set[str] = set()  # active report forms (实名举报): not where the clause invites reports
        brands = own_brands(schemes)
        for index, scheme in enumerate(schemes):
            rule = parse(scheme.expression) if scheme.expression.strip() else default_rule(scheme)
            self.schemes.append(
                CompiledScheme(
                    scheme.name,
                    scheme.weight,
                    rule,
                    scheme.exclude_scope,
                    _anchor_groups(scheme),
                    _negated(rule) <= {"exclude"},
                )
            )
            dictionary.update(scheme.dictionary)
            triggers = anchor(rule)
            own = frozenset(form for word in scheme.words("event") for form in variants(word))
            for word, group, severity, exact in scheme_words(scheme, rule):
                forms = variants(word)
                if group == "event":
                    active = active_forms(word) - own
                    self._active.update(active)
                    forms |= passive_forms(word) | active | synonym_forms(word, own)
                if exact and group in KINDS:
                    checked.update(forms)
                found_as = [(forms, (index, group, str(word), severity, exact))]
                if group == "subject":
                    forms_short = short_forms(str(word)) | ({brands[str(word)]} if str(word) in brands else set())
                    found_as.append((frozenset(forms_short), (index, ALIAS, str(word), 0, False)))
                for group_forms, ref in found_as:
                    for form in group_forms:
                        refs = patterns.setdefault(form, {}).setdefault(index, [])
                        if ref not in refs:
                            refs.append(ref)
                        if _key(group, word) in triggers:
                            anchors.setdefault(form, set()).add(index)
        self.boundaries = Boundaries(sorted(checked), sorted(dictionary))
        self.forms: list[str] = list(patterns)  # the automaton's words, by pattern index
        self._payloads: list[Payload] = [
            (tuple(sorted(anchors.get(form, ()))), {i: tuple(r) for i, r in by_scheme.items()})
            for form, by_scheme in patterns.items()
        ]
        # form index → its groups in any scheme (words_in)
        self._groups_of = [
            frozenset(ref[1] for refs in refs_by.values() for ref in refs) for _a, refs_by in self._payloads
        ]
        # form index → the subjects it is a short name of (words_in reports those under ALIAS)
        self._named_by = [
            frozenset(ref[2] for refs in refs_by.values() for ref in refs if ref[1] == ALIAS)
            for _a, refs_by in self._payloads
        ]
        self.empty = not patterns
        self._automaton = None if self.empty else AhoCorasick(self.forms, matchkind=MatchKind.Standard)

    def scan(self, text: str) -> list[tuple[int, int, int]]:
        """(form index, start, end) of every configured form in a normalised text, overlapping
        ones included (王建国 and 建国 both), in order of their end."""
        if self._automaton is None:
            return []
        return self._automaton.find_matches_as_indexes(text, overlapping=True)

    def words_in(self, text: str) -> dict[str, frozenset[str]]:
        """The configured forms found in a normalised text, by group (subject, leader, region,
        event …), across all schemes and without the boundary check: a cheap look for the
        repost score (bot.analysis.story), which only needs to know which names a text carries.
        Under ALIAS: the subjects a short name in the text stands for (芷汀纸业 for 纸厂)."""
        if self.empty:
            return {}
        found: dict[str, set[str]] = {}
        forms, groups_of = self.forms, self._groups_of
        for index, _start, _end in self.scan(text):
            for group in groups_of[index]:
                found.setdefault(group, set()).update(self._named_by[index] if group == ALIAS else (forms[index],))
        return {group: frozenset(forms) for group, forms in found.items()}

    def prepare(self) -> None:
        """Load the segmentation dictionary for boundary checks now, not on the first match."""
        self.boundaries.prepare()

    def match(self, item: Item, named_if: Callable[[Item], object] | None = None) -> list[Match]:
        """Matches of every scheme, most severe first (then heaviest).

        `named_if` (a rebuttal or retelling test): when a scheme's subject or leader (region, for a
        scheme of places) stands in the item, or a subject's short name (纸厂 for 芷汀纸业), but no rule
        holds, and `named_if(item)` is true, those schemes match on the names alone. A denial restates
        the allegation in its own words (收受财物一事系编造 for 受贿) or none, yet names whom it clears:
        enough to find the story it answers (bot.placement). Asked only after the scan found a name,
        so unmatched items never pay."""
        if self.empty:
            return []
        found: list[Occurrence] = []
        candidates: set[int] = set()
        normal: dict[str, str] = {}
        for field_name, text in (("title", item.title), ("text", item.text)):
            if not text:
                continue
            normal[field_name] = normalize(text)
            for index, start, end in self.scan(normal[field_name]):
                anchored, refs_by = self._payloads[index]
                found.append((field_name, start, end, refs_by))
                candidates.update(anchored)
        if not candidates:
            return []
        view = _View(item, normal, self.boundaries)
        raws = {i: [(f, s, e, ref) for f, s, e, refs_by in found for ref in refs_by.get(i, ())] for i in candidates}
        out = [
            m
            for i, raw in raws.items()
            if (m := self._evaluate(i, [r for r in raw if r[3][1] != ALIAS], view)) is not None
        ]
        if not out and named_if is not None and named_if(item):
            out = [m for i, raw in raws.items() if (m := self._named(i, raw, view)) is not None]
        return sorted(out, key=lambda m: (-m.severity, -m.weight))

    def _named(self, index: int, raw: list[RawHit], view: _View) -> Match | None:
        scheme = self.schemes[index]
        # a short name stands for its subject here (纸厂 → 芷汀纸业): the hit is the subject's, spanning 纸厂
        raw = [(f, s, e, (r[0], "subject", *r[2:]) if r[1] == ALIAS else r) for f, s, e, r in raw]
        kept = [r for r in raw if r[3][1] != "exclude" and (not r[3][4] or view.stands(r))]
        hits = view.hits(kept)
        if not any(h.group in scheme.anchors for h in hits):
            return None
        severity = max((h.severity for h in hits if h.group == "event"), default=0)
        return Match(scheme.name, hits[:MAX_HITS_PER_SCHEME], severity, scheme.weight)

    def _inviting(self, raw: RawHit, view: _View) -> bool:
        """An active report form (实名举报) in a clause that invites reports: an office's notice, no accusation."""
        field_name, start, end, ref = raw
        if ref[1] != "event" or view.normal[field_name][start:end] not in self._active:
            return False
        where = view.where(field_name)
        return invites(view.text(field_name), where[start], where[end - 1] + 1)

    def _evaluate(self, index: int, raw: list[RawHit], view: _View) -> Match | None:
        scheme = self.schemes[index]
        possible = _present((ref[1], ref[2]) for *_, ref in raw if ref[1] != "exclude")
        if scheme.prefilter and not evaluate(scheme.rule, possible):
            return None  # even with every hit standing and no exclusion it fails: nothing to check
        kept = [r for r in raw if (not r[3][4] or view.stands(r)) and not self._inviting(r, view)]
        hits = view.hits(kept)
        hits = tuple(h for h in hits if h.group != "exclude" or view.governs(h, hits, scheme))
        if not evaluate(scheme.rule, _present((h.group, h.word) for h in hits)):
            return None
        severity = max((h.severity for h in hits if h.group == "event"), default=0)
        return Match(scheme.name, hits[:MAX_HITS_PER_SCHEME], severity, scheme.weight)


def _present(groups_words: Iterable[tuple[str, str]]) -> set[str]:
    """The keys `evaluate` looks up, from (group, word) pairs."""
    out = set()
    for group, word in groups_words:
        out.add(group)
        if group == "word":
            out.add(f"w:{word}")
    return out


@dataclass
class _View:
    """One item as the close look needs it, each part computed once and only when asked."""

    item: Item
    normal: dict[str, str]
    boundaries: Boundaries
    _where: dict[str, list[int]] = field(default_factory=dict)
    _stands: dict[tuple[str, int, int, str], bool] = field(default_factory=dict)
    _sentences: list[int] | None = None

    def text(self, field_name: str) -> str:
        return self.item.title if field_name == "title" else self.item.text

    def where(self, field_name: str) -> list[int]:
        if field_name not in self._where:
            self._where[field_name] = offsets(self.text(field_name))
        return self._where[field_name]

    def stands(self, occurrence: tuple[str, int, int, Ref]) -> bool:
        field_name, start, end, ref = occurrence
        key = (field_name, start, end, ref[1])
        if key not in self._stands:
            self._stands[key] = self.boundaries.stands(
                self.text(field_name), self.normal[field_name], self.where(field_name), start, end, ref[1]
            )
        return self._stands[key]

    def hits(self, raw: list[tuple[str, int, int, Ref]]) -> tuple[Hit, ...]:
        """Hits with spans in the original (un-normalised) field text, for highlighting."""
        hits = []
        for field_name, start, end, (_i, group, word, severity, _exact) in raw:
            pos = self.where(field_name)
            form = self.normal[field_name][start:end]
            said = "" if form in variants(word) else form
            hits.append(Hit(word, group, field_name, pos[start], pos[end - 1] + 1, severity, said))
        return tuple(h for h in hits if not any(_inside(h, other) for other in hits))

    def sentence(self, hit: Hit) -> int:
        """Index of the body sentence holding the hit (-1 for the title)."""
        if hit.field == "title":
            return -1
        if self._sentences is None:
            self._sentences = [m.start() for m in SENTENCE_END.finditer(self.item.text)]
        return bisect.bisect_left(self._sentences, hit.start)

    def _setting(self, exclusion: Hit) -> bool:
        """Does this exclusion hit say when the event happened (`_SETTING`)?"""
        return (
            _SETTING.match(self.item.title if exclusion.field == "title" else self.item.text, exclusion.end) is not None
        )

    def governs(self, exclusion: Hit, hits: Sequence[Hit], scheme: CompiledScheme) -> bool:
        """Does this exclusion hit suppress the scheme under its `exclude_scope`?"""
        if any(h.word == exclusion.word and self._setting(h) for h in hits if h.group == "exclude"):
            # 演练时发生真实爆炸: the drill is when it happened, the event is real; so is every other mention of
            # that drill (…演练随即中止, round 100)
            return False
        if scheme.exclude_scope == "anywhere" or exclusion.field == "title":
            return True
        if scheme.exclude_scope == "title":
            return False
        anchors = [h for h in hits if h.group in scheme.anchors] or [h for h in hits if h.group != "exclude"]
        where = self.sentence(exclusion)
        return any(self.sentence(h) == where for h in anchors)


# an exclusion word naming when something happened, not what the item is about (演练中突发火灾, 演练结束后
# 仓库突发爆炸)
_SETTING = re.compile(
    r"(?:时|中|期间|过程中)[,，]?(?:突然|意外|竟然|竟)?(?:发生|突发|出现|引发|造成|致)"
    r"|(?:结束后|刚结束|后不久)[,，\s]?[\u4e00-\u9fff]{0,4}?(?:突然|意外|竟然|竟)?(?:发生|突发|出现|引发|造成|致)"
)


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
