"""Operators' view of one instance: /metrics (Prometheus text format) and /healthz.

Counters are kept per process (Prometheus sums them over instances); gauges
that live in Redis (outbox and poll-queue depth, lease holder) are read when
scraped, through the `refresh` callback.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, generate_latest

from bot.channels.base import Channel, CommandHandler, DeliveryError
from bot.listen import start_site
from bot.models import Incident
from bot.redact import redact

log = logging.getLogger(__name__)


class Metrics:
    def __init__(self, instance: str) -> None:
        self.instance = instance
        r = self.registry = CollectorRegistry()
        self.polls = Counter("yuqing_polls", "Source polls run by this instance", ["result"], registry=r)
        self.items = Counter("yuqing_items", "Items fetched", ["kind"], registry=r)
        self.incidents = Counter("yuqing_incidents", "Incidents created, by tier", ["tier"], registry=r)
        self.sent = Counter("yuqing_notifications_sent", "Messages handed to a chat", ["channel"], registry=r)
        self.failed = Counter("yuqing_notifications_failed", "Sends that failed", ["channel"], registry=r)
        self.takeovers = Counter("yuqing_poll_takeovers", "Poll entries claimed from a stalled instance", registry=r)
        self.outbox = Gauge("yuqing_outbox_pending", "Unsent outbox entries", registry=r)
        self.queue = Gauge("yuqing_poll_queue", "Poll work in the stream", ["state"], registry=r)
        self.leader = Gauge("yuqing_leader", "1 if this instance holds the leader lease", ["instance"], registry=r)
        self.holder = Gauge("yuqing_lease_holder", "The current lease holder (label), 1", ["holder"], registry=r)
        self.epoch = Gauge("yuqing_lease_epoch", "Fencing epoch of the current lease", registry=r)
        self.redis_up = Gauge("yuqing_redis_up", "1 if Redis answered the last check", registry=r)
        self.leader.labels(instance).set(0)

    def observe_poll(self, report: Any) -> None:
        """Count one `PollReport` (bot.pipeline)."""
        self.polls.labels("error" if report.error else "ok").inc()
        self.items.labels("fetched").inc(report.fetched)
        self.items.labels("new").inc(report.new)
        for incident in report.incidents:
            self.incidents.labels(incident.tier.roman).inc()

    def set_holder(self, token: str | None) -> None:
        self.holder.clear()
        if token:
            epoch, _, who = token.partition(":")
            self.holder.labels(who).set(1)
            self.epoch.set(int(epoch))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class CountedChannel(Channel):
    """Wraps a channel to count sends and failures; everything else passes through."""

    def __init__(self, inner: Channel, metrics: Metrics) -> None:
        self.inner = inner
        self.metrics = metrics
        self.name = inner.name

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.inner, attr)

    async def _count(self, call: Awaitable[str]) -> str:
        try:
            result = await call
        except DeliveryError:
            self.metrics.failed.labels(self.name).inc()
            raise
        self.metrics.sent.labels(self.name).inc()
        return result

    async def start(self, on_command: CommandHandler) -> None:
        await self.inner.start(on_command)

    async def stop(self) -> None:
        await self.inner.stop()

    async def send_incident(self, chat_id: str, incident: Incident) -> str:
        return await self._count(self.inner.send_incident(chat_id, incident))

    async def update_incident(self, chat_id: str, message_id: str, incident: Incident) -> str:
        return await self._count(self.inner.update_incident(chat_id, message_id, incident))

    async def send_text(self, chat_id: str, text: str, mentions: tuple[str, ...] = ()) -> str:
        return await self._count(self.inner.send_text(chat_id, text, mentions))

    async def send_text_button(self, chat_id: str, text: str, mentions: tuple[str, ...], press: str) -> str:
        return await self._count(self.inner.send_text_button(chat_id, text, mentions, press))

    async def settle_card(self, chat_id: str, message_id: str, line: str) -> str:
        return await self._count(self.inner.settle_card(chat_id, message_id, line))

    async def send_file(
        self,
        chat_id: str,
        data: bytes,
        filename: str,
        caption: str = "",
        kind: Literal["photo", "document"] = "document",
    ) -> str:
        return await self._count(self.inner.send_file(chat_id, data, filename, caption, kind))


def count_channels(channels: dict[str, Channel], metrics: Metrics) -> None:
    """Wrap every channel in place (the delivery worker holds the same dict)."""
    for name, channel in list(channels.items()):
        if not isinstance(channel, CountedChannel):
            channels[name] = CountedChannel(channel, metrics)


Refresh = Callable[[], Awaitable[dict[str, Any]]]


async def start_metrics_server(metrics: Metrics, refresh: Refresh, host: str, port: int) -> web.AppRunner:
    """Serve /metrics and /healthz; `refresh` updates the gauges and returns the health dict."""

    async def scrape(_request: web.Request) -> web.Response:
        await refresh()
        return web.Response(body=metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def health(_request: web.Request) -> web.Response:
        state = await refresh()
        status = 200 if state.get("ok", state.get("redis")) else 503
        text = redact(json.dumps(state, ensure_ascii=False))  # e.g. a store error that names its URL
        return web.Response(text=text, status=status, content_type="application/json")

    app = web.Application()
    app.router.add_get("/metrics", scrape)
    app.router.add_get("/healthz", health)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await start_site(runner, host, port, "ops.metrics_port")
    return runner


def bound_port(runner: web.AppRunner) -> int:
    """The port actually bound (for port 0)."""
    for site in runner.sites:
        server = getattr(site, "_server", None)
        if server is not None and server.sockets:
            return int(server.sockets[0].getsockname()[1])
    return 0
