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


def _not_cancelled(record: logging.LogRecord) -> bool:
    """A job cancelled because the bot is stopping (e.g. exit 2 at start) is not an error with a traceback."""
    return not (record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError))


def build_scheduler(config: Config) -> AsyncIOScheduler:
    executor_log = logging.getLogger("apscheduler.executors.default")
    if _not_cancelled not in executor_log.filters:
        executor_log.addFilter(_not_cancelled)
    return AsyncIOScheduler(timezone=config.zone, job_defaults={"coalesce": True, "max_instances": 1})


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
