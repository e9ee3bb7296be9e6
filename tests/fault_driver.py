"""A bot process for fault tests: stores incidents, delivers the outbox to a (fake) Bot API.

    python -m tests.fault_driver create --store S --api URL --chats -100,-200 --n 3 --tiers I,II [--hold]
    python -m tests.fault_driver deliver --store S --api URL --chats -100,-200

`create` stores N incidents with their outbox entries and prints "STORED <numbers>"
(with --hold it then waits, so a test can kill -9 it after storing, before
sending). `deliver` runs the real delivery worker with the real Telegram
channel until nothing is pending, printing "DONE". It is the production code
path; only the wiring is shortened.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import timedelta

from bot.analysis.judgement import Judgement
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_limits import Limits
from bot.clock import SystemClock
from bot.config import Config
from bot.delivery import HORIZON, Delivery
from bot.incidents import IncidentService
from bot.models import Hit, Item, Match, Sentiment, Tier
from bot.store.tinydb_store import TinyDBStore

TOKEN = "123456:TEST-token-not-real"


def build_config(api: str, chats: list[str], backoff: float, pause: float) -> Config:
    return Config.model_validate(
        {
            "people": [{"name": "李明", "role": "monitor", "telegram_id": 2}],
            "chats": {
                "console": {"enabled": False},
                "telegram": {
                    "enabled": True,
                    "token": TOKEN,
                    "base_url": api,
                    "chats": [{"id": c} for c in chats],
                },
            },
            "storm": {"enabled": False},
            "delivery": {"max_backoff": f"{backoff}s", "maybe_sent_pause": f"{pause}s"},
        }
    )


async def create(store: TinyDBStore, service: IncidentService, n: int, tiers: list[Tier]) -> list[str]:
    made = []
    clock = SystemClock()
    for k in range(n):
        tier = tiers[k % len(tiers)]
        title = f"江城化工集团故障测试事件 {tier.roman}"
        item = Item("news", f"https://x.cn/{clock.now().timestamp()}-{k}", title, fetched_at=clock.now())
        match = Match("国资委", (Hit("爆炸", "event", "title", 0, 2, 4),), 4)
        inc = await service.create(item, Judgement(match, Sentiment("negative", 0.9), tier, "故障测试"), clock.now())
        made.append(inc.number)
    return made


async def deliver(store: TinyDBStore, delivery: Delivery) -> None:
    clock = SystemClock()
    while await store.pending_notifications(clock.now() + HORIZON, limit=1):
        await delivery.run_once()
        await asyncio.sleep(0.05)


async def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["create", "deliver"])
    parser.add_argument("--store", required=True)
    parser.add_argument("--api", required=True)
    parser.add_argument("--chats", required=True)
    parser.add_argument("--n", type=int, default=1)
    parser.add_argument("--tiers", default="I")
    parser.add_argument("--hold", action="store_true")
    parser.add_argument("--backoff", type=float, default=0.5)
    parser.add_argument("--pause", type=float, default=2.0)
    args = parser.parse_args(argv)
    config = build_config(args.api, args.chats.split(","), args.backoff, args.pause)
    store = TinyDBStore(args.store)
    await store.open()
    service = IncidentService(config, store)
    if args.command == "create":
        numbers = await create(store, service, args.n, [Tier.parse(t) for t in args.tiers.split(",")])
        print("STORED " + " ".join(numbers), flush=True)
        if args.hold:
            await asyncio.sleep(timedelta(hours=1).total_seconds())
    else:
        clock = SystemClock()
        channel = TelegramChannel(
            config.chats.telegram, clock, config.zone, config.people, store=store, limits=Limits.unlimited()
        )
        await deliver(store, Delivery(store, {"telegram": channel}, clock, service))
        print("DONE", flush=True)
    await store.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
