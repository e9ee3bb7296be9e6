"""Scheduled jobs on APScheduler: source polls, emergency-watch polls, the morning briefing.

Runs of one job never overlap (max_instances=1) and missed runs coalesce; the
poller also holds a lock per source, so a normal poll and a watch poll of the
same source never run at once either.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from functools import partial

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import Config, SourceConfig

log = logging.getLogger(__name__)

PollFn = Callable[[str, bool], Awaitable[object]]


# Seconds a running job (a poll, a briefing) gets to finish when the bot stops, before it is cancelled.
STOP_GRACE = 5.0


class _QuietCancel(logging.Filter):
    """A job cancelled because the bot stops is not an error: one info line instead of a traceback.

    APScheduler 3 logs every job that ends with an exception, CancelledError included.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, asyncio.CancelledError):
            record.msg, record.args, record.exc_info, record.levelno, record.levelname = (
                "%s: 停止时中断",
                (record.args[0] if isinstance(record.args, tuple) and record.args else "job",),
                None,
                logging.INFO,
                "INFO",
            )
            return logging.getLogger(record.name).isEnabledFor(logging.INFO)
        return True


def build_scheduler(config: Config) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=config.zone, job_defaults={"coalesce": True, "max_instances": 1})
    quiet = logging.getLogger("apscheduler.executors.default")
    if not any(isinstance(f, _QuietCancel) for f in quiet.filters):
        quiet.addFilter(_QuietCancel())
    return scheduler


async def stop_scheduler(scheduler: AsyncIOScheduler, grace: float = STOP_GRACE) -> None:
    """Fire nothing more, let running jobs finish for up to `grace` seconds, cancel the rest.

    A poll that finishes is committed whole; only one still running after the grace is cut.
    """
    if not scheduler.running:
        return
    scheduler.pause()
    running: set[asyncio.Future[object]] = set()
    for executor in scheduler._executors.values():  # APScheduler 3 keeps no public list of running jobs
        running |= {f for f in getattr(executor, "_pending_futures", ()) if not f.done()}
    if running:
        await asyncio.wait(running, timeout=grace)
    scheduler.shutdown(wait=False)  # cancels what is still running
    if running:
        await asyncio.wait(running, timeout=1.0)  # let the cancelled ones end before the loop closes


def schedule_polls(scheduler: AsyncIOScheduler, sources: Sequence[SourceConfig], poll: PollFn) -> None:
    """One job per enabled source at `every` (+ jitter); a watch job at `watch_every` for `watch: true`."""
    for cfg in sources:
        if not cfg.enabled:
            continue
        add_poll_job(scheduler, f"poll:{cfg.id}", cfg.every, cfg.jitter, partial(poll, cfg.id, False))
        if cfg.watch:
            jitter = min(cfg.jitter, cfg.watch_every / 4)
            run = partial(poll, cfg.id, True)
            add_poll_job(scheduler, f"watch:{cfg.id}", cfg.watch_every, jitter, run, first_delay=cfg.watch_every)


def add_poll_job(
    scheduler: AsyncIOScheduler,
    job_id: str,
    every: timedelta,
    jitter: timedelta,
    poll: Callable[[], Awaitable[object]],
    first_delay: timedelta = timedelta(0),
) -> None:
    seconds = max(1.0, every.total_seconds())
    trigger = IntervalTrigger(seconds=seconds, jitter=int(jitter.total_seconds()) or None)
    scheduler.add_job(
        poll,
        trigger,
        id=job_id,
        name=job_id,
        next_run_time=_soon(scheduler, first_delay),
        misfire_grace_time=max(1, int(seconds)),
        replace_existing=True,
    )


def add_daily_job(scheduler: AsyncIOScheduler, job_id: str, hhmm: str, run: Callable[[], Awaitable[object]]) -> None:
    hour, minute = (int(x) for x in hhmm.split(":"))
    scheduler.add_job(
        run,
        CronTrigger(hour=hour, minute=minute, timezone=scheduler.timezone),
        id=job_id,
        misfire_grace_time=3600,
        replace_existing=True,
    )


def _soon(scheduler: AsyncIOScheduler, delay: timedelta) -> datetime:
    return datetime.now(scheduler.timezone) + delay
