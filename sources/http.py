"""The one HTTP layer every source uses: limits, guard, conditional GET, encodings.

Sources never touch httpx directly, so timeouts, the total deadline, the size
cap, per-host concurrency and politeness, and the private-address guard apply
everywhere. Redirects are followed by hand so that every hop is checked.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import hashlib
import ssl
import time
import zlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from bot.config import HttpConfig
from bot.redact import redact
from sources.encoding import decode_as, decode_body, normalize_encoding
from sources.guard import GuardError, Target, parse_networks, pinning_transport, resolve_target

__all__ = ["HttpClient", "HttpError", "Response", "decode_body", "normalize_encoding"]

_REDIRECTS = (301, 302, 303, 307, 308)
_MAX_HOPS = 5
LAZY_TEXT_FROM = 262_144  # bytes; see Response.text
_DRAIN = 65_536  # a redirect or error body up to this size is read, so the connection can be reused


class HttpError(Exception):
    """A fetch failed; `retry` says whether trying again later may help."""

    def __init__(
        self, message: str, retry: bool = True, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(redact(message))  # URLs may carry a password or a token
        self.retry = retry
        self.status = status
        self.retry_after = retry_after


@dataclass
class Response:
    url: str  # the final URL after redirects (logical, never the pinned address)
    status: int
    body: bytes | bytearray  # a big body stays the bytearray it was read into (see _read_capped)
    headers: httpx.Headers
    encoding: str = ""
    digest: str = ""  # body_digest(body), computed off the event loop (tens of ms for MBs)
    decoded: str | None = None  # the text, once made (see `text`)

    @property
    def text(self) -> str:
        """The body decoded with `encoding`. A big body is decoded on first use, where that use runs
        (building one 28 MB string holds the GIL for ~150 ms: the parsing process does it instead)."""
        if self.decoded is None:
            self.decoded = decode_as(self.body, self.encoding) if self.body else ""
        return self.decoded

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


class _HostGate:
    """At most `limit` requests in flight to one host, starts spaced `delay` seconds apart."""

    def __init__(self, limit: int, delay: float) -> None:
        self._sem = asyncio.Semaphore(limit)
        self._delay = delay
        self._next_start = 0.0

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._sem:
            if self._delay > 0:
                now = time.monotonic()
                start = max(now, self._next_start)
                self._next_start = start + self._delay
                if start > now:
                    await asyncio.sleep(start - now)
            yield


class HttpClient:
    def __init__(self, config: HttpConfig | None = None) -> None:
        self.config = config or HttpConfig()
        c = self.config
        self._allowed = parse_networks(c.allow_networks)
        self._gates: dict[str, _HostGate] = {}
        # httpcore's pool scans its whole queue per request: never hand it more requests than connections.
        self._in_flight = asyncio.Semaphore(c.max_connections)
        timeout = httpx.Timeout(
            c.read_timeout.total_seconds(),
            connect=c.connect_timeout.total_seconds(),
            pool=c.total_timeout.total_seconds(),
        )
        limits = httpx.Limits(max_connections=c.max_connections, max_keepalive_connections=c.max_connections)
        transport, self.pinning = pinning_transport(_tls_context(c.ca_bundle), limits)
        self._client = httpx.AsyncClient(
            timeout=timeout,
            headers={"User-Agent": c.user_agent, "Accept-Encoding": "gzip, deflate"},
            follow_redirects=False,
            transport=transport,
            trust_env=False,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def get(
        self,
        url: str,
        *,
        allow_private: bool = False,
        etag: str = "",
        last_modified: str = "",
        encoding: str = "",
        user_agent: str = "",
    ) -> Response:
        """GET with every hop checked; 304 comes back as a Response, errors as HttpError."""
        headers = {"User-Agent": user_agent} if user_agent else {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        deadline = self.config.total_timeout.total_seconds()
        started = time.monotonic()
        own_host = host_of(url)
        for _hop in range(_MAX_HOPS + 1):
            # allow_private covers the source's own host; a redirect elsewhere is checked as for any source
            private_ok = allow_private and host_of(url) == own_host
            try:
                target = await resolve_target(url, private_ok, self._allowed)
            except GuardError as exc:
                raise HttpError(str(exc), retry=exc.retry) from None
            async with self._gate(target.host).slot(), self._in_flight:
                remaining = deadline - (time.monotonic() - started)
                try:
                    async with asyncio.timeout(max(remaining, 0.001)):
                        resp = await self._one_hop(url, target, headers)
                except TimeoutError:
                    raise HttpError(f"{url}: 超过总时限 {deadline:g} 秒，已中断") from None
            if resp.status in _REDIRECTS and "location" in resp.headers:
                url = str(httpx.URL(url).join(resp.headers["location"]))
                continue
            return await asyncio.to_thread(self._finish, resp, encoding)  # charset detection on MBs: off the loop
        raise HttpError(f"{url}: 重定向次数过多（超过 {_MAX_HOPS} 次）", retry=False)

    def _gate(self, host: str) -> _HostGate:
        gate = self._gates.get(host)
        if gate is None:
            c = self.config
            gate = self._gates[host] = _HostGate(c.per_host_concurrency, c.per_host_delay.total_seconds())
        return gate

    async def _one_hop(self, url: str, target: Target, headers: dict[str, str]) -> Response:
        if target.pin:
            self.pinning.pins[target.host] = target.pin
        request = self._client.build_request("GET", url, headers=headers)
        try:
            resp = await self._client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise HttpError(f"{url}: 超时（{type(exc).__name__}）") from None
        except httpx.HTTPError as exc:
            raise HttpError(f"{url}: 连接失败（{type(exc).__name__}: {exc}）") from None
        try:
            if resp.status_code in _REDIRECTS or resp.status_code == 304 or resp.status_code >= 400:
                await _drain(resp)
                return Response(url, resp.status_code, b"", resp.headers)
            body = await self._read_capped(resp, url)
            return Response(url, resp.status_code, body, resp.headers)
        except httpx.TimeoutException as exc:
            raise HttpError(f"{url}: 读取超时（{type(exc).__name__}）") from None
        except httpx.HTTPError as exc:
            raise HttpError(f"{url}: 读取失败（{type(exc).__name__}: {exc}）") from None
        finally:
            await resp.aclose()

    def _finish(self, resp: Response, encoding: str) -> Response:
        if resp.status == 304:
            return resp
        if resp.status >= 400:
            retry = resp.status in (408, 425, 429) or resp.status >= 500
            after = retry_after_seconds(resp.headers.get("retry-after", ""))
            raise HttpError(f"{resp.url}: HTTP {resp.status}", retry=retry, status=resp.status, retry_after=after)
        if len(resp.body) < LAZY_TEXT_FROM:
            resp.decoded, resp.encoding = decode_body(resp.body, resp.content_type, encoding)
        else:  # the encoding is decided on the first 256 KB; the text is made where it is parsed
            resp.encoding = decode_body(resp.body[:LAZY_TEXT_FROM], resp.content_type, encoding)[1]
        resp.digest = body_digest(resp.body)
        return resp

    async def _read_capped(self, resp: httpx.Response, url: str) -> bytes | bytearray:
        cap = self.config.max_bytes
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise HttpError(f"{url}: 响应过大（{declared} 字节，上限 {cap}）", retry=False)
        try:
            inflate = Inflater(resp.headers.get("content-encoding", ""))
        except ValueError as exc:
            raise HttpError(f"{url}: {exc}", retry=False) from None
        body = bytearray()
        try:
            async for raw in resp.aiter_raw():  # compressed bytes: inflated here, counted as they come out
                for piece in inflate.feed(raw):
                    body += piece
                    if len(body) > cap:
                        raise HttpError(f"{url}: 响应超过上限 {cap} 字节，已中断", retry=False)
                await asyncio.sleep(0)  # a fast server keeps the socket full: let the loop run between reads
            body += inflate.flush()
        except zlib.error as exc:
            raise HttpError(f"{url}: 压缩数据损坏（{exc}）") from None
        if len(body) > cap:
            raise HttpError(f"{url}: 响应超过上限 {cap} 字节，已中断", retry=False)
        # Copying a 28 MB body into bytes held the loop for 10-50 ms (measured, bench/bench_hostile.py);
        # a big one is handed on as read, and whoever parses it reads it off the loop.
        return bytes(body) if len(body) < LAZY_TEXT_FROM else body


class Inflater:
    """Content-Encoding undone with bounded output: a 1 GB gzip bomb costs the cap, not its size.

    httpx's own decoders inflate each network chunk whole (64 KB of zeros → 64 MB);
    here the output comes in pieces of at most `PIECE` bytes, counted as they come.
    """

    PIECE = 65_536

    def __init__(self, encoding: str) -> None:
        name = encoding.strip().lower()
        self._deflate = name == "deflate"
        self._started = False
        if name in ("", "identity"):
            self._z = None
        elif name in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif self._deflate:
            self._z = zlib.decompressobj()  # zlib-wrapped as the RFC says; raw deflate tried if that fails
        else:
            raise ValueError(f"不支持的压缩方式 Content-Encoding: {name[:40]}")

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Inflate `data` piece by piece (the caller stops reading once over its cap)."""
        if self._z is None:
            yield data
            return
        yield self._first(data)
        while self._z.unconsumed_tail:
            yield self._z.decompress(self._z.unconsumed_tail, self.PIECE)

    def _first(self, data: bytes) -> bytes:
        assert self._z is not None
        try:
            out = self._z.decompress(data, self.PIECE)
        except zlib.error:
            if not self._deflate or self._started:
                raise
            self._z = zlib.decompressobj(-zlib.MAX_WBITS)  # servers that send raw deflate without the zlib header
            out = self._z.decompress(data, self.PIECE)
        self._started = True
        return out

    def flush(self) -> bytes:
        return self._z.flush() if self._z is not None else b""


def body_digest(body: bytes) -> str:
    """A short fingerprint of a body: an unchanged page is not parsed again."""
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def host_of(url: str) -> str:
    """The host name of a URL, lower case ('' if unreadable): what allow_private covers."""
    try:
        return httpx.URL(url).host.lower()
    except httpx.InvalidURL:
        return ""


def _tls_context(ca_bundle: str) -> ssl.SSLContext | bool:
    """System CAs, plus an intranet CA if configured; hostnames are always checked."""
    if not ca_bundle:
        return True
    context = ssl.create_default_context()
    context.load_verify_locations(cafile=ca_bundle)
    return context


async def _drain(resp: httpx.Response) -> None:
    """Read a small unwanted body to its end (keeps the connection reusable); leave a big one unread."""
    declared = resp.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > _DRAIN:
        return
    size = 0
    async for chunk in resp.aiter_raw():
        size += len(chunk)
        if size > _DRAIN:
            return


def retry_after_seconds(value: str, now: datetime | None = None) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date); None if absent or unreadable."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
