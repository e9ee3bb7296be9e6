"""Canonical URLs: relative links resolved, tracking parameters and fragments removed."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

_DEFAULT_PORT = {"http": 80, "https": 443}
_PATH_SAFE = "/%;:@&=+$,!~*'()-._"

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
    """Absolute, lower-case scheme and host, default port and fragment dropped, tracking parameters removed."""
    return _canonical((url or "").strip(), base)


@lru_cache(maxsize=32768)  # feeds repeat the same links poll after poll
def _canonical(url: str, base: str) -> str:
    try:
        return _canonical_parts(url, base)
    except ValueError:  # "http://[broken": keep what the site wrote rather than fail the whole poll
        return url


def _canonical_parts(url: str, base: str) -> str:
    if base and not url.startswith(("http://", "https://")):
        url = urljoin(base, url)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return url
    query = parts.query
    if query:
        query = urlencode([(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not _is_tracking(k)])
    host = (parts.hostname or "").lower()
    if not host:  # "http:////": nothing to canonicalise; keep what the site wrote
        return url
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, _DEFAULT_PORT[scheme]) else f"{host}:{port}"
    path = quote(parts.path, safe=_PATH_SAFE) or "/"  # spaces, controls and CJK percent-encoded, once
    return urlunsplit((scheme, netloc, path, query, ""))
