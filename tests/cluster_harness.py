"""Harness for multi-instance tests: a local feed server and `yuqing-bot run` subprocesses.

Deliveries are counted from each instance's console channel (stdout): only
the leader prints alerts, so an alert printed by two instances is a double
delivery. The feed is served over real HTTP on an ephemeral port.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.conftest import BASE_CONFIG
from tests.local_web import serve_app

ROOT = Path(__file__).resolve().parent.parent
ALERT_LINE = re.compile(r"】(YQ-\d{8}-\d{4}) · ")
METRICS_LINE = re.compile(r"metrics on http://[^:/]+:(\d+)/metrics")
TITLES = [  # each hits the scheme (subject + event) and none merges into another as a repost
    "江城化工集团北区仓库突发爆炸，消防赶赴现场",
    "多名农民工讨说法：江城建工集团工地欠薪半年",
    "市民投诉江城市国资委下属公司物业收费混乱",
    "江城化工集团排污口附近河水发黑，居民投诉不断",
    "江城建工集团承建小区外墙脱落砸坏车辆，业主集体投诉",
    "网友投诉江城市国资委领导违规收受礼品，纪委介入",
    "深夜巨响！江城化工集团储罐区发生闪爆后再次爆炸",
    "江城建工集团欠薪风波：分包商带队围堵项目部",
    "江城市国资委监管企业年终奖迟迟不发，职工称遭欠薪",
    "江城化工集团员工实名投诉安全培训走过场",
    "暴雨后江城建工集团在建桥梁出现裂缝，沿线居民投诉",
    "江城化工集团锅炉房爆炸致三人受伤送医",
    "江城市国资委信访窗口推诿，群众投诉无门",
    "江城建工集团塔吊倒塌，家属称工人此前长期被欠薪",
]


class FeedServer:
    """Serves /feed.xml (RSS) whose items the test adds while instances run (after `delay` s: a slow source)."""

    def __init__(self, delay: float = 0.0, site: str = "news.example.cn") -> None:
        self.delay = delay
        self.site = site
        self.items: list[tuple[str, str]] = []
        self.requests = 0
        self.runner: web.AppRunner | None = None
        self.port = 0

    def add(self, count: int) -> list[str]:
        urls = []
        for _ in range(count):
            n = len(self.items) + 1
            url = f"https://{self.site}/a/{n}"
            self.items.append((url, TITLES[(n - 1) % len(TITLES)]))
            urls.append(url)
        return urls

    def _rss(self) -> str:
        entries = "".join(
            f"<item><title>{title}</title><link>{url}</link><guid>{url}</guid>"
            f"<description>{title}，群众反映强烈。</description></item>"
            for url, title in reversed(self.items)
        )
        return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>江城新闻</title>{entries}</channel></rss>'

    async def start(self) -> None:
        async def feed(_request: web.Request) -> web.Response:
            self.requests += 1
            if self.delay:
                await asyncio.sleep(self.delay)
            return web.Response(text=self._rss(), content_type="application/rss+xml", charset="utf-8")

        app = web.Application()
        app.router.add_get("/feed.xml", feed)
        self.runner, self.port = await serve_app(app, 0, access_log=None)

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/feed.xml"


def cluster_config(feed_url: str, redis_url: str, prefix: str, **ops: Any) -> dict[str, Any]:
    return {
        **BASE_CONFIG,
        "store": {"backend": "redis", "url": redis_url, "prefix": prefix},
        "sources": [{"id": "news", "name": "江城新闻", "url": feed_url, "every": "1s", "allow_private": True}],
        "briefing": {"times": []},
        "storm": {"enabled": False},  # every alert its own message, so each can be counted
        # Short enough for a quick takeover, long enough for a loaded 2-core machine.
        "ops": {"lease_ttl": "4s", "claim_idle": "3s", "workers": 2, **ops},
    }


@dataclass
class Instance:
    name: str
    proc: subprocess.Popen[bytes]
    out_path: Path
    err_path: Path

    def output(self) -> str:
        return self.out_path.read_text(encoding="utf-8", errors="replace")

    def alerts(self) -> list[str]:
        return ALERT_LINE.findall(self.output())


@dataclass
class Cluster:
    tmp: Path
    config: dict[str, Any]
    instances: list[Instance] = field(default_factory=list)

    def start(self, name: str, **ops: Any) -> Instance:
        config = {**self.config, "ops": {**self.config["ops"], "instance": name, **ops}}
        telegram = config.get("chats", {}).get("telegram")
        token = "123456:TEST-token-not-real"
        if telegram:  # secrets only from the environment: the config names the variable
            token = telegram["token"].format(instance=name)  # FakeTelegram(per_instance=True): "123456:{instance}"
            chats = {**config["chats"], "telegram": {**telegram, "token": "${TEST_TELEGRAM_TOKEN}"}}
            config = {**config, "chats": chats}
        path = self.tmp / f"{name}.yaml"
        path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
        out, err = self.tmp / f"{name}.out", self.tmp / f"{name}.err"
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "TEST_TELEGRAM_TOKEN": token}
        with out.open("wb") as o, err.open("wb") as e:
            proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "-v", "-c", str(path), "run"],
                cwd=self.tmp,
                env={**env, "PYTHONPATH": str(ROOT)},
                stdin=subprocess.DEVNULL,
                stdout=o,
                stderr=e,
            )
        inst = Instance(name, proc, out, err)
        self.instances.append(inst)
        return inst

    def by_name(self, name: str) -> Instance:
        return next(i for i in self.instances if i.name == name)

    def alert_counts(self) -> Counter[str]:
        return Counter(n for inst in self.instances for n in inst.alerts())

    def metrics_ports(self) -> dict[str, int]:
        """Each instance's /metrics port, as it logged it (port 0 in config: no port chosen ahead can be taken)."""
        ports = {}
        for inst in self.instances:
            found = METRICS_LINE.search(inst.err_path.read_text(encoding="utf-8", errors="replace"))
            if found:
                ports[inst.name] = int(found.group(1))
        return ports

    def state(self) -> str:
        """Each instance: running or its exit code, and the end of its log (for a failure report)."""
        lines = []
        for inst in self.instances:
            code = inst.proc.poll()
            tail = inst.err_path.read_text(encoding="utf-8", errors="replace").splitlines()[-8:]
            lines.append(f"-- {inst.name}: {'running' if code is None else f'exited {code}'}")
            lines += [f"   {line}" for line in tail]
        return "\n".join(lines)

    def stop_all(self) -> None:
        for inst in self.instances:
            if inst.proc.poll() is None:
                inst.proc.send_signal(signal.SIGTERM)
        for inst in self.instances:
            try:
                inst.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                inst.proc.kill()
                inst.proc.wait()


async def wait_until(
    predicate, within: float = 30.0, what: str = "condition", explain: Callable[[], str] | None = None
) -> None:
    """Poll an async predicate until it holds (processes run on the real clock).

    `explain` adds what the failure report needs (say, each instance's state) when time runs out.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}" + (f"\n{explain()}" if explain else ""))
        await asyncio.sleep(0.1)


async def all_alerted(store: Any, urls: list[str], targets: tuple[str, ...] = ("console:console",)) -> bool:
    """Every url is in an incident, and every pushed incident's alert to each target was sent."""
    from bot.store.base import StoreUnavailable

    try:
        incidents = await store.incidents()
        if not set(urls) <= {k for i in incidents for k in i.item_keys}:
            return False
        for inc in incidents:
            for target in targets if inc.tier.pushed else ():
                note = await store.get_notification(f"{inc.number}:{target}:alert")
                if note is None or note.sent_at is None:
                    return False
        return True
    except StoreUnavailable:
        return False


class FakeTelegram:
    """tests/fake_bot_api.py as a subprocess: every instance's leader talks to it over HTTP.

    per_instance: each instance gets its own token secret (its name), so the fake
    records who made each call; with lease_redis/lease_key it also records who
    held the lease when each chat-visible call arrived.
    """

    def __init__(self, per_instance: bool = False, lease_redis: str = "", lease_key: str = "") -> None:
        self.per_instance = per_instance
        extra = ["--any-secret"] if per_instance else []
        if lease_redis:
            extra += ["--lease-redis", lease_redis, "--lease-key", lease_key]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.fake_bot_api", "--port", "0", *extra],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        line = self.proc.stdout.readline().decode()  # type: ignore[union-attr]
        if not line.startswith("PORT "):
            self.proc.kill()
            raise RuntimeError(f"fake Bot API did not start: {line!r}")
        self.port = int(line.split()[1])

    def config(self, chats: list[int]) -> dict[str, Any]:
        base = f"http://127.0.0.1:{self.port}"
        return {
            "enabled": True,
            "token": "123456:{instance}" if self.per_instance else "123456:TEST-token-not-real",
            "base_url": f"{base}/bot",
            "base_file_url": f"{base}/file/bot",
            "chats": [{"id": c} for c in chats],
        }

    async def alerts_per_chat(self) -> Counter[tuple[str, str]]:
        """(chat id, incident number) → how many sendMessage calls carried that alert."""
        import httpx

        async with httpx.AsyncClient() as client:
            calls = (await client.get(f"http://127.0.0.1:{self.port}/_control/requests")).json()
        counts: Counter[tuple[str, str]] = Counter()
        for call in calls:
            if call["method"] == "sendMessage" and call["status"] == 200:
                for number in set(re.findall(r"YQ-\d{8}-\d{4}", str(call["params"].get("text", "")))):
                    counts[(str(call["params"]["chat_id"]), number)] += 1
        return counts

    async def requests(self) -> list[dict[str, Any]]:
        """Every call the fake received: method, params, status, instance, holder."""
        import httpx

        async with httpx.AsyncClient() as client:
            return (await client.get(f"http://127.0.0.1:{self.port}/_control/requests")).json()

    async def texts_per_chat(self, needle: str) -> Counter[str]:
        """chat id → how many sent messages contain `needle`."""
        import httpx

        async with httpx.AsyncClient() as client:
            calls = (await client.get(f"http://127.0.0.1:{self.port}/_control/requests")).json()
        return Counter(
            str(c["params"]["chat_id"])
            for c in calls
            if c["method"] == "sendMessage" and c["status"] == 200 and needle in str(c["params"].get("text", ""))
        )

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


LEADER_GAUGE = re.compile(r'yuqing_leader\{instance="([^"]+)"\} ([0-9.]+)')


async def leader_flags(ports: dict[str, int]) -> dict[str, int | None]:
    """Each instance's `yuqing_leader` now, all asked at once (None: no answer, e.g. SIGSTOPped or dead)."""
    import httpx

    async with httpx.AsyncClient(timeout=0.5) as client:

        async def one(port: int) -> int | None:
            try:
                text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
            except httpx.HTTPError:
                return None
            found = LEADER_GAUGE.search(text)
            return int(float(found.group(2))) if found else None

        values = await asyncio.gather(*(one(p) for p in ports.values()))
    return dict(zip(ports, values, strict=True))


class LeaderSampler:
    """Samples every instance's /metrics in the background; `doubles` holds samples showing two leaders."""

    def __init__(self, ports: dict[str, int], every: float = 0.2) -> None:
        self.ports, self.every = ports, every
        self.samples = 0
        self.doubles: list[dict[str, int | None]] = []
        self.task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            flags = await leader_flags(self.ports)
            self.samples += 1
            if sum(1 for v in flags.values() if v == 1) > 1:
                self.doubles.append(flags)
            await asyncio.sleep(self.every)

    def start(self) -> None:
        self.task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)


async def lease_token(client: Any, key: str) -> str | None:
    try:
        return await client.get(key)
    except Exception:  # noqa: BLE001 - Redis restarting
        return None


async def time_takeover(client: Any, key: str, old: str, within: float = 30.0) -> float:
    """Seconds from now until the lease key holds a token other than `old` (another instance leads)."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while loop.time() - start < within:
        token = await lease_token(client, key)
        if token and token != old:
            return loop.time() - start
        await asyncio.sleep(0.02)
    raise AssertionError(f"no takeover within {within} s")


async def ready_instances(client: Any, prefix: str) -> set[str]:
    """Instances whose poll workers have read the queue: started up (jieba loaded), lease loop running."""
    try:
        return {str(c["name"]) for c in await client.xinfo_consumers(f"{prefix}polls", "workers")}
    except Exception:  # noqa: BLE001 - no stream yet, or Redis restarting
        return set()
