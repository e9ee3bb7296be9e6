"""The one HTTP layer every source uses: timeouts, size cap, conditional GET, encodings.

Sources never touch httpx directly, so limits and the private-address guard
apply everywhere.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from bot.config import HttpConfig


class HttpError(Exception):
    """A fetch failed; `retry` says whether trying again later may help."""

    def __init__(self, message: str, retry: bool = True, status: int | None = None) -> None:
        super().__init__(message)
        self.retry = retry
        self.status = status


@dataclass
class Response:
    url: str
    status: int
    body: bytes
    headers: httpx.Headers
    text: str = ""
    encoding: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")


class HttpClient:
    def __init__(self, config: HttpConfig | None = None) -> None:
        self.config = config or HttpConfig()
        c = self.config
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(c.read_timeout.total_seconds(), connect=c.connect_timeout.total_seconds()),
            headers={"User-Agent": c.user_agent, "Accept-Encoding": "gzip, deflate"},
            follow_redirects=False,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def get(self, url: str, *, allow_private: bool = False, etag: str = "", last_modified: str = "") -> Response:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        deadline = self.config.total_timeout.total_seconds()
        try:
            return await asyncio.wait_for(self._get(url, headers, allow_private), deadline)
        except TimeoutError:
            raise HttpError(f"{url}: 超过总时限 {deadline:.0f} 秒") from None

    async def _get(self, url: str, headers: dict[str, str], allow_private: bool) -> Response:
        for _hop in range(6):
            await check_url(url, allow_private)
            try:
                async with self._client.stream("GET", url, headers=headers) as resp:
                    if resp.is_redirect and "location" in resp.headers:
                        url = str(resp.url.join(resp.headers["location"]))
                        continue
                    body = await self._read_capped(resp, url)
                    result = Response(str(resp.url), resp.status_code, body, resp.headers)
            except httpx.TimeoutException as exc:
                raise HttpError(f"{url}: 超时（{type(exc).__name__}）") from None
            except httpx.HTTPError as exc:
                raise HttpError(f"{url}: 连接失败（{type(exc).__name__}: {exc}）") from None
            if result.status == 304:
                return result
            if result.status >= 400:
                retry = result.status in (408, 425, 429) or result.status >= 500
                raise HttpError(f"{url}: HTTP {result.status}", retry=retry, status=result.status)
            result.text, result.encoding = decode_body(body, resp.headers.get("content-type", ""))
            return result
        raise HttpError(f"{url}: 重定向次数过多", retry=False)

    async def _read_capped(self, resp: httpx.Response, url: str) -> bytes:
        cap = self.config.max_bytes
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise HttpError(f"{url}: 响应过大（{declared} 字节，上限 {cap}）", retry=False)
        chunks, size = [], 0
        async for chunk in resp.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise HttpError(f"{url}: 响应超过上限 {cap} 字节", retry=False)
            chunks.append(chunk)
        return b"".join(chunks)


async def check_url(url: str, allow_private: bool) -> None:
    """Refuse non-http(s) schemes, and private addresses unless allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise HttpError(f"{url}: 不允许的协议 {parts.scheme or '(无)'}", retry=False)
    if not parts.hostname:
        raise HttpError(f"{url}: 缺少主机名", retry=False)
    if allow_private:
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(parts.hostname, parts.port or 80)
    except socket.gaierror as exc:
        raise HttpError(f"{url}: 域名解析失败（{exc}）") from None
    for info in infos:
        addr = ipaddress.ip_address(info[4][0])
        if not addr.is_global:
            raise HttpError(
                f"{url}: 指向内网或保留地址 {addr}，已拒绝（如确需访问请设置 allow_private: true）", retry=False
            )


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_XML_DECL = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", re.I)
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def normalize_encoding(name: str) -> str:
    name = name.strip().lower().replace("_", "-")
    if name in ("gbk", "gb2312", "gb-2312", "x-gbk", "cp936", "gb18030", "euc-cn"):
        return "gb18030"
    if name in ("utf8",):
        return "utf-8"
    return name


def decode_body(body: bytes, content_type: str = "") -> tuple[str, str]:
    """Decode by header charset → BOM → <meta>/<?xml?> → detection; GBK as GB18030."""
    candidates: list[str] = []
    m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", content_type, re.I)
    if m:
        candidates.append(m.group(1))
    for bom, enc in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(enc, errors="replace"), enc
    head = body[:4096]
    for pattern in (_META_CHARSET, _XML_DECL):
        mm = pattern.search(head)
        if mm:
            candidates.append(mm.group(1).decode("ascii", "ignore"))
    for name in candidates:
        enc = normalize_encoding(name)
        try:
            return body.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(body).best()
    enc = normalize_encoding(best.encoding) if best else "gb18030"
    return body.decode(enc, errors="replace"), enc
