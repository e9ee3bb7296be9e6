"""The evidence archive (有害信息备份, 分类编号存储): kept after the original post is deleted.

Each incident gets a numbered, classified folder
`<root>/<YYYY>/<MM>/<tier>/<incident number>/` holding, per item, its text
and its raw page, plus `manifest.json` with the url, fetch time, size and
sha256 of every file. `verify` re-hashes every file against its manifest
and names any that changed or vanished. Files are written once and never
rewritten; the manifest is replaced atomically.

An archive that fails (a full disk) is never silently missing: the items
are kept in the store under `PENDING_KEY` and `retry_pending` (a job every
minute) writes them once it can; /status names what still waits, and
`yuqing-bot evidence verify` lists every incident without an archive.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot import codec
from bot.config import Config
from bot.models import Incident, Item
from bot.store.base import Store

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
PENDING_KEY = "evidence:pending"  # store meta: {incident number: [encoded items not yet archived]}


@dataclass(frozen=True)
class Problem:
    path: Path
    what: str  # "changed" | "missing" | "manifest"

    def __str__(self) -> str:
        label = {"changed": "已被改动", "missing": "已丢失", "manifest": "清单损坏"}[self.what]
        return f"{label}：{self.path}"


class EvidenceArchive:
    def __init__(self, root: str | os.PathLike[str], zone: ZoneInfo) -> None:
        self.root = Path(root)
        self.zone = zone

    def folder(self, incident: Incident) -> Path:
        local = incident.discovered_at.astimezone(self.zone)
        return self.root / f"{local:%Y}" / f"{local:%m}" / incident.tier.roman / incident.number

    def archive(self, incident: Incident, items: Sequence[Item], now: datetime) -> Path:
        """Save each item not yet archived for this incident; return the folder."""
        folder = self.folder(incident)
        folder.mkdir(parents=True, exist_ok=True)
        manifest = self.manifest(incident) or _new_manifest(incident, now)
        known = {f["url"] for f in manifest["files"]}
        for item in items:
            if item.url in known:
                continue
            known.add(item.url)
            n = 1 + len({f["url"] for f in manifest["files"]})
            fetched = (item.fetched_at or now).isoformat()
            manifest["files"].append(_write(folder / f"{n:02d}-text.txt", _text_of(item), item.url, fetched, "text"))
            if item.raw:
                manifest["files"].append(_write(folder / f"{n:02d}-page.html", item.raw, item.url, fetched, "raw"))
        _write_json(folder / MANIFEST, manifest)
        return folder

    def manifest(self, incident: Incident) -> dict[str, Any] | None:
        path = self.folder(incident) / MANIFEST
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def hashes(self, incident: Incident) -> list[tuple[str, str]]:
        """(file name, sha256) of every archived file, for the export."""
        manifest = self.manifest(incident) or {"files": []}
        return [(f["name"], f["sha256"]) for f in manifest["files"]]


async def archive_or_mark(
    archive: EvidenceArchive, store: Store, incident: Incident, items: Sequence[Item], now: datetime
) -> bool:
    """Archive now, or keep the items as pending (retried every minute); never let a full disk stop an alert."""
    try:
        archive.archive(incident, items, now)
        return True
    except OSError as exc:
        log.error("证据存档失败：%s（%s），已记为待补存，每分钟重试", incident.number, exc)
    pending = dict(await store.get_meta(PENDING_KEY) or {})
    waiting = list(pending.get(incident.number, []))
    known = {entry.get("url") for entry in waiting}
    waiting += [codec.encode(item) for item in items if item.url not in known]
    pending[incident.number] = waiting
    await store.set_meta(PENDING_KEY, pending)
    return False


async def retry_pending(archive: EvidenceArchive, store: Store, now: datetime) -> int:
    """Archive what failed before; returns how many incidents are now complete."""
    pending = dict(await store.get_meta(PENDING_KEY) or {})
    if not pending:
        return 0
    done = 0
    for number, entries in list(pending.items()):
        incident = await store.get_incident(number)
        if incident is None:
            del pending[number]
            continue
        try:
            archive.archive(incident, [codec.decode(Item, e) for e in entries], now)
        except OSError as exc:
            log.warning("证据补存仍失败：%s（%s）", number, exc)
            break  # the disk is still full: try again next round
        del pending[number]
        done += 1
        log.warning("证据已补存：%s", number)
    await store.set_meta(PENDING_KEY, pending)
    return done


async def pending_numbers(store: Store) -> list[str]:
    return sorted(await store.get_meta(PENDING_KEY) or {})


def verify(root: str | os.PathLike[str]) -> tuple[int, list[Problem]]:
    """Check every archived file against its manifest: (files checked, problems)."""
    checked, problems = 0, []
    for manifest_path in sorted(Path(root).rglob(MANIFEST)):
        try:
            files = json.loads(manifest_path.read_text(encoding="utf-8"))["files"]
        except (json.JSONDecodeError, KeyError, TypeError):
            problems.append(Problem(manifest_path, "manifest"))
            continue
        for entry in files:
            path = manifest_path.parent / entry["name"]
            checked += 1
            if not path.is_file():
                problems.append(Problem(path, "missing"))
            elif _sha256(path.read_bytes()) != entry["sha256"]:
                problems.append(Problem(path, "changed"))
    return checked, problems


def _new_manifest(incident: Incident, now: datetime) -> dict[str, Any]:
    return {
        "incident": incident.number,
        "tier": incident.tier.roman,
        "title": incident.title,
        "url": incident.url,
        "created_at": now.isoformat(),
        "files": [],
    }


def _text_of(item: Item) -> str:
    published = item.published_at.isoformat() if item.published_at else ""
    head = [f"标题：{item.title}", f"链接：{item.url}", f"来源：{item.source_id}", f"作者：{item.author}"]
    return "\n".join([*head, f"发布时间：{published}", "", item.text]) + "\n"


def _write(path: Path, text: str, url: str, fetched_at: str, kind: str) -> dict[str, Any]:
    data = text.encode("utf-8")
    path.write_bytes(data)  # only for items not yet in the manifest: kept evidence is never rewritten
    return {
        "name": path.name,
        "kind": kind,
        "url": url,
        "fetched_at": fetched_at,
        "size": len(data),
        "sha256": _sha256(data),
    }


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify_main(config: Config) -> int:
    """The CLI command: 0 when every file matches its manifest and every incident has an archive, else 1."""
    root = Path(config.evidence.path)
    checked, problems = verify(root) if root.is_dir() else (0, [])
    missing, pending = asyncio.run(_without_evidence(config))
    if not root.is_dir() and not missing:
        print(f"证据目录 {root} 不存在（配置 evidence.path）")
        return 1
    for problem in problems:
        print(problem)
    for incident in missing:
        note = "（存档失败，待补存）" if incident.number in pending else ""
        print(f"无证据存档：{incident.number} {incident.title}{note}")
    verdict = "全部完好" if not problems else f"{len(problems)} 个有问题"
    lacking = f"；{len(missing)} 个事件没有证据存档" if missing else ""
    print(f"证据核验：{root} 下 {checked} 个文件，{verdict}{lacking}")
    return 1 if problems or missing else 0


async def _without_evidence(config: Config) -> tuple[list[Incident], set[str]]:
    """Incidents whose folder has no manifest, and the numbers marked pending."""
    from bot.store import read_store
    from bot.store.journal_storage import has_data

    if config.store.backend == "tinydb" and not has_data(Path(config.store.path)):
        return [], set()
    archive = EvidenceArchive(config.evidence.path, config.zone)
    async with read_store(config.store) as store:
        incidents = await store.incidents()
        pending = set(await pending_numbers(store))
    return [i for i in incidents if archive.manifest(i) is None], pending
