"""Queue a picture or document for a chat: bytes in the store, a PHOTO/DOCUMENT notice in the outbox.

The bytes go through `Store.put_file` (Redis with several instances), not onto
this machine's disk: whichever instance leads when the notice is due can send
it. The outbox entry holds only the reference, so its document stays small and
the delivery worker retries the send like any other notice.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from bot.models import NoticeKind, Notification, Target
from bot.services import Services

_UNSAFE = re.compile(r"[^0-9A-Za-z_.\-\u4e00-\u9fff]")


def safe_name(name: str) -> str:
    return _UNSAFE.sub("_", name)[:120] or "file"


KEEP_FILES = timedelta(days=30)  # long after any retry of their outbox entry


def prune_files(folder: Path, now: datetime, keep: timedelta = KEEP_FILES) -> int:
    """Delete files older than `keep` from the folder; return how many went.

    Only files queued before they lived in the store are here (briefing.files_dir);
    the store expires its own after KEEP_FILES.
    """
    cutoff = (now - keep).timestamp()
    gone = 0
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                gone += 1
        except OSError:
            continue  # another process got there first, or it is not ours to delete
    return gone


async def store_file(services: Services, data: bytes, filename: str) -> str:
    """Keep the bytes in the store for KEEP_FILES and return the reference; the chat shows `filename`."""
    legacy = Path(services.config.briefing.files_dir)
    if legacy.is_dir():
        prune_files(legacy, services.clock.now())
    return await services.store.put_file(safe_name(filename), data, KEEP_FILES)


def file_notification(
    target: Target, ref: str, caption: str, kind: NoticeKind, key: str, now: datetime, after: timedelta = timedelta(0)
) -> Notification:
    # One millisecond after `now` (the Redis outbox orders by ms), so a picture queued with its text goes after it.
    return Notification(
        id=f"{kind.value}:{key}:{target.key}",
        target=target.key,
        kind=kind,
        created_at=now + timedelta(milliseconds=1),
        text=caption,
        file=ref,
        next_attempt_at=now + after if after else None,
    )


async def queue_file(
    services: Services,
    targets: list[Target],
    data: bytes,
    filename: str,
    caption: str,
    kind: NoticeKind,
    key: str,
    after: timedelta = timedelta(0),
) -> str:
    """Store the file once and queue it for every target; wake the delivery worker; return the reference.

    `after` holds the file back a little, so a command's direct text reply arrives first."""
    ref = await store_file(services, data, filename)
    now = services.clock.now()
    await services.store.enqueue([file_notification(t, ref, caption, kind, key, now, after) for t in targets])
    services.wake_delivery()
    return ref
