"""Evidence after a failed write: kept pending, retried until it lands, shown in /status and by `evidence verify`.

The failure is real: the evidence root sits under a regular file, so every
mkdir fails with an OSError as a full disk would; "freeing the disk" removes it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.analysis.judgement import Judgement
from bot.evidence import EvidenceArchive, pending_numbers, retry_pending, verify
from bot.incidents import IncidentService
from bot.models import Item, Match, Sentiment, Tier
from bot.store.tinydb_store import TinyDBStore
from tests.conftest import make_config

REPO = Path(__file__).resolve().parents[1]
ZONE = ZoneInfo("Asia/Shanghai")


def item(url: str = "https://x.cn/1") -> Item:
    return Item("news", url, "江城化工集团仓库爆炸", text="正文：三人受伤", fetched_at=None, raw="<p>原帖</p>")


async def test_failed_archive_is_pending_until_it_succeeds(store, clock, tmp_path: Path):
    blocker = tmp_path / "full"
    blocker.write_text("not a directory", encoding="utf-8")
    service = IncidentService(make_config(), store)
    service.evidence = EvidenceArchive(blocker / "evidence", ZONE)
    judgement = Judgement(Match("国资委", ()), Sentiment(), Tier.II, "r")
    inc = await service.create(item(), judgement, clock.now())  # the alert is not stopped by the failure
    await service.add_spread(inc.number, item("https://bbs.cn/9"), clock.now())
    assert await pending_numbers(store) == [inc.number]
    assert await retry_pending(service.evidence, store, clock.now()) == 0  # still failing: still pending
    assert await pending_numbers(store) == [inc.number]

    blocker.unlink()  # space again
    assert await retry_pending(service.evidence, store, clock.now()) == 1
    assert await pending_numbers(store) == []
    names = [name for name, _ in service.evidence.hashes(inc)]
    assert names == ["01-text.txt", "01-page.html", "02-text.txt", "02-page.html"]
    assert verify(blocker / "evidence") == (4, [])


async def test_status_names_pending_evidence(app, tmp_path: Path):
    blocker = tmp_path / "full"
    blocker.write_text("x", encoding="utf-8")
    app.services.incidents.evidence = EvidenceArchive(blocker / "evidence", ZONE)
    judgement = Judgement(Match("国资委", ()), Sentiment(), Tier.II, "r")
    inc = await app.services.incidents.create(item(), judgement, app.services.clock.now())
    reply = "\n".join(await app.channels["console"].handle_line("/status", app.dispatcher.handle))
    assert "证据待补存 1 个事件" in reply and inc.number in reply


async def test_verify_lists_incidents_without_evidence(tmp_path: Path, clock):
    data, root = tmp_path / "data" / "store.json", tmp_path / "evidence"
    data.parent.mkdir()
    store = TinyDBStore(data)
    await store.open()
    service = IncidentService(make_config(), store)
    service.evidence = EvidenceArchive(root, ZONE)
    judgement = Judgement(Match("国资委", ()), Sentiment(), Tier.II, "r")
    kept = await service.create(item(), judgement, clock.now())
    service.evidence = None  # e.g. created while evidence was off, or its folder was deleted
    lost = await service.create(item("https://y.cn/2"), judgement, clock.now())
    await store.close()
    config = tmp_path / "config.yaml"
    config.write_text(f"store:\n  path: {data}\nevidence:\n  path: {root}\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "evidence", "verify", "-c", str(config)],
        capture_output=True, text=True, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"无证据存档：{lost.number}" in result.stdout and kept.number not in result.stdout
    assert "全部完好；1 个事件没有证据存档" in result.stdout and "Traceback" not in result.stderr
