"""Bytes → text the way Chinese sites need: header → BOM → <meta>/<?xml?> → detection.

GBK and GB2312 are decoded as GB18030 (a superset: pages labelled GB2312
routinely contain GBK-only characters). Labels lie: a declared charset that
does not decode cleanly is skipped, and when a header and the page disagree a
clean UTF-8 decode wins (UTF-8 almost never decodes cleanly by accident). When
no label decodes (GBK served as charset=utf-8), GB18030 and Big5 are tried
before charset-normalizer; a page that loses only a stray byte keeps its label.
This is the one decoding decision: every parser gets `Response.text`.
"""

from __future__ import annotations

import codecs
import re

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:\-]+)", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_DECL = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_GB = {"gbk", "gb2312", "gb-2312", "x-gbk", "cp936", "gb18030", "euc-cn", "csgb2312", "hz-gb-2312", "936"}
# Server defaults that say nothing about the page (Content-Type: text/html; charset=ISO-8859-1).
_WEAK = {"iso8859-1", "ascii", "cp1252"}  # codec names, after normalize_encoding()
_DETECT_BYTES = 65536
_SLICE = 262_144  # bytes decoded per call (a few ms with the GIL held)
_CHINESE_CODECS = ("gb18030", "big5")  # tried first when a declared charset fails
# Han (BMP, extension A), CJK punctuation, full-width forms, and the general punctuation Chinese text uses (“”…—·).
_CHINESE_RANGES = (
    ("\u4e00", "\u9fff"),
    ("\u3400", "\u4dbf"),
    ("\u3000", "\u303f"),
    ("\uff00", "\uffef"),
    ("\u2010", "\u2027"),
    ("\u00b7", "\u00b7"),
)


def normalize_encoding(name: str) -> str:
    """A Python codec name for a declared label; GB family → gb18030, unknown → ''."""
    low = name.strip().lower().replace("_", "-")
    if low in _GB:
        return "gb18030"
    if low in ("utf8", "unicode-1-1-utf-8"):
        return "utf-8"
    try:
        return codecs.lookup(low).name
    except LookupError:
        return ""


def declared_encodings(body: bytes, content_type: str = "") -> list[str]:
    """Candidate encodings in order: header, then <meta charset> / <?xml encoding?>."""
    found: list[str] = []
    m = _HEADER_CHARSET.search(content_type or "")
    if m:
        found.append(m.group(1))
    head = body[:4096]
    for pattern in (_XML_DECL, _META_CHARSET):
        mm = pattern.search(head)
        if mm:
            found.append(mm.group(1).decode("ascii", "ignore"))
    out: list[str] = []
    for label in found:
        enc = normalize_encoding(label)
        if enc and enc not in out:
            out.append(enc)
    return out


def decode_body(body: bytes, content_type: str = "", override: str = "") -> tuple[str, str]:
    """Decode a response body; returns (text, encoding used). Never raises."""
    if override and (enc := normalize_encoding(override)):
        return _decode(body, enc), enc
    for bom, enc in _BOMS:
        if body.startswith(bom):
            return _decode(body[len(bom) :], enc), enc
    candidates = declared_encodings(body, content_type)
    strong = [c for c in candidates if c not in _WEAK]
    if "utf-8" in strong or len(set(strong)) > 1:
        text = _strict(body, "utf-8")
        if text is not None:
            return text, "utf-8"
    for enc in strong:
        text = _strict(body, enc)
        if text is not None:
            return text, enc
    if strong:
        decoded = [(_decode(body, enc), enc) for enc in strong]
        text, enc = min(decoded, key=lambda pair: pair[0].count("\ufffd"))
        if _slightly_broken(text):  # a stray bad byte in a page that is what it says: keep the label
            return text, enc
        chinese = _chinese_strict(body)  # the label lies: GBK or Big5 served as utf-8 is the common case
        if chinese is not None:
            return chinese
    return _detect(body, candidates)


def _slightly_broken(text: str) -> bool:
    """At most one character in a thousand lost (and never more than 1% of the non-ASCII ones)."""
    lost = text.count("\ufffd")
    wide = sum(1 for ch in text if ord(ch) > 0x7F)
    return lost * 1000 <= max(len(text), 1) and lost * 100 <= max(wide, 1)


def _chinese_strict(body: bytes) -> tuple[str, str] | None:
    """GB18030 (GBK, GB2312) or Big5, whichever decodes cleanly and reads as more Chinese; None if neither."""
    best: tuple[float, str, str] | None = None
    for enc in _CHINESE_CODECS:
        text = _strict(body, enc)
        if text is None:
            continue
        share = _chinese_share(text)
        if share > 0.9 and (best is None or share > best[0]):
            best = (share, text, enc)
    return (best[1], best[2]) if best else None


def decode_as(body: bytes, enc: str) -> str:
    """Decode with an encoding already chosen by decode_body (a matching BOM dropped): the same text again."""
    for bom, bom_enc in _BOMS:
        if body.startswith(bom) and normalize_encoding(bom_enc) == normalize_encoding(enc):
            body = body[len(bom) :]
            break
    return _decode(body, enc or "utf-8")


def _strict(body: bytes, enc: str) -> str | None:
    """Decode cleanly or not at all; a multi-byte character cut off at the end is tolerated."""
    try:
        return _decode(body, enc, "strict", final=False)
    except (UnicodeDecodeError, LookupError):
        return None


def _decode(body: bytes, enc: str, errors: str = "replace", final: bool = True) -> str:
    """bytes.decode in slices: one call on 28 MB holds the GIL for ~300 ms (a stalled event loop,
    even from a worker thread); between slices other threads get to run."""
    decoder = codecs.getincrementaldecoder(enc)(errors)
    if len(body) <= _SLICE:
        return decoder.decode(body, final=final)
    view = memoryview(body)
    parts = [decoder.decode(view[i : i + _SLICE]) for i in range(0, len(body), _SLICE)]
    parts.append(decoder.decode(b"", final=final))
    return "".join(parts)


def _detect(body: bytes, weak: list[str]) -> tuple[str, str]:
    """No label decoded cleanly: UTF-8 or GB18030, whichever reads as more Chinese
    (a few GBK bytes can happen to be valid UTF-8 Greek or Cyrillic), then a guess."""
    utf8, gb = _strict(body, "utf-8"), _strict(body, "gb18030")
    if utf8 is not None and (gb is None or _chinese_share(utf8) >= _chinese_share(gb)):
        return utf8, "utf-8"
    if gb is not None and _chinese_share(gb) > 0.9:
        return gb, "gb18030"
    if utf8 is not None:
        return utf8, "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(body[:_DETECT_BYTES]).best()
    enc = normalize_encoding(best.encoding) if best else ""
    enc = enc or (weak[0] if weak else "gb18030")
    return _decode(body, enc), enc


def _chinese_share(text: str) -> float:
    """Share of the non-ASCII characters that are Chinese (1.0 for plain ASCII).
    A GB18030 decode that yields mostly common CJK is almost certainly right."""
    sample = [ch for ch in text[:4000] if ord(ch) > 0x7F]
    if not sample:
        return 1.0
    cjk = sum(1 for ch in sample if any(lo <= ch <= hi for lo, hi in _CHINESE_RANGES))
    return cjk / len(sample)
