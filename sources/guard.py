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
from collections.abc import Callable, Iterable, Sequence
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
    pin: str = ""  # the checked address; "" for an allow_private source's own host (resolved freely)


def parse_networks(cidrs: Sequence[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(c, strict=False) for c in cidrs)


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
# Link-local and cloud metadata: never reached by an allow_private source, only through http.allow_networks.
_LINK_LOCAL = parse_networks(["169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128"])


def embedded_ipv4(addr: IPAddress) -> tuple[ipaddress.IPv4Address, ...]:
    """The IPv4 addresses an IPv6 address carries (the packets end up there), or () if none.

    IPv4-mapped and -compatible, NAT64 (64:ff9b::/96, and 64:ff9b:1::/48 in the RFC 6052
    /48 layout), 6to4 (2002::/16) and Teredo (2001::/32: server and de-obfuscated client).
    """
    if not isinstance(addr, ipaddress.IPv6Address):
        return ()
    value = int(addr)
    if addr.ipv4_mapped is not None:
        return (addr.ipv4_mapped,)
    if addr.sixtofour is not None:
        return (addr.sixtofour,)
    if addr.teredo is not None:
        return addr.teredo
    if addr in _NAT64 or (value >> 32 == 0 and value > 1):  # NAT64 /96, or IPv4-compatible ::a.b.c.d
        return (ipaddress.IPv4Address(value & 0xFFFFFFFF),)
    if addr in _NAT64_LOCAL:  # octets 1-2 in bits 48-63, then the zero u octet, octets 3-4 in bits 72-87
        high, low = (value >> 64) & 0xFFFF, (value >> 40) & 0xFFFF
        return (ipaddress.IPv4Address((high << 16) | low),)
    return ()


def is_public(addr: IPAddress, allowed: Sequence[Network] = ()) -> bool:
    """True for globally routable unicast addresses (or ones inside an allowed network).

    An IPv6 address that carries an IPv4 address is judged by what it carries.
    """
    if any(addr in net for net in allowed):
        return True
    inner = embedded_ipv4(addr)
    if inner:
        return all(is_public(a, allowed) for a in inner)
    return addr.is_global and not addr.is_multicast


def is_link_local(addr: IPAddress, allowed: Sequence[Network] = ()) -> bool:
    """Link-local or cloud metadata (169.254.169.254, fd00:ec2::254), not opened by allow_networks."""
    if any(addr in net for net in allowed):
        return False
    inner = embedded_ipv4(addr)
    if inner:
        return any(is_link_local(a, allowed) for a in inner)
    return any(addr in net for net in _LINK_LOCAL)


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
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if allow_private:  # the source's own intranet host: any address but link-local and cloud metadata
        try:
            addr = await _resolve(host, port, url, lambda a: not is_link_local(a, allowed))
        except GuardError:  # unresolvable now: the connection resolves again and reports its own error
            return Target(url, host)
        if is_link_local(addr, allowed):
            raise GuardError(
                f"{url}: 指向链路本地或云元数据地址 {addr}，已拒绝（如确需访问请把该网段加入 http.allow_networks）"
            )
        return Target(url, host)  # unpinned: "localhost" may answer ::1 first and the site listen on 127.0.0.1
    addr = await _resolve(host, port, url, lambda a: is_public(a, allowed))
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


async def _resolve(host: str, port: int, url: str, passes: Callable[[IPAddress], bool]) -> IPAddress:
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
    return next((a for a in addrs if not passes(a)), addrs[0])
