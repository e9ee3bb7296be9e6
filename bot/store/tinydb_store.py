"""Embedded store on TinyDB: one process, one JSON snapshot plus its journal, batched commits.

A lock file stops a second process from opening the same data file. Writes
outside `batch()` are committed at once; inside a batch they are committed when
the outermost batch ends, so a poll cycle costs one journal line
(bot.store.journal_storage: only the changed documents, not the whole file).
Keyed tables are indexed in memory and changed in place (bot.store.tinydb_table),
so no read or write by key scans or rebuilds a table.

Bookkeeping that is safe to redo after a crash (items seen, stored items,
source state such as ETags and health) is written lazily: it rides along with
the next durable write or a background flush every `flush_every`. A poll that
finds nothing new (a 304) therefore costs no write at all.

Outbox attachments (pictures, documents) are files beside the data file
(bot.store.file_folder), never part of the journaled document.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import os
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Table

from bot.codec import decode, encode
from bot.models import Action, Incident, Item, MessageRef, Notification, Status
from bot.store.base import BatchClaims, Store, StoreError, StoreLocked, VersionConflict
from bot.store.file_folder import FileFolder
from bot.store.journal_storage import COMPACT_MIN, CorruptStoreFile, JournaledJSONStorage
from bot.store.tinydb_table import InPlaceTinyDB

# Tables whose documents have a unique key, and the key: kept in an in-memory index
# (key → doc id), so a read or a write by key never scans the table.
KEYS: dict[str, Callable[[dict[str, Any]], str]] = {
    "incidents": lambda d: d["number"],
    "outbox": lambda d: d["id"],
    "actions": lambda d: d["id"],
    "meta": lambda d: d["key"],
    "source_state": lambda d: d["source_id"],
    "counters": lambda d: d["day"],
    "refs": lambda d: _ref_key(d["target"], d["message_id"]),
}
BY_INCIDENT = ("actions", "refs")  # tables also indexed by incident number


_CLAIMS: ContextVar[BatchClaims | None] = ContextVar("tinydb_batch_claims", default=None)  # key → `seen` doc id


class TinyDBStore(Store):
    def __init__(self, path: str | os.PathLike[str], flush_every: float = 1.0, compact_min: int = COMPACT_MIN) -> None:
        self.path = Path(path)
        self.flush_every = flush_every
        self.compact_min = compact_min
        self._db: TinyDB | None = None
        self._lock_fd: int | None = None
        self._depth = 0
        self._durable_in_batch = False
        self._flusher: asyncio.Task[None] | None = None
        self._ids: dict[str, dict[str, int]] = {}
        self._by_incident: dict[str, dict[str, list[int]]] = {}
        self._unsent: set[int] = set()  # outbox doc ids not yet sent
        self._seen: set[str] = set()

    # -- lifecycle ---------------------------------------------------------
    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_fd = _lock(self.path)
        try:
            self._db = InPlaceTinyDB(self.path, storage=JournaledJSONStorage, compact_min=self.compact_min)
            self._db.tables()  # load now so a corrupt file fails at start-up
        except CorruptStoreFile as exc:
            self._release()
            raise StoreError(str(exc)) from None
        self._index()
        self._flusher = asyncio.create_task(self._flush_lazily(), name="tinydb-flush")

    def _index(self) -> None:
        tables = self._storage.read() or {}
        self._ids = {name: {key(d): int(i) for i, d in tables.get(name, {}).items()} for name, key in KEYS.items()}
        self._by_incident = {name: {} for name in BY_INCIDENT}
        for name in BY_INCIDENT:
            for doc_id, doc in tables.get(name, {}).items():
                self._by_incident[name].setdefault(doc["incident"], []).append(int(doc_id))
        self._unsent = {int(i) for i, d in tables.get("outbox", {}).items() if d["sent_at"] is None}
        self._seen = {d["key"] for d in tables.get("seen", {}).values()}

    async def close(self) -> None:
        if self._flusher is not None:
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher
            self._flusher = None
        if self._db is not None:
            self._storage.close()  # commit what is left and compact: one snapshot, no journal
            self._db = None
        self._release()

    async def _flush_lazily(self) -> None:
        while True:
            await asyncio.sleep(self.flush_every)
            if self._depth == 0 and self._db is not None:
                self._storage.flush()  # no-op unless lazy writes are pending

    def _release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    @property
    def _storage(self) -> JournaledJSONStorage:
        assert self._db is not None, "store is not open"
        return self._db.storage  # type: ignore[return-value]

    @property
    def flushes(self) -> int:
        """How many commits were written (for tests and benchmarks)."""
        return self._storage.flushes

    @property
    def write_error(self) -> str:
        return self._storage.failing if self._db is not None else ""

    @property
    def compactions(self) -> int:
        """How many times the whole snapshot was rewritten."""
        return self._storage.compactions

    def _t(self, name: str) -> Table:
        if self._db is None:
            raise StoreError("store is not open")
        return self._db.table(name, cache_size=0)

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[None]:
        """Writes commit when the outermost batch ends (of every task's: polls may overlap).

        A batch that fails (a bug in a stage, a write error) un-marks the keys it claimed that did
        not reach an incident, as the Redis store does, so the next poll judges those items again
        instead of losing them; what it did write is still committed."""
        state = BatchClaims()
        token = _CLAIMS.set(state) if _CLAIMS.get() is None else None  # nested in this task: the outer decides
        self._depth += 1
        try:
            yield
        except BaseException:
            if token is not None:
                with contextlib.suppress(StoreError):  # the store closed under us: nothing left to un-mark
                    self._unclaim(state.unplaced(), state)
            raise
        finally:
            if token is not None:
                _CLAIMS.reset(token)
            self._depth -= 1
            if self._depth == 0 and self._durable_in_batch:
                self._durable_in_batch = False
                self._storage.flush()

    # -- the only ways in: each names the documents it changed, for the journal --
    def _insert_many(self, name: str, docs: list[dict[str, Any]]) -> list[int]:
        with self._storage.naming():
            doc_ids = self._t(name).insert_multiple(docs)
        self._storage.touch(name, doc_ids)
        return doc_ids

    def _put(self, name: str, doc: dict[str, Any]) -> int:
        """Insert or replace the document with this one's key."""
        key = KEYS[name](doc)
        doc_id = self._ids[name].get(key)
        with self._storage.naming():
            if doc_id is None:
                doc_id = self._ids[name][key] = self._t(name).insert(doc)
            else:
                self._t(name).update(doc, doc_ids=[doc_id])
        self._storage.touch(name, doc_id)
        return doc_id

    def _get(self, name: str, key: str) -> dict[str, Any] | None:
        doc_id = self._ids[name].get(key)
        return self._t(name).get(doc_id=doc_id) if doc_id is not None else None  # type: ignore[return-value]

    def _docs(self, name: str, doc_ids: Iterable[int]) -> list[dict[str, Any]]:
        table = self._t(name)
        return [table.get(doc_id=i) for i in doc_ids]  # type: ignore[misc]

    def _written(self, durable: bool = True) -> None:
        """Commit now for durable writes outside a batch; lazy ones wait for the flusher."""
        if not durable:
            return
        if self._depth:
            self._durable_in_batch = True
        else:
            self._storage.flush()

    # -- dedup ---------------------------------------------------------------
    async def unseen(self, keys: Sequence[str], at: datetime) -> list[bool]:
        return [key not in self._seen for key in keys]

    async def claim_seen(self, keys: Sequence[str], at: datetime) -> list[bool]:
        fresh: list[bool] = []
        new_docs = []
        for key in keys:
            is_new = key not in self._seen
            fresh.append(is_new)
            if is_new:
                self._seen.add(key)
                new_docs.append({"key": key, "at": at.isoformat()})
        if new_docs:
            doc_ids = self._insert_many("seen", new_docs)
            self._written(durable=False)
            claims = _CLAIMS.get()
            if claims is not None:
                claims.claimed.update(zip((doc["key"] for doc in new_docs), doc_ids, strict=True))
        return fresh

    def _unclaim(self, keys: list[str], claims: BatchClaims) -> None:
        """Forget that these keys were seen (their items were claimed by a failed batch, never placed)."""
        if not keys:
            return
        self._seen.difference_update(keys)
        doc_ids = [claims.claimed[key] for key in keys]
        with self._storage.naming():
            self._t("seen").remove(doc_ids=doc_ids)
        self._storage.touch("seen", doc_ids)  # journaled as deletions
        self._written(durable=False)

    # -- items ---------------------------------------------------------------
    async def add_items(self, items: Sequence[Item]) -> None:
        if items:
            self._insert_many("items", [encode(i) for i in items])
            self._written(durable=False)

    async def prune_items(self, before: datetime) -> int:
        table = self._t("items")
        old = [
            doc.doc_id
            for doc in table.all()
            if doc.get("fetched_at") and datetime.fromisoformat(doc["fetched_at"]) < before
        ]
        if old:
            with self._storage.naming():
                table.remove(doc_ids=old)
            self._storage.touch("items", old)  # journaled as deletions
            self._written(durable=False)  # redone by the next prune if lost in a crash
        return len(old)

    async def items_between(self, start: datetime, end: datetime) -> list[Item]:
        out = []
        for doc in self._t("items").all():
            fetched = doc.get("fetched_at")
            if fetched and start <= datetime.fromisoformat(fetched) < end:  # decode only what is wanted
                out.append(decode(Item, doc))
        return sorted(out, key=lambda i: i.fetched_at or start)

    # -- incidents -----------------------------------------------------------
    async def next_sequence(self, day: str) -> int:
        doc = self._get("counters", day)
        value = (doc["value"] if doc else 0) + 1
        self._put("counters", {"day": day, "value": value})
        self._written()
        return value

    async def put_incident(self, incident: Incident, expected_version: int | None = None) -> None:
        if expected_version is not None:
            current = self._get("incidents", incident.number)
            stored = current["version"] if current else None
            if stored != expected_version:
                raise VersionConflict(f"{incident.number}: version {stored} != {expected_version}")
        self._put("incidents", encode(incident))
        self._written()
        claims = _CLAIMS.get()
        if claims is not None:
            claims.placed.update(incident.item_keys)

    async def get_incident(self, number: str) -> Incident | None:
        doc = self._get("incidents", number)
        return decode(Incident, doc) if doc else None

    async def incidents(
        self, statuses: Sequence[Status] | None = None, since: datetime | None = None
    ) -> list[Incident]:
        wanted = {s.value for s in statuses} if statuses else None
        out = []
        for doc in self._t("incidents").all():  # filter on the raw fields: decode only what is wanted
            if wanted is not None and doc["status"] not in wanted:
                continue
            if since is not None and datetime.fromisoformat(doc["discovered_at"]) < since:
                continue
            out.append(decode(Incident, doc))
        return sorted(out, key=lambda i: (i.discovered_at, i.number))

    # -- actions -------------------------------------------------------------
    async def append_action(self, action: Action) -> bool:
        if action.id in self._ids["actions"]:
            return False
        doc_id = self._put("actions", encode(action))
        self._by_incident["actions"].setdefault(action.incident, []).append(doc_id)
        self._written()
        return True

    async def actions(self, incident: str | None = None, since: datetime | None = None) -> list[Action]:
        if incident is None:
            docs = sorted(self._t("actions").all(), key=lambda d: d.doc_id)
        else:
            docs = self._docs("actions", self._by_incident["actions"].get(incident, []))
        out = [decode(Action, d) for d in docs]
        return [a for a in out if since is None or a.at >= since]

    # -- source state --------------------------------------------------------
    async def get_source_state(self, source_id: str) -> dict[str, Any]:
        doc = self._get("source_state", source_id)
        return dict(doc["state"]) if doc else {}

    async def put_source_state(self, source_id: str, state: dict[str, Any]) -> None:
        self._put("source_state", {"source_id": source_id, "state": encode(state)})
        self._written(durable=False)

    # -- outbox --------------------------------------------------------------
    async def enqueue(self, notifications: Sequence[Notification]) -> list[bool]:
        added = []
        for note in notifications:
            if note.id in self._ids["outbox"]:
                added.append(False)
                continue
            doc_id = self._put("outbox", encode(note))
            if note.sent_at is None:
                self._unsent.add(doc_id)
            added.append(True)
        if any(added):
            self._written()
        return added

    async def pending_notifications(self, now: datetime, limit: int = 100) -> list[Notification]:
        due = []
        for doc in self._docs("outbox", self._unsent):
            note = decode(Notification, doc)
            if note.next_attempt_at is None or note.next_attempt_at <= now:
                due.append(note)
        due.sort(key=lambda n: (n.priority, n.created_at))
        return due[:limit]

    async def update_notification(self, notification: Notification) -> None:
        if notification.id not in self._ids["outbox"]:
            raise StoreError(f"unknown notification {notification.id}")
        doc_id = self._put("outbox", encode(notification))
        if notification.sent_at is None:
            self._unsent.add(doc_id)
        else:
            self._unsent.discard(doc_id)
        self._written()

    async def get_notification(self, notification_id: str) -> Notification | None:
        doc = self._get("outbox", notification_id)
        return decode(Notification, doc) if doc else None

    # -- outbox attachments --------------------------------------------------
    @functools.cached_property
    def files(self) -> FileFolder:
        """`<data file>.files/` beside the data file: the bytes never enter the journaled document."""
        return FileFolder(self.path.with_name(self.path.name + ".files"))

    async def put_file(self, name: str, data: bytes, keep: timedelta) -> str:
        if self._db is None:
            raise StoreError("store is not open")
        return self.files.put(name, data, keep)

    async def get_file(self, ref: str) -> bytes | None:
        if self._db is None:
            raise StoreError("store is not open")
        return self.files.get(ref)

    # -- message refs --------------------------------------------------------
    async def add_message_ref(self, ref: MessageRef) -> None:
        before = self._get("refs", _ref_key(ref.target, ref.message_id))
        doc_id = self._put("refs", encode(ref))
        by_incident = self._by_incident["refs"]
        if before is not None and before["incident"] != ref.incident:  # the message now shows another incident
            by_incident[before["incident"]].remove(doc_id)
        if before is None or before["incident"] != ref.incident:
            by_incident.setdefault(ref.incident, []).append(doc_id)
        self._written()

    async def message_refs(self, incident: str) -> list[MessageRef]:
        return [decode(MessageRef, d) for d in self._docs("refs", self._by_incident["refs"].get(incident, []))]

    async def incident_for_message(self, target: str, message_id: str) -> str | None:
        doc = self._get("refs", _ref_key(target, message_id))
        return doc["incident"] if doc else None

    # -- meta ----------------------------------------------------------------
    async def get_meta(self, key: str) -> Any:
        doc = self._get("meta", key)
        return doc["value"] if doc else None

    async def set_meta(self, key: str, value: Any) -> None:
        self._put("meta", {"key": key, "value": value})
        self._written()

    async def set_meta_if_absent(self, key: str, value: Any) -> bool:
        if key in self._ids["meta"]:
            return False
        await self.set_meta(key, value)
        return True


def _ref_key(target: str, message_id: str) -> str:
    return f"{target}\n{message_id}"


def _lock(path: Path) -> int:
    lock_path = path.with_name(path.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 64).decode(errors="replace").strip() or "?"
        os.close(fd)
        raise StoreLocked(
            f"数据文件 {path} 正被另一个进程（pid {holder}）使用；"
            "同一数据文件只能由一个进程打开，多进程请改用 store.backend: redis"
        ) from None
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())
    return fd
