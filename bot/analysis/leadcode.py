"""A lead (canonical title + lead) in 12 bits a character instead of 16.

The similarity index keeps one lead per remembered item; at a million items the leads were
three quarters of its memory. A canonical text is simplified Chinese, ASCII letters and
digits and four private-use marks, so a fixed table holds nearly every character: the 3,755
first-level GB2312 characters (常用字), printable ASCII and the marks, each a 12-bit code.
Any other character costs two codes: an escape carrying its top four bits, then its low
twelve. Two codes pack into three bytes. Lossless for the Basic Multilingual Plane.
"""

from __future__ import annotations

from functools import cache

import numpy as np

ESCAPE = 4032  # codes ESCAPE … ESCAPE+15 start a two-code character (its bits 12–15)
MARKS = "\ue001\ue002\ue003"  # TITLE_END, DECIMAL, BLANK of bot.analysis.story
LATER_MARKS = "\ue004"  # CLAUSE: after the table's other characters, whose codes stay as they were


@cache
def _tables() -> tuple[np.ndarray, np.ndarray]:
    """(code point → code, 0 when not in the table; code → code point)."""
    chars = [*MARKS, *(chr(c) for c in range(0x20, 0x7F))]
    for high in range(0xB0, 0xD8):  # GB2312 level 1: rows 16–55
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    chars = list(dict.fromkeys([*chars, *LATER_MARKS]))
    assert len(chars) < ESCAPE
    to_code = np.zeros(0x10000, dtype=np.uint16)
    to_char = np.zeros(ESCAPE, dtype=np.uint16)
    for code, char in enumerate(chars, start=1):
        to_code[ord(char)] = code
        to_char[code] = ord(char)
    return to_code, to_char


def encode(text: str, units: int) -> tuple[np.ndarray, int]:
    """(packed bytes, codes used) of at most `units` codes (even): the characters that fit whole."""
    points = np.frombuffer(_utf16(text), dtype=np.uint16)
    to_code, _ = _tables()
    codes = to_code[points]
    rare = codes == 0
    if rare.any():
        out = np.empty(points.size + int(rare.sum()), dtype=np.uint16)
        at = np.arange(points.size) + np.concatenate(([0], np.cumsum(rare)[:-1]))
        out[at] = np.where(rare, ESCAPE + (points >> 12), codes)
        out[at[rare] + 1] = points[rare] & 0xFFF
        if out.size > units and out[units - 1] >= ESCAPE:
            units -= 1  # never split a two-code character
        codes = out
    codes = codes[:units]
    used = codes.size
    padded = np.zeros(used + (used & 1), dtype=np.uint16)
    padded[:used] = codes
    pairs = padded.reshape(-1, 2).astype(np.uint32)
    packed = np.empty((pairs.shape[0], 3), dtype=np.uint8)
    packed[:, 0] = pairs[:, 0] & 0xFF
    packed[:, 1] = (pairs[:, 0] >> 8) | ((pairs[:, 1] & 0xF) << 4)
    packed[:, 2] = pairs[:, 1] >> 4
    return packed.ravel(), used


def decode(packed: np.ndarray, used: int) -> str:
    """The text of `used` codes packed by `encode`."""
    triples = packed[: (used + 1) // 2 * 3].reshape(-1, 3).astype(np.uint16)
    codes = np.empty(triples.shape[0] * 2, dtype=np.uint16)
    codes[0::2] = triples[:, 0] | ((triples[:, 1] & 0xF) << 8)
    codes[1::2] = (triples[:, 1] >> 4) | (triples[:, 2] << 4)
    codes = codes[:used]
    _, to_char = _tables()
    escape = codes >= ESCAPE
    if not escape.any():
        return to_char[codes].tobytes().decode("utf-16-le")
    starts_list: list[int] = []
    for at in np.flatnonzero(escape).tolist():  # few; a low half may itself look like an escape
        if not starts_list or at != starts_list[-1] + 1:
            starts_list.append(at)
    starts = np.asarray(starts_list, dtype=np.intp)
    points = to_char[np.minimum(codes, ESCAPE - 1)]
    points[starts] = ((codes[starts] - ESCAPE) << 12) | codes[starts + 1]
    keep = np.ones(used, dtype=bool)
    keep[starts + 1] = False
    return points[keep].tobytes().decode("utf-16-le")


def _utf16(text: str) -> bytes:
    """One UTF-16 unit a character: characters outside the BMP (two units) become U+FFFD."""
    data = text.encode("utf-16-le")
    if len(data) == 2 * len(text):
        return data
    return "".join(c if c <= "\uffff" else "\ufffd" for c in text).encode("utf-16-le")
