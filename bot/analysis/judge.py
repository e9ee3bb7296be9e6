"""Item → Judgement: match the schemes, classify sentiment, grade the tier.

Unmatched items return None before any segmentation or scoring is paid for.
The judge also remembers the fingerprints of judged items (`similar`,
`remember`) so a repost joins the open incident of its story instead of
raising a new alert; see bot.placement for that stage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from functools import lru_cache

import numpy as np

from bot.analysis.cadres import cadre_post
from bot.analysis.facts import extract
from bot.analysis.judgement import Judgement
from bot.analysis.matcher import ALIAS, Matcher
from bot.analysis.normalize import normalize, span, variants
from bot.analysis.sentiment import Classifier, ModelClassifier
from bot.analysis.short_names import abbreviates
from bot.analysis.similarity import SLOTS, SimilarityIndex, minhash, minutes
from bot.analysis.stance import negated_events, rebuttal
from bot.analysis.story import TITLE_END, Story, canonical, plain, stored_lead, story, told_apart
from bot.analysis.tiering import score, spread_upgrade
from bot.config import AnalysisConfig, SchemeConfig, SourceConfig
from bot.models import Action, Hit, Incident, Item, Match, Tier

RETOLD = "转述已记录的事件（无方案事件词）"
# the groups that name whom or where a story is about; ALIAS: subjects called by a short name (纸厂)
NAME_GROUPS = ("subject", "leader", "region", ALIAS)
WATCH_SCHEME = "紧急关注"
WATCH_SEVERITY = 3
WORDS_CACHE = 16384
LEAD_CHARS = 240  # sentiment reads the title and the lead: news states its tone early, and jieba is slow


class Judge:
    def __init__(
        self,
        schemes: Sequence[SchemeConfig],
        sources: Sequence[SourceConfig] = (),
        classifier: Classifier | None = None,
        analysis: AnalysisConfig | None = None,
    ) -> None:
        self.analysis = analysis or AnalysisConfig()
        self.matcher = Matcher(schemes)
        self.classifier = classifier or ModelClassifier(margin=self.analysis.sentiment_margin)
        self.sources = {s.id: s for s in sources}
        self.index = SimilarityIndex(self.analysis.similarity_threshold, window=self.analysis.merge_window)
        self._pending: dict[str, tuple[np.ndarray, str]] = {}
        self._words_seen: dict[str, Mapping[str, frozenset[str]]] = {}
        self._one_organisation = _one_organisation(schemes)
        # scheme → the leaders it lists: a namesake of one (市民甄佩璋, 甄佩璋实业) is no name of a story (bot.placement)
        self.leaders_of = {s.name: frozenset(str(w) for w in s.words("leader")) for s in schemes}
        self.synced_at: datetime | None = None  # shared stores: last look at other processes' incidents

    def judge(self, item: Item, watch_terms: Sequence[str] = ()) -> Judgement | None:
        """Judge one item; each active emergency-watch term acts as a temporary scheme."""
        return self._judge(item, watch_terms, retellings=True)[0]

    def first_reading(self, item: Item, watch_terms: Sequence[str] = ()) -> tuple[Judgement | None, bool]:
        """The judgement read without the similarity index, and whether it is final.

        Not final when the item names a subject and no rule: whether it retells a story
        depends on what is indexed when it is placed (an earlier item of its own page, say),
        so `judge` must read it again then. Lets a poll place its tier I/II items first.
        """
        return self._judge(item, watch_terms, retellings=False)

    def _judge(self, item: Item, watch_terms: Sequence[str], retellings: bool) -> tuple[Judgement | None, bool]:
        retold = False
        final = True

        def named_if(it: Item) -> bool:
            """A rebuttal without the scheme's event words (收受财物一事系编造) still answers its story;
            a retelling in words of its own (禾丰建投…工地塌了) still spreads one (asked only of items
            naming a subject and no rule: they pay the similarity look-up, the rest never do)."""
            nonlocal retold, final
            if rebuttal(it):
                return True
            if not retellings:
                final = False
                return False
            retold = self.similar(it, named=True) is not None
            return retold

        matches = self.matcher.match(item, named_if=named_if)
        watch = watch_match(item, watch_terms)
        if watch is not None:
            matches = sorted([*matches, watch], key=lambda m: -m.severity)
        if not matches:
            return None, final
        sentiment = self.classifier.classify(f"{item.title}\n{item.text[:LEAD_CHARS]}")
        facts = extract(item.title, item.text)  # regexes only on matched items
        stance = rebuttal(item, [hit for match in matches for hit in match.hits])
        source = self.sources.get(item.source_id)
        best: Judgement | None = None
        for match in matches:  # the graver scheme wins: leaders and figures can outweigh severity
            negated = negated_events(item, match.hits)
            cadre = cadre_post(item, list(match.hits))
            grade = score(match, sentiment, source, self.analysis, item.author, facts, negated, stance, cadre)
            if best is None or (grade.tier, -grade.points) < (best.tier, -best.points):
                best = Judgement(match, sentiment, grade.tier, grade.reason, facts, stance, grade.points, negated)
        if retold and best is not None and facts.band is None:
            # joins its story's open incident as spread (bot.placement); with none open it is recorded,
            # not pushed: names alone say nothing new. Confirmed figures keep their grade: a toll that
            # rose upgrades the story, told in whatever words
            best = replace(best, tier=Tier.BELOW, reason=f"{RETOLD}；{best.reason}")
        return best, final

    def similar(self, item: Item, named: bool = False) -> str | None:
        """Number of the incident holding a near-duplicate of this item, if any. `named`: the item
        matched no rule, only names; it can retell only a story whose stored lead carries one of
        the subjects, leaders or regions it names (a subject it calls by a short name included)."""
        looked = self._query(item)
        if looked is None:
            return None
        sig, query = looked
        names: tuple[str, ...] = ()
        if named:
            names = tuple(word for group in NAME_GROUPS for word in query.words.get(group, ()))
            if not names:
                return None
            names += tuple(other for name in names for other in self._one_organisation.get(name, ()))
        found = self.index.find(sig, query, names)
        return found[0] if found else None

    def story_of(self, item: Item) -> tuple[str | None, str | None]:
        """(the incident holding a near-duplicate of this item, else None; with none, an incident
        whose story scored at least `related_threshold`: maybe the same story, for a person to say)."""
        looked = self._query(item)
        if looked is None:
            return None, None
        return self.index.find_or_near(*looked, self.analysis.related_threshold)

    def _query(self, item: Item) -> tuple[np.ndarray, Story] | None:
        """The item's signature and story, as the index looks them up (None: too short to compare)."""
        fp = self._fingerprint(item)
        if fp is None:
            return None
        return fp[0], story(fp[1], None if self.matcher.empty else self._words)

    def remember(self, item: Item, number: str) -> dict | None:
        """Index the item under its incident, so later reposts find it; returns what was indexed
        (signature, lead, time) as JSON-able data, for other processes to `learn` (shared stores)."""
        fp = self._pending.pop(item.key, None)
        if fp is None:
            fp = self._fingerprint(item, keep=False)
        if fp is None:
            return None
        sig, lead, at = fp[0], stored_lead(fp[1]), minutes(item.fetched_at)
        self.index.add(sig, number, lead, at, self._leaders(lead), self._subjects(lead))
        return {"sig": sig.tolist(), "lead": lead, "at": at}

    def learn(self, data: object, number: str) -> None:
        """Index what another process remembered (see `remember`). A bare list is a signature
        from before leads were kept (3-gram MinHash, not comparable): skipped."""
        if not isinstance(data, dict) or not isinstance(data.get("sig"), list) or len(data["sig"]) != SLOTS:
            return
        at = data.get("at")
        lead = data.get("lead")
        lead = lead if isinstance(lead, str) else ""
        self.index.add(
            np.asarray(data["sig"], dtype=np.uint16),
            number,
            lead,
            at if isinstance(at, int) else None,
            self._leaders(lead),
            self._subjects(lead),
        )

    def leads(self, number: str) -> list[str]:
        """Canonical title + lead of the indexed items of incident `number` (a few, oldest first)."""
        return self.index.leads(number)

    def told_apart(self, item: Item, number: str) -> bool:
        """Do the story rules (`bot.analysis.story.told_apart`: two numbered pits, two towns, a toll that fell)
        tell this item from the first indexed report of incident `number`? Placement's rules by names and
        kind of event ask before joining a story whose wording they did not weigh; they read again-words
        themselves, with punctuation (`tells_another`)."""
        looked = self._query(item)
        leads = self.leads(number)
        return looked is not None and bool(leads) and told_apart(leads[0], looked[1], again=False)

    def knows(self, number: str) -> bool:
        """True if some item of incident `number` is indexed here."""
        return number in self.index

    def spread_upgrade(self, incident: Incident, actions: Sequence[Action], now: datetime) -> tuple[Tier, str] | None:
        return spread_upgrade(incident, actions, now, self.analysis)

    def _words(self, text: str) -> Mapping[str, frozenset[str]]:
        """The schemes' words in a canonical text (Matcher.words_in), remembered for the leads
        that come back as candidates of every repost of their story."""
        found = self._words_seen.get(text)
        if found is None:
            if len(self._words_seen) >= WORDS_CACHE:
                self._words_seen.clear()
            found = self._words_seen[text] = self.matcher.words_in(text)
        return found

    def _leaders(self, lead: str) -> tuple[str, ...]:
        """The schemes' leaders a stored lead names, first mentioned first (the index keys them)."""
        lead = plain(lead)
        if not lead or self.matcher.empty:
            return ()
        return tuple(sorted(self._words(lead).get("leader", ()), key=lead.find))

    def _subjects(self, lead: str) -> tuple[str, ...]:
        """The schemes' subjects a stored lead names, first mentioned (the longest form there) first;
        then those it calls by a short name (the index keys the first)."""
        lead = plain(lead)
        if not lead or self.matcher.empty:
            return ()
        words = self._words(lead)
        named = sorted(words.get("subject", ()), key=lambda w: (lead.find(w), -len(w)))
        return (*named, *sorted(words.get(ALIAS, frozenset()) - set(named)))

    def _fingerprint(self, item: Item, keep: bool = True) -> tuple[np.ndarray, str] | None:
        """(MinHash signature, canonical title TITLE_END text with its CLAUSE marks); None when too short to tell
        stories apart (exact dedup only). Kept for `remember` right after `similar`. A hot-list
        entry is its title: its text is the list's own line (微博热搜第 3 · 热度 120万), which every
        entry of the list shares; placement compares such headlines by bot.analysis.headline."""
        text = "" if item.hot is not None else item.text
        canon = canonical(f"{item.title}{TITLE_END}{text}", with_clauses=True)
        bare = plain(canon)
        if len(bare) < self.analysis.similarity_min_chars:
            return None
        fp = (minhash(bare), canon)
        if keep:
            if len(self._pending) > 1000:
                self._pending.clear()
            self._pending[item.key] = fp
        return fp


def _one_organisation(schemes: Sequence[SchemeConfig]) -> dict[str, tuple[str, ...]]:
    """Subject → the subjects listed that name one organisation with it, one with words left out of the other
    (楹川市一院 / 楹川市第一人民医院, `abbreviates`): a retelling naming one retells a story stored under the other."""
    # only names sharing their first two characters and their last can abbreviate each other: compare within those
    # groups, not every pair (a config of thousands of subjects)
    groups: dict[tuple[str, str], set[str]] = {}
    for scheme in schemes:
        for word in scheme.words("subject"):
            name = str(word)
            groups.setdefault((name[:2], name[-1:]), set()).add(name)
    found: dict[str, tuple[str, ...]] = {}
    for group in groups.values():
        for name in group:
            others = tuple(sorted(o for o in group if o != name and (abbreviates(name, o) or abbreviates(o, name))))
            if others:
                found[name] = others
    return found


def watch_match(item: Item, terms: Sequence[str]) -> Match | None:
    """A Match of scheme 紧急关注 with each watch term found as a subject hit (same tolerance
    as scheme words: width, spaces, punctuation, traditional/simplified)."""
    if not terms:
        return None
    hits = []
    fields = [(name, text, normalize(text)) for name, text in (("title", item.title), ("text", item.text)) if text]
    for term in dict.fromkeys(t.strip() for t in terms):
        for form in _variants(term) if term else ():
            for field_name, text, normal in fields:
                at = normal.find(form)
                if at >= 0:
                    start, end = span(text, at, at + len(form))
                    hits.append(Hit(term, "subject", field_name, start, end, WATCH_SEVERITY))
    if not hits:
        return None
    return Match(WATCH_SCHEME, tuple(dict.fromkeys(hits)), WATCH_SEVERITY)


@lru_cache(maxsize=256)
def _variants(term: str) -> tuple[str, ...]:
    return tuple(sorted(variants(term)))
