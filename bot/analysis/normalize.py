"""Text normal form for matching: width, case, spaces and punctuation.

Both the configured words and the scanned text go through one table: full-width
ASCII becomes half-width, letters lower case, traditional characters simplified one
for one (opencc's character table), and whitespace and punctuation vanish, so
「江城 市国资委」 and 「江城·市国资委」 still hit 「江城市国资委」, and 「江城 化工集團」 (a text
mixing the two scripts, which neither spelling of the word matches) hits 「江城化工集团」.
The table is applied as two compiled patterns (C speed, a third of `str.translate`'s time
on news text, which is every item's first cost): most items have nothing to
re-map, only punctuation to drop. A word's own spellings (`variants`: 發佈會 for 发布会, which
no character table gives) are matched as before.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

_DELETE_RANGES = (
    (0x0000, 0x002F),  # controls, space, ASCII punctuation ! " # … /
    (0x003A, 0x0040),  # : ; < = > ? @
    (0x005B, 0x0060),  # [ \ ] ^ _ `
    (0x007B, 0x00BF),  # { | } ~, Latin-1 spaces and symbols
    (0x2000, 0x206F),  # general punctuation, zero-width spaces
    (0x3000, 0x303F),  # CJK symbols and punctuation (、。〈〉《》「」【】 …)
    (0x30FB, 0x30FB),  # katakana middle dot
    (0xFE10, 0xFE1F),  # vertical forms
    (0xFE30, 0xFE6F),  # CJK compatibility and small forms
    (0xFEFF, 0xFEFF),  # byte order mark
)
_KEEP_IN_DELETED = set(range(0x3005, 0x3008))  # 々 〆 〇 are letters, not punctuation


def _build_table() -> dict[int, int | None]:
    table: dict[int, int | None] = {}
    for lo, hi in _DELETE_RANGES:
        for cp in range(lo, hi + 1):
            if cp not in _KEEP_IN_DELETED:
                table[cp] = None
    for cp in range(0xFF01, 0xFF5F):  # full-width ASCII → half-width, then as above
        half = cp - 0xFEE0
        table[cp] = None if half in table else ord(chr(half).lower())
    for cp in range(0xFF5F, 0xFF66):  # full-width brackets and halfwidth CJK punctuation
        table[cp] = None
    for cp in range(ord("A"), ord("Z") + 1):
        table[cp] = cp + 32
    for cp, simple in _traditional().items():
        table.setdefault(cp, simple)
    return table


def _traditional() -> dict[int, int]:
    """Traditional characters → simplified, one for one (opencc's character table). A character
    one of whose readings is itself (乾: 干 or 乾; 於) is left alone: it is simplified too. Only the
    Basic Multilingual Plane: a class of those compiles to a bitmap, one reaching beyond it to a list
    of ranges the scan walks for every character (a hundred times slower on every item). A character
    whose simplified form lies beyond it (檵: 𪲛, 633 of the table's) is how simplified text writes it too."""
    return {
        ord(trad): ord(simple[0])
        for trad, simple in traditional_readings().items()
        if len(simple[0]) == 1 and trad not in simple and ord(trad) < 0x10000 and ord(simple[0]) < 0x10000
    }


@cache
def traditional_readings() -> dict[str, tuple[str, ...]]:
    """Each traditional character's simplified readings, the usual first (opencc's character table)."""
    import opencc  # opencc-python-reimplemented ships its dictionaries

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    readings: dict[str, tuple[str, ...]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        trad, _, simple = line.partition("\t")
        if len(trad) == 1 and simple:
            readings[trad] = tuple(simple.split(" "))
    return readings


TABLE = _build_table()


def _char_class(codepoints: list[int]) -> str:
    """A regex character class of the given code points, as ranges."""
    parts, start = [], None
    for i, cp in enumerate(codepoints):
        start = cp if start is None else start
        if i + 1 == len(codepoints) or codepoints[i + 1] != cp + 1:
            parts.append(re.escape(chr(start)) + ("" if cp == start else "-" + re.escape(chr(cp))))
            start = None
    return "[" + "".join(parts) + "]"


_DELETED = re.compile(_char_class(sorted(cp for cp, to in TABLE.items() if to is None)) + "+")
_REMAP = {cp: to for cp, to in TABLE.items() if to is not None}
_REMAPPED = re.compile(_char_class(sorted(_REMAP)))


def normalize(text: str) -> str:
    """The matching form of `text` (same length or shorter, never longer): `text.translate(TABLE)`."""
    if _REMAPPED.search(text):
        text = text.translate(_REMAP)  # a remapped character never maps to a deleted one
    return _DELETED.sub("", text)


def offsets(text: str) -> list[int]:
    """offsets[j] is the index in `text` of the j-th character of normalize(text)."""
    where: list[int] = []
    kept_from = 0
    for gap in _DELETED.finditer(text):
        where.extend(range(kept_from, gap.start()))
        kept_from = gap.end()
    where.extend(range(kept_from, len(text)))
    return where


def span(text: str, start: int, end: int) -> tuple[int, int]:
    """Map a [start, end) span of normalize(text) back to a span of `text`."""
    where = offsets(text)
    return where[start], where[end - 1] + 1


@cache
def _converters() -> tuple[object, ...]:
    import opencc  # opencc-python-reimplemented: pure Python, dictionaries in the package

    return tuple(opencc.OpenCC(name) for name in ("t2s", "s2t", "s2tw", "s2hk"))


def simplified(text: str) -> str:
    """`text` in simplified characters, character for character (unchanged if a conversion
    would change its length, so positions stay valid)."""
    simple = _converters()[0].convert(text)  # type: ignore[attr-defined]
    return simple if len(simple) == len(text) else text


@cache
def variants(word: str) -> frozenset[str]:
    """Matching forms of a configured word: itself plus its simplified/traditional spellings
    (cached: an event word shared by a thousand schemes is converted once)."""
    base = unicodedata.normalize("NFKC", word)
    forms = {base}
    for conv in _converters():
        forms.add(conv.convert(base))  # type: ignore[attr-defined]
    return frozenset(f for f in (normalize(x) for x in forms) if f)
