"""The text sentiment reads: what the matcher tolerates, undone before classifying.

The matcher finds 「江 城 化 工 厂 爆 炸」, 「爆炸事故」 in traditional characters and
full-width ＡＢＣ１２３ (bot/analysis/normalize.py), so the classifier must read them
as their plain forms too: `clean` gives the lexicon a string, `codes` gives the
linear model the code points without a round trip through str. Unlike `normalize.normalize`, punctuation stays: clause
boundaries limit the lexicon's negation words, and 「！」 or 「？」 carry tone.

Traditional → simplified is a per-character table built once from
opencc-python-reimplemented's own dictionary files (TSCharacters plus the
Taiwan/Hong Kong variant tables) into a numpy lookup array. OpenCC's
phrase-level converter takes ~1 ms per sentence, slower than the whole
classifier; characters are enough to read tone.
"""

from __future__ import annotations

import re
import threading
from importlib import resources

import numpy as np

# Whitespace between two non-ASCII characters is spacing, not a word boundary (江 城 → 江城);
# "iPhone 15" keeps its space.
# Line breaks stay: the title and the lead are separate clauses.
_SPACED = re.compile(r"(?<=[^\x00-\x7f]) +(?=[^\x00-\x7f])")
_ZERO_WIDTH = (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD)

_LOCK = threading.Lock()
_TABLE: np.ndarray | None = None


def _width_pairs() -> dict[str, str]:
    pairs = {chr(cp): chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}  # ！…～ → !…~
    pairs.update((space, " ") for space in "\u3000\u00a0\t\u2002\u2003\u2009")
    pairs.update((chr(cp), "") for cp in _ZERO_WIDTH)
    return pairs


def _opencc_pairs(name: str) -> dict[str, str]:
    """Single-character entries of an OpenCC dictionary file (first candidate wins)."""
    text = (resources.files("opencc") / "dictionary" / name).read_text(encoding="utf-8")
    pairs = {}
    for line in text.splitlines():
        key, _, values = line.partition("\t")
        value = values.split(" ", 1)[0].strip()
        if len(key) == 1 and len(value) == 1 and key != value:
            pairs[key] = value
    return pairs


def _simplified_pairs() -> dict[str, str]:
    t2s = _opencc_pairs("TSCharacters.txt")
    pairs = dict(t2s)
    # Regional variants (爲, 汙, 裡 …): first to the OpenCC standard form, then to simplified.
    for name in ("TWVariantsRev.txt", "HKVariantsRev.txt"):
        for variant, standard in _opencc_pairs(name).items():
            target = t2s.get(standard, standard)
            if variant not in t2s and variant != target:
                pairs[variant] = target
    return pairs


LIMIT = 0x30000  # the table covers the BMP and CJK extension planes 2; rarer characters pass as they are
DELETE = 0  # table value of a character to drop (zero-width spaces, soft hyphen)


def table() -> np.ndarray:
    """Code point → code point (uint32, DELETE to drop), built on first use (~60 ms: reads
    OpenCC's character files). numpy applies it in one step: a 250-character lead costs
    ~20 µs, where `str.translate` with a 4,000-entry dict costs ~110 µs and a regex ~600 µs."""
    global _TABLE
    if _TABLE is None:
        with _LOCK:
            if _TABLE is None:
                pairs = _simplified_pairs()
                pairs.update(_width_pairs())
                lut = np.arange(LIMIT, dtype=np.uint32)
                for cp in range(ord("A"), ord("Z") + 1):
                    lut[cp] = cp + 32
                for old, new in pairs.items():
                    lut[ord(old)] = ord(new.lower()) if new else DELETE
                lut[DELETE] = DELETE
                _TABLE = lut
    return _TABLE


def codes(text: str) -> np.ndarray:
    """The code points of `text` mapped through `table()` (zero-width characters dropped)."""
    raw = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    lut = table()
    if raw.size and raw.max() >= LIMIT:
        mapped = np.where(raw < LIMIT, lut[np.minimum(raw, LIMIT - 1)], raw)
    else:
        mapped = lut[raw]
    return mapped if mapped.all() else mapped[mapped != DELETE]


def clean(text: str) -> str:
    """Simplified, half-width, lower-case, no spacing inside Chinese; punctuation kept."""
    text = codes(text).tobytes().decode("utf-32-le")
    return _SPACED.sub("", text) if " " in text else text
