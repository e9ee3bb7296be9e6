"""Pipeline items/s with 1, 2 and 4 worker processes on one Redis; prints figures, asserts nothing.

The same workload each time: S feeds of N distinct Chinese items (a share of
them hit the monitoring scheme and become incidents) served by a local HTTP
server in its own process. All polls are queued on the Redis Streams consumer
group first; then K processes, each running the production poll workers
(bot.workqueue.Workers → bot.polling.Poller → fetch, dedup, judge, incidents,
outbox in Redis), drain the queue. Items/s = items processed / wall time from
"go" to the last process finishing. Each run uses its own key prefix on the
shared Redis and deletes it afterwards.

Target: 2 workers >= 1.8x of 1 on a 2-core machine. The wall-clock speed-up
only means something on an otherwise idle machine (the load average is
printed); items per worker-CPU-second shows whether the work itself scales
(it stays flat when processes do not contend on Redis or each other).

Usage: python bench/bench_scaleout.py [--feeds 60] [--items 100] [--workers 1,2,4] [--redis URL]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import multiprocessing
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiohttp import web  # noqa: E402

from bot import app as wiring  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.models import Item  # noqa: E402
from bot.polling import Poller  # noqa: E402
from bot.store.redis_store import RedisStore  # noqa: E402
from bot.workqueue import PollQueue, Workers  # noqa: E402
from sources.base import SourceContext  # noqa: E402
from sources.registry import build_source  # noqa: E402

COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所"
    "民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
    "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想"
)
HITS = ["江城化工集团仓库爆炸", "江城建工集团工地欠薪", "群众投诉江城市国资委"]


def text_for(k: int, length: int) -> str:
    """Filler Chinese text, different for every k (so nothing merges as a repost)."""
    x, out = k * 2654435761 % 2**32 or 1, []
    for _ in range(length):
        x = (x * 1103515245 + 12345) % 2**31
        out.append(COMMON[x % len(COMMON)])
    return "".join(out)


def feed_body(feed: int, items: int) -> bytes:
    parts = []
    for n in range(items):
        k = feed * items + n
        hit = HITS[k % 3] if k % 10 == 0 else ""  # one item in ten becomes an incident
        title = hit + text_for(k, 18)
        text = text_for(k + 7_000_000, 120)
        url = f"https://news{feed}.example.cn/a/{k}"
        parts.append(f"<item><title>{title}</title><link>{url}</link><description>{text}</description></item>")
    rss = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>f{feed}</title>{"".join(parts)}</channel></rss>'
    return rss.encode()


def serve_feeds(feeds: int, items: int, port_q: Any) -> None:
    bodies = {f"/f/{i}.xml": feed_body(i, items) for i in range(feeds)}

    async def handle(request: web.Request) -> web.Response:
        return web.Response(body=bodies[request.path], content_type="application/rss+xml")

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/f/{name}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port_q.put(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        await asyncio.Event().wait()

    asyncio.run(main())


def make_config(redis_url: str, prefix: str, port: int, feeds: int) -> Config:
    return Config.model_validate(
        {
            "store": {"backend": "redis", "url": redis_url, "prefix": prefix},
            "sources": [
                {"id": f"f{i}", "url": f"http://127.0.0.1:{port}/f/{i}.xml", "every": "1h", "allow_private": True}
                for i in range(feeds)
            ],
            "schemes": [
                {
                    "name": "国资委",
                    "subjects": ["江城化工集团", "江城建工集团", "江城市国资委"],
                    "events": {"爆炸": 5, "欠薪": 3, "投诉": 2},
                }
            ],
            "chats": {"console": {"enabled": True}},
            "storm": {"enabled": False},
        }
    )


async def drain(config: Config, name: str, ready: Any, go: Any, done_q: Any) -> None:
    store = RedisStore(config.store.url, config.store.prefix)
    await store.open()
    app = await wiring.build_app(config, store, console_out=io.StringIO())  # built, never started
    context = SourceContext(app.services.clock, config.zone, config.rsshub.base_url)
    poller = Poller(app.services, app.http, app.judge, [build_source(s, context) for s in config.sources])
    items = 0
    finished = 0.0  # when the last poll ended (not when the empty queue's final wait timed out)

    async def poll(source_id: str) -> None:
        nonlocal items, finished
        report = await poller.poll(source_id)
        items += report.new if report else 0
        finished = time.perf_counter()

    queue = PollQueue(store.client, config.store.prefix, name, claim_idle=600)
    workers = Workers(queue, poll)

    async def loop() -> None:
        while await workers.run_one(block_ms=200) is not None:
            pass

    app.judge.judge(Item("warm-up", "https://x.cn/0", HITS[0] + text_for(0, 18), text_for(1, 120)))  # lazy loads
    ready.release()
    go.wait()
    cpu = time.process_time()
    await asyncio.gather(*(loop() for _ in range(4)))
    done_q.put((name, items, finished, time.process_time() - cpu))
    await app.http.aclose()
    await store.close()


def worker_main(setup: tuple[str, str, int, int], name: str, ready: Any, go: Any, done_q: Any) -> None:
    asyncio.run(drain(make_config(*setup), name, ready, go, done_q))


async def enqueue_all(config: Config) -> None:
    store = RedisStore(config.store.url, config.store.prefix)
    await store.open()
    queue = PollQueue(store.client, config.store.prefix, "bench", claim_idle=600)
    await queue.ensure_group()
    for s in config.sources:
        await queue.enqueue(s.id)
    await store.close()


async def cleanup(url: str, prefix: str) -> None:
    store = RedisStore(url, prefix)
    await store.open()
    keys = [k async for k in store.client.scan_iter(match=f"{prefix}*", count=1000)]
    if keys:
        await store.client.delete(*keys)
    await store.close()


async def redis_cpu(url: str) -> float:
    """CPU seconds the Redis server has used (shared server: other clients count too)."""
    store = RedisStore(url, "")
    await store.open()
    info = await store.client.info("cpu")
    await store.close()
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def run(count: int, redis_url: str, port: int, feeds: int) -> tuple[int, float, float, float]:
    prefix = f"bench:{uuid.uuid4().hex[:8]}:"
    config = make_config(redis_url, prefix, port, feeds)
    asyncio.run(enqueue_all(config))
    ctx = multiprocessing.get_context("spawn")
    ready, go, done_q = ctx.Semaphore(0), ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(target=worker_main, args=((redis_url, prefix, port, feeds), f"w{n}", ready, go, done_q))
        for n in range(count)
    ]
    for p in procs:
        p.start()
    for _ in procs:
        if not ready.acquire(timeout=120):
            for p in procs:
                p.terminate()
            raise SystemExit("a worker process failed to start")
    time.sleep(0.5)  # let every process reach go.wait()
    redis_before = asyncio.run(redis_cpu(redis_url))
    start = time.perf_counter()
    go.set()
    results = [done_q.get(timeout=600) for _ in procs]
    redis_used = asyncio.run(redis_cpu(redis_url)) - redis_before
    for p in procs:
        p.join()
    asyncio.run(cleanup(redis_url, prefix))
    return sum(r[1] for r in results), max(r[2] for r in results) - start, sum(r[3] for r in results), redis_used


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=60)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")
    port_q = ctx.Queue()
    server = ctx.Process(target=serve_feeds, args=(args.feeds, args.items, port_q), daemon=True)
    server.start()
    port = port_q.get()
    counts = [int(x) for x in args.workers.split(",")]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    rows = []
    for count in counts:
        items, seconds, cpu, redis_used = run(count, args.redis, port, args.feeds)
        rows.append((count, items, seconds, items / seconds, cpu, redis_used))
    server.terminate()
    base = rows[0][3]
    print(f"scale-out: {args.feeds} feeds x {args.items} items, one Redis, {multiprocessing.cpu_count()} CPUs")
    print(f"load average at start: {load}")
    print(
        f"{'workers':>8} {'items':>7} {'seconds':>8} {'items/s':>9} {'speed-up':>9} {'worker CPU s':>13} {'Redis CPU s':>12} {'items/worker-CPU-s':>19}"
    )
    for count, items, seconds, rate, cpu, redis_used in rows:
        print(
            f"{count:>8} {items:>7} {seconds:>8.2f} {rate:>9.0f} {rate / base:>8.2f}x {cpu:>13.2f} {redis_used:>12.2f} {items / cpu:>19.0f}"
        )


if __name__ == "__main__":
    main()
