"""Wiring for several instances on one Redis (store.backend: redis).

Every instance runs poll workers on the shared queue (bot.workqueue). The
instance holding the leader lease (bot.lease) also runs what must run once:
the scheduler (which now only queues polls), delivery and the chat loops,
all built by `bot.app` on a store fenced with the lease token. Losing the
lease stops them; gaining it starts them again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from typing import Any, TextIO

from redis.exceptions import RedisError

from bot import app as wiring
from bot.analysis.judge import Judge
from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.incidents import IncidentService
from bot.lease import LeaderLease, LeaderRole
from bot.metrics import Metrics, bound_port, count_channels, start_metrics_server
from bot.people import People
from bot.polling import Poller
from bot.services import Services
from bot.standby import STARTING, Standby
from bot.store.base import StoreError
from bot.store.redis_store import RedisStore, raise_if_cancelled
from bot.workqueue import PollQueue, Workers
from sources.base import SourceContext
from sources.http import HttpClient
from sources.registry import build_source

log = logging.getLogger(__name__)


def instance_name(config: Config) -> str:
    return config.ops.instance or f"{socket.gethostname()}-{os.getpid()}"


class Node:
    """One instance: workers always, the leader's app while it holds the lease."""

    def __init__(
        self,
        config: Config,
        store: RedisStore,
        clock: Clock | None = None,
        console_out: TextIO | None = None,
        read_console: bool = True,
    ) -> None:
        ops = config.ops
        self.config, self.store = config, store
        self.clock = clock or SystemClock()
        self.console_out, self.read_console = console_out, read_console
        self.instance = instance_name(config)
        self.metrics = Metrics(self.instance)
        people = People(config.people)
        self.services = Services(config, store, self.clock, people, IncidentService(config, store))
        self.judge = Judge(config.schemes, config.sources, analysis=config.analysis)
        self.http = HttpClient(config.http)
        context = SourceContext(self.clock, config.zone, config.rsshub.base_url, config.store.keep_items)
        sources = [build_source(s, context) for s in config.sources if s.enabled]
        self.poller = Poller(self.services, self.http, self.judge, sources)
        marker_ttl = max([s.every.total_seconds() for s in config.sources] + [60.0]) * 3
        self.queue = PollQueue(
            store.client, store.prefix, self.instance, ops.claim_idle.total_seconds(), marker_ttl + 60
        )
        self.queue.on_claim = self.metrics.takeovers.inc
        self.workers = Workers(self.queue, self.poll, ops.workers)
        self.lease = LeaderLease(store.client, store.prefix, self.instance, ops.lease_ttl.total_seconds())
        self.role = LeaderRole(self.lease, self._gain, self._lost)
        self.leader_app: wiring.App | None = None
        self.tasks: list[asyncio.Task[Any]] = []
        self.metrics_runner: Any = None
        self.metrics_port = 0

    async def poll(self, source_id: str) -> None:
        if source_id not in self.poller.sources:
            log.warning("queued poll for unknown or disabled source %s", source_id)
            return
        report = await self.poller.poll(source_id)
        if report is not None:
            self.metrics.observe_poll(report)

    async def _gain(self, token: str) -> None:
        fenced = self.store.fenced(self.lease.key, token)
        leader = await wiring.build_app(self.config, fenced, self.clock, self.console_out)
        leader.enqueue_poll = self.queue.enqueue
        for channel in leader.channels.values():  # before the metrics wrapper: the adapters check it
            channel.send_gate = self.role.send_gate
        count_channels(leader.channels, self.metrics)
        try:
            await wiring.start(leader, read_console=self.read_console)
        except BaseException:
            with contextlib.suppress(Exception):  # stop what did start; keep the original error
                await wiring.stop(leader)
            raise
        self.leader_app = leader
        self.metrics.leader.labels(self.instance).set(1)

    @property
    def leading(self) -> bool:
        """Leader now: its loops run and its term has not passed by its own clock."""
        return self.leader_app is not None and self.lease.held

    async def _lost(self) -> None:
        leader, self.leader_app = self.leader_app, None
        self.metrics.leader.labels(self.instance).set(0)
        if leader is not None:
            await wiring.stop(leader)

    async def start(self) -> None:
        ops = self.config.ops
        prepare = getattr(self.judge.classifier, "prepare", None)
        if prepare is not None:  # the sentiment model's weights, before this worker's first poll
            await asyncio.to_thread(prepare)
        await asyncio.to_thread(self.judge.matcher.prepare)  # boundaries' dictionary: once per process, not on gain
        if ops.metrics_port is not None:
            self.metrics_runner = await start_metrics_server(
                self.metrics, self.health, ops.metrics_host, ops.metrics_port
            )
            self.metrics_port = bound_port(self.metrics_runner)
            log.warning("metrics on http://%s:%d/metrics", ops.metrics_host, self.metrics_port)
        self.tasks.append(asyncio.create_task(self.workers.run_forever(), name="poll-workers"))
        self.tasks.append(asyncio.create_task(self._lead_forever(), name="leader-lease"))

    async def _lead_forever(self) -> None:
        while True:
            try:
                await self.role.tick()
                raise_if_cancelled()
            except Exception:  # the leader's app failed to start or stop: try again next round
                log.exception("leader role step failed")
                await self.role.resign()
            await self.role.pause()

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self.role.resign()
        await self.http.aclose()
        if self.metrics_runner is not None:
            await self.metrics_runner.cleanup()

    async def health(self) -> dict[str, Any]:
        """Refresh the Redis-backed gauges; return what /healthz shows."""
        m = self.metrics
        try:
            holder = await self.lease.holder()
            m.set_holder(holder)
            m.outbox.set(await self.store.pending_count())
            length, pending = await self.queue.depth()
            m.queue.labels("queued").set(length - pending)
            m.queue.labels("running").set(pending)
            redis_ok = True
        except (RedisError, StoreError, OSError):
            holder, redis_ok = None, False
        m.redis_up.set(1 if redis_ok else 0)
        leading = self.leading  # a term past its end is not leading, even before the loops have stopped
        m.leader.labels(self.instance).set(1 if leading else 0)
        return {
            "instance": self.instance,
            "leader": leading,
            "lease_holder": holder,
            "redis": redis_ok,
            "polls_done": self.workers.done_total,
        }


async def open_store(config: Config, stopped: asyncio.Event, standby: Standby | None = None) -> RedisStore | None:
    """Connect, retrying with backoff while Redis is down or refuses us (None if asked to stop first)."""
    delay = 0.5
    while not stopped.is_set():
        store = RedisStore(config.store.url, config.store.prefix)
        try:
            await store.open()
            if standby is not None and standby.reason != STARTING:
                log.warning("存储（Redis）已连接，开始值守")
            return store
        except StoreError as exc:  # the message names the server with its password masked
            log.warning("%s；%.1f 秒后重试", exc, delay)
            if standby is not None:
                standby.failed(exc)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopped.wait(), delay)
        delay = min(OPEN_RETRY_CAP, delay * 2)
    return None


OPEN_RETRY_CAP = 30.0  # seconds between attempts to open the store, at most


async def run_cluster(config: Config, duration: float | None = None) -> None:
    """Run one instance until SIGINT/SIGTERM (or `duration` seconds).

    Until Redis can be opened (down, or refusing the password) the console is served by a
    stand-in that says so, and the store is retried with backoff; then the bot starts as usual.
    """
    stopped = wiring.stop_signal(duration)
    standby = Standby(config)
    await standby.start()
    try:
        store = await open_store(config, stopped, standby)
    finally:
        await standby.stop()
    if store is None:
        return
    node = Node(config, store)
    try:
        await node.start()
        await stopped.wait()
        await node.stop()
    finally:
        await store.close()
