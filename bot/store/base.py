"""The Store seam: everything the bot remembers, behind one async contract.

Backends (TinyDB embedded, Redis shared) must pass `tests/store_contract.py`.
Methods take and return core types; backends encode them with `bot.codec`.
"""

from __future__ import annotations

import hashlib
import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.models import Action, Incident, Item, MessageRef, Notification, Status


class StoreError(Exception):
    """The store cannot do what was asked; the message is for the operator."""


class StoreLocked(StoreError):
    """Another process holds the embedded store's file."""


class VersionConflict(StoreError):
    """An incident changed since it was read; re-read and re-apply."""


class StoreUnavailable(StoreError):
    """The shared store (Redis) cannot be reached now; nothing was written, retry later."""


@dataclass
class BatchClaims:
    """What one task's outermost batch claimed (key → the backend's handle on that claim, or None)
    and which of those keys reached an incident. Kept per task (a contextvar in each backend), so
    overlapping polls keep their own. A batch that fails un-marks the unplaced ones: the next poll
    judges those items again instead of losing them."""

    claimed: dict[str, Any] = field(default_factory=dict)
    placed: set[str] = field(default_factory=set)

    def unplaced(self) -> list[str]:
        return [key for key in self.claimed if key not in self.placed]


# A stored file's reference: "stored:<digest of the bytes>/<name the chat shows>".
# It cannot be mistaken for a path: outbox entries queued before files lived in the
# store hold a real path, and delivery still sends those.
_FILE_REF = re.compile(r"stored:([0-9a-f]{32})/([^/]+)")


def file_ref(name: str, data: bytes) -> str:
    """The reference of these bytes under this name: equal bytes share one stored copy."""
    if not name or "/" in name or "\x00" in name:
        raise ValueError(f"file name {name!r} must be non-empty, without '/' or NUL")
    return f"stored:{hashlib.sha256(data).hexdigest()[:32]}/{name}"


def parse_file_ref(ref: str) -> tuple[str, str] | None:
    """(digest, name) of a reference made by `file_ref`; None for anything else (a path)."""
    match = _FILE_REF.fullmatch(ref)
    return (match[1], match[2]) if match else None


class Store(ABC):
    """Incidents, actions, items seen, source state, outbox, chat message refs, meta."""

    @property
    def write_error(self) -> str:
        """Why writing failed just now (e.g. the disk is full), for /healthz; "" while writes succeed."""
        return ""

    async def open(self) -> None:  # noqa: B027 - optional hook
        """Acquire resources (files, locks, connections)."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Flush and release resources."""

    @abstractmethod
    def batch(self) -> AbstractAsyncContextManager[None]:
        """Group writes: a poll cycle of hundreds of items is one durable write."""

    # -- exact dedup -------------------------------------------------------
    @abstractmethod
    async def claim_seen(self, keys: Sequence[str], at: datetime) -> list[bool]:
        """Mark keys seen; True for each key not seen before (atomic per key)."""

    @abstractmethod
    async def unseen(self, keys: Sequence[str], at: datetime) -> list[bool]:
        """True for each key claim_seen would find new at `at`; marks nothing (a poll reads its page
        before claiming it in parts: tier I/II items first)."""

    # -- items (kept for replay and evidence) -----------------------------
    @abstractmethod
    async def add_items(self, items: Sequence[Item]) -> None: ...

    @abstractmethod
    async def prune_items(self, before: datetime) -> int:
        """Forget items fetched before `before` (retention; safe to repeat); return how many went."""

    @abstractmethod
    async def items_between(self, start: datetime, end: datetime) -> list[Item]:
        """Items fetched in [start, end), oldest first."""

    # -- incidents --------------------------------------------------------
    @abstractmethod
    async def next_sequence(self, day: str) -> int:
        """1, 2, 3 … per day key (YYYYMMDD), never repeating."""

    @abstractmethod
    async def put_incident(self, incident: Incident, expected_version: int | None = None) -> None:
        """Insert or replace; with expected_version, raise VersionConflict if stored differs."""

    @abstractmethod
    async def get_incident(self, number: str) -> Incident | None: ...

    @abstractmethod
    async def incidents(
        self, statuses: Sequence[Status] | None = None, since: datetime | None = None
    ) -> list[Incident]:
        """Incidents (optionally by status, discovered at/after since), oldest first."""

    # -- actions (append-only audit trail) --------------------------------
    @abstractmethod
    async def append_action(self, action: Action) -> bool:
        """Append; False (and nothing written) if an action with this id exists."""

    @abstractmethod
    async def actions(self, incident: str | None = None, since: datetime | None = None) -> list[Action]:
        """Actions in the order they were appended."""

    # -- per-source state (ETag, health …) --------------------------------
    @abstractmethod
    async def get_source_state(self, source_id: str) -> dict[str, Any]: ...

    @abstractmethod
    async def put_source_state(self, source_id: str, state: dict[str, Any]) -> None: ...

    # -- outbox -----------------------------------------------------------
    @abstractmethod
    async def enqueue(self, notifications: Sequence[Notification]) -> list[bool]:
        """Add entries; an id already present is kept as is (False)."""

    @abstractmethod
    async def pending_notifications(self, now: datetime, limit: int = 100) -> list[Notification]:
        """Unsent entries due at `now`, most urgent tier first, then oldest."""

    @abstractmethod
    async def update_notification(self, notification: Notification) -> None: ...

    @abstractmethod
    async def get_notification(self, notification_id: str) -> Notification | None: ...

    # -- outbox attachments (pictures, documents) -------------------------
    @abstractmethod
    async def put_file(self, name: str, data: bytes, keep: timedelta) -> str:
        """Keep the bytes for at least `keep` (wall clock) where every instance reads them; return `file_ref`.

        An outbox entry holds the reference, not the bytes: whichever instance
        leads when the entry is due can send the file.
        """

    @abstractmethod
    async def get_file(self, ref: str) -> bytes | None:
        """The bytes behind a reference from put_file; None once expired, or for anything else."""

    # -- where incidents live in chats ------------------------------------
    @abstractmethod
    async def add_message_ref(self, ref: MessageRef) -> None: ...

    @abstractmethod
    async def message_refs(self, incident: str) -> list[MessageRef]: ...

    @abstractmethod
    async def incident_for_message(self, target: str, message_id: str) -> str | None: ...

    # -- small named values (briefing sent, counters) ---------------------
    @abstractmethod
    async def get_meta(self, key: str) -> Any: ...

    @abstractmethod
    async def set_meta(self, key: str, value: Any) -> None: ...

    @abstractmethod
    async def set_meta_if_absent(self, key: str, value: Any) -> bool:
        """Set only if unset; True if this call set it (once-per-day guards)."""
