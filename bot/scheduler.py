"""Scheduled jobs on APScheduler: source polls, emergency-watch polls, the morning briefing.

Runs of one job never overlap (max_instances=1) and missed runs coalesce; the
poller also holds a lock per source, so a normal poll and a watch poll of the
same source never run at once either.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.channels.base import NotLeader
from bot.config import Config, SourceConfig
from bot.outage import Outage, is_outage
from bot.store.redis_store import FencedOut

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


class QuietScheduler(AsyncIOScheduler):
    """An AsyncIOScheduler whose coroutine jobs ride out a store outage quietly.

    While Redis is down every job would fail each run and APScheduler would log
    a traceback each time. Here a job failing for that reason logs one warning
    for the scheduler as a whole (`Outage`), runs due meanwhile are skipped
    until the capped backoff has passed, and the first run that works logs the
    end. A job that finds its leader term over (`FencedOut`, `NotLeader`) ends
    quietly: the role is stopping this scheduler. Other errors still surface.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outage = Outage("定时任务（scheduler）", cap=10.0)

    def add_job(self, func: Any, *args: Any, **kwargs: Any) -> Any:
        if inspect.iscoroutinefunction(func):
            func = self._quiet(func)
        return super().add_job(func, *args, **kwargs)

    def _quiet(self, job: Callable[..., Awaitable[object]]) -> Callable[..., Awaitable[object]]:
        outage = self.outage

        @functools.wraps(job)
        async def run(*args: Any, **kwargs: Any) -> object:
            if outage.waiting():
                return None
            try:
                result = await job(*args, **kwargs)
            except asyncio.CancelledError:  # the scheduler stops (step-down) mid-run: this task ends here
                log.info("job %s stopped with the scheduler", getattr(job, "__name__", job))
                return None
            except (FencedOut, NotLeader) as exc:
                log.info("job %s skipped: %s", getattr(job, "__name__", job), exc)
                return None
            except Exception as exc:
                if not is_outage(exc):
                    raise
                outage.failed(exc)
                return None
            outage.ok()
            return result

        return run


def build_scheduler(config: Config) -> AsyncIOScheduler:
    scheduler = QuietScheduler(timezone=config.zone, job_defaults={"coalesce": True, "max_instances": 1})
    quiet = logging.getLogger("apscheduler.executors.default")
    if not any(isinstance(f, _QuietCancel) for f in quiet.filters):
        quiet.addFilter(_QuietCancel())
    return scheduler


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
