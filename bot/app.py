"""Wiring: the only place that builds and connects the parts. No logic lives here."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import TextIO

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot import early_stop
from bot.analysis.judge import Judge
from bot.briefing import catch_up, send_scheduled_briefing
from bot.briefing.scheduled import add_report_jobs
from bot.channels.base import Channel, CommandHandler, NotLeader, UndeliveredHandler
from bot.channels.console import ConsoleChannel
from bot.channels.robots import ROBOT_CHANNELS
from bot.channels.wechat import WechatChannel
from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.config_loader import ConfigError
from bot.deadlines import add_deadline_job
from bot.delivery import Delivery
from bot.dispatch import Dispatcher
from bot.evidence import EvidenceArchive, retry_pending
from bot.incidents import IncidentService, text_notification
from bot.models import Command
from bot.people import People
from bot.placement import warm as warm_similarity
from bot.polling import Poller
from bot.retention import add_retention_job
from bot.roster.loading import load_roster
from bot.roster.shifts import add_shift_job
from bot.scheduler import add_daily_job, build_scheduler, schedule_polls, stop_scheduler
from bot.services import Services
from bot.store import open_store
from bot.store.base import Store, StoreError
from sources.base import SourceContext
from sources.http import HttpClient
from sources.registry import build_source

log = logging.getLogger(__name__)


@dataclass
class App:
    config: Config
    services: Services
    delivery: Delivery
    dispatcher: Dispatcher
    judge: Judge
    channels: dict[str, Channel]
    http: HttpClient
    scheduler: AsyncIOScheduler
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    demo: web.AppRunner | None = None
    # With store.backend redis the leader's scheduler only queues polls for every instance's workers (bot.roles).
    enqueue_poll: Callable[[str], Awaitable[object]] | None = None
    poller: Poller | None = None


def build_channels(
    config: Config,
    clock: Clock,
    console_out: TextIO | None,
    names: dict[str, str],
    store: Store | None = None,
    check: CommandHandler | None = None,
) -> dict[str, Channel]:
    channels: dict[str, Channel] = {}
    if config.chats.console.enabled:
        channels["console"] = ConsoleChannel(config.chats.console.person, clock, config.zone, console_out, names)
    if config.chats.wechat.enabled:
        channels["wechat"] = WechatChannel(config.chats.wechat, clock, config.zone, names)
    if config.chats.telegram.enabled:
        from bot.channels.telegram import TelegramChannel  # lazy: PTB loads only when Telegram is on

        channels["telegram"] = TelegramChannel.from_config(config, clock, names, store, check)
    if config.chats.wecom_app.enabled:
        from bot.channels.wecom_app import WecomAppChannel

        channels["wecom_app"] = WecomAppChannel.from_config(config, clock, names, store, check)
    if config.chats.dingtalk_app.enabled:
        from bot.channels.dingtalk_app import DingtalkAppChannel  # lazy: the SDK loads only when the app is on

        channels["dingtalk_app"] = DingtalkAppChannel.from_config(config, clock, names, store, check)
    if config.chats.feishu_app.enabled:
        from bot.channels.feishu_app import FeishuAppChannel  # lazy: lark-oapi loads only when 飞书 is on

        channels["feishu_app"] = FeishuAppChannel.from_config(config, clock, names, store, check)
    for kind in dict.fromkeys(r.kind for r in config.chats.robots):  # one channel per platform, each robot a chat
        proxies = {r.name: config.chats.robot_proxy(r) for r in config.chats.robots if r.kind == kind}
        channels[kind] = ROBOT_CHANNELS[kind](config.chats.robots, clock, config.zone, names, proxies=proxies)
    if config.chats.mail.enabled:
        try:
            from bot.channels.mail import MailChannel  # lazy: aiosmtplib (the `chats` extra) loads only when mail is on
        except ImportError as exc:
            raise ConfigError(f"chats.mail 需要附加依赖 [chats]（{exc.name}）：pip install -e '.[chats]'") from None
        channels["mail"] = MailChannel(config.chats.mail, clock, config.zone, names)
    return channels


async def build_app(config: Config, store: Store, clock: Clock | None = None, console_out: TextIO | None = None) -> App:
    clock = clock or SystemClock()
    services = Services(config, store, clock, People(config.people), IncidentService(config, store))
    services.roster = load_roster(config)  # the 值班表 (config + CSV): a bad one stops the start (RosterError)
    names = services.source_names
    dispatcher = Dispatcher(services)
    channels = build_channels(config, clock, console_out, names, store, dispatcher.check)
    for channel in channels.values():  # here, not in start: a metrics wrapper (bot.roles) may come between
        channel.on_undelivered = reply_later(services)
    if config.evidence.enabled:
        services.incidents.evidence = EvidenceArchive(config.evidence.path, config.zone)
    delivery = Delivery(store, channels, clock, services.incidents, source_names=names)
    services.wake_delivery = delivery.wake.set
    for name, channel in channels.items():
        channel.on_ready = partial(delivery.retry_now, name)
    return App(
        config=config,
        services=services,
        delivery=delivery,
        dispatcher=dispatcher,
        judge=Judge(config.schemes, config.sources, analysis=config.analysis),
        channels=channels,
        http=HttpClient(config.http),
        scheduler=build_scheduler(config),
    )


async def start(app: App, read_console: bool = True) -> None:
    config = app.config
    if config.demo.enabled:
        from bot.demo.server import start_demo_server

        app.demo = await start_demo_server(config.demo.host, config.demo.port)
    context = SourceContext(app.services.clock, config.zone, config.rsshub.base_url, config.store.keep_items)
    sources = [build_source(s, context) for s in config.sources if s.enabled]
    poller = app.poller = Poller(app.services, app.http, app.judge, sources)
    app.services.watch_backfill = poller.backfill
    await warm_up(app)

    async def poll(source_id: str, watch: bool) -> None:
        if app.enqueue_poll is None:
            await poller.poll(source_id, watch=watch)
        elif not watch or await poller.watch_active():
            await app.enqueue_poll(source_id)

    schedule_polls(app.scheduler, config.sources, poll)
    for slot in config.briefing.times:

        async def brief(slot=slot) -> None:
            await send_scheduled_briefing(app.services, slot)

        add_daily_job(app.scheduler, f"briefing:{slot}", slot, brief)
    # Once, at start: a briefing missed while down is sent within briefing.grace, else recorded missed.
    app.scheduler.add_job(catch_up, args=[app.services], id="briefing:catch-up", replace_existing=True)
    add_deadline_job(app.scheduler, app.services)
    add_shift_job(app.scheduler, app.services)  # 值班表: handover cards, gap warnings (no roster: no job)
    add_retention_job(app.scheduler, app.services)
    add_report_jobs(app.scheduler, app.services)  # reports: 日报/周报/评估/考核月报 to mail and chats
    evidence = app.services.incidents.evidence
    if evidence is not None:  # archives that failed (a full disk): retried every minute

        async def retry_evidence() -> None:
            await retry_pending(evidence, app.services.store, app.services.clock.now())

        app.scheduler.add_job(retry_evidence, "interval", minutes=1, id="evidence-retry", replace_existing=True)
    await requeue_alerts(app.services)  # after a crash mid-create; then every minute (a store outage mid-create)
    app.scheduler.add_job(
        requeue_alerts, "interval", minutes=1, args=[app.services], id="requeue", replace_existing=True
    )
    app.scheduler.start()
    app.tasks.append(asyncio.create_task(app.delivery.run_forever(), name="delivery"))
    for name, channel in app.channels.items():
        if name == "console" and not read_console:
            continue
        await channel.start(app.dispatcher.handle)


async def warm_up(app: App) -> None:
    """Before the first poll: what a tier I alert must not wait for."""
    await warm_similarity(app.judge, app.services.store, app.services.clock.now())  # reposts after a restart
    prepare = getattr(app.judge.classifier, "prepare", None)
    if prepare is not None:  # the sentiment model's weights, off the event loop
        await asyncio.to_thread(prepare)
    await asyncio.to_thread(app.judge.matcher.prepare)  # word boundaries segment with jieba's dictionary too


def reply_later(services: Services) -> UndeliveredHandler:
    """A command reply the chat refused for now becomes a text notice in the outbox, sent in order later.

    Keyed by the command's own message id, so a command handled twice queues its reply once.
    """

    async def enqueue(cmd: Command, text: str, mentions: tuple[str, ...]) -> None:
        key = f"reply:{cmd.message_id or uuid.uuid4().hex}"
        note = text_notification(cmd.target, text, services.clock.now(), key).replace(mentions=mentions)
        await services.store.enqueue([note])
        services.wake_delivery()

    return enqueue


async def requeue_alerts(services: Services) -> None:
    if await services.incidents.requeue_unreported(services.clock.now()):
        services.wake_delivery()


async def stop(app: App) -> None:
    await stop_scheduler(app.scheduler)  # a running poll finishes first (or is cut after a grace)
    for task in app.tasks:
        task.cancel()
    await asyncio.gather(*app.tasks, return_exceptions=True)
    try:
        await app.delivery.run_once()  # flush what is due before closing
    except (StoreError, NotLeader) as exc:  # a leader that lost its lease (fenced) or Redis gone: the next sends
        log.warning("final delivery round skipped: %s", exc)
    for channel in app.channels.values():
        with contextlib.suppress(Exception):
            await channel.stop()
    await app.http.aclose()
    if app.demo is not None:
        await app.demo.cleanup()


async def run(config: Config, duration: float | None = None) -> None:
    """Run until SIGINT/SIGTERM (or `duration` seconds, for smoke tests)."""
    if config.store.backend == "redis":
        from bot.roles import run_cluster

        await run_cluster(config, duration)
        return
    stopped = stop_signal(duration)  # first: Ctrl+C while starting up stops as quietly as later
    store = open_store(config.store)
    await store.open()
    try:
        app = await build_app(config, store)
        try:
            up = await unless_stopped(start(app), stopped)
        except BaseException:
            with contextlib.suppress(Exception):
                await stop(app)  # e.g. a channel that cannot start: close what did, then report it
            raise
        metrics = await start_metrics(app) if up and config.ops.metrics_port is not None else None
        await stopped.wait()
        if metrics is not None:
            await metrics.cleanup()
        await stop(app)
    finally:
        await store.close()


def stop_signal(duration: float | None = None) -> asyncio.Event:
    """An event set by SIGINT/SIGTERM (or after `duration` seconds): stopping is a normal end, not an error."""
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopped.set)
    if early_stop.requested():  # Ctrl+C or SIGTERM while starting up (bot.early_stop)
        stopped.set()
    if duration is not None:
        loop.call_later(duration, stopped.set)
    return stopped


async def unless_stopped(work: Awaitable[None], stopped: asyncio.Event) -> bool:
    """Run `work` unless a stop comes first (then cancel it); True when it finished."""
    task = asyncio.ensure_future(work)
    waiter = asyncio.ensure_future(stopped.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    if task.done():
        task.result()  # a start that failed raises here
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return False


async def start_metrics(app: App) -> web.AppRunner:
    """/metrics and /healthz for the single-process (TinyDB) bot; bot.roles does it on Redis."""
    from bot.metrics import Metrics, bound_port, count_channels, start_metrics_server
    from bot.roles import instance_name

    ops = app.config.ops
    metrics = Metrics(instance_name(app.config))
    metrics.leader.labels(metrics.instance).set(1)  # one process: always the leader
    count_channels(app.channels, metrics)
    if app.poller is not None:
        app.poller.on_report = metrics.observe_poll

    async def refresh() -> dict[str, object]:
        pending = await app.services.store.pending_notifications(
            app.services.clock.now() + timedelta(days=3650), 100_000
        )
        metrics.outbox.set(len(pending))
        health: dict[str, object] = {"instance": metrics.instance, "leader": True, "store": "tinydb"}
        error = app.services.store.write_error
        return {**health, "ok": not error, **({"store_error": error} if error else {})}

    runner = await start_metrics_server(metrics, refresh, ops.metrics_host, ops.metrics_port or 0)
    log.warning("metrics on http://%s:%d/metrics", ops.metrics_host, bound_port(runner))
    return runner
