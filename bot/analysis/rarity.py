"""Which bigrams of a text are rare in general Chinese: a story's own words.

Two reports of one story share its specific words (碱回收, 保温箱, 塔吊, 漏氨) even when one is a
netizen's retelling or a follow-up with new figures; two stories about one office share only
common words and the office's name. The table (bot/data/rare_bigrams.npy) is derived from jieba's
dictionary by scripts/make_rare_bigrams.py; nothing here reads a store or a corpus at run time."""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

import numpy as np

TABLE_FILE = Path(__file__).resolve().parent.parent / "data" / "rare_bigrams.npy"
RARE_FREQUENCY = 1000  # summed dictionary frequency (of about 60 million) at most this: rare
# grammar, not content: a bigram with one of these is no word of a story
FUNCTION_CHARS = frozenset("的了是在和与及也就都而着为把被从对向将这那其之以于个们有无不没很又再已还")
CACHE = 8192  # texts: a stored lead comes back as a candidate again and again


def code(bigram: str) -> int:
    """A two-character string as one uint32 (both characters are in the Basic Multilingual Plane)."""
    return ord(bigram[0]) << 16 | ord(bigram[1])


@cache
def _table() -> np.ndarray:
    return np.load(TABLE_FILE)


def _rare(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(bigram codes of `text`, which of them are rare)."""
    chars = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    if chars.size < 2:
        return np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.bool_)
    codes = (chars[:-1] << np.uint32(16)) | chars[1:]
    table = _table()
    at = np.searchsorted(table, codes).clip(max=table.size - 1)
    rare = table[at] == codes
    rare &= (chars[:-1] <= 0xFFFF) & (chars[1:] <= 0xFFFF)  # the table holds no other plane
    return codes, rare


@lru_cache(maxsize=CACHE)
def rare_bigrams(text: str) -> frozenset[str]:
    """The rare bigrams of `text` (a canonical text)."""
    _codes, rare = _rare(text)
    return frozenset(text[i : i + 2] for i in np.flatnonzero(rare).tolist())


@lru_cache(maxsize=CACHE)
def rare_codes(text: str) -> np.ndarray:
    """Codes (`code`) of the distinct rare bigrams of `text`, sorted; read-only (it is cached)."""
    codes, rare = _rare(text)
    found = np.unique(codes[rare])
    found.flags.writeable = False
    return found


GENRE_FILE = Path(__file__).resolve().parent.parent / "data" / "genre_bigrams.txt"


@cache
def genre_bigrams() -> frozenset[str]:
    """Rare bigrams every kind of local news says (通报, 时许, 送医, 人受, 起火): rare in general Chinese,
    common in reports, so two different stories share them. Derived by scripts/make_genre_bigrams.py."""
    return frozenset(GENRE_FILE.read_text(encoding="utf-8").split())
