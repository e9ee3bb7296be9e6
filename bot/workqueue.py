"""Poll work shared by every instance through a Redis Streams consumer group.

The leader's scheduler `enqueue`s a source when its poll is due; a marker key
(`polls:queued:<source>`) keeps one entry per source queued or running at a
time. Every instance runs workers that read the group; a worker acknowledges
an entry only after the poll finished, and refreshes its claim while it runs
(a heartbeat), so an entry left pending by a dead instance goes idle and is
taken over by another worker with XAUTOCLAIM after `claim_idle`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import redis.asyncio as aioredis
from redis.exceptions import RedisError, ResponseError

from bot.outage import Outage, is_outage
from bot.store.base import StoreError
from bot.store.redis_store import raise_if_cancelled

log = logging.getLogger(__name__)

GROUP = "workers"

_ENQUEUE = """
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then
  return redis.call('XADD', KEYS[1], '*', 'source', ARGV[1])
end
return false
"""

# KEYS: stream, marker; ARGV: group, entry id, consumer, marker ttl ms. Only while the entry is still
# ours: another worker may have taken it over (we were paused, or Redis restarted) and runs it now.
_HEARTBEAT = """
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if #p == 0 or p[1][2] ~= ARGV[3] then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[3], 0, ARGV[2], 'JUSTID')
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1
"""
# KEYS: stream, marker; ARGV: group, entry id, consumer. The owner acknowledges the entry and frees the
# source; a worker whose entry was taken over leaves both to the new owner (the marker may be its by now).
_DONE = """
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
if #p == 0 or p[1][2] ~= ARGV[3] then return 0 end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
redis.call('DEL', KEYS[2])
return 1
"""


@dataclass(frozen=True)
class PollTask:
    entry_id: str
    source_id: str
    claimed: bool = False  # taken over from another consumer


class PollQueue:
    def __init__(
        self, client: aioredis.Redis, prefix: str, consumer: str, claim_idle: float = 60.0, marker_ttl: float = 3600
    ) -> None:
        self.client = client
        self.stream = f"{prefix}polls"
        self.marker_prefix = f"{prefix}polls:queued:"
        self.consumer = consumer
        self.claim_idle_ms = int(claim_idle * 1000)
        self.marker_ttl_ms = int(marker_ttl * 1000)
        self._enqueue = client.register_script(_ENQUEUE)
        self._heartbeat = client.register_script(_HEARTBEAT)
        self._done = client.register_script(_DONE)
        self.claimed_total = 0
        self.on_claim: Callable[[], object] | None = None

    async def ensure_group(self) -> None:
        try:
            await self.client.xgroup_create(self.stream, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def enqueue(self, source_id: str) -> bool:
        """Queue one poll of `source_id` unless one is already queued or running."""
        marker = self.marker_prefix + source_id
        entry = await self._enqueue(keys=[self.stream, marker], args=[source_id, "1", self.marker_ttl_ms])
        return bool(entry)

    async def take(self, block_ms: int = 1000) -> PollTask | None:
        """Next task: first a stale one left by a dead consumer, else a new one."""
        try:
            return await self._take(block_ms)
        except ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            await self.ensure_group()  # the stream vanished (Redis restarted empty): recreate it
            return None

    async def _take(self, block_ms: int) -> PollTask | None:
        _next, claimed, *_ = await self.client.xautoclaim(
            self.stream, GROUP, self.consumer, self.claim_idle_ms, start_id="0-0", count=1
        )
        if claimed:
            entry_id, fields = claimed[0]
            self.claimed_total += 1
            if self.on_claim is not None:
                self.on_claim()
            log.warning("took over poll %s (%s) from a stalled instance", entry_id, fields.get("source"))
            return PollTask(entry_id, fields.get("source", ""), claimed=True)
        # Redis gives a new entry to the reader blocked longest. With a fixed timeout equal to the
        # scheduler's interval, the worker that ran the last poll re-blocks just after each enqueue
        # and so is the oldest reader at every next one: other instances starved (90 s in the HA
        # test). A random timeout reshuffles that order each round.
        block = max(1, round(block_ms * random.uniform(0.5, 1.5)))
        got = await self.client.xreadgroup(GROUP, self.consumer, {self.stream: ">"}, count=1, block=block)
        for _stream, entries in got or []:
            for entry_id, fields in entries:
                return PollTask(entry_id, fields.get("source", ""))
        return None

    async def heartbeat(self, task: PollTask) -> bool:
        """Reset the entry's idle time so no one claims it while we still work on it, and keep its
        marker so the leader does not queue the same source again meanwhile; False once another
        worker has taken the entry over (it is never claimed back)."""
        keys = [self.stream, self.marker_prefix + task.source_id]
        return bool(await self._heartbeat(keys=keys, args=[GROUP, task.entry_id, self.consumer, self.marker_ttl_ms]))

    async def done(self, task: PollTask) -> bool:
        """Acknowledge the entry and free its source; False (nothing changed) when it was taken over."""
        keys = [self.stream, self.marker_prefix + task.source_id]
        mine = bool(await self._done(keys=keys, args=[GROUP, task.entry_id, self.consumer]))
        if not mine:
            log.warning("poll %s (%s) was taken over by another worker meanwhile", task.entry_id, task.source_id)
        return mine

    async def depth(self) -> tuple[int, int]:
        """(entries in the stream, entries pending on a consumer) for /metrics."""
        length = await self.client.xlen(self.stream)
        try:
            pending = await self.client.xpending(self.stream, GROUP)
        except ResponseError:
            return length, 0
        return length, int(pending.get("pending", 0))


Handler = Callable[[str], Awaitable[object]]


class Workers:
    """`concurrency` loops taking poll tasks and running `handler(source_id)` on each."""

    def __init__(
        self,
        queue: PollQueue,
        handler: Handler,
        concurrency: int = 4,
        max_backoff: float = 10.0,
        block_ms: int = 1000,
    ) -> None:
        self.queue = queue
        self.handler = handler
        self.concurrency = concurrency
        self.block_ms = block_ms
        self.max_backoff = max_backoff
        self.redis_ok = True
        self.done_total = 0
        self.outage = Outage("采集任务（poll workers）", cap=max_backoff)

    async def run_one(self, block_ms: int = 1000) -> PollTask | None:
        """Take and run one task (None if none came); raises on Redis errors, task stays pending."""
        task = await self.queue.take(block_ms)
        if task is None:
            return None
        beat = asyncio.create_task(self._beat(task))
        try:
            if task.source_id:
                await self.handler(task.source_id)
        except (StoreError, RedisError, OSError):
            raise  # the store is unreachable: leave the entry pending, it is retried
        except Exception:
            log.exception("poll of %s failed; dropping this run", task.source_id)
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
        await self.queue.done(task)
        self.done_total += 1
        return task

    async def _beat(self, task: PollTask) -> None:
        while True:
            await asyncio.sleep(max(0.05, self.queue.claim_idle_ms / 3000))
            with contextlib.suppress(RedisError, OSError):
                if not await self.queue.heartbeat(task):
                    return  # taken over by another worker: its own heartbeat keeps it now
            raise_if_cancelled()

    async def _loop(self) -> None:
        while True:
            try:
                if self.outage.waiting():  # another worker of ours saw Redis down: wait out its backoff
                    await asyncio.sleep(self.outage.until - self.outage.monotonic())
                await self.run_one(self.block_ms)
                raise_if_cancelled()
                self.redis_ok = True
                self.outage.ok()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - a worker must survive Redis outages and bad polls
                if is_outage(exc):  # one warning for all workers, then a capped backoff
                    self.redis_ok = False
                    await asyncio.sleep(self.outage.failed(exc))
                else:
                    log.warning("poll worker: %s; retrying in %.1fs", exc, self.outage.first)
                    await asyncio.sleep(self.outage.first)

    async def run_forever(self) -> None:
        with contextlib.suppress(RedisError, OSError):
            await self.queue.ensure_group()  # else `take` recreates it once Redis answers
        await asyncio.gather(*(self._loop() for _ in range(self.concurrency)))
