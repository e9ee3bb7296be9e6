"""The audit export for the monthly 考核: every field, every action in order, evidence hashes; csv and xlsx."""

from __future__ import annotations

import csv
import hashlib
import io
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.analysis.judgement import Judgement
from bot.channels.console import ConsoleChannel
from bot.clock import FakeClock
from bot.config_loader import load_config
from bot.delivery import Delivery
from bot.evidence import EvidenceArchive
from bot.export import export
from bot.incidents import IncidentService
from bot.models import Action, ActionKind, Actor, Hit, Item, Match, Sentiment, Tier
from bot.store.tinydb_store import TinyDBStore

REPO = Path(__file__).resolve().parents[1]
LI = Actor("telegram", "2", "李明")
ZHANG = Actor("telegram", "1", "张三")


def write_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        f"""
store: {{path: {tmp_path / "data.json"}}}
evidence: {{path: {tmp_path / "evidence"}}}
sources:
  - {{id: news, name: 江城新闻网, kind: rss, url: "https://news.example.cn/rss"}}
people:
  - {{name: 张三, role: leader, telegram_id: 1}}
  - {{name: 李明, role: monitor, telegram_id: 2}}
  - {{name: 王芳, role: member, telegram_id: 3}}
chats: {{console: {{enabled: true, person: 李明}}}}
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
async def recorded(tmp_path: Path, clock: FakeClock):
    """One incident taken through its whole life, plus one from another month."""
    config = load_config(write_config(tmp_path), env={})
    store = TinyDBStore(config.store.path)
    await store.open()
    service = IncidentService(config, store)
    service.evidence = EvidenceArchive(config.evidence.path, config.zone)
    item = Item(
        "news",
        "https://news.example.cn/a/1",
        "=江城化工集团仓库爆炸",
        text="三人受伤",
        published_at=clock.now() - timedelta(minutes=40),
        fetched_at=clock.now(),
        raw="<html>原帖</html>",
    )
    match = Match("国资委", (Hit("江城化工集团", "subject", "title", 1, 7), Hit("爆炸", "event", "title", 9, 11, 5)), 5)
    inc = await service.create(item, Judgement(match, Sentiment("negative", 0.9), Tier.I, "主体+爆炸"), clock.now())
    delivery = Delivery(store, {"console": ConsoleChannel("李明", clock, config.zone, io.StringIO())}, clock, service)
    clock.advance(timedelta(seconds=3))
    await delivery.run_once()
    clock.advance(timedelta(minutes=5))
    await service.act(inc.number, ActionKind.ACK, LI, clock.now(), note="收到")
    await service.act(inc.number, ActionKind.ASSIGN, ZHANG, clock.now(), assignee="王芳", note="请核实")
    clock.advance(timedelta(hours=3))
    await service.act(inc.number, ActionKind.RESOLVE, LI, clock.now(), note="已发布情况通报")
    old = clock.now() - timedelta(days=40)
    await service.create(
        Item("news", "https://news.example.cn/old", "上月的事件", fetched_at=old),
        Judgement(match, Sentiment(), Tier.IV, "旧"),
        old,
    )
    yield config, store, inc
    await store.close()


async def test_csv_has_every_field_actions_in_order_and_evidence_hashes(recorded, tmp_path):
    config, _store, inc = recorded
    files = await export(config, "2026-11-26", "2026-11-26", "csv", str(tmp_path / "out.csv"))
    assert [f.name for f in files] == ["out.csv", "out-actions.csv"]
    raw = files[0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 1  # the incident of October is outside the period
    row = rows[0]
    assert row["事件编号"] == inc.number and row["等级"] == "I 特别重大" and row["状态"] == "已办结"
    assert row["标题"] == "'=江城化工集团仓库爆炸"  # a formula in scraped text is neutralised
    assert row["涉及主体"] == "江城化工集团" and row["来源"] == "江城新闻网"
    assert row["链接"] == "https://news.example.cn/a/1"
    assert (row["发布时间"], row["发现时间"], row["报送时间"]) == (
        "2026-11-26 07:50:00",
        "2026-11-26 08:30:00",
        "2026-11-26 08:30:03",
    )
    assert (row["确认时间"], row["确认人"], row["负责人"]) == ("2026-11-26 08:35:03", "李明", "王芳")
    assert (row["办结时间"], row["处置结果"], row["发现→确认(分钟)"]) == (
        "2026-11-26 11:35:03",
        "已发布情况通报",
        "5.0",
    )
    assert (row["发现→报送(分钟)"], row["报送→确认(分钟)"], row["确认→办结(小时)"]) == ("0.1", "5.0", "3.0")
    steps = [line.split(" ", 3)[3] for line in row["处置过程"].splitlines()]
    assert steps == ["发现：主体+爆炸", "报送", "确认：收到", "指派 → 王芳：请核实", "办结：已发布情况通报"]
    folder = EvidenceArchive(config.evidence.path, config.zone).folder(inc)
    expected = [f"{p.name} {hashlib.sha256(p.read_bytes()).hexdigest()}" for p in sorted(folder.glob("01-*"))]
    assert sorted(row["证据文件(sha256)"].splitlines()) == expected
    log = list(csv.DictReader(io.StringIO(files[1].read_text(encoding="utf-8-sig"))))
    assert [r["操作"] for r in log] == ["发现", "报送", "确认", "指派", "办结"]
    assert log[2]["操作人"] == "李明" and log[2]["平台账号"] == "telegram:2"
    assert log[1]["群聊"] == "控制台（console:console）"  # the chat named as the office knows it


async def test_xlsx_two_sheets_and_the_trail_is_append_only(recorded, tmp_path):
    config, store, inc = recorded
    [path] = await export(config, "2026-10-01", "2026-11-30", "xlsx", str(tmp_path / "m.xlsx"))
    book = load_workbook(path)
    assert book.sheetnames == ["事件台账", "操作记录", "用时口径"]
    sheet = book["事件台账"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["事件编号", "等级", "状态"] and "证据文件(sha256)" in header
    durations = {
        sheet.cell(row=r, column=header.index("报送→确认(分钟)") + 1).value for r in range(2, sheet.max_row + 1)
    }
    assert 5.0 in durations  # a number, not the text "5.0": sums and averages work in Excel
    assert any("告警发出前已确认" in str(c.value) for c in book["用时口径"]["A"])
    numbers = [sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row + 1)]
    assert len(numbers) == 2 and inc.number in numbers
    # an action id already on record can never be rewritten
    first = (await store.actions(inc.number))[0]
    forged = Action(first.id, inc.number, ActionKind.NOTE, ZHANG, first.at, "改写")
    assert await store.append_action(forged) is False
    assert (await store.actions(inc.number))[0] == first


async def test_cli_export_while_the_bot_holds_the_store_and_bad_dates(recorded, tmp_path):
    _config, _store, inc = recorded  # `store` stays open: its lock is held, as by a running bot
    cfg = tmp_path / "config.yaml"
    ok = _cli(cfg, tmp_path, "--from", "2026-11-01", "--to", "2026-11-30", "--format", "csv", "-o", "x.csv")
    assert ok.returncode == 0, ok.stderr
    assert inc.number in (tmp_path / "x.csv").read_text(encoding="utf-8-sig")
    bad = _cli(cfg, tmp_path, "--from", "2026-13-01", "--to", "2026-11-30")
    assert bad.returncode == 2 and bad.stderr.strip().count("\n") == 0 and "YYYY-MM-DD" in bad.stderr
    by_name = _cli(cfg, tmp_path, "--from", "2026-11-01", "--to", "2026-11-30", "-o", "y.xlsx")
    assert by_name.returncode == 0 and (tmp_path / "y.xlsx").read_bytes()[:2] == b"PK"  # the extension decides
    mismatch = _cli(cfg, tmp_path, "--from", "2026-11-01", "--to", "2026-11-30", "--format", "csv", "-o", "z.xlsx")
    assert mismatch.returncode == 2 and "扩展名" in mismatch.stderr and not (tmp_path / "z.xlsx").exists()


def _cli(config: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "export", "-c", str(config), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )


def test_cli_export_names_a_missing_data_file(tmp_path):
    cfg = write_config(tmp_path)  # store.path points at a file never written
    bad = _cli(cfg, tmp_path, "--from", "2026-11-01", "--to", "2026-11-30")
    assert bad.returncode == 2 and "不存在" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "data.json").exists()  # nothing created
