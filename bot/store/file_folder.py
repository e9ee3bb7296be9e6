"""The embedded store's outbox attachments: one file per stored copy, in a folder beside the data file.

The bytes stay out of the TinyDB document (it is journaled and must stay
small). A copy is named `<digest>.<expiry in ms>`: the expiry travels with the
file (an mtime would not survive a copy or a restore from backup), and a copy
past it is neither returned nor kept. Writes are temp file, fsync, rename, so
a crash leaves no half picture under a real name.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from bot.store.atomic_file import TMP_SUFFIX, write_atomically
from bot.store.base import file_ref, parse_file_ref


class FileFolder:
    def __init__(self, folder: Path, now: Callable[[], float] = time.time) -> None:
        self.folder = folder
        self.now = now  # wall clock, seconds (the Redis backend expires on the server's clock)

    def put(self, name: str, data: bytes, keep: timedelta) -> str:
        """Store these bytes (or keep them longer); never shortens what an earlier put asked for."""
        ref = file_ref(name, data)
        digest, _ = parse_file_ref(ref) or ("", "")
        now_ms = self._now_ms()
        self.prune(now_ms)
        expires = now_ms + max(1, int(keep.total_seconds() * 1000))
        current = self._copies(digest)
        if current and max(current.values()) >= expires:
            return ref
        write_atomically(self.folder / f"{digest}.{expires}", data)  # durable before the entry pointing to it
        for path in current:
            path.unlink(missing_ok=True)
        return ref

    def get(self, ref: str) -> bytes | None:
        """The bytes, or None if the reference is not one of ours or its copy expired."""
        parsed = parse_file_ref(ref)
        if parsed is None:
            return None
        now_ms = self._now_ms()
        for path, expires in sorted(self._copies(parsed[0]).items(), key=lambda kv: -kv[1]):
            if expires > now_ms:
                with contextlib.suppress(OSError):
                    return path.read_bytes()
        return None

    def prune(self, now_ms: int | None = None) -> int:
        """Delete expired copies and temp files a crash left mid-write; return how many went.

        Puts run synchronously (one process holds the store), so no prune meets a temp file being written.
        """
        now_ms = self._now_ms() if now_ms is None else now_ms
        gone = 0
        for path in self._entries("*"):
            expires = _expiry(path)
            if path.name.endswith(TMP_SUFFIX) or (expires is not None and expires <= now_ms):
                with contextlib.suppress(OSError):
                    path.unlink()
                    gone += 1
        return gone

    def _copies(self, digest: str) -> dict[Path, int]:
        copies = {path: _expiry(path) for path in self._entries(f"{digest}.*")}
        return {path: expires for path, expires in copies.items() if expires is not None}

    def _entries(self, pattern: str) -> list[Path]:
        try:
            return list(self.folder.glob(pattern))
        except OSError:  # no folder yet
            return []

    def _now_ms(self) -> int:
        return int(self.now() * 1000)


def _expiry(path: Path) -> int | None:
    stem, _, suffix = path.name.rpartition(".")
    return int(suffix) if stem and not stem.startswith(".") and suffix.isdigit() else None
