"""Time to build a briefing over 30 days of 10,000 incidents; prints figures, asserts nothing.

The store is a real TinyDB file filled in one batch; timings are best of 3 for
the briefing text (store read + stats + rendering), the chart PNG, and the
whole daily .docx (text + chart + Word). Target: the briefing under 2 s.

Usage: python bench/bench_briefing.py [--incidents N] [--days D] [--store tinydb|redis]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.briefing import build_briefing, report_document  # noqa: E402
from bot.briefing.build import briefing_data, chart_png  # noqa: E402
from bot.briefing.word import to_docx  # noqa: E402
from bot.clock import FakeClock  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.incidents import IncidentService  # noqa: E402
from bot.models import Incident, Sentiment, Status, Tier  # noqa: E402
from bot.people import People  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.store import open_store  # noqa: E402

NOW = datetime(2026, 11, 26, 0, 30, tzinfo=UTC)
PEOPLE = ["张三", "李明", "王芳", "赵强", "陈静"]


def make_incidents(n: int, days: int, rng: random.Random) -> list[Incident]:
    out = []
    for k in range(n):
        found = NOW - timedelta(seconds=rng.uniform(0, days * 86400))
        tier = rng.choices(list(Tier), weights=[1, 4, 15, 40, 40])[0]
        state = rng.choices(list(Status), weights=[1, 1, 2, 6])[0]
        acked = found + timedelta(minutes=rng.uniform(1, 120)) if state is not Status.NEW else None
        resolved = acked + timedelta(hours=rng.uniform(1, 72)) if state is Status.RESOLVED and acked else None
        spread = rng.randint(1, 12)
        out.append(
            Incident(
                number=f"YQ-{found:%Y%m%d}-{k:05d}",
                tier=tier,
                title=f"江城化工集团 第{k}号 舆情事件 标题文字",
                url=f"https://news.example.cn/{k}",
                source_id=f"src-{k % 20}",
                discovered_at=found,
                sentiment=Sentiment(rng.choice(["negative", "neutral", "positive"]), 0.8),
                status=state,
                reported_at=found + timedelta(minutes=1),
                acked_at=acked,
                acked_by=rng.choice(PEOPLE) if acked else "",
                assignee=rng.choice(PEOPLE) if state in (Status.ASSIGNED, Status.RESOLVED) else "",
                resolved_at=resolved,
                result="已处置" if resolved else "",
                ack_deadline=found + timedelta(hours=2),
                resolve_deadline=found + timedelta(hours=72),
                item_keys=tuple(f"https://x.example.cn/{k}/{j}" for j in range(spread)),
                sources=tuple(f"src-{j}" for j in range(min(spread, 5))),
                last_seen_at=found + timedelta(hours=spread),
            )
        )
    return out


def best_of(label: str, runs: int, fn) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        asyncio.get_event_loop().run_until_complete(fn())
        times.append(time.perf_counter() - start)
    best = min(times)
    print(f"{label:<46} best {best:6.3f} s   (runs: {', '.join(f'{t:.3f}' for t in times)})")
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--store", choices=["tinydb", "redis"], default="tinydb")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-briefing-"))
    store_cfg = {
        "backend": args.store,
        "path": str(folder / "store.json"),
        "prefix": f"bench-briefing-{time.time_ns()}:",
    }
    config = Config.model_validate(
        {"store": store_cfg, "people": [{"name": p} for p in PEOPLE], "briefing": {"files_dir": str(folder / "files")}}
    )
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    store = open_store(config.store)
    loop.run_until_complete(store.open())
    incidents = make_incidents(args.incidents, args.days, random.Random(7))

    async def fill() -> None:
        async with store.batch():
            for incident in incidents:
                await store.put_incident(incident)

    start = time.perf_counter()
    loop.run_until_complete(fill())
    print(f"{args.incidents} incidents over {args.days} days into {args.store}: {time.perf_counter() - start:.2f} s")
    services = Services(config, store, FakeClock(NOW), People(config.people), IncidentService(config, store))

    async def text() -> None:
        await build_briefing(services, "week")

    async def chart() -> None:
        data = await briefing_data(services, "week")
        assert await chart_png(data, "舆情简报") is not None

    async def document() -> None:
        to_docx(await report_document(services, "daily"))

    async def read() -> None:
        await store.incidents()

    briefing = best_of("briefing text (store read + stats + text)", 3, text)
    best_of("  of which: store.incidents() (read + decode)", 3, read)
    best_of("briefing text + chart PNG", 3, chart)
    best_of("daily report .docx (text + chart + Word)", 3, document)
    print(f"target: briefing under 2 s -> {'met' if briefing < 2 else 'NOT met'} ({briefing:.3f} s)")
    loop.run_until_complete(store.close())
    if args.store == "redis":  # leave nothing behind on the shared server
        import redis

        client = redis.Redis.from_url(config.store.url)
        for key in client.scan_iter(f"{config.store.prefix}*"):
            client.delete(key)


if __name__ == "__main__":
    main()
