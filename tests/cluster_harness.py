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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.conftest import BASE_CONFIG

ROOT = Path(__file__).resolve().parent.parent
ALERT_LINE = re.compile(r"】(YQ-\d{8}-\d{4}) · ")
EVENTS = ["爆炸", "欠薪", "投诉"]


class FeedServer:
    """Serves /feed.xml (RSS) whose items the test adds while instances run."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []
        self.requests = 0
        self.runner: web.AppRunner | None = None
        self.port = 0

    def add(self, count: int) -> list[str]:
        urls = []
        for _ in range(count):
            n = len(self.items) + 1
            url = f"https://news.example.cn/a/{n}"
            self.items.append((url, f"江城化工集团第{n}车间发生{EVENTS[n % 3]}事件"))
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
            return web.Response(text=self._rss(), content_type="application/rss+xml", charset="utf-8")

        app = web.Application()
        app.router.add_get("/feed.xml", feed)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

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
        "ops": {"lease_ttl": "2s", "claim_idle": "1s", "workers": 2, **ops},
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
        path = self.tmp / f"{name}.yaml"
        path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
        out, err = self.tmp / f"{name}.out", self.tmp / f"{name}.err"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
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


async def wait_until(predicate, within: float = 30.0, what: str = "condition") -> None:
    """Poll an async predicate until it holds (processes run on the real clock)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)
