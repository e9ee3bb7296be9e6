"""Shared store on Redis: several processes (and machines) on one data set.

Every key lives under the configured prefix. Documents are `bot.codec` JSON,
the same shapes the TinyDB backend keeps. Checks that must be atomic (version
check, idempotent appends, set-if-absent) run as Lua scripts. A store built
with `fenced(lease_key, token)` refuses every write (atomically, inside the
script) and every read once the leader lease no longer carries that token:
this is what stops a paused former leader from acting after losing the lease.

Ordering: incidents by discovery time (sorted set, ties by number), actions
by append order (list), the outbox by priority then creation time (one
sorted-set score), items by fetch time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.client import NEVER_DECODE
from redis.exceptions import AuthenticationError, RedisError, ResponseError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.codec import decode, encode
from bot.models import Action, Incident, Item, MessageRef, Notification, Status
from bot.redact import redact
from bot.store.base import (
    BatchClaims,
    Store,
    StoreError,
    StoreUnavailable,
    VersionConflict,
    file_ref,
    parse_file_ref,
)
from bot.store.redis_scripts import (
    _ADD_REF,
    _APPEND_ACTION,
    _ENQUEUE,
    _HSET,
    _PUT_FILE,
    _PUT_INCIDENT,
    _UPDATE_NOTE,
)


class FencedOut(StoreError):
    """This process no longer holds the leader lease; leader-only work must stop."""


_OUTBOX_PAGE = 500
_DECODED_MAX = 5000

log = logging.getLogger(__name__)


# A claim made inside a batch is provisional until the batch ends well. If the
# process dies mid-poll (kill -9, machine lost) nobody un-marks its keys, so
# claims still provisional after this long are swept: those items are judged again.
PROVISIONAL_CLAIM = timedelta(minutes=30)


_BATCH: ContextVar[BatchClaims | None] = ContextVar("redis_store_batch", default=None)


def _dumps(value: Any) -> str:
    return json.dumps(encode(value), ensure_ascii=False, separators=(",", ":"))


def _ts(at: datetime) -> float:
    return at.timestamp()


def _outbox_score(note: Notification) -> str:
    """Priority first, then creation time in ms: exact in a double (< 2**53)."""
    if note.sent_at is not None:
        return ""
    return str(note.priority * 10**13 + int(note.created_at.timestamp() * 1000))


class RedisStore(Store):
    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379/0",
        prefix: str = "yuqing:",
        client: aioredis.Redis | None = None,
        fence: tuple[str, str] | None = None,
    ) -> None:
        self.url = url
        self.prefix = prefix
        self._client = client
        self._owns_client = client is None
        self._fence_key, self._fence_token = fence or (self.k("lease:none"), "")
        self._scripts: dict[str, Any] = {}
        self._unclaim_backlog: set[str] = set()
        self._decoded: dict[str, Incident] = {}

    # -- lifecycle ---------------------------------------------------------
    def k(self, name: str) -> str:
        return f"{self.prefix}{name}"

    @property
    def client(self) -> aioredis.Redis:
        if self._client is None:
            raise StoreError("store is not open")
        return self._client

    async def open(self) -> None:
        if self._client is None:
            self._client = make_client(self.url)
        try:
            await self._client.ping()
        except RedisError as exc:
            if self._owns_client:
                await self._client.aclose()
                self._client = None
            if isinstance(exc, AuthenticationError) or "NOAUTH" in str(exc) or "WRONGPASS" in str(exc):
                raise StoreError(
                    redact(f"Redis 认证失败（{self.url}）：密码错误或未设置，请检查 store.url 中的密码（环境变量）")
                ) from None
            raise StoreError(redact(f"无法连接 Redis（{self.url}）：{exc}")) from None

    async def close(self) -> None:
        if self._client is not None and self._owns_client:
            await self._client.aclose()
        self._client = None if self._owns_client else self._client

    def fenced(self, lease_key: str, token: str) -> RedisStore:
        """A view on the same connection whose every operation needs the lease token."""
        return RedisStore(self.url, self.prefix, self.client, fence=(lease_key, token))

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[None]:
        """Every write is durable at once; a batch only remembers what it claimed.

        If the batch fails (Redis lost mid-poll, a bug in a stage), the keys it
        marked seen that did not reach an incident are un-marked, so the next
        poll judges those items again instead of losing them. While Redis is
        down that un-marking waits in memory and runs before the next claim.
        """
        state = _BATCH.get()
        if state is not None:  # nested: the outermost batch decides
            yield
            return
        state = BatchClaims()
        token = _BATCH.set(state)
        try:
            yield
        except BaseException:
            lost = state.unplaced()
            if lost:
                await self._unclaim(lost)
            placed = [k for k in state.claimed if k in state.placed]
            if placed:  # they reached an incident: final (if Redis is down, the sweep is harmless)
                with contextlib.suppress(StoreError):
                    await self._read(self.client.zrem(self.k("seen:provisional"), *placed))
            raise
        finally:
            _BATCH.reset(token)
        if state.claimed:  # the poll ended well: its claims are final
            await self._read(self.client.zrem(self.k("seen:provisional"), *state.claimed))

    async def _unclaim(self, keys: list[str]) -> None:
        self._unclaim_backlog.update(keys)
        try:
            backlog = list(self._unclaim_backlog)
            await self._read(self.client.hdel(self.k("seen"), *backlog))
            await self._read(self.client.zrem(self.k("seen:provisional"), *backlog))
            log.warning("poll failed: %d item(s) will be judged again", len(self._unclaim_backlog))
            self._unclaim_backlog.clear()
        except StoreError:
            log.warning("poll failed with Redis down: %d item(s) to judge again later", len(self._unclaim_backlog))

    async def _run(self, name: str, source: str, keys: list[str], args: list[Any]) -> Any:
        script = self._scripts.get(name)
        if script is None:
            script = self._scripts[name] = self.client.register_script(source)
        try:
            result = await script(keys=[self._fence_key, *keys], args=[self._fence_token, *args])
            raise_if_cancelled()
            return result
        except ResponseError as exc:
            if "FENCED" in str(exc):
                raise FencedOut("已失去主节点租约，停止仅限主节点的操作") from None
            raise
        except (RedisConnectionError, RedisTimeoutError) as exc:
            raise StoreUnavailable(f"Redis 不可用：{exc}") from None

    async def _read(self, coro: Any) -> Any:
        """Run a read; in fenced mode check the lease first (reads cannot act)."""
        try:
            if self._fence_token and await self.client.get(self._fence_key) != self._fence_token:
                raise FencedOut("已失去主节点租约，停止仅限主节点的操作")
            result = await coro
            raise_if_cancelled()
            return result
        except (RedisConnectionError, RedisTimeoutError) as exc:
            raise StoreUnavailable(f"Redis 不可用：{exc}") from None
        finally:
            coro.close()  # never awaited when the fence check failed; a no-op otherwise

    # -- dedup ---------------------------------------------------------------
    async def unseen(self, keys: Sequence[str], at: datetime) -> list[bool]:
        if not keys:
            return []
        await self._release_unplaced(at)
        return [value is None for value in await self._read(self.client.hmget(self.k("seen"), list(keys)))]

    async def claim_seen(self, keys: Sequence[str], at: datetime) -> list[bool]:
        if not keys:
            return []
        await self._release_unplaced(at)
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            pipe.hsetnx(self.k("seen"), key, at.isoformat())
        fresh = [bool(x) for x in await self._read(pipe.execute())]
        state = _BATCH.get()
        if state is not None:
            new_keys = [k for k, new in zip(keys, fresh, strict=True) if new]
            state.claimed.update(dict.fromkeys(new_keys))
            if new_keys:
                await self._read(self.client.zadd(self.k("seen:provisional"), dict.fromkeys(new_keys, at.timestamp())))
        return fresh

    async def _release_unplaced(self, now: datetime) -> None:
        """Claims of failed or abandoned polls are un-marked before anyone reads or claims keys."""
        if self._unclaim_backlog:
            await self._unclaim([])
        await self._sweep_abandoned(now)

    async def _sweep_abandoned(self, now: datetime) -> None:
        """Un-mark claims left provisional by a poll whose process died."""
        cutoff = (now - PROVISIONAL_CLAIM).timestamp()
        stale = await self._read(self.client.zrangebyscore(self.k("seen:provisional"), "-inf", cutoff))
        if stale:
            await self._read(self.client.hdel(self.k("seen"), *stale))
            await self._read(self.client.zrem(self.k("seen:provisional"), *stale))
            log.warning("%d item(s) of an abandoned poll will be judged again", len(stale))

    # -- items ---------------------------------------------------------------
    async def add_items(self, items: Sequence[Item]) -> None:
        if not items:
            return
        last = await self._read(self.client.incrby(self.k("items:seq"), len(items)))
        pipe = self.client.pipeline(transaction=True)
        for n, item in enumerate(items, start=last - len(items) + 1):
            member = f"{n:012d}"
            pipe.hset(self.k("items"), member, _dumps(item))
            if item.fetched_at is not None:
                pipe.zadd(self.k("items:by_time"), {member: _ts(item.fetched_at)})
        await self._read(pipe.execute())

    async def prune_items(self, before: datetime) -> int:
        gone = 0
        while members := await self._read(
            self.client.zrangebyscore(self.k("items:by_time"), "-inf", f"({_ts(before)}", start=0, num=1000)
        ):
            pipe = self.client.pipeline(transaction=True)
            pipe.hdel(self.k("items"), *members)
            pipe.zrem(self.k("items:by_time"), *members)
            await self._read(pipe.execute())
            gone += len(members)
        return gone

    async def items_between(self, start: datetime, end: datetime) -> list[Item]:
        members = await self._read(self.client.zrangebyscore(self.k("items:by_time"), _ts(start), f"({_ts(end)}"))
        if not members:
            return []
        docs = await self._read(self.client.hmget(self.k("items"), members))
        items = [decode(Item, json.loads(d)) for d in docs if d]
        return [i for i in items if i.fetched_at and start <= i.fetched_at < end]

    # -- incidents -----------------------------------------------------------
    async def next_sequence(self, day: str) -> int:
        return int(await self._read(self.client.hincrby(self.k("sequences"), day, 1)))

    async def put_incident(self, incident: Incident, expected_version: int | None = None) -> None:
        keys = [self.k("incidents"), self.k("incidents:version"), self.k("incidents:by_time")]
        args = [
            incident.number,
            _dumps(incident),
            str(incident.version),
            "" if expected_version is None else str(expected_version),
            _ts(incident.discovered_at),
        ]
        result = await self._run("put_incident", _PUT_INCIDENT, keys, args)
        if result != "OK":
            raise VersionConflict(f"{incident.number}: version {result} != {expected_version}")
        state = _BATCH.get()
        if state is not None:
            state.placed.update(incident.item_keys)

    async def get_incident(self, number: str) -> Incident | None:
        doc = await self._read(self.client.hget(self.k("incidents"), number))
        return self._incident(doc) if doc else None

    async def incidents(
        self, statuses: Sequence[Status] | None = None, since: datetime | None = None
    ) -> list[Incident]:
        low = _ts(since) if since is not None else "-inf"
        numbers = await self._read(self.client.zrangebyscore(self.k("incidents:by_time"), low, "+inf"))
        if not numbers:
            return []
        docs = await self._read(self.client.hmget(self.k("incidents"), numbers))
        wanted = set(statuses) if statuses else None
        out = [self._incident(d) for d in docs if d]
        out = [i for i in out if (wanted is None or i.status in wanted) and (since is None or i.discovered_at >= since)]
        return sorted(out, key=lambda i: (i.discovered_at, i.number))

    def _incident(self, doc: str) -> Incident:
        """Decode, reusing the object for a document seen before (incidents are immutable).

        The merge stage lists the recent incidents on every poll; decoding them
        again each time was most of a worker's CPU.
        """
        incident = self._decoded.get(doc)
        if incident is None:
            if len(self._decoded) >= _DECODED_MAX:
                self._decoded.clear()
            incident = self._decoded[doc] = decode(Incident, json.loads(doc))
        return incident

    # -- actions -------------------------------------------------------------
    async def append_action(self, action: Action) -> bool:
        keys = [self.k("actions:ids"), self.k("actions"), self.k(f"actions:by_incident:{action.incident}")]
        return bool(await self._run("append_action", _APPEND_ACTION, keys, [action.id, _dumps(action)]))

    async def actions(self, incident: str | None = None, since: datetime | None = None) -> list[Action]:
        key = self.k("actions") if incident is None else self.k(f"actions:by_incident:{incident}")
        docs = await self._read(self.client.lrange(key, 0, -1))
        out = [decode(Action, json.loads(d)) for d in docs]
        return [a for a in out if since is None or a.at >= since]

    # -- source state --------------------------------------------------------
    async def get_source_state(self, source_id: str) -> dict[str, Any]:
        doc = await self._read(self.client.hget(self.k("source_state"), source_id))
        return dict(json.loads(doc)) if doc else {}

    async def put_source_state(self, source_id: str, state: dict[str, Any]) -> None:
        await self._run("hset", _HSET, [self.k("source_state")], [source_id, _dumps(state), ""])

    # -- outbox --------------------------------------------------------------
    async def enqueue(self, notifications: Sequence[Notification]) -> list[bool]:
        if not notifications:
            return []
        args: list[Any] = []
        for note in notifications:
            args += [note.id, _dumps(note), _outbox_score(note)]
        result = await self._run("enqueue", _ENQUEUE, [self.k("outbox"), self.k("outbox:pending")], args)
        return [bool(x) for x in result]

    async def pending_notifications(self, now: datetime, limit: int = 100) -> list[Notification]:
        # Pages by rank; entries added meanwhile can shift ranks, so ids are de-duplicated
        # (a note listed twice would be sent twice).
        due: list[Notification] = []
        seen: set[str] = set()
        offset = 0
        while len(due) < limit:
            ids = await self._read(self.client.zrange(self.k("outbox:pending"), offset, offset + _OUTBOX_PAGE - 1))
            fresh = [i for i in ids if i not in seen]
            seen.update(fresh)
            offset += len(ids)
            docs = await self._read(self.client.hmget(self.k("outbox"), fresh)) if fresh else []
            for doc in docs:
                note = decode(Notification, json.loads(doc)) if doc else None
                if note and note.sent_at is None and (note.next_attempt_at is None or note.next_attempt_at <= now):
                    due.append(note)
            if len(ids) < _OUTBOX_PAGE:
                break
        return due[:limit]

    async def pending_count(self) -> int:
        """Unsent outbox entries (due or not): the queue depth for /metrics."""
        return int(await self._read(self.client.zcard(self.k("outbox:pending"))))

    async def update_notification(self, notification: Notification) -> None:
        keys = [self.k("outbox"), self.k("outbox:pending")]
        args = [notification.id, _dumps(notification), _outbox_score(notification)]
        if not await self._run("update_note", _UPDATE_NOTE, keys, args):
            raise StoreError(f"unknown notification {notification.id}")

    async def get_notification(self, notification_id: str) -> Notification | None:
        doc = await self._read(self.client.hget(self.k("outbox"), notification_id))
        return decode(Notification, json.loads(doc)) if doc else None

    # -- outbox attachments --------------------------------------------------
    async def put_file(self, name: str, data: bytes, keep: timedelta) -> str:
        """One key per distinct content (`files:<digest>`), expiring in Redis after `keep`."""
        ref = file_ref(name, data)
        digest, _ = parse_file_ref(ref) or ("", "")
        keep_ms = max(1, int(keep.total_seconds() * 1000))
        await self._run("put_file", _PUT_FILE, [self.k(f"files:{digest}")], [data, keep_ms])
        return ref

    async def get_file(self, ref: str) -> bytes | None:
        parsed = parse_file_ref(ref)
        if parsed is None:
            return None
        key = self.k(f"files:{parsed[0]}")
        # The client decodes replies as text; a picture must come back as the bytes it was.
        return await self._read(self.client.execute_command("GET", key, keys=[key], **{NEVER_DECODE: True}))

    # -- message refs --------------------------------------------------------
    async def add_message_ref(self, ref: MessageRef) -> None:
        field = f"{ref.target}\x1f{ref.message_id}"
        keys = [self.k("refs"), self.k(f"refs:by_incident:{ref.incident}")]
        await self._run("add_ref", _ADD_REF, keys, [field, _dumps(ref), ref.incident, self.k("refs:by_incident:")])

    async def message_refs(self, incident: str) -> list[MessageRef]:
        docs = await self._read(self.client.hvals(self.k(f"refs:by_incident:{incident}")))
        return [decode(MessageRef, json.loads(d)) for d in docs]

    async def incident_for_message(self, target: str, message_id: str) -> str | None:
        doc = await self._read(self.client.hget(self.k("refs"), f"{target}\x1f{message_id}"))
        return json.loads(doc)["incident"] if doc else None

    # -- meta ----------------------------------------------------------------
    async def get_meta(self, key: str) -> Any:
        doc = await self._read(self.client.hget(self.k("meta"), key))
        return json.loads(doc) if doc is not None else None

    async def set_meta(self, key: str, value: Any) -> None:
        await self._run("hset", _HSET, [self.k("meta")], [key, _dumps(value), ""])

    async def set_meta_if_absent(self, key: str, value: Any) -> bool:
        return bool(await self._run("hset", _HSET, [self.k("meta")], [key, _dumps(value), "1"]))


def raise_if_cancelled() -> None:
    """Re-raise a cancellation that redis-py swallowed.

    redis-py 8.1's asyncio client sometimes eats a CancelledError that hits a
    command in flight (the command returns normally, the task stays
    "cancelling"): a loop around Redis calls then never stops. Seen on this
    machine in over half of 120 trials; call this after each Redis await in a loop.
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


def make_client(url: str) -> aioredis.Redis:
    """A client that retries a dropped connection a few times with backoff, then gives up."""
    return aioredis.Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=2,
        socket_timeout=5,
        health_check_interval=10,
        retry=Retry(ExponentialBackoff(cap=1.0, base=0.05), retries=3),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
    )
