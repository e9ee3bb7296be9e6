"""A linear model over hashed character 1–3-grams, scored with numpy alone.

Characters rather than words: no segmenter to load or to disagree with the
training data, traditional and spaced text reduce to the same characters
(bot/analysis/sentiment_text.py), and 3-grams catch 不满意 / 未造成 / 被拖欠. The
n-grams are hashed into a fixed number of buckets, so the weights are one
float16 matrix (bot/data/sentiment/model.npz) and nothing else. Two more
features count the project lexicon's negative and positive words (1–3
characters) found in the text. The training script (scripts/train_sentiment.py)
uses `features` from here, so training and inference cannot disagree on a
feature.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.analysis.normalize import TABLE
from bot.analysis.sentiment_text import DELETE, LIMIT, table

_SHIFT = np.uint64(18)  # code points here fit in 18 bits (the table stops at 0x30000)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_ORDER = (np.uint64(1 << 60), np.uint64(2 << 60), np.uint64(3 << 60), np.uint64(4 << 60))  # 1-3-grams, lexicon
_LOCK = threading.RLock()  # _lexicon() builds _table() while holding it
_TABLE: np.ndarray | None = None


def _table() -> np.ndarray:
    """sentiment_text.table() plus what only the model wants: digits fold to 0 (「3人死亡」
    reads as 「5人死亡」), and spaces, line breaks and punctuation (what normalize.TABLE deletes
    for matching) are dropped. Punctuation and line breaks mostly told the training corpora
    apart (the news corpus, half neutral, is full of 。 and line breaks; the reviews are
    never neutral), so as features they learnt "neutral" and outweighed 爆炸."""
    global _TABLE
    if _TABLE is None:
        with _LOCK:
            if _TABLE is None:
                lut = table().copy()
                dropped = [cp for cp, to in TABLE.items() if to is None and cp < LIMIT]
                lut[np.isin(lut, np.asarray(dropped, dtype=np.uint32))] = DELETE
                digits = (lut >= ord("0")) & (lut <= ord("9"))
                lut[digits] = ord("0")
                _TABLE = lut
    return _TABLE


LEXICON_NEGATIVE, LEXICON_POSITIVE = 0, 1
_LEXICON: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # see _lexicon()
_SLOT_SHIFT, _SLOTS = np.uint64(44), 1 << 16  # a 64 KB pre-filter: ~1 in 100 n-grams needs the exact look-up


def _grams(cps: np.ndarray) -> np.ndarray:
    """Mixed 64-bit hashes of every 1-, 2- and 3-gram of `cps` (uint64), in that order."""
    n = cps.size
    h = np.empty(max(3 * n - 3, n), dtype=np.uint64)
    h[:n] = cps | _ORDER[0]
    if n >= 2:
        h[n : 2 * n - 1] = (cps[:-1] << _SHIFT) | cps[1:] | _ORDER[1]
    if n >= 3:
        h[2 * n - 1 :] = (cps[:-2] << (_SHIFT + _SHIFT)) | (cps[1:-1] << _SHIFT) | cps[2:] | _ORDER[2]
    h *= _MIX  # wraps modulo 2**64: a multiplicative hash
    h ^= h >> np.uint64(29)
    h *= _MIX
    return h


def _cleaned(text: str) -> np.ndarray:
    raw = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    cps = _table()[np.minimum(raw, LIMIT - 1)]
    if not cps.all():
        cps = cps[cps != DELETE]
    return cps.astype(np.uint64)


Words = tuple[np.ndarray, np.ndarray, np.ndarray]  # sorted gram hashes, kind of each, pre-filter


def word_keys(words: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """(sorted gram hashes, kinds) of the words of 1–3 cleaned characters in `words` (word → kind);
    the first kind given for a hash wins. What a model file stores for an extra word list."""
    found: dict[int, int] = {}
    for word, kind in words.items():
        cps = _cleaned(word)
        if 1 <= cps.size <= 3:
            found.setdefault(int(_grams(cps)[-1]), kind)  # the gram of the whole word
    keys = np.asarray(sorted(found), dtype=np.uint64)
    return keys, np.asarray([found[int(k)] for k in keys], dtype=np.uint64)


def word_table(keys: np.ndarray, kinds: np.ndarray) -> Words:
    slots = np.zeros(_SLOTS, dtype=np.bool_)
    slots[(keys >> _SLOT_SHIFT) & np.uint64(_SLOTS - 1)] = True
    return keys, kinds, slots


def _lexicon() -> Words:
    """The project lexicon's words of 1–3 characters (9 in 10 of its words; longer ones still
    count through their n-grams) as kinds LEXICON_NEGATIVE / LEXICON_POSITIVE."""
    global _LEXICON
    if _LEXICON is None:
        with _LOCK:
            if _LEXICON is None:
                from bot.analysis.sentiment import Lexicon  # not at import time: it imports this module

                lexicon = Lexicon.bundled()
                words = dict.fromkeys(lexicon.negative, LEXICON_NEGATIVE)
                words.update((w, LEXICON_POSITIVE) for w in lexicon.positive if w not in words)
                _LEXICON = word_table(*word_keys(words))
    return _LEXICON


# Characters that negate a lexicon word starting one or two characters after them (不满意 is a
# word of its own; 不太满意, 没有污染, 未造成伤亡 are not). Punctuation is gone by then, so this
# is a window of characters, not of clause.
NEGATORS = np.asarray([ord(c) for c in "不没未无非别勿莫"], dtype=np.uint64)
_IS_NEGATOR = np.zeros(LIMIT, dtype=np.bool_)  # a look-up: np.isin costs ~20 µs a call
_IS_NEGATOR[NEGATORS.astype(np.intp)] = True
NEGATED = np.uint64(8)  # added to a word's kind when a negator stands before it


def _hits(h: np.ndarray, slot: np.ndarray, cps: np.ndarray, table: Words, negation: bool) -> np.ndarray:
    """Kinds of the words of `table` found among the gram hashes `h` of `cps` (+ NEGATED if negated);
    `slot` is each hash's pre-filter slot."""
    keys, kinds, slots = table
    maybe = np.flatnonzero(slots[slot])
    if not maybe.size:
        return maybe.astype(np.uint64)
    at = np.minimum(np.searchsorted(keys, h[maybe]), keys.size - 1)
    found = keys[at] == h[maybe]
    out = kinds[at[found]]
    if negation and out.size:
        n = cps.size
        index = maybe[found]
        start = np.where(index < n, index, np.where(index < 2 * n - 1, index - n, index - (2 * n - 1)))
        before = np.zeros(start.size, dtype=np.bool_)
        for back in (1, 2):
            ok = start >= back
            before[ok] |= _IS_NEGATOR[cps[start[ok] - back].astype(np.intp)]
        out = out + before.astype(np.uint64) * NEGATED
    return out


def _scan(text: str, negation: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The cleaned code points, their gram hashes, each hash's pre-filter slot, and the kinds of
    the project lexicon's words found (`_hits`)."""
    cps = _cleaned(text)
    h = _grams(cps)
    slot = ((h >> _SLOT_SHIFT) & np.uint64(_SLOTS - 1)).astype(np.intp)
    return cps, h, slot, _hits(h, slot, cps, _lexicon(), negation)


def lexicon_counts(text: str) -> tuple[int, int]:
    """(negative, positive) words of the project lexicon in the cleaned text, a negated one (没有污染,
    未造成伤亡) counted on neither side: what `features` adds as two ids, for a check beside the model."""
    _cps, _h, _slot, hits = _scan(text, negation=True)
    return int((hits == LEXICON_NEGATIVE).sum()), int((hits == LEXICON_POSITIVE).sum())


def features(text: str, buckets: int, words: Words | None = None, negation: bool = False) -> np.ndarray:
    """Bucket ids of the character 1-, 2- and 3-grams of the cleaned text, one per occurrence,
    plus one of two fixed ids per word of the project lexicon found (negative / positive): the
    vocabulary written for 舆情 news counts wherever it occurs, also where the public corpora
    taught its characters little. `words` adds a further word list (a model file may carry
    one: kinds of its own); with `negation`, a word right after a negator (NEGATORS) counts
    under a kind of its own. `buckets` must be a power of two; characters past the table all
    read as its last one."""
    cps, h, slot, hits = _scan(text, negation)
    if words is not None:
        hits = np.concatenate((hits, _hits(h, slot, cps, words, negation)))
    if hits.size:
        tags = hits | _ORDER[3]
        tags *= _MIX
        tags ^= tags >> np.uint64(29)
        tags *= _MIX
        h = np.concatenate((h, tags))
    return ((h >> np.uint64(20)) & np.uint64(buckets - 1)).astype(np.intp)


class ModelError(Exception):
    """The weights file is missing, unreadable or not a model of this kind."""


@dataclass(frozen=True)
class LinearModel:
    """Multinomial logistic regression: softmax(sum of the n-grams' weights / sqrt(n-grams) + bias)."""

    weights: np.ndarray  # (classes, buckets) float32, C order: one contiguous row per class
    bias: np.ndarray  # (classes,)
    labels: tuple[str, ...]
    thresholds: dict[str, float]  # a label needs this probability, else neutral
    meta: dict
    words: Words | None = None  # an extra word list the model was trained with (features())

    @property
    def negation(self) -> bool:
        return bool(self.meta.get("negation", False))

    @property
    def buckets(self) -> int:
        return int(self.weights.shape[1])

    def probabilities(self, text: str) -> np.ndarray:
        ids = features(text, self.buckets, self.words, self.negation)
        logits = self.bias.copy()
        if ids.size:
            logits += self.weights.take(ids, axis=1).sum(axis=1) / math.sqrt(ids.size)
        logits -= logits.max()
        p = np.exp(logits)
        return p / p.sum()

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        try:
            with np.load(path, allow_pickle=False) as data:
                weights = np.ascontiguousarray(data["weights"], dtype=np.float32)
                bias = data["bias"].astype(np.float32)
                meta = json.loads(str(data["meta"]))
                words = None
                if "word_keys" in data:
                    keys = data["word_keys"].astype(np.uint64)
                    kinds = data["word_kinds"].astype(np.uint64)
                    if keys.shape != kinds.shape or (keys.size > 1 and (np.diff(keys) <= 0).any()):
                        raise ValueError("word_keys must be sorted and match word_kinds")
                    words = word_table(keys, kinds)
        except (OSError, KeyError, ValueError, EOFError) as exc:  # np.load raises these for bad files
            raise ModelError(f"{path}: {exc}") from exc
        labels = tuple(meta.get("labels", ()))
        buckets = weights.shape[1] if weights.ndim == 2 else 0
        if (
            weights.ndim != 2
            or not buckets
            or buckets & (buckets - 1)
            or weights.shape[0] != len(labels)
            or bias.shape != (len(labels),)
            or "neutral" not in labels
            or not np.isfinite(weights).all()
        ):
            raise ModelError(f"{path}: weights of shape {weights.shape} do not match labels {labels}")
        return cls(weights, bias, labels, dict(meta.get("thresholds", {})), meta, words)


def save(path: Path, weights: np.ndarray, bias: np.ndarray, meta: dict, words: Words | None = None) -> None:
    """Write a model as compressed float16 weights plus JSON metadata (labels, thresholds,
    provenance), and the hashes and kinds of its extra word list if it has one."""
    extra = {} if words is None else {"word_keys": words[0], "word_kinds": words[1].astype(np.uint8)}
    np.savez_compressed(
        path,
        weights=weights.astype(np.float16),
        bias=bias.astype(np.float32),
        meta=np.array(json.dumps(meta, ensure_ascii=False)),
        **extra,
    )
