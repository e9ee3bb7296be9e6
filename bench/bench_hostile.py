"""Hostile feeds, measured: a gzip bomb's peak memory and a huge feed's longest event-loop stall.

1. gzip bomb: a local server (its own process, so its memory is not counted) sends
   1 GB of zeros gzip-compressed (~1 MB on the wire); HttpClient with the default
   5 MB cap refuses it. Printed: tracemalloc peak of this process during the fetch,
   and its excess over the cap.
2. huge feed: a 100,000-item RSS feed (~25 MB, max_bytes raised to let it in) is
   polled with RssSource.fetch while a ticker (every 5 ms) records the longest gap
   the event loop went without running it. Target: < 100 ms. Also printed: items
   kept (max_items) and dropped, and wall time.

Usage: python bench/bench_hostile.py [--bomb-mb 1000] [--items 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import time
import tracemalloc
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiohttp import web  # noqa: E402

from bot.clock import FakeClock  # noqa: E402
from bot.config import HttpConfig, SourceConfig  # noqa: E402
from sources.base import SourceContext  # noqa: E402
from sources.http import HttpClient, HttpError  # noqa: E402
from sources.registry import build_source  # noqa: E402

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def gzip_bomb(megabytes: int) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b"\0" * 1_000_000
    return b"".join(comp.compress(block) for _ in range(megabytes)) + comp.flush()


def huge_feed(n: int, compact: bool = False) -> bytes:
    """Full entries (~290 bytes each), or compact ones (~45 bytes: 100,000 fit under the default 5 MB cap)."""
    if compact:
        entries = "".join(f"<item><link>https://x.cn/{i}</link></item>" for i in range(n))
    else:
        entries = "".join(
            f"<item><title>江城市民生新闻第{i}条</title><link>https://news.example.cn/a/{i}</link><guid>g{i}</guid>"
            f"<description>据报道，江城市今日发生第{i}件民生事件，有关部门正在处理。</description>"
            f"<pubDate>{(NOW - timedelta(seconds=i)).strftime('%a, %d %b %Y %H:%M:%S')} +0000</pubDate></item>"
            for i in range(n)
        )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{entries}'
            "</channel></rss>").encode()  # fmt: skip


def serve(port_queue: multiprocessing.Queue, bomb_mb: int, items: int) -> None:
    bomb, feed, compact = gzip_bomb(bomb_mb), huge_feed(items), huge_feed(items, compact=True)

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/bomb", lambda r: web.Response(body=bomb, headers={"Content-Encoding": "gzip"}))
        app.router.add_get("/feed", lambda r: web.Response(body=feed, content_type="application/rss+xml"))
        app.router.add_get("/compact", lambda r: web.Response(body=compact, content_type="application/rss+xml"))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port_queue.put((runner.addresses[0][1], len(bomb), len(feed), len(compact)))
        await asyncio.Event().wait()

    asyncio.run(main())


async def bench(port: int) -> tuple[int, int, list[tuple[float, int, int, float]]]:
    base = f"http://127.0.0.1:{port}"
    client = HttpClient(HttpConfig())
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        await client.get(base + "/bomb", allow_private=True)
        refused = "no"
    except HttpError as exc:
        refused = str(exc)
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    await client.aclose()
    print(f"gzip bomb: refused={refused!r}")
    figures = [await poll_once(base + "/compact", HttpConfig()) for _ in range(2)]
    figures += [await poll_once(base + "/feed", HttpConfig(max_bytes=100_000_000, total_timeout=timedelta(minutes=5)))]
    return peak, HttpConfig().max_bytes, figures


async def poll_once(url: str, http: HttpConfig) -> tuple[float, int, int, float]:
    """One RssSource.fetch of `url`; (longest loop stall, kept, dropped, wall seconds)."""
    client = HttpClient(http)
    source = build_source(SourceConfig(id="huge", url=url, allow_private=True), SourceContext(clock=FakeClock(NOW)))
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last - 0.005)
            last = now

    tick = asyncio.create_task(ticker())
    started = time.perf_counter()
    result = await source.fetch(client, {})
    wall = time.perf_counter() - started
    done.set()
    await tick
    await client.aclose()
    return max(gaps), len(result.items), result.dropped, wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bomb-mb", type=int, default=1000)
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    queue: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(queue, args.bomb_mb, args.items), daemon=True)
    server.start()
    port, bomb_size, feed_size, compact_size = queue.get(timeout=300)
    try:
        peak, cap, figures = asyncio.run(bench(port))
    finally:
        server.terminate()
    print(f"gzip bomb: {args.bomb_mb} MB inflated, {bomb_size / 1e6:.1f} MB on the wire")
    print(f"gzip bomb: peak traced memory {peak / 1e6:.2f} MB with cap {cap / 1e6:.1f} MB "
          f"(excess over the cap {(peak - cap) / 1e6:.2f} MB)")  # fmt: skip
    runs = [
        (f"compact, {compact_size / 1e6:.1f} MB, default cap, first poll (starts the parsing process)", figures[0]),
        (f"compact, {compact_size / 1e6:.1f} MB, default cap, next poll", figures[1]),
        (f"full entries, {feed_size / 1e6:.1f} MB, max_bytes raised to 100 MB", figures[2]),
    ]
    for label, (stall, kept, dropped, wall) in runs:
        print(f"huge feed ({args.items} entries; {label}): longest event-loop stall {stall * 1000:.1f} ms "
              f"(target < 100 ms); kept {kept}, dropped {dropped}; {wall:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
