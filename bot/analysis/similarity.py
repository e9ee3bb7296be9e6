"""Near-duplicate detection: MinHash candidates, verified on the stored lead.

Two stages. (1) Every remembered item keeps a MinHash signature of the character
bigrams of its canonical text (bot.analysis.story.canonical: normalised,
traditional → simplified), 32 × 16-bit slots; a query counts equal slots against
all items in one vectorised pass and keeps the CANDIDATES best (at least
MIN_EQUAL equal slots). (2) Each candidate is scored on its stored lead (title +
lead, LEAD_CHARS characters) by bot.analysis.story.score, the pair model's probability of
one story; the best candidate at or above the threshold wins.
Bigrams rather than 3-grams: a reworded lead keeps more of its bigrams, so the
candidate stage still ranks it near the top. A netizen's retelling keeps too few of them
(「桂香小区7栋车棚着火了」 for 「汀兰区桂香小区车棚电动车充电起火」), but it keeps the place: every
pooled lead also keeps the hashes of its first SITE_KEYS named sites (bot.analysis.story.sites:
桂香小区, 银杏路, 北岗村; a bus route 62路, a county road X106线) and of the first NAME_KEYS leaders of the schemes
it names (a follow-up may keep only the person: 夏明远受贿案查实), and the newest SITE_CANDIDATES leads sharing
one with the query are verified as well. A retelling may call its subject only by a short name people use
(「能源集团要分流三百多人」 for 楝州能源集团): each pooled lead keeps the key of the first subject it names, and
the newest SUBJECT_CANDIDATES leads first naming a subject the query calls so are verified too (a query that
names a subject as the schemes write it is a report of its own, and is not searched so: a complaint about the
metro's app is no retelling of the leak at one of its stations). A retelling may name no site either
(「湿地那个游船今天翻了」), but it says what happened: each pooled lead keeps the kinds of event it reports
(bot.analysis.story.EVENT_KINDS, as bits), and the newest KIND_CANDIDATES leads sharing a kind are verified
too, then the newest RARE_CANDIDATES sharing RARE_HITS of the story's own rare words (or one, when no lead
shares two). When the slots find nothing, the best of these four sets wins: a crackdown on the road a
retelling names must not settle the search before the story it retells, found by what happened, is looked at.

Memory: per item 64 bytes of slots, a pool row, an owner id and a time (76 bytes), plus its
lead in the lead pool, 12 bits a character (bot.analysis.leadcode: LEAD_UNITS codes, 193
bytes) with the lead's owner, site, leader and subject keys and event kinds (24 bytes) and its rare-word
keys (64 bytes), unless it shares a nearly equal lead pooled for its owner (a repost storm stores one lead
for its copies) — at most 357 bytes an item, in numpy arrays (no Python object per item); the lead alone
would take 240 bytes as UTF-16. A query costs one pass over the slots (~5 ms at 1M items) plus at most
CANDIDATES verifications (a lead decoded, ~50 µs, or kept from a recent query, and scored, 30–200 µs);
when none verifies, one pass over the pooled site keys and at most SITE_CANDIDATES more, one over
the subject keys and at most SUBJECT_CANDIDATES more, one over the pooled event kinds and at most
KIND_CANDIDATES more, one over the rare keys of the newest RARE_WINDOW and at most RARE_CANDIDATES more.
Candidates of other owners passing within TIE_LOGIT of the best are a tie, settled by the text they share
with the query (`story.shared_text`).
Items older than the merge window before the newest are dropped
(checked every EVICT_EVERY additions), and past max_items the oldest half goes.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import OrderedDict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import numpy as np

from bot.analysis.leadcode import decode, encode
from bot.analysis.matcher import ALIAS
from bot.analysis.rarity import rare_codes
from bot.analysis.story import (
    LEAD_CHARS,
    Story,
    bigrams,
    canonical,
    estimate,
    event_bits,
    plain,
    score,
    shared_text,
    sites,
)
from bot.models import Item

SLOTS = 32
CANDIDATES = 4  # candidates verified per query (the best by equal slots; a repost is among them)
MIN_EQUAL = 3  # of SLOTS: below this a candidate shares too little to be worth a look
# candidates passing the threshold within this log-odds of the best are a tie the score cannot settle (a retelling
# of one of two stories at one estate scores ~0.97 against both): the one sharing more text wins (`_tie_break`)
TIE_LOGIT = 0.5
SITE_KEYS = 2  # named sites of a pooled lead kept as keys (the headline's come first)
NAME_KEYS = 1  # leaders of the schemes a pooled lead names, kept as keys beside its sites
SUBJECT_KEYS = 1  # subjects of the schemes a pooled lead names (the first mentioned), kept as keys too
SITE_CANDIDATES = 3  # the newest leads sharing a site with the query, verified when the slot candidates fail
SUBJECT_CANDIDATES = 3  # the newest leads first naming a subject the query names, verified likewise
SITE_COMMON = 16  # leads naming a site beyond which it says nothing about which story this is
KIND_CANDIDATES = 4  # the newest leads sharing a kind of event with the query, verified when the sites fail
# rare bigrams of a pooled lead kept as keys: a sample (the lowest of a hash), 16 bits each. A sample of 16
# often held fewer than RARE_HITS of the bigrams a follow-up shares with its report; 32 found 12 more labelled
# pairs on A–G, T1–T12 with no more wrong merges (docs/reposts.md, round 24)
RARE_KEYS = 32
RARE_HITS = 2  # keys of a pooled lead the query's rare bigrams must hit to make it a candidate
RARE_WINDOW = 8192  # the newest pooled leads searched by rare keys (a retelling comes soon after its story)
RARE_CANDIDATES = 4  # the newest of them verified when the kinds fail too
NEAR_CHECKED = 3  # leads scored under the threshold that are scored in full for a possible same story (Index.find near)
EVICT_EVERY = 4096
OLD_THRESHOLD = 0.5  # items learned without a lead: estimated Jaccard alone decides
LEAD_UNITS = LEAD_CHARS + 8  # 12-bit codes a pooled lead may use (a rare character takes two); even
LEAD_BYTES = LEAD_UNITS * 3 // 2
SHARE_JACCARD = 0.8  # an item's lead this close to one its owner already pooled points to that one
SHARE_LOOKBACK = 4  # of the owner's most recent pooled leads
DECODED_KEPT = 4096  # decoded leads kept (about 1 MB)
RECENT_OWNERS = 64  # owners whose recent leads' bigrams are kept for that comparison
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_K = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))
_rng = np.random.default_rng(20261130)  # fixed: signatures must not change between runs (they are shared)
_A = _rng.integers(1, 2**63, size=SLOTS, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63, size=SLOTS, dtype=np.uint64)
_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads codes over all 64 bits."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def grams(canon: str) -> np.ndarray:
    """64-bit hashes of the distinct character bigrams of a canonical text."""
    codes = np.frombuffer(canon.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if codes.size == 0:
        return codes
    if codes.size < 2:
        codes = np.concatenate([codes, np.zeros(1, dtype=np.uint64)])
    with np.errstate(over="ignore"):
        return np.unique(_mix(codes[:-1] * _K[0] + codes[1:] * _K[1]))


def signature(text: str) -> np.ndarray:
    """MinHash signature of a raw text (see `minhash`)."""
    return minhash(canonical(text))


def minhash(canon: str) -> np.ndarray:
    """MinHash signature of a canonical text: SLOTS uint16 values (all 0xFFFF for empty text)."""
    hashes = grams(canon)
    if hashes.size == 0:
        return np.full(SLOTS, 0xFFFF, dtype=np.uint16)
    with np.errstate(over="ignore"):
        permuted = _mix(hashes[:, None] * _A[None, :] + _B[None, :])
    return (permuted.min(axis=0) >> np.uint64(48)).astype(np.uint16)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two texts' bigram sets."""
    return float(np.count_nonzero(a == b)) / SLOTS


def minutes(at: datetime | None) -> int | None:
    """Index time unit: whole minutes since 2020 (int32 holds four thousand years)."""
    if at is None:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return int((at - _EPOCH).total_seconds() // 60)


class SimilarityIndex:
    """Items (signature, lead, time) → owners (incident numbers).

    Leads live in a pool apart from the items, 12 bits a character (bot.analysis.leadcode);
    an item whose lead is nearly the one already pooled for an earlier item of its owner (a
    repost storm: the same lead under another headline or source line) points to that lead
    instead of storing its own."""

    def __init__(
        self,
        threshold: float = 0.5,
        max_items: int = 2_000_000,
        initial: int = 1024,
        window: timedelta | None = None,
    ) -> None:
        self.threshold = threshold
        self.max_items = max_items
        self.window = None if window is None else int(window.total_seconds() // 60)
        self._cols = np.zeros((SLOTS, initial), dtype=np.uint16)  # slot-major: one contiguous row per slot
        self._lead_of = np.full(initial, -1, dtype=np.int32)  # pool row of the item's lead, -1: none
        self._owner_ids = np.zeros(initial, dtype=np.int32)
        self._times = np.zeros(initial, dtype=np.int32)
        self._pool = np.zeros((initial, LEAD_BYTES), dtype=np.uint8)  # packed leads
        self._pool_used = np.zeros(initial, dtype=np.uint8)  # codes used of each packed lead
        self._pool_owner = np.zeros(initial, dtype=np.int32)  # owner id of each pooled lead
        # site, leader and subject keys of each pooled lead, 0: none; key-major (a contiguous row a key)
        self._pool_keys = np.zeros((SITE_KEYS + NAME_KEYS + SUBJECT_KEYS, initial), dtype=np.uint32)
        self._pool_kinds = np.zeros(initial, dtype=np.uint32)  # kinds of event reported (event_bits)
        self._pool_rare = np.zeros((RARE_KEYS, initial), dtype=np.uint16)  # rare_keys, 0: none; key-major
        self._pool_size = 0
        self._decoded: dict[int, str] = {}  # pool row → lead text, see `_lead`
        self._recent: OrderedDict[int, list[tuple[int, frozenset[str]]]] = OrderedDict()  # see _pool_lead
        self._size = 0
        self._latest = 0
        self._since_evict = 0
        self._owners: list[str] = []
        self._owner_index: dict[str, int] = {}

    def __len__(self) -> int:
        return self._size

    def __contains__(self, owner: str) -> bool:
        return owner in self._owner_index

    @property
    def nbytes(self) -> int:
        """Bytes held by the per-item arrays and the lead pool (allocated capacity, not just used)."""
        arrays = (
            self._cols,
            self._lead_of,
            self._owner_ids,
            self._times,
            self._pool,
            self._pool_used,
            self._pool_owner,
            self._pool_keys,
            self._pool_kinds,
            self._pool_rare,
        )
        return sum(a.nbytes for a in arrays)

    @property
    def pooled(self) -> int:
        """How many leads are stored (items sharing one count once)."""
        return self._pool_size

    def add(
        self,
        sig: np.ndarray,
        owner: str,
        lead: str = "",
        at: int | None = None,
        names: tuple[str, ...] = (),
        subjects: tuple[str, ...] = (),
    ) -> None:
        """Index one item; `lead` is its canonical title + lead ("" for a signature without one),
        `at` its time in `minutes` (None: as new as the newest), `names` the leaders its lead names
        (first mentioned first): a follow-up may keep a person's name and nothing else of the story;
        `subjects` the subjects it names (first mentioned first): a retelling may keep only whom it is about."""
        if at is not None and at > self._latest:
            self._latest = at
        self._since_evict += 1
        if self.window is not None and self._since_evict >= EVICT_EVERY:
            self.evict()
        if self._size == self._cols.shape[1]:
            if self._size >= self.max_items:
                self._keep(np.arange(self._size) >= self._size // 2)
            else:
                self._grow(min(self.max_items, self._cols.shape[1] * 2))
        oid = self._owner_index.get(owner)
        if oid is None:
            oid = self._owner_index[owner] = len(self._owners)
            self._owners.append(owner)
        row = self._size
        self._cols[:, row] = sig
        self._lead_of[row] = self._pool_lead(oid, lead[:LEAD_CHARS], names, subjects) if lead else -1
        self._owner_ids[row] = oid
        self._times[row] = self._latest if at is None else at
        self._size += 1

    def find(
        self, sig: np.ndarray, query: Story | None = None, names: tuple[str, ...] = ()
    ) -> tuple[str, float] | None:
        """The owner of the best verified candidate at or above threshold (newest on ties), and its score."""
        found = self._search(sig, query, names, 0.0)
        return None if found is None else (self._owners[found[1]], found[0])

    def find_or_near(self, sig: np.ndarray, query: Story, near: float) -> tuple[str | None, str | None]:
        """(the owner `find` gives, else None; with none, the owner of the best candidate scoring at
        least `near`, under the threshold: a story that may be the same, for a person to decide)."""
        found = self._search(sig, query, (), near)
        if found is None:
            return None, None
        owner = self._owners[found[1]]
        return (None, owner) if found[2] else (owner, None)

    def _search(
        self, sig: np.ndarray, query: Story | None, names: tuple[str, ...], near: float
    ) -> tuple[float, int, bool] | None:
        """(score, owner id, only near) of the best candidate: verified at or above threshold,
        else (with `near` > 0) the best scoring at least `near`.

        Without `query` (or for items stored without a lead) the estimated Jaccard of the
        signatures decides, against OLD_THRESHOLD. With `names`, only candidates whose stored
        lead carries one of them are verified: an item matched on a name alone can only retell a
        story told under that name, and the others are not worth a score."""
        if self._size == 0:
            return None
        equal = np.zeros(self._size, dtype=np.uint8)
        same = np.empty(self._size, dtype=np.bool_)
        for slot in range(SLOTS):  # 32 passes over contiguous uint16 rows, no temporaries
            np.equal(self._cols[slot, : self._size], sig[slot], out=same)
            np.add(equal, same.view(np.uint8), out=equal)
        rows = np.flatnonzero(equal >= MIN_EQUAL)  # few: cheaper than ranking every item
        if rows.size > CANDIDATES:
            rows = rows[np.argpartition(equal[rows], rows.size - CANDIDATES)[rows.size - CANDIDATES :]]
        best: tuple[float, int] | None = None  # (value, owner id)
        scored: dict[int, float] = {}  # pool row → score: items sharing a lead are scored once
        bounds: set[int] = set()  # pool rows whose score is an upper bound (settled early, story.estimate)
        for row in sorted(rows.tolist(), reverse=True):  # newest first: it wins ties
            pooled = int(self._lead_of[row])
            if names and (pooled < 0 or not any(name in self._lead(pooled) for name in names)):
                continue
            if query is None or pooled < 0:
                value = int(equal[row]) / SLOTS
                if value < OLD_THRESHOLD:
                    continue
            else:
                if pooled not in scored:
                    self._score(pooled, query, scored, bounds)
                value = scored[pooled]
                if value < self.threshold:
                    continue
            if best is None or value > best[0]:
                best = (value, int(self._owner_ids[row]))
        if best is None and query is not None:  # a retelling: the slots found nothing; the place, whom
            # it is about, what happened and words of the story's own (保温箱, 碱回收) each name candidates: the best wins
            stages = (self._site_candidates, self._subject_candidates, self._kind_candidates, self._rare_candidates)
            for stage in stages:
                found = self._verify(stage(query, scored), query, names, scored, bounds)
                if found is not None and (best is None or found[0] > best[0]):
                    best = found
        if best is not None:
            if query is not None:
                best = self._tie_break(best, query, scored, bounds)
            return best[0], best[1], False
        if query is not None and 0 < near < self.threshold and not names:
            best = self._nearest(query, scored, bounds, near)
        return None if best is None else (best[0], best[1], True)

    def _tie_break(
        self, best: tuple[float, int], query: Story, scored: dict[int, float], bounds: set[int]
    ) -> tuple[float, int]:
        """The best, unless leads of other owners passed within TIE_LOGIT of it: then the one of them all
        sharing the most text with the query (`story.shared_text`; newest on equal shares)."""
        floor = _logit(best[0]) - TIE_LOGIT
        close = [
            pooled
            for pooled, value in scored.items()
            if value >= self.threshold and pooled not in bounds and _logit(value) >= floor
        ]
        if len({int(self._pool_owner[pooled]) for pooled in close}) < 2:
            return best
        pick = max(close, key=lambda pooled: (shared_text(self._lead(pooled), query), pooled))
        return scored[pick], int(self._pool_owner[pick])

    def _nearest(
        self, query: Story, scored: dict[int, float], bounds: set[int], near: float
    ) -> tuple[float, int] | None:
        """The best of the leads scored under the threshold, if its score reaches `near`. Of the
        NEAR_CHECKED highest, those holding an upper bound (settled early) are scored in full."""
        best: tuple[float, int] | None = None
        for pooled in sorted((p for p, v in scored.items() if v >= near), key=scored.__getitem__)[-NEAR_CHECKED:]:
            value = score(self._lead(pooled), query) if pooled in bounds else scored[pooled]
            if value >= near and (best is None or value > best[0]):
                best = (value, int(self._pool_owner[pooled]))
        return best

    def _score(self, pooled: int, query: Story, scored: dict[int, float], bounds: set[int]) -> float:
        """Score one pooled lead against the query (once per search), noting an upper bound."""
        value, exact = estimate(self._lead(pooled), query, self.threshold)
        scored[pooled] = value
        if not exact:
            bounds.add(pooled)
        return value

    def _verify(
        self,
        candidates: list[int],
        query: Story,
        names: tuple[str, ...],
        scored: dict[int, float],
        bounds: set[int],
    ) -> tuple[float, int] | None:
        """The best of some pooled leads at or above threshold, as (score, owner id)."""
        best: tuple[float, int] | None = None
        for pooled in candidates:
            if names and not any(name in self._lead(pooled) for name in names):
                continue
            value = self._score(pooled, query, scored, bounds)
            if value >= self.threshold and (best is None or value > best[0]):
                best = (value, int(self._pool_owner[pooled]))
        return best

    def _kind_candidates(self, query: Story, scored: dict[int, float]) -> list[int]:
        """The newest KIND_CANDIDATES pooled leads (not scored yet) reporting a kind of event the
        query's lead reports: a retelling in words of its own comes soon after what it retells."""
        bits = event_bits(query.lead)
        if not bits or self._pool_size == 0:
            return []
        return _newest(self._pool_kinds[: self._pool_size] & np.uint32(bits), scored, KIND_CANDIDATES)

    def _site_candidates(self, query: Story, scored: dict[int, float]) -> list[int]:
        """The newest SITE_CANDIDATES pooled leads (not scored yet) that name a site or a leader the
        query names. A site named in more than SITE_COMMON leads (人民路 in a city's every other story)
        is no sign of one story and is not followed."""
        keys = site_keys(query.marked_lead, limit=None) + name_keys(sorted(query.words.get("leader", ())))
        if not keys or self._pool_size == 0:
            return []
        table = self._pool_keys[: SITE_KEYS + NAME_KEYS, : self._pool_size]
        hit = np.zeros(self._pool_size, dtype=np.bool_)
        for key in keys:
            rows = table[0] == key
            for keys_of_rank in table[1:]:  # the pool's second site keys, then its leader keys
                rows |= keys_of_rank == key
            if np.count_nonzero(rows) <= SITE_COMMON:
                hit |= rows
        return _newest(hit, scored, SITE_CANDIDATES)

    def _subject_candidates(self, query: Story, scored: dict[int, float]) -> list[int]:
        """The newest SUBJECT_CANDIDATES pooled leads (not scored yet) whose first subject is one the
        query names, by its name or a short one (能源集团 for 楝州能源集团): a retelling may keep
        nothing of its story but whom it is about. A subject first named in more than SITE_COMMON
        leads (the office's own name) says nothing about which story this is and is not followed."""
        named = query.words.get(ALIAS, frozenset())
        if not named or query.words.get("subject") or self._pool_size == 0:
            return []
        table = self._pool_keys[SITE_KEYS + NAME_KEYS, : self._pool_size]
        hit = np.zeros(self._pool_size, dtype=np.bool_)
        for key in name_keys(named, "subject"):
            rows = table == key
            if np.count_nonzero(rows) <= SITE_COMMON:
                hit |= rows
        return _newest(hit, scored, SUBJECT_CANDIDATES)

    def _rare_candidates(self, query: Story, scored: dict[int, float]) -> list[int]:
        """The newest RARE_CANDIDATES of the last RARE_WINDOW pooled leads (not scored yet) with
        RARE_HITS or more rare keys among the query's rare bigrams, the schemes' words left out (every
        story of a subject names it); with none so, those with one (青龙渡啥时候能开 keeps only 青龙 of its
        story's words: +3 read-set pairs at equal wrong merges, round 98). A netizen's retelling keeps
        neither the headline nor a site's name, but the story's own words: 保温箱 and 早产, 碱回收 and 蒸汽."""
        if self._pool_size == 0:
            return []
        codes = rare_codes(query.head)
        said = [rare_codes(word) for words in query.words.values() for word in words]
        if said:
            codes = codes[~np.isin(codes, np.concatenate(said))]
        if codes.size < RARE_HITS:
            return []
        wanted = np.zeros(1 << 16, dtype=np.bool_)
        wanted[_rare_hash(codes)[1]] = True  # never key 0, which marks no key
        start = max(0, self._pool_size - RARE_WINDOW)
        # take, not fancy indexing: half the time over RARE_KEYS x RARE_WINDOW keys
        hits = wanted.take(self._pool_rare[:, start : self._pool_size]).sum(axis=0, dtype=np.uint8)
        rows = np.zeros(self._pool_size, dtype=np.bool_)
        rows[start:] = hits >= RARE_HITS
        if not rows.any():  # a retelling keeping a single word of its story's own
            rows[start:] = hits >= 1
        return _newest(rows, scored, RARE_CANDIDATES)

    def leads(self, owner: str, limit: int = 4) -> list[str]:
        """The distinct stored leads of an owner's items, oldest first (at most `limit`): what a
        short headline is compared with (bot.analysis.headline). One pass over the items: asked
        only for short headlines, and no per-owner list is kept (a million Python ints)."""
        oid = self._owner_index.get(owner)
        if oid is None:
            return []
        pooled = self._lead_of[: self._size][self._owner_ids[: self._size] == oid]
        rows = list(dict.fromkeys(pooled[pooled >= 0].tolist()))[:limit]
        return [plain(self._lead(row)) for row in rows]

    def evict(self) -> None:
        """Drop the items older than the window before the newest item's time."""
        self._since_evict = 0
        if self.window is None or self._size == 0:
            return
        keep = self._times[: self._size] >= self._latest - self.window
        if not keep.all():
            self._keep(keep)

    def _lead(self, pooled: int) -> str:
        """A pooled lead as text; the leads decoded last are kept (a story's leads are the candidates
        of each of its reposts, and of every item naming its subject)."""
        lead = self._decoded.get(pooled)
        if lead is None:
            if len(self._decoded) >= DECODED_KEPT:
                self._decoded.clear()
            lead = self._decoded[pooled] = decode(self._pool[pooled], int(self._pool_used[pooled]))
        return lead

    def _pool_lead(self, oid: int, lead: str, names: tuple[str, ...] = (), subjects: tuple[str, ...] = ()) -> int:
        """The pool row for an item's lead: one of its owner's last SHARE_LOOKBACK pooled leads when
        nearly the same (SHARE_JACCARD of character bigrams), else a new row. Only the owners
        seen last (RECENT_OWNERS) are compared, from their leads' bigrams kept here: a repost
        storm comes in a burst, and an owner not seen lately pools its next lead anew."""
        text = plain(lead)  # the lead read plain; its sites within their clauses
        grams = frozenset(bigrams(text))
        recent = self._recent.pop(oid, [])
        self._recent[oid] = recent  # most recent owner last
        if len(self._recent) > RECENT_OWNERS:
            self._recent.popitem(last=False)
        for pooled, theirs in reversed(recent):
            shared = len(grams & theirs)
            if grams and shared >= SHARE_JACCARD * (len(grams) + len(theirs) - shared):
                return pooled
        if self._pool_size == self._pool.shape[0]:
            capacity = max(self._pool_size + 1, min(self.max_items, self._pool_size * 2))
            self._pool.resize((capacity, LEAD_BYTES), refcheck=False)
            self._pool_used.resize(capacity, refcheck=False)
            self._pool_owner.resize(capacity, refcheck=False)
            keys = np.zeros((SITE_KEYS + NAME_KEYS + SUBJECT_KEYS, capacity), dtype=np.uint32)
            keys[:, : self._pool_size] = self._pool_keys[:, : self._pool_size]
            self._pool_keys = keys
            self._pool_kinds.resize(capacity, refcheck=False)
            rare = np.zeros((RARE_KEYS, capacity), dtype=np.uint16)
            rare[:, : self._pool_size] = self._pool_rare[:, : self._pool_size]
            self._pool_rare = rare
        packed, used = encode(lead, LEAD_UNITS)
        pooled = self._pool_size
        self._pool[pooled, : packed.size] = packed
        self._pool[pooled, packed.size :] = 0
        self._pool_used[pooled] = used
        self._pool_owner[pooled] = oid
        self._pool_keys[:, pooled] = 0
        keys = site_keys(lead, limit=SITE_KEYS)
        self._pool_keys[: len(keys), pooled] = keys
        names_kept = name_keys(names[:NAME_KEYS])
        self._pool_keys[SITE_KEYS : SITE_KEYS + len(names_kept), pooled] = names_kept
        subjects_kept = name_keys(subjects[:SUBJECT_KEYS], "subject")
        self._pool_keys[SITE_KEYS + NAME_KEYS : SITE_KEYS + NAME_KEYS + len(subjects_kept), pooled] = subjects_kept
        self._pool_kinds[pooled] = event_bits(text)
        self._pool_rare[:, pooled] = rare_keys(text)
        self._pool_size += 1
        recent.append((pooled, grams))
        del recent[:-SHARE_LOOKBACK]
        return pooled

    def _keep(self, keep: np.ndarray) -> None:
        rows = np.flatnonzero(keep)
        n = rows.size
        self._cols[:, :n] = self._cols[:, rows]
        self._lead_of[:n] = self._lead_of[rows]
        self._owner_ids[:n] = self._owner_ids[rows]
        self._times[:n] = self._times[rows]
        self._size = n
        self._keep_pool()
        live = set(np.unique(self._owner_ids[:n]).tolist())
        for owner in [o for o, i in self._owner_index.items() if i not in live]:
            del self._owner_index[owner]  # ids stay stable; `in` reports only owners still held

    def _keep_pool(self) -> None:
        """Drop the pooled leads no kept item points to; renumber the rest."""
        lead_of = self._lead_of[: self._size]
        used = np.unique(lead_of[lead_of >= 0])
        renumber = np.full(self._pool_size, -1, dtype=np.int32)
        renumber[used] = np.arange(used.size, dtype=np.int32)
        self._pool[: used.size] = self._pool[used]
        self._pool_used[: used.size] = self._pool_used[used]
        self._pool_owner[: used.size] = self._pool_owner[used]
        self._pool_keys[:, : used.size] = self._pool_keys[:, used]
        self._pool_kinds[: used.size] = self._pool_kinds[used]
        self._pool_rare[:, : used.size] = self._pool_rare[:, used]
        self._pool_size = int(used.size)
        self._recent.clear()  # pool rows renumbered
        self._decoded.clear()
        has = lead_of >= 0
        lead_of[has] = renumber[lead_of[has]]

    def _grow(self, capacity: int) -> None:
        """Slot-major signatures are copied (64 bytes an item); the item-major arrays grow in
        place (realloc, which the C library does by remapping pages for large blocks)."""
        cols = np.zeros((SLOTS, capacity), dtype=np.uint16)
        cols[:, : self._size] = self._cols[:, : self._size]
        self._cols = cols
        for array in (self._owner_ids, self._times):
            array.resize(capacity, refcheck=False)  # no views of these are kept
        size = self._lead_of.size
        self._lead_of.resize(capacity, refcheck=False)
        self._lead_of[size:] = -1


# 62路, k7路, x106线, and a metro line by its whole name (2号线: not the 2路 bus)
_ROUTE = re.compile(
    r"(?<![\d\ue002])([a-z]?\d{1,4})路|(?<![a-z\d])([a-z]\d{2,4})线|(?<![\d\ue002])(\d{1,2}号线)(?![面灯口段况线费])"
)


def _route(found: re.Match[str]) -> str:
    return found.group(1) or found.group(2) or found.group(3)


def routes(text: str) -> frozenset[str]:
    """The bus routes, numbered roads and metro lines a canonical text names (62路 → "62", x106线 →
    "x106", 2号线 → "2号线")."""
    return frozenset(_route(m) for m in _ROUTE.finditer(text))


def site_keys(text: str, limit: int | None) -> list[int]:
    """32-bit keys of the named sites of a canonical text (kind and name: 桂香小区 and 桂香苑 share
    one, 桂香路 does not), in order of first mention, at most `limit`; never 0 (0 marks no key)."""
    # a site by the last two characters of its name: a third may be a verb's (回应和平里小区 / 和平里那声巨响);
    # a route by its whole number (62路 and 162路 are two routes)
    order = [(text.find(name), kind, name[-2:]) for kind, names in sites(text).items() for name in names]
    order += [(m.start(), "route", _route(m)) for m in _ROUTE.finditer(text)]
    order.sort()
    return [_key(kind, name) for _, kind, name in order[:limit]]


def rare_keys(text: str) -> np.ndarray:
    """RARE_KEYS 16-bit keys of the rare bigrams of a canonical text (bot.analysis.rarity), 0 for
    the missing: the ones lowest by a hash, so that two texts keep the same sample of what they share."""
    keys = np.zeros(RARE_KEYS, dtype=np.uint16)
    order, hashed = _rare_hash(rare_codes(text))
    kept = hashed[np.argsort(order, kind="stable")[:RARE_KEYS]]
    keys[: kept.size] = kept
    return keys


def _rare_hash(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two independent hashes of bigram codes: the sample order, and the 16-bit key (never 0)."""
    wide = codes.astype(np.uint64)
    order = (wide * _K[0]) >> np.uint64(32)
    hashed = ((wide * _K[1]) >> np.uint64(48)).astype(np.uint16)
    hashed[hashed == 0] = 1
    return order, hashed


def name_keys(names: Iterable[str], kind: str = "leader") -> list[int]:
    """32-bit keys of leaders' (or subjects') names (never a site's key: the kind is in the hash)."""
    return [_key(kind, name) for name in names]


def _key(kind: str, name: str) -> int:
    """The 32-bit key of a kind and a name in the pool's key table; never 0 (0 marks no key)."""
    return int.from_bytes(hashlib.blake2b(f"{kind}:{name}".encode(), digest_size=4).digest(), "little") or 1


def _logit(probability: float) -> float:
    clipped = min(max(probability, 1e-9), 1 - 1e-9)
    return math.log(clipped / (1 - clipped))


def _newest(rows: np.ndarray, scored: dict[int, float], limit: int) -> list[int]:
    """The last `limit` pool rows set in `rows` (pool rows are added in time order: the newest leads)
    that are not scored yet."""
    found: list[int] = []
    for pooled in np.flatnonzero(rows)[::-1].tolist():
        if pooled not in scored:
            found.append(pooled)
            if len(found) == limit:
                break
    return found


def content_key(item: Item) -> str:
    """Exact-content dedup key: the same text re-published by the same source under a new URL.

    Per source on purpose: the same text on another site is a repost, which the
    merge stage counts as spread of the story rather than dropping it."""
    text = " ".join(f"{item.title}\n{item.text}".split())  # whitespace-insensitive, cheap: no second normalise
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()
    return f"content:{item.source_id}:{digest}"
