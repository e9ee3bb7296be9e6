"""Leader lease on Redis, with a fencing token.

One key holds the leader's token (`<epoch>:<instance>`) with an expiry; the
epoch comes from a counter that only grows, so every term has a new token.
The holder renews it every `ttl/3`. A follower that finds the key taken asks
how long it has left and tries again just after that, so a dead leader is
replaced within `ttl` plus `TAKEOVER_MARGIN` (and a Redis round trip).

Three guards stop a former leader (paused, partitioned, cut off from Redis):
1. Its term, by its own monotonic clock: `valid_until` is set from the time
   the acquire/renew request was *sent*, so it ends no later than the key in
   Redis. Once it has passed, the leader steps down at once (its loops
   stop, `yuqing_leader` drops to 0), whether or not Redis can be reached.
2. The send gate: immediately before every platform send, edit, command reply
   or briefing, the channel asks `LeaderLease.held` (no Redis round trip); a
   leader past its term sends nothing and steps down (`bot.roles`).
3. Fencing: its loops use a store built with `RedisStore.fenced(key, token)`,
   whose every write checks, atomically inside Redis, that the lease key
   still holds this token; reads check it first (`FencedOut`).
What remains: a request already handed to the HTTP client when the pause
began goes out when the process wakes; at most that one send may repeat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from bot.channels.base import NotLeader
from bot.outage import Outage
from bot.store.redis_store import raise_if_cancelled

log = logging.getLogger(__name__)

# Returns the new token, or (taken) the key's remaining life in ms so the caller knows when to retry.
_ACQUIRE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('PTTL', KEYS[1]) end
local token = redis.call('INCR', KEYS[2]) .. ':' .. ARGV[1]
redis.call('SET', KEYS[1], token, 'PX', ARGV[2])
return token
"""
_RENEW = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
"""

OnGain = Callable[[str], Awaitable[None]]
OnLost = Callable[[], Awaitable[None]]

TAKEOVER_MARGIN = 0.1  # seconds a follower waits past the key's expiry before trying again
SEND_MARGIN = 1.0  # no send in the last second of a term (at most ttl/4): time for the request to arrive


class LeaderLease:
    """SET-NX-with-expiry lease; `try_acquire`/`renew` are one round trip each."""

    def __init__(
        self,
        client: aioredis.Redis,
        prefix: str,
        instance: str,
        ttl: float = 15.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.key = f"{prefix}lease:leader"
        self.epoch_key = f"{prefix}lease:epoch"
        self.instance = instance
        self.ttl = ttl
        self.monotonic = monotonic
        self.token: str | None = None
        self.valid_until = 0.0
        self.taken_for = ttl  # seconds the other holder's key had left at our last try
        self._acquire = client.register_script(_ACQUIRE)
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)

    @property
    def held(self) -> bool:
        """True while we hold a token that cannot have lapsed by our own clock."""
        return self.token is not None and self.monotonic() < self.valid_until

    def remaining(self) -> float:
        """Seconds left in our term by our own clock (0 when we hold none)."""
        return max(0.0, self.valid_until - self.monotonic()) if self.token is not None else 0.0

    @property
    def epoch(self) -> int:
        return int(self.token.split(":", 1)[0]) if self.token else 0

    async def try_acquire(self) -> bool:
        started = self.monotonic()
        answer = await self._acquire(keys=[self.key, self.epoch_key], args=[self.instance, int(self.ttl * 1000)])
        if isinstance(answer, int):  # taken: its remaining life (-1: no expiry, should not happen)
            self.taken_for = answer / 1000 if answer >= 0 else self.ttl
            return False
        self.token, self.valid_until = str(answer), started + self.ttl
        return True

    async def renew(self) -> bool:
        """Extend our lease; False (and the token dropped) if someone else holds it now."""
        if self.token is None:
            return False
        started = self.monotonic()
        if await self._renew(keys=[self.key], args=[self.token, int(self.ttl * 1000)]):
            self.valid_until = started + self.ttl
            return True
        self.token = None
        return False

    async def release(self) -> None:
        if self.token is not None:
            with contextlib.suppress(RedisError, OSError):
                await self._release(keys=[self.key], args=[self.token])
        self.token = None

    async def holder(self) -> str | None:
        """The token of whoever leads now (for /metrics and /status)."""
        return await self.client.get(self.key)


class LeaderRole:
    """Runs `on_gain(token)` when this instance becomes leader and `on_lost()` when it stops being one.

    A leader whose term has passed by its own clock steps down without asking
    Redis (it may be unreachable); `wake` lets the send gate make that happen
    at once instead of at the next renewal.
    """

    def __init__(self, lease: LeaderLease, on_gain: OnGain, on_lost: OnLost) -> None:
        self.lease = lease
        self.on_gain = on_gain
        self.on_lost = on_lost
        self.leading = False
        self.redis_ok = True
        self.wake = asyncio.Event()
        self.outage = Outage("主节点租约")
        self.send_margin = min(SEND_MARGIN, lease.ttl / 4)

    async def tick(self) -> bool:
        """One step: renew or acquire; start or stop the leader-only work. Returns `leading`."""
        lease = self.lease
        if self.leading and not lease.held:
            await self._step_down("its term ran out by its own clock")
            return False
        try:
            if self.leading:
                ok = await asyncio.wait_for(lease.renew(), max(0.05, lease.remaining()))
            else:
                ok = await lease.try_acquire()
            self.redis_ok = True
            self.outage.ok()
        except (RedisError, OSError, TimeoutError) as exc:
            self.redis_ok = False
            self.outage.failed(exc)
            ok = self.leading and lease.held  # lead on until our term ends, no longer
        if ok and not self.leading:
            self.leading = True
            log.warning("instance %s is now the leader (token %s)", lease.instance, lease.token)
            if not await self._start(lease.token or ""):
                await self._step_down("its term ran out while its work was starting")
        elif not ok and self.leading:
            await self._step_down("its renewal failed")
        return self.leading

    async def _start(self, token: str) -> bool:
        """Run `on_gain` while renewing on schedule: starting the leader's work (Telegram, warm-up)
        can outlast a term on a busy machine. False if the term ended meanwhile (the start is cancelled)."""
        start = asyncio.create_task(self.on_gain(token), name="leader-start")
        try:
            while not (await asyncio.wait({start}, timeout=self.next_wait()))[0]:
                if not await self._renew_during_start():
                    start.cancel()
                    await asyncio.gather(start, return_exceptions=True)
                    return False
        except BaseException:
            start.cancel()
            await asyncio.gather(start, return_exceptions=True)
            raise
        start.result()  # a start that failed raises here (bot.roles resigns)
        return True

    async def _renew_during_start(self) -> bool:
        lease = self.lease
        if not lease.held:
            return False
        try:
            ok = await asyncio.wait_for(lease.renew(), max(0.05, lease.remaining()))
            self.outage.ok()
            return ok
        except (RedisError, OSError, TimeoutError) as exc:
            self.outage.failed(exc)
            return lease.held

    async def _step_down(self, why: str) -> None:
        self.leading = False
        self.lease.token = None
        log.warning("instance %s lost the leader lease (%s)", self.lease.instance, why)
        await self.on_lost()

    def send_gate(self) -> None:
        """Before every platform send: is our term still valid by our own clock? (no Redis round trip)

        A leader past its term sends nothing and steps down at once (the next
        `tick`, woken now), leaving the entry to the new leader. The last
        `send_margin` seconds of a term are closed too: a request needs time to
        reach the platform, and it must arrive before a follower can take over."""
        if self.lease.remaining() <= self.send_margin:
            self.wake.set()
            raise NotLeader("本实例的主节点任期已过，不再发送；由新的主节点发送")

    def next_wait(self) -> float:
        """How long until the next tick: a leader renews every ttl/3 and wakes when its term ends;
        a follower tries again just after the holder's key expires."""
        lease, third = self.lease, self.lease.ttl / 3
        if self.leading:
            return max(0.0, min(third, lease.remaining()))
        if not self.redis_ok:
            return third
        return max(0.05, min(third, lease.taken_for + TAKEOVER_MARGIN))

    async def pause(self) -> None:
        """Sleep until the next tick is due, or until `wake` is set."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.next_wait()):
                await self.wake.wait()
        self.wake.clear()

    async def run_forever(self) -> None:
        while True:
            await self.tick()
            raise_if_cancelled()
            await self.pause()

    async def resign(self) -> None:
        """Stop leading and free the lease at once so a follower need not wait for it to expire."""
        if self.leading:
            self.leading = False
            await self.on_lost()
        await self.lease.release()
