"""Placing a judged item: it joins the open incident of its story, answers it, or starts one.

This stage lives beside the incidents, not in bot/analysis: it reads and writes
incidents, while judging an item (bot.analysis) needs neither. The decision is made
in ONE place (`settle`) over a `Ledger`: the live pipeline's ledger is the store
(`StoreLedger`, through IncidentService), replay's is in memory (bot.replay), so both
give the same incidents, tiers, upgrades and 进展.

- A repost storm of one story becomes one incident whose spread (items, sources,
  first and last seen) grows; N similar items within the spread window raise its tier
  once per window (at most I), announced as an upgrade.
- A repost stating a graver toll upgrades the incident at once, the figure in the
  reason (死亡人数 3 → 12 人（重大）).
- A rebuttal / clarification (辟谣, 系谣言, 否认 …) joins the open incident of the story
  it answers (same scheme, a shared subject or leader word, within merge_window, or a
  near-duplicate) as 进展: recorded and shown, never alerted, never raising the tier.
  With no such incident it is recorded below the push threshold (its judgement says so).
"""

from __future__ import annotations

import re
from collections.abc import Coroutine, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol, TypeVar

from bot.analysis.boundaries import proper_name
from bot.analysis.concepts import concept
from bot.analysis.facts import DEATHS, INJURED, LABELS, LOSS, MISSING, RUMOUR, format_value, stated_tolls
from bot.analysis.headline import headline_joins
from bot.analysis.judge import Judge
from bot.analysis.judgement import Judgement
from bot.analysis.matcher import short_forms
from bot.analysis.normalize import variants
from bot.analysis.short_names import abbreviates
from bot.analysis.similarity import routes
from bot.analysis.stance import TOLL_CONCEPTS, hearsay_tolls
from bot.analysis.story import (
    QUERY_CHARS,
    TITLE_END,
    again_told,
    bigrams,
    canonical,
    counts_another,
    only_things,
    places_apart,
    site_relation,
    specific_run,
    tells_another,
    tells_progress,
)
from bot.analysis.story import events as story_events
from bot.incidents import IncidentService
from bot.models import Action, Incident, Item, Match, Status, Tier
from bot.store.base import Store

SIGNATURE_META = "simsig:"
SYNC_OVERLAP = timedelta(minutes=1)  # clock skew between processes
# a named place of everyday words (桃源小区, 光明学校, 桂花苑) names a story as a proper name does
FACILITY = re.compile(
    r"[\u4e00-\u9fff]{2,}(?:小区|花园|家园|新村|苑|公寓|大厦|学校|中学|小学|幼儿园|医院|卫生院|养老院|市场|车棚)"
)
# a district, county or city (榧溪区, 青禾县): every story there names it, so it names none of them
AREA = re.compile(r"[\u4e00-\u9fff]{2}(?<![小社景校厂矿园街])[省市区县旗]")
# a subject's own unit (岱衡隧道工程局项目部): every story of the subject may name it, so it names none of them
OWN_UNIT = re.compile(r"(?:项目部|项目经理部|指挥部|办公室|营业部|分公司|子公司|总部)")
# a rebuttal naming another subject of the scheme answers a story when it repeats this share of
# the story's headline (its two-character runs)
ANSWER_OVERLAP = 0.4
LEAD_PROGRESS = 60  # characters of title and lead where a progress report says so
T = TypeVar("T")


class Ledger(Protocol):
    """Where incidents live while placing: the store (live) or memory (replay)."""

    async def get(self, number: str) -> Incident | None: ...
    async def recent(self, since: datetime, scheme: str | None = None) -> Sequence[Incident]: ...
    async def create(self, item: Item, judgement: Judgement, now: datetime, related: str = "") -> Incident: ...
    async def add_spread(self, number: str, item: Item, now: datetime) -> Incident: ...
    async def add_progress(self, number: str, item: Item, marker: str, now: datetime) -> Incident: ...
    async def upgrade(self, number: str, tier: Tier, reason: str, now: datetime) -> Incident: ...
    async def actions(self, number: str) -> Sequence[Action]: ...


@dataclass(frozen=True)
class Placement:
    incident: Incident
    merged: bool = False  # joined an existing incident (as spread, or as 进展 when `progress`)
    upgraded: bool = False
    progress: bool = False  # recorded as 进展 of an existing incident (a rebuttal or a settlement)
    signature: list[int] | None = None  # of a new incident's first item, for other processes


async def settle(item: Item, judgement: Judgement, judge: Judge, ledger: Ledger, now: datetime) -> Placement:
    """The placement decision, shared by the live pipeline and replay."""
    if judgement.stance:
        answered = await _answered(item, judgement, judge, ledger, now)
        if answered is not None:
            updated = await ledger.add_progress(answered.number, item, judgement.stance, now)
            return Placement(updated, merged=True, progress=True)
    number, maybe = judge.story_of(item)
    incident = await _current(ledger, number)
    if (incident is None or not _accepts(incident, now, judge)) and not judgement.stance:
        recent: Sequence[Incident] = []  # of the item's scheme; the rules below need a name to look
        headlines: Sequence[Incident] = []  # a short headline meets every scheme's (`_headline`)
        short = is_headline(item, judge)
        if _names(judgement.match):
            since = now - judge.analysis.merge_window
            if short:  # few: hot-list entries and titles alone
                headlines = await ledger.recent(since)
                recent = [i for i in headlines if i.scheme == judgement.match.scheme]
            else:
                recent = headlines = await ledger.recent(since, judgement.match.scheme)
        incident = (
            _follow_up(item, judgement, judge, recent, now)
            or _headline(item, judgement, judge, headlines, now, short)
            or _progress_of(item, judgement, judge, recent, now)
            or _rumoured_toll(item, judgement, judge, recent, now)
        )
    if incident is not None and _other_route(item, judge, incident):
        maybe, incident = incident.number, None  # 27路 is not the 12路 bus of that story: maybe, for a person
    if incident is None or not _accepts(incident, now, judge) or judgement.stance:
        related = await _current(ledger, maybe)
        hint = related.number if related is not None and _accepts(related, now, judge) else ""
        created = await ledger.create(item, judgement, now, related=hint)
        return Placement(created, signature=judge.remember(item, created.number))
    judge.remember(item, incident.number)
    updated = await ledger.add_spread(incident.number, item, now)
    upgraded = False
    if judgement.tier < updated.tier and not _nothing_graver(updated, judgement):
        # the repost itself is graver (e.g. casualties now reported)
        reason = toll_reason(updated.reason, judgement)
        updated = await ledger.upgrade(updated.number, judgement.tier, reason, now)
        upgraded = True
    decision = judge.spread_upgrade(updated, await ledger.actions(updated.number), now)
    if decision is not None:
        updated = await ledger.upgrade(updated.number, decision[0], decision[1], now)
        upgraded = True
    return Placement(updated, merged=True, upgraded=upgraded)


MERGE_HOPS = 5  # /merge chains followed (a duplicate merged into one later merged itself)


async def _current(ledger: Ledger, number: str | None) -> Incident | None:
    """The incident `number` names, or the one it was merged into (/merge): its reposts go there."""
    incident = await ledger.get(number) if number else None
    for _hop in range(MERGE_HOPS):
        if incident is None or not incident.merged_into:
            break
        incident = await ledger.get(incident.merged_into)
    return incident


def _nothing_graver(incident: Incident, judgement: Judgement) -> bool:
    """A repost that brings nothing graver than its story already holds: no confirmed figure, no
    new leader and no kind of event the story lacks, as grave as its gravest. Its own higher grade then rests on the way it
    tells the story (a forum post's angrier tone, 这么大的火灾) or on event words that the story's
    figures replaced (受伤 8 人 → IV, not 泄漏 → II; a rumoured 三十多人遇难): neither is news."""
    told = incident.match  # None: a record from before matches were kept
    known_leaders = set(told.words("leader")) if told is not None else set()
    if judgement.facts.band is not None or set(judgement.match.words("leader")) - known_leaders:
        return False
    if stated_tolls(incident.reason):
        return True
    # a kind of event lighter than the story's gravest (停运 told, 延误 added) is a detail of it
    ours = {
        concept(hit.word)
        for hit in judgement.match.hits
        if hit.group == "event"
        and hit.word not in judgement.negated
        and (told is None or hit.severity >= told.severity)
    }
    return told is not None and not ours - {concept(w) for w in told.words("event")}


def toll_reason(before: str, judgement: Judgement) -> str:
    """The upgrade reason: what rose (死亡人数 3 → 12 人（重大）), then the item's own reason."""
    old = stated_tolls(before)
    changes = []
    band = judgement.facts.band
    for kind in (DEATHS, MISSING, INJURED, LOSS):
        new = judgement.facts.value(kind)
        if new > old.get(kind, 0):
            was = format_value(kind, old[kind]) if kind in old else "—"
            if kind != LOSS:
                was = was.removesuffix(" 人")
            changes.append(f"{LABELS[kind]}{'' if kind == LOSS else '人数'} {was} → {format_value(kind, new)}")
    if not changes or band is None:
        return judgement.reason
    return f"{'、'.join(changes)}（{band.label}）；{judgement.reason}"


async def _answered(item: Item, judgement: Judgement, judge: Judge, ledger: Ledger, now: datetime) -> Incident | None:
    """The open incident a rebuttal answers: a near-duplicate's, else, of the recent ones naming
    the same subject or leader (or, for a story told by place only, the same region), the one
    whose story it repeats: shared event words and leaders, headline text, a rumour (网传, a
    question), then the latest."""
    found = await _current(ledger, judge.similar(item))
    if found is not None and _accepts(found, now, judge):
        return found
    names = _names(judgement.match)
    head = _head(item)
    events = set(judgement.match.words("event")) | story_events(head)
    best: tuple[tuple[float, float], Incident] | None = None
    for incident in await ledger.recent(now - judge.analysis.merge_window):
        if not _accepts(incident, now, judge) or incident.match is None:
            continue
        theirs = _names(incident.match)
        title = canonical(incident.title)
        shared_events = events & (set(incident.match.words("event")) | story_events(title))
        grams = bigrams(title)
        overlap = len(grams & bigrams(head)) / len(grams) if grams else 0.0
        named = _same_names(names, theirs, _people(judgement.match, incident.match)) or (
            not _who(incident.match) and set(judgement.match.words("region")) & theirs
        )
        # the regulator answering for the company it oversees names another subject of the scheme:
        # the story's own words tell (网传偷排污水污染河道不实 for 网传水务集团偷排污水造成河道污染)
        retold = incident.scheme == judgement.match.scheme and shared_events and overlap >= ANSWER_OVERLAP
        if not (named or retold):
            continue
        rumour = 0.5 if RUMOUR.search(incident.title) or incident.title.rstrip().endswith(("？", "?")) else 0.0
        # a leader named on both sides points at that person's story, not the company's others
        leaders = len(set(judgement.match.words("leader")) & set(incident.match.words("leader")))
        rank = (
            len(shared_events) + leaders + overlap + rumour,
            (incident.last_seen_at or incident.discovered_at).timestamp(),
        )
        if best is None or rank > best[0]:
            best = (rank, incident)
    return best[1] if best else None


def _follow_up(
    item: Item, judgement: Judgement, judge: Judge, recent: Sequence[Incident], now: datetime
) -> Incident | None:
    """An open incident of the same scheme this item reports on again in other words (a follow-up
    with a new toll, 受伤人数增至23人; a summary or a forum retelling): it names the same subject,
    leader or region (the scheme's short form of a name inside its full one counts, see
    `_same_names`) and the same kind of event, and both headlines carry a proper name of the story's own beyond
    the scheme's words (鸿运鞋厂, 桂园小区, 沿江路, 拒载: a word jieba hardly knows). Two stories
    about one subject on one day share the subject and everyday words (公交车, 化工厂), not such a
    name; the similarity index (bot.analysis.story) has already looked at the wording."""
    names = _names(judgement.match)
    title = canonical(item.title)
    events = set(judgement.match.words("event")) - judgement.negated | story_events(title)
    if not names or not events or tells_another(item.title) or again_told(title, events):  # 金桥物流园另一座仓库起火
        return None
    scheme = judgement.match.scheme
    # the scheme's leaders, hit or not: a leader's namesake in both headlines (市民甄佩璋, 甄佩璋实业) names no story
    listed = judge.leaders_of.get(scheme, frozenset())
    best: tuple[tuple[int, float], Incident] | None = None
    for incident in recent:  # the recent incidents of the item's scheme
        if incident.scheme != scheme or incident.match is None or not _accepts(incident, now, judge):
            continue
        if not _same_names(names, _names(incident.match), _people(judgement.match, incident.match)):
            continue
        if not events & (set(incident.match.words("event")) | story_events(canonical(incident.title))):
            continue
        words = set(judgement.match.words()) | set(incident.match.words()) | listed
        subjects = {*judgement.match.words("subject"), *incident.match.words("subject")}
        run = specific_run(incident.title, title, _scheme_forms(words, subjects))
        if run and _kept_apart(item, judge, incident):  # 三号矿坑 is not 二号矿坑, 东沟林班 not 北沟林班
            continue
        # a district names the story only beside the person it is about (栌川县 … 副县长邝庭舟)
        area = AREA.fullmatch(run) and not set(judgement.match.words("leader")) & set(incident.match.words("leader"))
        named = run and not (area or only_things(run) or OWN_UNIT.fullmatch(run))
        if not (named and (proper_name(run) or FACILITY.search(run))):
            continue
        rank = (len(run), (incident.last_seen_at or incident.discovered_at).timestamp())
        if best is None or rank > best[0]:
            best = (rank, incident)
    return best[1] if best else None


def _scheme_forms(words: Iterable[str], subjects: Iterable[str]) -> frozenset[str]:
    """The forms the schemes' words are found as: their spellings, and the short names of the subjects among them
    (枧田中学 for 栝川市枧田中学, round 108), which every story of the subject may say in its headline: no story's
    own name. Event words have no short names (短名 of 拖欠工资 would be 工资)."""
    return frozenset(f for word in words for f in variants(word)) | {f for s in subjects for f in short_forms(s)}


def _kept_apart(item: Item, judge: Judge, incident: Incident) -> bool:
    """The story rules or the sites tell an item from an incident's reports, whatever names and kind they share."""
    if judge.told_apart(item, incident.number):
        return True
    return site_relation(canonical(f"{item.title}{TITLE_END}{item.text}", with_clauses=True), _told(incident, judge))[1]


def _told(incident: Incident, judge: Judge) -> str:
    """An incident's headline and its indexed leads, with CLAUSE marks, as the site rules read a story."""
    return TITLE_END.join([canonical(incident.title, with_clauses=True), *judge.leads(incident.number)])


def _progress_of(
    item: Item, judgement: Judgement, judge: Judge, recent: Sequence[Incident], now: datetime
) -> Incident | None:
    """The story an item tells the progress of (已成立调查组, 赔偿, 检测结果, 增至…) in words too far from
    its reports for the similarity index: the open incident of the scheme reporting the same kind of
    event and naming the same subject, leader or region (or the same site: 区应急管理局 on the
    东环路商场 that 区住建局's story told), when it is the only one (two open 医疗事故 stories of one
    hospital: a 调查组 could answer either), or the only one of them whose headline is about that name
    (not another school's poisoning whose report mentions 鸥湾市第一中学). A story naming other sites
    only is another story (金桥花园 is not the 沙河安置房 project), and so is one counting itself among
    others of its kind (这是该公司今年第二起…事故) unless the story did so too."""
    ours = canonical(f"{item.title}{TITLE_END}{item.text}", with_clauses=True)
    # the lead read within its clauses: 送去检测，结果硒含量… tells no 检测结果 (round 100)
    if not tells_progress(canonical(item.title), title=True) and not tells_progress(ours[:LEAD_PROGRESS]):
        return None
    names = _names(judgement.match)
    counted = counts_another(ours)
    events = _concepts(judgement.match, judgement.negated, canonical(item.title))
    alike: list[Incident] = []
    for incident in recent:  # the recent incidents of the item's scheme
        if incident.match is None or not _accepts(incident, now, judge):
            continue
        if not events & _concepts(incident.match, frozenset(), canonical(incident.title)):
            continue
        told = _told(incident, judge)
        if counted and not counts_another(told):  # 这是该公司今年第二起…事故: not the one before it
            continue
        if judge.told_apart(item, incident.number):  # 院长仉德昭 is not 执行局局长隗春燕 of one court
            continue
        shared, apart = site_relation(ours, told)
        apart = apart or places_apart(ours, told)
        named = _same_names(names, _names(incident.match), _people(judgement.match, incident.match))
        if (named or shared) and not apart:
            alike.append(incident)
    if len(alike) > 1:  # one story about the name, others only mentioning it (与一中中毒事件类似)
        alike = [i for i in alike if any(name in i.title for name in names)]
    return alike[0] if len(alike) == 1 else None


def _rumoured_toll(
    item: Item, judgement: Judgement, judge: Judge, recent: Sequence[Incident], now: datetime
) -> Incident | None:
    """The story a rumour of its toll is about (有网友在群里称荞坪粮库这次清仓埋了十几个人，遇难的远不止通报的数字),
    told in words too far from its reports for the similarity index: every event the item tells is a toll, said only
    as hearsay, and the one open incident of the scheme naming the same subject, leader or region has a toll of its
    own (a stated figure or a toll word). A rumour of another occurrence (又死了一个) or of another site is another
    story; so is one about a name with two such stories open."""
    events = set(judgement.match.words("event")) - judgement.negated
    if not events or any(concept(word) not in TOLL_CONCEPTS for word in events) or tells_another(item.title):
        return None
    if events - hearsay_tolls(item, judgement.match.hits):
        return None
    names = _names(judgement.match)
    alike: list[Incident] = []
    for incident in recent:  # the recent incidents of the item's scheme
        if incident.match is None or not _accepts(incident, now, judge):
            continue
        tolls = stated_tolls(incident.reason) or {concept(w) for w in incident.match.words("event")} & TOLL_CONCEPTS
        if not tolls or not _same_names(names, _names(incident.match), _people(judgement.match, incident.match)):
            continue
        if not _kept_apart(item, judge, incident):
            alike.append(incident)
    return alike[0] if len(alike) == 1 else None


def _other_route(item: Item, judge: Judge, incident: Incident) -> bool:
    """Both name bus routes (or numbered roads) and none in common: 霁川公交27路 与货车相撞 is not the 12路
    that overturned on the same avenue, however alike the two reports read."""
    ours = routes(_head(item))
    if not ours:
        return False
    theirs = routes(TITLE_END.join([canonical(incident.title), *judge.leads(incident.number)]))
    return bool(theirs) and not ours & theirs


def is_headline(item: Item, judge: Judge) -> bool:
    """A title and little else: a hot-list entry, or an item too short for the similarity index."""
    return item.hot is not None or len(canonical(f"{item.title}{item.text}")) < judge.analysis.similarity_min_chars


def _headline(
    item: Item, judgement: Judgement, judge: Judge, recent: Sequence[Incident], now: datetime, short: bool
) -> Incident | None:
    """The open incident a short headline repeats, or the hot-list-born incident a report tells in
    full: same scheme, a shared subject or leader (else region), a shared event concept (爆炸 / 爆燃)
    or kind, and the headline's own words (仓库, 码头, a place) found in the other side's title and
    lead (bot.analysis.headline). 澄湖公交 names the story told of 澄湖公交集团 (`_same_names`). Two
    explosions at two companies share no subject; two at one company differ in those words. A short
    headline also meets a report another scheme placed when the report's title names its subject or place
    (a report meets the headlines of its own scheme only: looking at every scheme's for every report
    cost the pipeline a fifth of its speed). `short`: the item is a headline (`is_headline`)."""
    names = _names(judgement.match)
    title = canonical(item.title)
    ours = _concepts(judgement.match, judgement.negated, title)
    if not names or not ours:
        return None
    head = _head(item)
    best: tuple[tuple[float, float], Incident] | None = None
    for incident in recent:  # the recent incidents of the item's scheme (of every scheme for a short one)
        if not (short or _hot_born(incident, judge)):
            continue  # a report meets only the incidents a hot-list headline opened
        if incident.match is None or not _accepts(incident, now, judge):
            continue
        theirs = canonical(incident.title)
        if incident.scheme != judgement.match.scheme:
            # a report that several schemes matched is placed under one of them (椴岭县水利局); a headline
            # only the other matched (萩浦镇属地) meets it when the report's title names its subject or place
            if not _named_in(names, theirs):
                continue
        elif not _same_names(names, _names(incident.match), _people(judgement.match, incident.match)):
            continue
        if not ours & _concepts(incident.match, frozenset(), theirs):
            continue
        words = _scheme_forms(
            [*judgement.match.words(), *incident.match.words()],
            [*judgement.match.words("subject"), *incident.match.words("subject")],
        )
        if short:
            value = headline_joins(title, TITLE_END.join([theirs, *judge.leads(incident.number)]), words)
        else:
            value = headline_joins(theirs, head, words)
        if value is None:
            continue
        rank = (value, (incident.last_seen_at or incident.discovered_at).timestamp())
        if best is None or rank > best[0]:
            best = (rank, incident)
    return best[1] if best else None


def _hot_born(incident: Incident, judge: Judge) -> bool:
    """Opened by a hot-list entry. Not every incident with a rank: an entry that joined a report's
    incident gives it a rank too (bot/hotranks.py), and its title is then the report's, no headline."""
    source = judge.sources.get(incident.source_id)
    return incident.hot is not None and (source is None or source.kind == "hotlist")


def _concepts(match: Match, negated: frozenset[str], title: str) -> set[str]:
    """Event concepts of a match's words (not negated) and kinds of event its title reports."""
    return {concept(w) for w in match.words("event") if w not in negated} | {f"类:{k}" for k in story_events(title)}


def _named_in(names: set[str], title: str) -> bool:
    return any(variant in title for name in names for variant in variants(name))


def _same_names(ours: set[str], theirs: set[str], people: set[str]) -> bool:
    """True if the two sides name one subject, leader or place, an organisation's short form inside
    its full one counting as the same (禾丰建投 in 禾丰建投集团: a rebuttal often uses the full name);
    a person's name only as itself (王建 is not 王建国)."""
    return any(
        a == b or (a not in people and b not in people and (a in b or b in a or abbreviates(a, b) or abbreviates(b, a)))
        for a in ours
        for b in theirs
    )


def _people(*matches: Match) -> set[str]:
    """The leaders named on either side: a person's name matches only itself (see `_same_names`)."""
    return {word for match in matches for word in match.words("leader")}


def _who(match: Match) -> set[str]:
    return set(match.words("subject")) | set(match.words("leader"))


def _names(match: Match) -> set[str]:
    """Who or where a match is about: its subject and leader words, else its region words."""
    return _who(match) or set(match.words("region"))


def _head(item: Item) -> str:
    return canonical(f"{item.title}{TITLE_END}{item.text}")[:QUERY_CHARS]


def _accepts(incident: Incident, now: datetime, judge: Judge) -> bool:
    last = incident.last_seen_at or incident.discovered_at
    return incident.is_open and now - last <= judge.analysis.merge_window


class StoreLedger:
    """The live ledger: incidents in the store, every change through IncidentService.

    One ledger serves one poll: the open incidents are read once (the follow-up and headline rules
    look at them for every item that names someone) and kept current with the changes made through
    it, so a page of 100 items does not read a month of incidents 100 times.
    """

    def __init__(self, incidents: IncidentService) -> None:
        self.incidents = incidents
        self.store = incidents.store
        self._open: dict[str, Incident] | None = None

    async def get(self, number: str) -> Incident | None:
        return await self.store.get_incident(number)

    async def open_incidents(self) -> list[Incident]:
        """Every open incident, read from the store once per ledger."""
        if self._open is None:
            statuses = [s for s in Status if s is not Status.RESOLVED]
            self._open = {i.number: i for i in await self.store.incidents(statuses=statuses)}
        return list(self._open.values())

    async def recent(self, since: datetime, scheme: str | None = None) -> Sequence[Incident]:
        """Open incidents seen since `since` (of `scheme` only, when given)."""
        return [
            i
            for i in await self.open_incidents()
            if (i.last_seen_at or i.discovered_at) >= since and scheme in (None, i.scheme)
        ]

    def _keep(self, incident: Incident) -> Incident:
        if self._open is not None:
            self._open[incident.number] = incident
        return incident

    async def create(self, item: Item, judgement: Judgement, now: datetime, related: str = "") -> Incident:
        return self._keep(await self.incidents.create(item, judgement, now, related=related))

    async def add_spread(self, number: str, item: Item, now: datetime) -> Incident:
        return self._keep(await self.incidents.add_spread(number, item, now))

    async def add_progress(self, number: str, item: Item, marker: str, now: datetime) -> Incident:
        return self._keep(await self.incidents.add_progress(number, item, marker, now))

    async def upgrade(self, number: str, tier: Tier, reason: str, now: datetime) -> Incident:
        return self._keep(await self.incidents.upgrade(number, tier, reason, now))

    async def actions(self, number: str) -> Sequence[Action]:
        return await self.store.actions(number)


async def place(
    item: Item,
    judgement: Judgement,
    judge: Judge,
    incidents: IncidentService,
    now: datetime,
    ledger: StoreLedger | None = None,
) -> Placement:
    """The live pipeline's placement: `settle` over the store (shared signatures on Redis).

    Pass one `ledger` for all the items of a poll (see StoreLedger)."""
    shared = incidents.config.store.backend == "redis"
    if shared:
        await sync_shared(judge, incidents.store, now)
    placed = await settle(item, judgement, judge, ledger or StoreLedger(incidents), now)
    if shared and placed.signature is not None:
        await incidents.store.set_meta(SIGNATURE_META + placed.incident.number, placed.signature)
    return placed


class Reading(NamedTuple):
    """An item of a poll, read before anything of its page is placed (Judge.first_reading)."""

    item: Item
    judgement: Judgement | None
    final: bool  # False: judged again when placed (a retelling depends on what is indexed by then)


def urgent(judgement: Judgement | None) -> bool:
    return judgement is not None and judgement.tier <= Tier.II


def first_readings(items: Sequence[Item], judge: Judge, watch_terms: Sequence[str] = ()) -> list[Reading]:
    """A poll's items in the order they are placed: tier I/II first, the rest in page order.

    A tier I alert then does not wait for the 99 lesser items of its page. The live pipeline and
    replay both place a poll in this order, so replay gives the incidents the live run gave.
    """
    if len(items) < 2:  # nothing to reorder: judged once, when placed
        return [Reading(item, None, final=False) for item in items]
    readings = [_first_reading(item, judge, watch_terms) for item in items]
    return sorted(readings, key=lambda r: not urgent(r.judgement))


def _first_reading(item: Item, judge: Judge, watch_terms: Sequence[str]) -> Reading:
    try:
        return Reading(item, *judge.first_reading(item, watch_terms))
    except Exception:  # noqa: BLE001 - read again when placed, where a failure is logged and recorded
        return Reading(item, None, final=False)


def final_judgement(reading: Reading, judge: Judge, watch_terms: Sequence[str] = ()) -> Judgement | None:
    return reading.judgement if reading.final else judge.judge(reading.item, watch_terms)


def run_now(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never waits (an in-memory ledger) without an event loop."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise RuntimeError("in-memory placement must not wait")


async def sync_shared(judge: Judge, store: Store, now: datetime) -> int:
    """Several processes on one Redis each keep an index: learn the signatures of the incidents
    the others created since the last look, so a repost polled elsewhere still merges."""
    since = (judge.synced_at or now - judge.analysis.merge_window) - SYNC_OVERLAP
    judge.synced_at = now
    learned = 0
    for incident in await store.incidents(since=since):
        if judge.knows(incident.number) or not incident.is_open:
            continue
        sig = await store.get_meta(SIGNATURE_META + incident.number)
        if sig:
            judge.learn(sig, incident.number)
            learned += 1
    return learned


async def warm(judge: Judge, store: Store, now: datetime) -> int:
    """Re-index the items of open incidents seen within the merge window (after a restart),
    so a repost arriving after a restart still joins its story. Returns the items indexed."""
    start = now - judge.analysis.merge_window
    owners: dict[str, str] = {}
    for incident in await store.incidents(statuses=[s for s in Status if s is not Status.RESOLVED]):
        if (incident.last_seen_at or incident.discovered_at) >= start:
            owners.update(dict.fromkeys(incident.item_keys, incident.number))
    if not owners:
        return 0
    count = 0
    for item in await store.items_between(start, now + timedelta(seconds=1)):
        if item.key in owners:
            judge.remember(item, owners[item.key])
            count += 1
    return count
