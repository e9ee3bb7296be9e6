"""Queue a picture or document for a chat: bytes on disk, a PHOTO/DOCUMENT notice in the outbox.

The outbox entry holds only the path, so the store stays small and the
delivery worker retries the send like any other notice.
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
    """Delete files older than `keep` from the folder; return how many went."""
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


def store_file(services: Services, data: bytes, filename: str) -> Path:
    """Write the bytes under briefing.files_dir (atomically) and return the path; old files are pruned."""
    folder = Path(services.config.briefing.files_dir)
    folder.mkdir(parents=True, exist_ok=True)
    prune_files(folder, services.clock.now())
    path = folder / safe_name(filename)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


def file_notification(
    target: Target, path: Path, caption: str, kind: NoticeKind, key: str, now: datetime, after: timedelta = timedelta(0)
) -> Notification:
    # One millisecond after `now` (the Redis outbox orders by ms), so a picture queued with its text goes after it.
    return Notification(
        id=f"{kind.value}:{key}:{target.key}",
        target=target.key,
        kind=kind,
        created_at=now + timedelta(milliseconds=1),
        text=caption,
        file=str(path),
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
) -> Path:
    """Store the file once and queue it for every target; wake the delivery worker.

    `after` holds the file back a little, so a command's direct text reply arrives first."""
    path = store_file(services, data, filename)
    now = services.clock.now()
    await services.store.enqueue([file_notification(t, path, caption, kind, key, now, after) for t in targets])
    services.wake_delivery()
    return path
