"""Poll 1,000 feed URLs served by a local server in one cycle; prints figures, asserts nothing.

The server runs in its own process (so its CPU is not counted): feeds 0..N/2-1
answer 304 to a conditional GET, the rest answer 200 with a 20-item RSS body
that changed since the last request (so it is parsed every time): 2 new
entries on top, as a live feed changes between polls (`--all-new`: all 20
entries new each time, the worst case). A warm-up cycle learns the ETags and
the entries; the measured cycle is the second one. Figures: polls/s
(wall) and CPU seconds per 1,000 polls of this process, for
  fetch — the sources layer only (HTTP + guard + decode + feedparser → Items),
  full  — Poller.poll: fetch + dedup + judge + store + health (--full tinydb|redis).
Target: >= 500 polls/s for `fetch` on one core.

Usage: python bench/bench_poll.py [--feeds 1000] [--concurrency 10] [--all-new] [--full tinydb|redis]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import io
import itertools
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiohttp import web  # noqa: E402

from bot.clock import SystemClock  # noqa: E402
from bot.config import Config  # noqa: E402
from sources.base import SourceContext  # noqa: E402
from sources.http import HttpClient  # noqa: E402
from sources.registry import build_source  # noqa: E402

ITEMS = 20


def feed_body(n: int, version: int, step: int = ITEMS) -> bytes:
    """Feed n at `version`: entries numbered top-down from version*step (step new ones per version)."""
    top = version * step
    items = "".join(
        f"<item><title>江城第{n}号源 新闻 {k}</title><link>http://news{n}.example/a/{k}?utm_source=rss</link>"
        f"<description>&lt;p&gt;江城市民反映情况第{k}条，内容若干。&lt;/p&gt;</description>"
        f"<pubDate>Thu, 26 Nov 2026 07:{k % 60:02d}:00 +0800</pubDate><guid>n{n}-{k}</guid></item>"
        for k in range(top + ITEMS, top, -1)
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>源{n}</title>{items}</channel></rss>'.encode()


def serve(port_queue: multiprocessing.Queue, feeds: int, step: int = 2) -> None:
    versions = collections.defaultdict(itertools.count)
    static = {n: feed_body(n, 0) for n in range(feeds // 2)}

    async def handler(request: web.Request) -> web.StreamResponse:
        n = int(request.match_info["n"])
        if n in static:
            etag = f'"f{n}"'
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304)
            return web.Response(body=static[n], headers={"ETag": etag, "Content-Type": "application/rss+xml"})
        body = feed_body(n, next(versions[n]), step)
        return web.Response(body=body, headers={"Content-Type": "application/rss+xml"})

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/feed/{n}", handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0, backlog=2048).start()
        port_queue.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


def make_config(port: int, feeds: int, concurrency: int) -> Config:
    sources = [{"id": f"f{n}", "url": f"http://127.0.0.1:{port}/feed/{n}", "allow_private": True} for n in range(feeds)]
    # One local host stands in for a thousand sites: let it take `concurrency` requests at once.
    http = {"per_host_concurrency": concurrency, "max_connections": concurrency}
    return Config.model_validate({"sources": sources, "http": http, "chats": {"console": {"enabled": True}}})


async def bounded(concurrency: int, jobs) -> list:
    sem = asyncio.Semaphore(concurrency)

    async def one(job):
        async with sem:
            return await job()

    return await asyncio.gather(*(one(j) for j in jobs))


async def cycle_fetch(config: Config, client: HttpClient, sources, states: dict, concurrency: int) -> tuple:
    async def poll(source):
        result = await source.fetch(client, states.get(source.id, {}))
        states[source.id] = result.state
        return result

    started, cpu = time.perf_counter(), time.process_time()
    results = await bounded(concurrency, [lambda s=s: poll(s) for s in sources])
    return time.perf_counter() - started, time.process_time() - cpu, results


async def bench_fetch(config: Config, concurrency: int) -> None:
    client = HttpClient(config.http)
    context = SourceContext(SystemClock(), config.zone)
    sources = [build_source(s, context) for s in config.sources]
    states: dict = {}
    await cycle_fetch(config, client, sources, states, concurrency)  # warm-up: learn ETags
    wall, cpu, results = await cycle_fetch(config, client, sources, states, concurrency)
    await client.aclose()
    report("fetch", len(sources), wall, cpu, results)


async def bench_full(config: Config, concurrency: int, backend: str) -> None:
    from bot.app import build_app
    from bot.polling import Poller
    from bot.store.redis_store import RedisStore
    from bot.store.tinydb_store import TinyDBStore

    prefix = f"bench-poll-{os.getpid()}:"
    with tempfile.TemporaryDirectory() as tmp:
        store = TinyDBStore(Path(tmp) / "bench.json") if backend == "tinydb" else RedisStore(prefix=prefix)
        await store.open()
        app = await build_app(config, store, SystemClock(), console_out=io.StringIO())
        context = SourceContext(app.services.clock, config.zone)
        poller = Poller(app.services, app.http, app.judge, [build_source(s, context) for s in config.sources])
        ids = [s.id for s in config.sources]
        await bounded(concurrency, [lambda i=i: poller.poll(i) for i in ids])  # warm-up
        started, cpu = time.perf_counter(), time.process_time()
        reports = await bounded(concurrency, [lambda i=i: poller.poll(i) for i in ids])
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        await app.http.aclose()
        if isinstance(store, RedisStore):  # leave nothing behind on the shared server
            async for key in store.client.scan_iter(f"{prefix}*"):
                await store.client.delete(key)
        await store.close()
    report(f"full ({backend})", len(ids), wall, cpu, [r for r in reports if r is not None])


def report(label: str, n: int, wall: float, cpu: float, results: list) -> None:
    not_modified = sum(1 for r in results if r.not_modified)
    errors = sum(1 for r in results if getattr(r, "error", ""))
    print(
        f"{label:14s} {n} polls ({not_modified} answered 304, {errors} errors) in {wall:.2f} s: "
        f"{n / wall:,.0f} polls/s, {cpu / n * 1000:.2f} CPU s per 1,000 polls"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=10, help="polls in flight at once")
    parser.add_argument("--all-new", action="store_true", help="every 200 brings 20 new entries (worst case)")
    parser.add_argument("--full", choices=["tinydb", "redis"], help="also run the whole poll on this store")
    args = parser.parse_args()
    ports: multiprocessing.Queue = multiprocessing.Queue()
    step = ITEMS if args.all_new else 2
    server = multiprocessing.Process(target=serve, args=(ports, args.feeds, step), daemon=True)
    server.start()
    try:
        port = ports.get(timeout=20)
        config = make_config(port, args.feeds, args.concurrency)
        asyncio.run(bench_fetch(config, args.concurrency))
        if args.full:
            asyncio.run(bench_full(config, args.concurrency, args.full))
    finally:
        server.terminate()
        server.join()


if __name__ == "__main__":
    main()
