"""Alert latency: a fetched tier I item → its sendMessage request arriving at the (local fake) Bot API.

The real path: an RSS feed served over local HTTP, the real RSS source and
pipeline (judge → incident → outbox, TinyDB with fsync), the delivery worker,
the real Telegram channel (python-telegram-bot) posting to tests/fake_bot_api.
t0 is when the feed server hands out the response; t1 is when the fake Bot API
receives the sendMessage carrying the incident's number. Prints p50/p99 (ms).

    .venv/bin/python bench/bench_latency.py [--runs 5]

Scenarios: 1 tier I item; 100 items arriving together (one or three tier I,
the rest II–IV, storm control on) with the channel's Telegram pacing (1 msg/s
per chat) and without it; and 100 tier I items together with pacing off, to
show the bot's own cost (one durable outbox record per send) apart from the
platform's rate limits; and that again on a store already holding a month of
an office's records (3,000 incidents, 30,000 items), to show a send's cost does
not grow with the store. Two chats: monitors (all tiers) and leaders (I, II).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import build_app, warm_up  # noqa: E402
from bot.channels.telegram_limits import Limits, RateLimiter  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.config_loader import load_config  # noqa: E402
from bot.models import SYSTEM, Action, ActionKind, Incident, Item, NoticeKind, Notification, Status, Tier  # noqa: E402
from bot.pipeline import run_source  # noqa: E402
from bot.store.tinydb_store import TinyDBStore  # noqa: E402
from sources.registry import build_source  # noqa: E402
from tests.fake_bot_api import TOKEN, FakeBotApi  # noqa: E402

NUMBER = re.compile(r"YQ-\d{8}-\d{4,}")
CHATS = [{"id": "-100", "role": "monitors"}, {"id": "-200", "role": "leaders", "tiers": ["I", "II"]}]
PLACES = [
    "东湖",
    "西岭",
    "南岸",
    "北郊",
    "城关",
    "高新",
    "滨江",
    "临港",
    "青山",
    "白沙",
    "金桥",
    "石门",
    "柳林",
    "枫林",
    "梅园",
    "竹海",
    "松岗",
    "桃源",
    "杏坛",
    "荷塘",
]
SUBJECTS = ["江城化工集团", "江城建工集团", "江城水务集团", "江城公交集团", "江城市国资委"]
WORDS = [
    "仓储",
    "车间",
    "管网",
    "站点",
    "工地",
    "库房",
    "厂区",
    "码头",
    "泵站",
    "调度",
    "机房",
    "宿舍",
    "食堂",
    "停车场",
    "配电",
    "锅炉",
    "塔吊",
    "料场",
    "罐区",
    "通道",
]


class TimedApi(FakeBotApi):
    """The fake Bot API, noting when the first message naming each incident arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.first: dict[tuple[str, str], float] = {}

    def _m_sendMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        at = time.perf_counter()
        for number in NUMBER.findall(str(p.get("text", ""))):
            self.first.setdefault((number, str(p["chat_id"])), at)
        return super()._m_sendMessage(p)


def title(k: int, kind: str, rng: random.Random) -> str:
    subject = SUBJECTS[k % len(SUBJECTS)]
    place = rng.choice(PLACES) + rng.choice(WORDS) + rng.choice(WORDS)
    if kind == "I":
        return f"{subject}{place}发生爆炸 已致{k % 7 + 30}人死亡 编号{k}"  # ≥ 30 deaths: 特别重大 by the official bands
    if kind == "II":
        return f"{subject}{place}被曝拖欠工资半年 编号{k}"
    return f"网友投诉{subject}{place}乱收费 编号{k}"


def feed(kinds: list[str], seed: int) -> bytes:
    rng = random.Random(seed)
    items = []
    for k, kind in enumerate(kinds):
        t = escape(title(k, kind, rng))
        items.append(
            f"<item><title>{t}</title><link>http://127.0.0.1/a/{seed}/{k}.html</link>"
            f"<guid>bench-{seed}-{k}</guid><description>{t}，现场情况仍在核实。</description></item>"
        )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>bench</title>{"".join(items)}</channel></rss>'.encode()


async def serve_feed(body: bytes, stamps: list[float]) -> tuple[web.AppRunner, int]:
    async def handler(request: web.Request) -> web.Response:
        stamps.append(time.perf_counter())  # t0: the items are fetched from here on
        return web.Response(body=body, content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/feed.xml", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


def bench_config(api: TimedApi, feed_port: int, data: Path) -> Config:
    base = load_config(ROOT / "config.yaml", env={})
    return Config.model_validate(
        {
            "schemes": [s.model_dump() for s in base.schemes],
            "people": [p.model_dump() for p in base.people],
            "store": {"path": str(data / "bench.json")},
            "sources": [
                {"id": "bench", "kind": "rss", "url": f"http://127.0.0.1:{feed_port}/feed.xml", "allow_private": True}
            ],
            "chats": {
                "console": {"enabled": False},
                "telegram": {"enabled": True, "token": TOKEN, "base_url": api.base_url, "chats": CHATS},
            },
        }
    )


async def history(store: TinyDBStore, incidents: int) -> None:
    """A month of an office's records already in the store: incidents with their items, actions, sent alerts."""
    at = datetime.now(UTC) - timedelta(days=30)
    rng = random.Random(5)
    async with store.batch():
        for n in range(incidents):
            when = at + timedelta(minutes=n * 14)
            head = title(n, rng.choice(["II", "III"]), rng)
            items = [
                Item("old", f"http://127.0.0.1/old/{n}/{k}", head, text=head * 3, fetched_at=when) for k in range(10)
            ]
            await store.claim_seen([i.key for i in items], when)
            await store.add_items(items)
            number = f"YQ-{when:%Y%m%d}-{n:04d}"
            await store.put_incident(
                Incident(number, Tier.III, head, items[0].url, "old", when, reason="主体+事件", status=Status.RESOLVED)
            )
            for kind in (ActionKind.NOTIFY, ActionKind.ACK, ActionKind.RESOLVE):
                await store.append_action(Action(f"{number}:{kind.value}", number, kind, SYSTEM, when, note="已处置"))
            for chat in CHATS:
                target = f"telegram:{chat['id']}"
                note = Notification(f"{number}:{target}:1", target, NoticeKind.ALERT, when, incident=number)
                await store.enqueue([note.replace(sent_at=when, message_id=str(n), attempts=1)])


async def one_run(kinds: list[str], pacing: bool, seed: int, prefill: int = 0) -> tuple[list[float], dict[str, int]]:
    """Latencies (ms) of every tier I incident to every chat it goes to, and the tiers made."""
    api, stamps = TimedApi(), []
    await api.start()
    runner, port = await serve_feed(feed(kinds, seed), stamps)
    with tempfile.TemporaryDirectory() as tmp:
        config = bench_config(api, port, Path(tmp))
        store = TinyDBStore(config.store.path)
        await store.open()
        if prefill:
            await history(store, prefill)
            await store.close()  # as after a restart: one snapshot, empty journal
            size = Path(config.store.path).stat().st_size
            print(f"  (store holds {prefill} incidents, {prefill * 10} items: {size / 1e6:.1f} MB)")
            store = TinyDBStore(config.store.path)
            await store.open()
        app = await build_app(config, store)
        if not pacing:
            app.channels["telegram"].limiter = RateLimiter(Limits.unlimited())  # type: ignore[attr-defined]
        await warm_up(app)  # as bot.app.start does before the first poll
        warm = feed(["I"], seed=10_000)  # and one item judged: what a running bot has loaded by now
        app.judge.judge(
            Item("warm", "http://127.0.0.1/warm", title(0, "I", random.Random(9)), text=warm.decode()[:200])
        )
        worker = asyncio.create_task(app.delivery.run_forever(idle=1.0))
        report = await run_source(build_source(config.sources[0]), app.services, app.http, app.judge)
        urgent = [i.number for i in report.incidents if i.tier is Tier.I]
        wanted = {(n, c["id"]) for n in urgent for c in CHATS}
        deadline = time.perf_counter() + 60
        while not wanted <= api.first.keys() and time.perf_counter() < deadline:  # noqa: ASYNC110 - polls a plain dict
            await asyncio.sleep(0.01)
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker
        await app.http.aclose()
        await store.close()
    await runner.cleanup()
    await api.stop()
    tiers: dict[str, int] = {}
    for inc in report.incidents:
        tiers[inc.tier.roman] = tiers.get(inc.tier.roman, 0) + 1
    missing = wanted - api.first.keys()
    if missing:
        print(f"  ! {len(missing)} tier I messages never arrived", file=sys.stderr)
    return [(api.first[w] - stamps[0]) * 1000 for w in sorted(wanted) if w in api.first], tiers


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


async def scenario(name: str, kinds: list[str], pacing: bool, runs: int, prefill: int = 0) -> None:
    latencies: list[float] = []
    tiers: dict[str, int] = {}
    for run in range(runs):
        got, made = await one_run(kinds, pacing, seed=run, prefill=prefill)
        latencies += got
        tiers = made
    if not latencies:
        print(f"{name}: no tier I incident was made (tiers {tiers})")
        return
    print(
        f"{name}: tier I p50 {statistics.median(latencies):.0f} ms  p99 {pct(latencies, 0.99):.0f} ms  "
        f"max {max(latencies):.0f} ms  (n={len(latencies)} sends over {runs} runs; tiers per run {tiers})"
    )


async def main() -> None:
    logging.getLogger("aiohttp").setLevel(logging.CRITICAL)  # connections cut at the end of each run
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    one = ["I"] + ["II"] * 19 + ["III"] * 80
    three = ["I"] * 3 + ["II"] * 17 + ["III"] * 80
    random.Random(1).shuffle(one)
    random.Random(1).shuffle(three)
    await scenario("A  1 item (tier I), Telegram pacing on", ["I"], True, args.runs)
    await scenario("B  100 items together (1 tier I, rest lower), pacing on", one, True, args.runs)
    await scenario("C  100 items together (3 tier I), pacing on", three, True, args.runs)
    await scenario("D  100 items together (3 tier I), pacing off", three, False, args.runs)
    await scenario("E  100 tier I items together, pacing off", ["I"] * 100, False, max(1, args.runs // 2))
    await scenario("F  as E, on a store holding a month of records", ["I"] * 100, False, 1, prefill=3000)


if __name__ == "__main__":
    asyncio.run(main())
