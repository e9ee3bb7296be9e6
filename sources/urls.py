"""Canonical URLs: relative links resolved, tracking parameters and fragments removed."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "spm", "from", "share", "wfr", "vd_source", "scene", "isappinstalled")
_TRACKING_EXACT = {
    "fbclid", "gclid", "ref", "ref_src", "src", "timestamp", "_t", "sharer", "mpshare",
    "refer", "refer_flag", "srcid", "exportkey", "pass_ticket", "wx_header", "chksm", "clicktime", "enterid",
    "ascene", "sessionid", "sharesource", "tt_from", "utm_source", "bd_source", "wfr", "xhsshare", "xsec_source",
}  # fmt: skip


def _is_tracking(name: str) -> bool:
    low = name.lower()
    return low in _TRACKING_EXACT or low.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str, base: str = "") -> str:
    url = (url or "").strip()
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    host = (parts.hostname or "").lower()
    netloc = host if parts.port in (None, 80, 443) else f"{host}:{parts.port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(query), ""))
