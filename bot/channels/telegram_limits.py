"""Pacing sends under Telegram's limits: ~1 message/s per chat, 20/min per group, 30/s overall.

The per-chat pace allows a short burst (default 3 messages), as the Bot API
does, so a few tier I alerts arriving together all go out at once; a longer
run settles to one per second.

Each send reserves its slot before sleeping, so concurrent senders queue in
order. A chat that got a 429 is blocked until its retry_after has passed;
other chats are not slowed by it.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    per_chat_interval: float = 1.0  # seconds between messages to one chat, on average
    per_chat_burst: int = 3  # messages one chat may take at once before the pace applies
    group_per_minute: int = 20  # messages per rolling minute to one group
    global_per_second: float = 30.0  # messages per second over all chats

    @classmethod
    def unlimited(cls) -> Limits:
        """For tests against a local fake server."""
        return cls(per_chat_interval=0.0, per_chat_burst=1, group_per_minute=1_000_000, global_per_second=1_000_000.0)


class RateLimiter:
    def __init__(
        self,
        limits: Limits | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = limits or Limits()
        self._now = monotonic
        self._sleep = sleep
        self._chat_tat: dict[str, float] = {}  # per chat "theoretical arrival time" (GCRA)
        self._group_sent: dict[str, deque[float]] = {}
        self._blocked: dict[str, float] = {}
        self._global: list[float] = []  # booked send times, sorted

    def block(self, chat_id: str, seconds: float) -> None:
        """Hold back this chat only (the platform said: retry after `seconds`)."""
        self._blocked[chat_id] = max(self._blocked.get(chat_id, 0.0), self._now() + seconds)

    def blocked_for(self, chat_id: str) -> float:
        return max(0.0, self._blocked.get(chat_id, 0.0) - self._now())

    def reserve(self, chat_id: str) -> float:
        """Book the next allowed send time for this chat; return the delay until it."""
        now = self._now()
        limits = self.limits
        tat = self._chat_tat.get(chat_id, 0.0)
        slack = max(0, limits.per_chat_burst - 1) * limits.per_chat_interval
        at = max(now, tat - slack, self._blocked.get(chat_id, 0.0))
        sent = self._group_sent.setdefault(chat_id, deque()) if chat_id.startswith("-") else None
        if sent is not None:
            while sent and sent[0] <= at - 60.0:
                sent.popleft()
            if len(sent) >= limits.group_per_minute:
                at = max(at, sent[-limits.group_per_minute] + 60.0)
        at = self._book_global(at, now)
        if sent is not None:
            sent.append(at)
        self._chat_tat[chat_id] = max(tat, at) + limits.per_chat_interval
        return at - now

    def _book_global(self, at: float, now: float) -> float:
        """The first time >= at that is 1/rate away from every other booking (a far booking does not block)."""
        gap = 1.0 / self.limits.global_per_second
        booked = self._global
        del booked[: bisect.bisect_left(booked, now - 1.0)]
        i = bisect.bisect_left(booked, at - gap)
        while i < len(booked) and booked[i] < at + gap:
            at = max(at, booked[i] + gap)
            i += 1
        bisect.insort(booked, at)
        return at

    async def wait(self, chat_id: str) -> None:
        delay = self.reserve(chat_id)
        if delay > 0:
            await self._sleep(delay)
