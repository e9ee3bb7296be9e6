"""The evidence archive: numbered, classified folders; hashes; verify names what changed or vanished."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.analysis.judgement import Judgement
from bot.evidence import EvidenceArchive, verify
from bot.incidents import IncidentService
from bot.models import Incident, Item, Match, Sentiment, Tier
from tests.conftest import make_config

REPO = Path(__file__).resolve().parents[1]
ZONE = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # already 12-01 01:00 in Shanghai


def incident() -> Incident:
    return Incident("YQ-20261201-0003", Tier.II, "江城化工集团仓库爆炸", "https://x.cn/1", "news", T0)


def item(url: str = "https://x.cn/1", raw: str = "<html><body>原帖：仓库爆炸</body></html>") -> Item:
    return Item("news", url, "江城化工集团仓库爆炸", text="正文：三人受伤", author="网友甲", fetched_at=T0, raw=raw)


def test_archive_layout_manifest_and_hashes(tmp_path: Path):
    archive = EvidenceArchive(tmp_path / "evidence", ZONE)
    folder = archive.archive(incident(), [item()], T0)
    assert folder == tmp_path / "evidence" / "2026" / "12" / "II" / "YQ-20261201-0003"  # local month
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert [f["name"] for f in manifest["files"]] == ["01-text.txt", "01-page.html"]
    for entry in manifest["files"]:
        data = (folder / entry["name"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["size"] == len(data)
        assert entry["url"] == "https://x.cn/1" and entry["fetched_at"] == T0.isoformat()
    assert "原帖：仓库爆炸" in (folder / "01-page.html").read_text(encoding="utf-8")
    assert "正文：三人受伤" in (folder / "01-text.txt").read_text(encoding="utf-8")
    # the same item again adds nothing; a repost adds a second numbered pair
    archive.archive(incident(), [item(), item("https://bbs.cn/2", raw="")], T0)
    names = [name for name, _ in archive.hashes(incident())]
    assert names == ["01-text.txt", "01-page.html", "02-text.txt"]
    assert verify(tmp_path / "evidence") == (3, [])


def test_verify_names_changed_and_vanished_files(tmp_path: Path):
    archive = EvidenceArchive(tmp_path / "evidence", ZONE)
    folder = archive.archive(incident(), [item()], T0)
    (folder / "01-text.txt").write_text("被改过的正文", encoding="utf-8")
    (folder / "01-page.html").unlink()
    checked, problems = verify(tmp_path / "evidence")
    assert checked == 2
    assert sorted((p.path.name, p.what) for p in problems) == [("01-page.html", "missing"), ("01-text.txt", "changed")]


def test_cli_verify_exit_codes(tmp_path: Path):
    root = tmp_path / "evidence"
    folder = EvidenceArchive(root, ZONE).archive(incident(), [item()], T0)
    config = tmp_path / "config.yaml"
    config.write_text(f"evidence:\n  path: {root}\nchats:\n  console:\n    enabled: true\n", encoding="utf-8")
    ok = _run(config, tmp_path)
    assert ok.returncode == 0 and "2 个文件，全部完好" in ok.stdout
    (folder / "01-page.html").write_text("tampered", encoding="utf-8")
    bad = _run(config, tmp_path)
    assert bad.returncode == 1
    assert "已被改动" in bad.stdout and "01-page.html" in bad.stdout and "Traceback" not in bad.stderr


def _run(config: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "evidence", "verify", "-c", str(config)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )


async def test_incidents_archive_the_first_item_and_each_repost(store, clock, tmp_path: Path):
    service = IncidentService(make_config(), store)
    root = tmp_path / "evidence"
    service.evidence = EvidenceArchive(root, ZONE)
    first = item()
    inc = await service.create(first, Judgement(Match("国资委", ()), Sentiment(), Tier.II, "r"), clock.now())
    await service.add_spread(inc.number, item("https://bbs.cn/9", raw="<p>转帖</p>"), clock.now())
    names = [name for name, _ in service.evidence.hashes(inc)]
    assert names == ["01-text.txt", "01-page.html", "02-text.txt", "02-page.html"]
    assert verify(root) == (4, [])


def test_cli_verify_without_an_archive(tmp_path: Path):
    config = tmp_path / "config.yaml"
    config.write_text(f"evidence:\n  path: {tmp_path / 'nowhere'}\n", encoding="utf-8")
    result = _run(config, tmp_path)
    assert result.returncode == 1 and "不存在" in result.stdout
