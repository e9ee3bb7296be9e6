"""Telegram rendering and round trips; prints figures, asserts nothing.

1. Rendering: alerts per second for ordinary titles (HTML, escaping, highlighting)
   and for a 20,000-character scraped text that must be split.
2. Round trip: the real python-telegram-bot client sending alerts and editing them
   against the local fake Bot API server (pacing off), i.e. our overhead per call.

Usage: python bench/bench_telegram.py [--alerts N]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.channels.telegram import TelegramChannel  # noqa: E402
from bot.channels.telegram_limits import Limits  # noqa: E402
from bot.channels.telegram_render import incident_parts  # noqa: E402
from bot.clock import FakeClock  # noqa: E402
from bot.config import TelegramConfig  # noqa: E402
from bot.models import Hit, Incident, Match, Status, Tier  # noqa: E402
from tests.fake_bot_api import FakeBotApi  # noqa: E402

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


def incident(n: int, title: str) -> Incident:
    hits = (Hit("江城化工集团", "subject", "title", 0, 6), Hit("爆炸", "event", "title", 6, 8, 5))
    return Incident(
        f"YQ-20261126-{n:04d}", Tier.II, title, f"https://news.example.cn/{n}?a=1&b=2", "news", NOW,
        scheme="国资委", match=Match("国资委", hits, 5), reason="主体+事件词", ack_deadline=NOW + timedelta(minutes=30),
    )  # fmt: skip


def best_of(runs: int, fn) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def bench_render(count: int) -> None:
    short = [incident(i, f"江城化工集团仓库爆炸 <现场> & 浓烟 第{i}条") for i in range(count)]
    took = best_of(3, lambda: [incident_parts(i, NOW, ZONE, "江城新闻网") for i in short])
    print(f"render: {count / took:,.0f} alerts/s ({took / count * 1e6:.0f} µs each, best of 3)")
    huge = incident(0, "江城化工集团爆炸<现场>&" * 1500)
    parts = incident_parts(huge, NOW, ZONE)
    took = best_of(3, lambda: incident_parts(huge, NOW, ZONE))
    print(f"render+split of {len(huge.title):,} characters: {took * 1000:.1f} ms, {len(parts)} parts")


async def bench_round_trip(count: int) -> None:
    api = FakeBotApi()
    await api.start()
    config = TelegramConfig(enabled=True, token=api.token, base_url=api.base_url, chats=[{"id": "-100"}])
    channel = TelegramChannel(config, FakeClock(NOW), ZONE, limits=Limits.unlimited())
    try:
        start = time.perf_counter()
        ids = [await channel.send_incident("-100", incident(i, f"江城化工集团爆炸 {i}")) for i in range(count)]
        sent = time.perf_counter() - start
        start = time.perf_counter()
        for i, mid in enumerate(ids):
            await channel.update_incident(
                "-100", mid, incident(i, f"江城化工集团爆炸 {i}").replace(status=Status.ACKNOWLEDGED)
            )
        edited = time.perf_counter() - start
        print(f"sendMessage round trip: {sent / count * 1000:.2f} ms; editMessageText: {edited / count * 1000:.2f} ms")
    finally:
        await channel.app.shutdown()
        await api.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alerts", type=int, default=2000)
    args = parser.parse_args()
    bench_render(args.alerts)
    asyncio.run(bench_round_trip(min(args.alerts, 300)))


if __name__ == "__main__":
    main()
