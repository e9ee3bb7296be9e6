"""Real local HTTP servers for source tests: aiohttp on an ephemeral port, in-process.

`await web_server({path: handler})` returns the base URL; handlers are plain
aiohttp handlers. `hits` counts requests per path, `log` keeps (path, headers, time).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class LocalWeb:
    runner: web.AppRunner
    base: str
    hits: Counter[str] = field(default_factory=Counter)
    log: list[tuple[str, dict[str, str], float]] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])


async def serve_app(
    app: web.Application, port: int = 0, host: str = "127.0.0.1", ssl_context: Any = None, **runner_options: Any
) -> tuple[web.AppRunner, int]:
    """Serve `app` on host:port (0: any free port): the runner to clean up, and the port it got."""
    runner = web.AppRunner(app, **runner_options)
    await runner.setup()
    await web.TCPSite(runner, host, port, ssl_context=ssl_context).start()
    return runner, runner.addresses[0][1]


async def start_web(routes: dict[str, Handler], host: str = "127.0.0.1") -> LocalWeb:
    holder: list[LocalWeb] = []

    @web.middleware
    async def count(request: web.Request, handler: Handler) -> web.StreamResponse:
        holder[0].hits[request.path] += 1
        holder[0].log.append((request.path, dict(request.headers), time.monotonic()))
        return await handler(request)

    app = web.Application(middlewares=[count])
    for path, handler in routes.items():
        app.router.add_get(path, handler)
    runner, port = await serve_app(app, host=host, access_log=None, shutdown_timeout=0.1)
    server = LocalWeb(runner, f"http://{host}:{port}")
    holder.append(server)
    return server


def fixed(body: bytes | str, content_type: str = "text/html", status: int = 200, **headers: str) -> Handler:
    data = body.encode() if isinstance(body, str) else body

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(body=data, status=status, headers={"Content-Type": content_type, **headers})

    return handler


def redirect(location: str, status: int = 302) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, headers={"Location": location})

    return handler


def conditional(body: bytes, content_type: str, etag: str = "", last_modified: str = "") -> Handler:
    """200 with validators; 304 when the request carries them back."""

    async def handler(request: web.Request) -> web.StreamResponse:
        if (etag and request.headers.get("If-None-Match") == etag) or (
            last_modified and request.headers.get("If-Modified-Since") == last_modified
        ):
            return web.Response(status=304)
        headers = {"Content-Type": content_type}
        if etag:
            headers["ETag"] = etag
        if last_modified:
            headers["Last-Modified"] = last_modified
        return web.Response(body=body, headers=headers)

    return handler


Serve = Callable[..., Awaitable[LocalWeb]]


@pytest.fixture(name="serve")
async def serve_fixture() -> AsyncIterator[Serve]:
    """Start servers inside a test; all are stopped at teardown."""
    started: list[LocalWeb] = []

    async def _serve(routes: dict[str, Handler], host: str = "127.0.0.1") -> LocalWeb:
        server = await start_web(routes, host)
        started.append(server)
        return server

    yield _serve
    for server in started:
        await server.runner.cleanup()
