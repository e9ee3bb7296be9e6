"""Scheduled jobs on APScheduler: source polls, the morning briefing.

Runs of one source never overlap (max_instances=1) and missed runs coalesce.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import Config

log = logging.getLogger(__name__)


def build_scheduler(config: Config) -> AsyncIOScheduler:
    return AsyncIOScheduler(timezone=config.zone, job_defaults={"coalesce": True, "max_instances": 1})


def add_poll_job(
    scheduler: AsyncIOScheduler,
    source_id: str,
    every: timedelta,
    jitter: timedelta,
    poll: Callable[[], Awaitable[object]],
    first_delay: timedelta = timedelta(0),
) -> None:
    trigger = IntervalTrigger(seconds=max(1.0, every.total_seconds()), jitter=int(jitter.total_seconds()) or None)
    scheduler.add_job(
        poll,
        trigger,
        id=f"poll:{source_id}",
        name=f"poll {source_id}",
        next_run_time=_soon(scheduler, first_delay),
        misfire_grace_time=int(every.total_seconds()) or 1,
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


def _soon(scheduler: AsyncIOScheduler, delay: timedelta):
    from datetime import datetime

    return datetime.now(scheduler.timezone) + delay
