"""A TinyDB storage: a JSON snapshot plus an append-only journal of changed documents.

TinyDB's own JSONStorage rewrites the whole file in place on every write: a
crash mid-write leaves a broken file, and the cost of each write grows with
the store (a month of an office's data is megabytes, rewritten per sent alert).
Here a durable write appends one line to `<file>.journal` holding only the
documents changed since the last one, and fsyncs it; a line is a commit, so a
crash mid-append loses only that unfinished line. When the journal outgrows the
snapshot, the whole document is written to a temporary file, fsynced and renamed
over the snapshot, and a fresh journal starts (compaction).

Every journal line carries a sequence number and the snapshot records the last
one it contains, so a reader copying the two files while the bot compacts never
replays stale lines over newer data (`load_document`). Writes the store did not
attribute to documents (`touch`) are never lost: the next flush compacts instead.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from bot.store.atomic_file import fsync_dir, write_atomically

log = logging.getLogger(__name__)

SEQ_KEY = "__journal_seq__"  # in the snapshot: the last journal line it already contains
COMPACT_MIN = 4 * 1024 * 1024  # bytes of journal before the first compaction

Tables = dict[str, dict[str, Any]]


class JournaledJSONStorage(Storage):
    def __init__(self, path: str | os.PathLike[str], compact_min: int = COMPACT_MIN) -> None:
        self.path = Path(path)
        self.journal_path = journal_path(self.path)
        self.compact_min = compact_min
        self._data: Tables | None = None
        self._seq = 0
        self._changed: dict[str, set[str]] = {}
        self._unattributed = False  # TinyDB wrote outside `naming()`: the journal cannot say what
        self._naming = False
        self._journal: int | None = None  # O_APPEND descriptor: a failed append can be cut back
        self._journal_bytes = 0
        self._snapshot_bytes = 0
        self.failing = ""  # why the last commit could not be written ("" once one is)
        self.flushes = 0  # commits: journal lines and compactions
        self.compactions = 0

    # -- TinyDB's storage interface ----------------------------------------
    def read(self) -> Tables | None:
        if self._data is None:
            self._data, self._seq, replayed = load_document(self.path)
            self._snapshot_bytes = _size(self.path)
            if replayed or self.journal_path.exists():
                try:
                    self.compact()  # start from one clean snapshot, torn tail and all gone
                except OSError as exc:  # e.g. the disk is full: carry on with the journal as it is
                    log.warning("could not compact %s at start (%s); continuing on its journal", self.path, exc)
                    self._journal_bytes = _cut_torn_tail(self.journal_path)
        return self._data

    def write(self, data: Tables) -> None:
        self._data = data
        if not self._naming:
            self._unattributed = True

    def close(self) -> None:
        self.flush()
        if self._data is not None and (self._journal_bytes or self.journal_path.exists()):
            self.compact()
        self._close_journal()

    # -- what the store tells us -------------------------------------------
    @property
    def dirty(self) -> bool:
        return bool(self._changed) or self._unattributed

    @contextlib.contextmanager
    def naming(self) -> Iterator[None]:
        """Around a TinyDB write whose documents the caller names with `touch` right after."""
        self._naming = True
        try:
            yield
        finally:
            self._naming = False

    def touch(self, table: str, doc_ids: list[int] | int) -> None:
        """Name the documents a TinyDB write just changed, so the journal can carry only those."""
        ids = self._changed.setdefault(table, set())
        for doc_id in doc_ids if isinstance(doc_ids, list) else [doc_ids]:
            ids.add(str(doc_id))

    def flush(self) -> None:
        """Make every change so far durable: one journal line (or a compaction)."""
        if not self.dirty or self._data is None:
            return
        if self._unattributed:
            self.compact()
            return
        self._seq += 1
        changes = {
            name: {doc_id: self._data.get(name, {}).get(doc_id) for doc_id in ids}
            for name, ids in self._changed.items()
        }
        line = json.dumps({"seq": self._seq, "tables": changes}, ensure_ascii=False, separators=(",", ":"))
        data = (line + "\n").encode("utf-8")
        try:
            self._append(data)
        except OSError as exc:
            self._seq -= 1  # not committed; the changes stay pending for the next flush
            self.failing = f"数据文件写入失败：{exc}"
            raise
        self.failing = ""
        self._journal_bytes += len(data)
        self._changed.clear()
        self.flushes += 1
        if self._journal_bytes > max(self.compact_min, self._snapshot_bytes):
            try:
                self.compact()
            except OSError as exc:  # the line above is committed; compaction can wait for room
                log.warning("could not compact %s (%s); its journal keeps growing meanwhile", self.path, exc)

    def _append(self, data: bytes) -> None:
        """Append one whole line and make it durable, or leave the journal as it was."""
        fd = self._open_journal()
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fdatasync(fd)
        except OSError:
            try:  # half a line would corrupt every line after it: cut it off
                os.ftruncate(fd, self._journal_bytes)
            except OSError:  # cannot tidy up: no more appends, the next commit rewrites everything
                self._unattributed = True
                self._close_journal()
            raise

    def compact(self) -> None:
        """Write the whole document as the new snapshot and start an empty journal."""
        assert self._data is not None
        document = {**self._data, SEQ_KEY: self._seq}
        self._snapshot_bytes = _write_document(self.path, document)
        self._close_journal()
        self.journal_path.unlink(missing_ok=True)  # a reader holding the old one still reads it whole
        fsync_dir(self.path.parent)
        self._journal_bytes = 0
        self._changed.clear()
        self._unattributed = False
        self.failing = ""
        self.flushes += 1
        self.compactions += 1

    def _open_journal(self) -> int:
        if self._journal is None:
            self._journal = os.open(self.journal_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            fsync_dir(self.path.parent)  # the new file's name is durable too
        return self._journal

    def _close_journal(self) -> None:
        if self._journal is not None:
            os.close(self._journal)
            self._journal = None


def journal_path(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


def _cut_torn_tail(path: Path) -> int:
    """Drop an unfinished last line (so appends go on after a whole one); return the length kept."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return 0
    complete = raw.rfind(b"\n") + 1
    if complete < len(raw):
        os.truncate(path, complete)
    return complete


def has_data(path: Path) -> bool:
    """Whether a store was ever written at `path` (a young one may have only its journal)."""
    return path.is_file() or journal_path(path).is_file()


def load_document(path: str | os.PathLike[str]) -> tuple[Tables, int, int]:
    """The store's data as of its last commit: (tables, last sequence number, lines replayed).

    Reads the journal before the snapshot: if the bot compacts in between, the
    newer snapshot already holds every line read, and those lines are skipped.
    Safe to call while the bot runs (nothing is written here).
    """
    path = Path(path)
    try:
        journal = journal_path(path).read_bytes()
    except FileNotFoundError:
        journal = b""
    tables = _read_snapshot(path)
    seq = tables.pop(SEQ_KEY, 0)
    if not isinstance(seq, int):
        raise CorruptStoreFile(f"数据文件 {path} 格式不对")
    replayed = 0
    lines = journal.split(b"\n")
    for number, raw in enumerate(lines[:-1], start=1):  # the last piece has no newline: torn or empty
        entry = _parse_line(path, raw, number)
        if entry["seq"] <= seq:
            continue  # already in the snapshot
        if entry["seq"] != seq + 1:
            raise CorruptStoreFile(f"数据文件 {path} 的日志缺少第 {seq + 1} 条记录，请从备份恢复")
        for name, docs in entry["tables"].items():
            table = tables.setdefault(name, {})
            for doc_id, doc in docs.items():
                if doc is None:
                    table.pop(doc_id, None)
                else:
                    table[doc_id] = doc
        seq = entry["seq"]
        replayed += 1
    return tables, seq, replayed


def copy_committed(path: Path, dest: Path) -> Tables:
    """Write what `path` holds as of its last commit to `dest`, as one snapshot (for readers); return it."""
    tables, seq, _ = load_document(path)
    _write_document(dest, {**tables, SEQ_KEY: seq})
    return tables


def _parse_line(path: Path, raw: bytes, number: int) -> dict[str, Any]:
    try:
        entry = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        entry = None
    if (
        not isinstance(entry, dict)
        or not isinstance(entry.get("seq"), int)
        or not isinstance(entry.get("tables"), dict)
    ):
        raise CorruptStoreFile(f"数据文件 {path} 的日志第 {number} 行已损坏，请从备份恢复")
    return entry


def _read_snapshot(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CorruptStoreFile(f"数据文件 {path} 已损坏（{exc}），请从备份恢复") from None
    if not isinstance(data, dict):
        raise CorruptStoreFile(f"数据文件 {path} 格式不对")
    return data


def _write_document(path: Path, document: dict[str, Any]) -> int:
    """The whole document, atomically; return its size in bytes."""
    # dumps, not dump: only the one-shot encoder is the fast C one (~10x on big stores)
    data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    write_atomically(path, data)
    return len(data)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


class CorruptStoreFile(Exception):
    pass
