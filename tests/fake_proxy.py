"""A local HTTP proxy for tests: forwards absolute-form requests and tunnels CONNECT, counting both.

With `user`/`password` set it answers 407 to a request without the matching
`Proxy-Authorization: Basic …`, as an office proxy does. One request per
connection (it answers `Connection: close`), which is all the tests need.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class FakeProxy:
    user: str = ""
    password: str = ""
    requests: list[str] = field(default_factory=list)  # "POST http://127.0.0.1:…/path" or "CONNECT host:port"
    refused: int = 0  # 407 answers
    port: int = 0
    _server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        auth = f"{self.user}:{self.password}@" if self.user else ""
        return f"http://{auth}127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    def _authorized(self, headers: dict[str, str]) -> bool:
        if not self.user:
            return True
        want = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        return headers.get("proxy-authorization", "") == f"Basic {want}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            line, *rest = head.decode("latin-1").split("\r\n")
            method, target, _version = line.split(" ", 2)
            headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in rest if h)}
            if not self._authorized(headers):
                self.refused += 1
                writer.write(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n")
                writer.write(b"Content-Length: 0\r\nConnection: close\r\n\r\n")
                await writer.drain()
                return
            self.requests.append(f"{method} {target}")
            if method == "CONNECT":
                await self._tunnel(target, reader, writer)
            else:
                await self._forward(method, target, rest, reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()
                await writer.wait_closed()

    async def _forward(
        self, method: str, target: str, lines: list[str], reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        url = urlsplit(target)
        kept = [h for h in lines if h and not h.lower().startswith(("proxy-", "connection:", "keep-alive:"))]
        length = next((int(h.split(":", 1)[1]) for h in kept if h.lower().startswith("content-length:")), 0)
        body = await reader.readexactly(length) if length else b""
        up_reader, up_writer = await asyncio.open_connection(url.hostname, url.port or 80)
        path = url.path + (f"?{url.query}" if url.query else "")
        request = "\r\n".join([f"{method} {path or '/'} HTTP/1.1", *kept, "Connection: close", "", ""])
        up_writer.write(request.encode("latin-1") + body)
        await up_writer.drain()
        answer = await up_reader.read()
        up_writer.close()
        head, _, rest = answer.partition(b"\r\n\r\n")
        status, *fields = head.split(b"\r\n")
        fields = [f for f in fields if not f.lower().startswith((b"connection:", b"keep-alive:"))]
        writer.write(b"\r\n".join([status, *fields, b"Connection: close", b"", b""]) + rest)
        await writer.drain()

    async def _tunnel(self, target: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host, _, port = target.rpartition(":")
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            with contextlib.suppress(Exception):
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
