"""Embedded store on TinyDB: one process, one JSON snapshot plus its journal, batched commits.

A lock file stops a second process from opening the same data file. Writes
outside `batch()` are committed at once; inside a batch they are committed when
the outermost batch ends, so a poll cycle costs one journal line
(bot.store.journal_storage: only the changed documents, not the whole file).

Bookkeeping that is safe to redo after a crash (items seen, stored items,
source state such as ETags and health) is written lazily: it rides along with
the next durable write or a background flush every `flush_every`. A poll that
finds nothing new (a 304) therefore costs no write at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.table import Document

from bot.codec import decode, encode
from bot.models import Action, Incident, Item, MessageRef, Notification, Status
from bot.store.base import Store, StoreError, StoreLocked, VersionConflict
from bot.store.journal_storage import COMPACT_MIN, CorruptStoreFile, JournaledJSONStorage


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
        self._incident_ids: dict[str, int] = {}
        self._notification_ids: dict[str, int] = {}
        self._action_ids: set[str] = set()
        self._seen: set[str] = set()

    # -- lifecycle ---------------------------------------------------------
    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_fd = _lock(self.path)
        try:
            self._db = TinyDB(self.path, storage=JournaledJSONStorage, compact_min=self.compact_min)
            self._db.tables()  # load now so a corrupt file fails at start-up
        except CorruptStoreFile as exc:
            self._release()
            raise StoreError(str(exc)) from None
        self._incident_ids = {d["number"]: d.doc_id for d in self._t("incidents").all()}
        self._notification_ids = {d["id"]: d.doc_id for d in self._t("outbox").all()}
        self._action_ids = {d["id"] for d in self._t("actions").all()}
        self._seen = {d["key"] for d in self._t("seen").all()}
        self._flusher = asyncio.create_task(self._flush_lazily(), name="tinydb-flush")

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
    def compactions(self) -> int:
        """How many times the whole snapshot was rewritten."""
        return self._storage.compactions

    def _t(self, name: str):
        if self._db is None:
            raise StoreError("store is not open")
        return self._db.table(name, cache_size=0)

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[None]:
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0 and self._durable_in_batch:
                self._durable_in_batch = False
                self._storage.flush()

    # Every TinyDB write goes through these three, which name the documents changed
    # so the journal carries only those.
    def _insert(self, name: str, doc: dict[str, Any]) -> int:
        with self._storage.naming():
            doc_id = self._t(name).insert(doc)
        self._storage.touch(name, doc_id)
        return doc_id

    def _insert_many(self, name: str, docs: list[dict[str, Any]]) -> None:
        with self._storage.naming():
            doc_ids = self._t(name).insert_multiple(docs)
        self._storage.touch(name, doc_ids)

    def _upsert(self, name: str, doc: dict[str, Any], cond: Any = None) -> None:
        with self._storage.naming():
            doc_ids = self._t(name).upsert(doc, cond)
        self._storage.touch(name, doc_ids)

    def _written(self, durable: bool = True) -> None:
        """Flush now for durable writes outside a batch; lazy ones wait for the flusher."""
        if not durable:
            return
        if self._depth:
            self._durable_in_batch = True
        else:
            self._storage.flush()

    # -- dedup ---------------------------------------------------------------
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
            self._insert_many("seen", new_docs)
            self._written(durable=False)
        return fresh

    # -- items ---------------------------------------------------------------
    async def add_items(self, items: Sequence[Item]) -> None:
        if items:
            self._insert_many("items", [encode(i) for i in items])
            self._written(durable=False)

    async def items_between(self, start: datetime, end: datetime) -> list[Item]:
        out = []
        for doc in self._t("items").all():
            item = decode(Item, doc)
            if item.fetched_at and start <= item.fetched_at < end:
                out.append(item)
        return sorted(out, key=lambda i: i.fetched_at or start)

    # -- incidents -----------------------------------------------------------
    async def next_sequence(self, day: str) -> int:
        doc = self._t("counters").get(Query().day == day)
        value = (doc["value"] if doc else 0) + 1
        self._upsert("counters", {"day": day, "value": value}, Query().day == day)
        self._written()
        return value

    async def put_incident(self, incident: Incident, expected_version: int | None = None) -> None:
        doc_id = self._incident_ids.get(incident.number)
        if expected_version is not None:
            current = self._t("incidents").get(doc_id=doc_id) if doc_id is not None else None
            stored = current["version"] if current else None
            if stored != expected_version:
                raise VersionConflict(f"{incident.number}: version {stored} != {expected_version}")
        data = encode(incident)
        if doc_id is None:
            self._incident_ids[incident.number] = self._insert("incidents", data)
        else:
            self._upsert("incidents", Document(data, doc_id=doc_id))
        self._written()

    async def get_incident(self, number: str) -> Incident | None:
        doc_id = self._incident_ids.get(number)
        doc = self._t("incidents").get(doc_id=doc_id) if doc_id is not None else None
        return decode(Incident, doc) if doc else None

    async def incidents(
        self, statuses: Sequence[Status] | None = None, since: datetime | None = None
    ) -> list[Incident]:
        wanted = {s.value for s in statuses} if statuses else None
        out = []
        for doc in self._t("incidents").all():
            if wanted is not None and doc["status"] not in wanted:
                continue
            inc = decode(Incident, doc)
            if since is not None and inc.discovered_at < since:
                continue
            out.append(inc)
        return sorted(out, key=lambda i: (i.discovered_at, i.number))

    # -- actions -------------------------------------------------------------
    async def append_action(self, action: Action) -> bool:
        if action.id in self._action_ids:
            return False
        self._action_ids.add(action.id)
        self._insert("actions", encode(action))
        self._written()
        return True

    async def actions(self, incident: str | None = None, since: datetime | None = None) -> list[Action]:
        docs = sorted(self._t("actions").all(), key=lambda d: d.doc_id)
        out = [decode(Action, d) for d in docs if incident is None or d["incident"] == incident]
        return [a for a in out if since is None or a.at >= since]

    # -- source state --------------------------------------------------------
    async def get_source_state(self, source_id: str) -> dict[str, Any]:
        doc = self._t("source_state").get(Query().source_id == source_id)
        return dict(doc["state"]) if doc else {}

    async def put_source_state(self, source_id: str, state: dict[str, Any]) -> None:
        self._upsert("source_state", {"source_id": source_id, "state": encode(state)}, Query().source_id == source_id)
        self._written(durable=False)

    # -- outbox --------------------------------------------------------------
    async def enqueue(self, notifications: Sequence[Notification]) -> list[bool]:
        added = []
        for note in notifications:
            if note.id in self._notification_ids:
                added.append(False)
                continue
            self._notification_ids[note.id] = self._insert("outbox", encode(note))
            added.append(True)
        if any(added):
            self._written()
        return added

    async def pending_notifications(self, now: datetime, limit: int = 100) -> list[Notification]:
        due = []
        for doc in self._t("outbox").all():
            if doc["sent_at"] is not None:
                continue
            note = decode(Notification, doc)
            if note.next_attempt_at is None or note.next_attempt_at <= now:
                due.append(note)
        due.sort(key=lambda n: (n.priority, n.created_at))
        return due[:limit]

    async def update_notification(self, notification: Notification) -> None:
        doc_id = self._notification_ids.get(notification.id)
        if doc_id is None:
            raise StoreError(f"unknown notification {notification.id}")
        self._upsert("outbox", Document(encode(notification), doc_id=doc_id))
        self._written()

    async def get_notification(self, notification_id: str) -> Notification | None:
        doc_id = self._notification_ids.get(notification_id)
        doc = self._t("outbox").get(doc_id=doc_id) if doc_id is not None else None
        return decode(Notification, doc) if doc else None

    # -- message refs --------------------------------------------------------
    async def add_message_ref(self, ref: MessageRef) -> None:
        q = Query()
        self._upsert("refs", encode(ref), (q.target == ref.target) & (q.message_id == ref.message_id))
        self._written()

    async def message_refs(self, incident: str) -> list[MessageRef]:
        return [decode(MessageRef, d) for d in self._t("refs").search(Query().incident == incident)]

    async def incident_for_message(self, target: str, message_id: str) -> str | None:
        q = Query()
        doc = self._t("refs").get((q.target == target) & (q.message_id == message_id))
        return doc["incident"] if doc else None

    # -- meta ----------------------------------------------------------------
    async def get_meta(self, key: str) -> Any:
        doc = self._t("meta").get(Query().key == key)
        return doc["value"] if doc else None

    async def set_meta(self, key: str, value: Any) -> None:
        self._upsert("meta", {"key": key, "value": value}, Query().key == key)
        self._written()

    async def set_meta_if_absent(self, key: str, value: Any) -> bool:
        if self._t("meta").contains(Query().key == key):
            return False
        await self.set_meta(key, value)
        return True


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
