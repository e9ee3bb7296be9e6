"""Leader lease on Redis, with a fencing token.

One key holds the leader's token (`<epoch>:<instance>`) with an expiry; the
epoch comes from a counter that only grows, so every term has a new token.
The holder renews it every `ttl/3`; when the holder dies, the key expires and
another instance takes it within `ttl`.

Two guards stop a former leader (paused, partitioned) from acting:
1. Its leader-only loops (scheduler, delivery, chat loops) are stopped the
   moment a renewal fails, or when the lease may have lapsed by its own
   monotonic clock while Redis could not be reached (`on_lost`).
2. Fencing: those loops use a store built with `RedisStore.fenced(key, token)`,
   whose every write checks, atomically inside Redis, that the lease key
   still holds this token; reads check it first. So a paused process that
   wakes up after losing the lease fails its next store call (`FencedOut`)
   instead of marking deliveries, queuing briefings or changing incidents.
   (A chat message already handed to the platform before the pause cannot be
   taken back: the fence narrows that window to one send.)

While Redis itself cannot be reached, the leader keeps leading by default
(`keep_through_outage`): no one else can take the lease without Redis, every
fenced write fails anyway, and the chat loops stay up to tell users that the
store is unavailable (/status). With `keep_through_outage=False` it steps
down once the lease may have lapsed by its own clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from bot.store.redis_store import raise_if_cancelled

log = logging.getLogger(__name__)

_ACQUIRE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
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


class LeaderLease:
    """SET-NX-with-expiry lease; `tick()` is one acquire-or-renew step."""

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
        self._acquire = client.register_script(_ACQUIRE)
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)

    @property
    def held(self) -> bool:
        """True while we hold a token that cannot have lapsed by our own clock."""
        return self.token is not None and self.monotonic() < self.valid_until

    @property
    def epoch(self) -> int:
        return int(self.token.split(":", 1)[0]) if self.token else 0

    async def try_acquire(self) -> bool:
        started = self.monotonic()
        token = await self._acquire(keys=[self.key, self.epoch_key], args=[self.instance, int(self.ttl * 1000)])
        if not token:
            return False
        self.token, self.valid_until = token, started + self.ttl
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
    """Runs `on_gain(token)` when this instance becomes leader and `on_lost()` when it stops being one."""

    def __init__(self, lease: LeaderLease, on_gain: OnGain, on_lost: OnLost, keep_through_outage: bool = True) -> None:
        self.lease = lease
        self.keep_through_outage = keep_through_outage
        self.on_gain = on_gain
        self.on_lost = on_lost
        self.leading = False
        self.redis_ok = True

    async def tick(self) -> bool:
        """One step: renew or acquire; start or stop the leader-only work. Returns `leading`."""
        lease = self.lease
        try:
            if self.leading:
                timeout = max(0.05, lease.valid_until - lease.monotonic())
                ok = await asyncio.wait_for(lease.renew(), timeout)
            else:
                ok = await lease.try_acquire()
            self.redis_ok = True
        except (RedisError, OSError, TimeoutError) as exc:
            self.redis_ok = False
            log.warning("leader lease: Redis unreachable (%s)", exc)
            ok = self.leading and (self.keep_through_outage or lease.held)
        if ok and not self.leading:
            self.leading = True
            log.warning("instance %s is now the leader (token %s)", lease.instance, lease.token)
            await self.on_gain(lease.token or "")
        elif not ok and self.leading:
            self.leading = False
            lease.token = None
            log.warning("instance %s lost the leader lease", lease.instance)
            await self.on_lost()
        return self.leading

    async def run_forever(self) -> None:
        while True:
            await self.tick()
            raise_if_cancelled()
            await asyncio.sleep(self.lease.ttl / 3)

    async def resign(self) -> None:
        """Stop leading and free the lease at once so a follower need not wait for it to expire."""
        if self.leading:
            self.leading = False
            await self.on_lost()
        await self.lease.release()
