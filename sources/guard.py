"""The private-address guard: a source may not reach loopback, intranet or cloud metadata.

Checked on the resolved address of every hop (redirects included), and the
connection is pinned to the address that was checked, so a DNS answer that
changes between check and connect (DNS rebinding) cannot slip through.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class GuardError(Exception):
    """The URL may not be fetched; `retry` False means trying again will not help."""

    def __init__(self, message: str, retry: bool = False) -> None:
        super().__init__(message)
        self.retry = retry


@dataclass(frozen=True)
class Target:
    """Where to connect for a URL: the URL to open, plus Host header and TLS name when pinned."""

    url: str
    host: str  # the logical host name (per-host limits key on it)
    headers: dict[str, str] = field(default_factory=dict)
    extensions: dict[str, str] = field(default_factory=dict)


def parse_networks(cidrs: Sequence[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(c, strict=False) for c in cidrs)


def is_public(addr: IPAddress, allowed: Sequence[Network] = ()) -> bool:
    """True for globally routable unicast addresses (or ones inside an allowed network)."""
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if any(addr in net for net in allowed):
        return True
    return addr.is_global and not addr.is_multicast


async def resolve_target(url: str, allow_private: bool, allowed: Sequence[Network] = ()) -> Target:
    """Check scheme and address of `url`; return where to connect (pinned unless private is allowed)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise GuardError(f"{url}: 不允许的协议 {parts.scheme or '(无)'}，仅支持 http/https")
    host = parts.hostname
    if not host:
        raise GuardError(f"{url}: 缺少主机名")
    if allow_private:
        return Target(url, host)
    addr = await _resolve(host, parts.port or (443 if parts.scheme == "https" else 80), url)
    if not is_public(addr, allowed):
        raise GuardError(f"{url}: 指向内网或保留地址 {addr}，已拒绝（如确需访问请为该来源设置 allow_private: true）")
    ip_text = f"[{addr}]" if addr.version == 6 else str(addr)
    netloc = f"{ip_text}:{parts.port}" if parts.port else ip_text
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    host_header = host if not parts.port else f"{host}:{parts.port}"
    if addr.version == 6 and ":" in host:
        host_header = f"[{host}]" + (f":{parts.port}" if parts.port else "")
    ext = {"sni_hostname": host} if parts.scheme == "https" else {}
    return Target(pinned, host, {"Host": host_header}, ext)


async def _resolve(host: str, port: int, url: str) -> IPAddress:
    """One address for host; every address it resolves to must pass (first one is used)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise GuardError(f"{url}: 域名解析失败（{exc}）", retry=True) from None
    addrs = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addrs:
        raise GuardError(f"{url}: 域名解析无结果", retry=True)
    # If any answer is private the name is suspect: refuse on the worst one.
    return next((a for a in addrs if not is_public(a)), addrs[0])
