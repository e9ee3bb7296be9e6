"""Near-duplicate detection: 64-bit simhash over character 3-grams.

A repost with a different headline prefix, a source line or a trimmed tail
keeps most 3-grams, so its simhash differs in few bits. The index keeps one
uint64 fingerprint and one int32 owner id per item in numpy arrays (12 bytes
an item, no Python object per item) and answers "which owner holds a
fingerprint within `threshold` bits?" with one vectorised XOR + popcount.
"""

from __future__ import annotations

import hashlib

import numpy as np

from bot.analysis.normalize import normalize
from bot.models import Item

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_K = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))
NGRAM = 3


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads n-gram codes over all 64 bits."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def fingerprint(text: str) -> int:
    """64-bit simhash of the normalised text's character 3-grams (0 for empty text)."""
    codes = np.frombuffer(normalize(text).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if codes.size == 0:
        return 0
    if codes.size < NGRAM:
        codes = np.concatenate([codes, np.zeros(NGRAM - codes.size, dtype=np.uint64)])
    with np.errstate(over="ignore"):
        grams = codes[:-2] * _K[0] + codes[1:-1] * _K[1] + codes[2:] * _K[2]
        hashes = _mix(grams)
    bits = np.unpackbits(hashes.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
    votes = bits.sum(axis=0, dtype=np.int64) * 2 > hashes.size
    return int(np.packbits(votes, bitorder="little").view(np.uint64)[0])


def distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


class SimilarityIndex:
    """Fingerprints → owners (incident numbers); the oldest half is dropped past max_items."""

    def __init__(self, threshold: int = 6, max_items: int = 2_000_000, initial: int = 1024) -> None:
        self.threshold = threshold
        self.max_items = max_items
        self._fps = np.zeros(initial, dtype=np.uint64)
        self._owner_ids = np.zeros(initial, dtype=np.int32)
        self._size = 0
        self._owners: list[str] = []
        self._owner_index: dict[str, int] = {}

    def __len__(self) -> int:
        return self._size

    @property
    def nbytes(self) -> int:
        """Bytes held by the per-item arrays (allocated capacity, not just used)."""
        return self._fps.nbytes + self._owner_ids.nbytes

    def add(self, fp: int, owner: str) -> None:
        if self._size == self._fps.size:
            if self._size >= self.max_items:
                self._drop_oldest(self._size // 2)
            else:
                self._grow(min(self.max_items, self._fps.size * 2))
        oid = self._owner_index.get(owner)
        if oid is None:
            oid = self._owner_index[owner] = len(self._owners)
            self._owners.append(owner)
        self._fps[self._size] = fp
        self._owner_ids[self._size] = oid
        self._size += 1

    def find(self, fp: int, exclude: frozenset[str] = frozenset()) -> tuple[str, int] | None:
        """The owner of the closest fingerprint within threshold (newest on ties), and its distance."""
        if self._size == 0:
            return None
        dist = np.bitwise_count(self._fps[: self._size] ^ np.uint64(fp))
        candidates = np.flatnonzero(dist <= self.threshold)
        best: tuple[str, int] | None = None
        for i in candidates[np.argsort(dist[candidates], kind="stable")]:
            owner = self._owners[self._owner_ids[i]]
            if owner not in exclude and (best is None or int(dist[i]) < best[1]):
                best = (owner, int(dist[i]))
        return best

    def _grow(self, capacity: int) -> None:
        self._fps = np.resize(self._fps, capacity)
        self._owner_ids = np.resize(self._owner_ids, capacity)

    def _drop_oldest(self, count: int) -> None:
        keep = self._size - count
        self._fps[:keep] = self._fps[count : self._size]
        self._owner_ids[:keep] = self._owner_ids[count : self._size]
        self._size = keep


def content_key(item: Item) -> str:
    """Exact-content dedup key: the same text re-published by the same source under a new URL.

    Per source on purpose: the same text on another site is a repost, which the
    merge stage counts as spread of the story rather than dropping it."""
    digest = hashlib.blake2b(normalize(f"{item.title}\n{item.text}").encode("utf-8"), digest_size=12).hexdigest()
    return f"content:{item.source_id}:{digest}"
