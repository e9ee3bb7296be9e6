"""Riding out a store (Redis) outage quietly: capped backoff, one line when it starts, one when it ends.

The delivery loop, the poll workers, the lease and the scheduler's jobs all
fail while Redis is down. Each keeps one `Outage`: the first failure logs a
warning (no traceback: the cause is known), later ones only lengthen the wait
up to `cap`, and the first success after them logs how long it lasted.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from redis.exceptions import RedisError

from bot.store.base import StoreUnavailable

log = logging.getLogger(__name__)

# What "the store cannot be reached" looks like from the code that calls it.
UNREACHABLE: tuple[type[BaseException], ...] = (StoreUnavailable, RedisError, OSError, TimeoutError)


def is_outage(exc: BaseException) -> bool:
    return isinstance(exc, UNREACHABLE)


class Outage:
    """Backoff and start/end log lines for one loop (`what` names it in the log, in Chinese)."""

    def __init__(
        self, what: str, first: float = 0.5, cap: float = 30.0, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.what = what
        self.first = first
        self.cap = cap
        self.monotonic = monotonic
        self.since: float | None = None
        self.delay = first
        self.until = 0.0  # no new attempt before this (monotonic), for loops that cannot sleep (jobs)

    @property
    def down(self) -> bool:
        return self.since is not None

    def waiting(self) -> bool:
        """True while the backoff after the last failure has not passed yet."""
        return self.down and self.monotonic() < self.until

    def failed(self, exc: BaseException) -> float:
        """Record a failed attempt; return how long to wait before the next one."""
        now = self.monotonic()
        if now < self.until:  # several workers failing at once count as one attempt
            return self.until - now
        if self.since is None:
            self.since = now
            log.warning("%s：存储（Redis）无法连接（%s），将退避重试（最长间隔 %.0f 秒）", self.what, exc, self.cap)
        delay, self.delay = self.delay, min(self.cap, self.delay * 2)
        self.until = now + delay
        return delay

    def ok(self) -> None:
        """An attempt succeeded: log the end of the outage once, reset the backoff."""
        if self.since is not None:
            log.warning("%s：存储（Redis）已恢复，中断约 %.1f 秒", self.what, self.monotonic() - self.since)
        self.since, self.delay, self.until = None, self.first, 0.0
