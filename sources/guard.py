"""The private-address guard: a source may not reach loopback, intranet or cloud metadata.

Checked on the resolved address of every hop (redirects included), and the
connection is pinned to the address that was checked (PinningBackend), so a
DNS answer that changes between check and connect (DNS rebinding) cannot
slip through.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class GuardError(Exception):
    """The URL may not be fetched; `retry` False means trying again will not help."""

    def __init__(self, message: str, retry: bool = False) -> None:
        super().__init__(message)
        self.retry = retry


@dataclass(frozen=True)
class Target:
    """A checked URL: the host name as the connection pool sees it, and the address to connect to."""

    url: str
    host: str  # ASCII (IDNA) host name; per-host limits and pins key on it
    pin: str = ""  # the checked address; "" when private addresses are allowed (resolve freely)


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
    """Check scheme and resolved address of `url`; the connection must then go to `pin`."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise GuardError(f"{url}: 不允许的协议 {parts.scheme or '(无)'}，仅支持 http/https")
    try:
        host = httpx.URL(url).raw_host.decode("ascii").strip("[]")
    except (httpx.InvalidURL, UnicodeError):
        host = ""
    if not host:
        raise GuardError(f"{url}: 缺少主机名或主机名无效")
    if allow_private:
        return Target(url, host)
    addr = await _resolve(host, parts.port or (443 if parts.scheme == "https" else 80), url)
    if not is_public(addr, allowed):
        raise GuardError(f"{url}: 指向内网或保留地址 {addr}，已拒绝（如确需访问请为该来源设置 allow_private: true）")
    return Target(url, host, str(addr))


class PinningBackend(httpcore.AsyncNetworkBackend):
    """Connects to the address the guard checked for a host name, never to a fresh DNS answer.

    Names without a pin (sources with allow_private) are resolved as usual.
    URLs keep their host names, so TLS SNI, certificate checks and pooled
    connections all stay per name.
    """

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()
        self.pins: dict[str, str] = {}

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        address = self.pins.get(host, host)
        return await self._inner.connect_tcp(address, port, timeout, local_address, socket_options)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by sources")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def pinning_transport(
    verify: ssl.SSLContext | bool, limits: httpx.Limits
) -> tuple[httpx.AsyncHTTPTransport, PinningBackend]:
    """An httpx transport whose connection pool connects through a PinningBackend."""
    backend = PinningBackend()
    transport = httpx.AsyncHTTPTransport(verify=verify, limits=limits, trust_env=False)
    # httpx 0.28 has no public way to pass a network backend: swap the pool it built for an equal one that has it.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=backend,
    )
    return transport, backend


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
