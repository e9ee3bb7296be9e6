"""Reports as documents: .docx opens with python-docx with the expected sections and figures; Markdown; CLI."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import docx
import pytest
import yaml

from bot.briefing.build import incident_report, report_document
from bot.briefing.evaluation import evaluate
from bot.briefing.export import ReportError, export_report
from bot.briefing.markdown import md_escape, to_markdown
from bot.briefing.special import evidence, timeline
from bot.briefing.stats import Window
from bot.briefing.word import to_docx
from bot.clock import FakeClock
from bot.incidents import IncidentService
from bot.models import SYSTEM, Action, ActionKind
from bot.people import People
from bot.services import Services
from bot.store.tinydb_store import TinyDBStore
from tests.briefing_scenario import NOW, PEOPLE, actions_for_a, fill, incidents, local, scenario_config


@pytest.fixture
async def services(store, tmp_path):
    await fill(store)
    config = scenario_config(briefing={"files_dir": str(tmp_path / "files")})
    return Services(config, store, FakeClock(NOW), People(config.people), IncidentService(config, store))


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def headings(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]


async def test_daily_docx_sections_table_and_chart(services):
    report = await report_document(services, "daily")
    document = open_docx(to_docx(report))
    assert headings(document) == [
        "舆情日报（今日）",
        "一、新增舆情",
        "二、未办结事件",
        "三、已办结事件",
        "四、传播情况",
        "五、趋势",
        "六、来源与监测",
    ]
    assert len(document.inline_shapes) == 1  # the chart
    new_rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert new_rows[0] == ["编号", "等级", "倾向", "标题", "来源", "发现时间"]
    assert [r[0] for r in new_rows[1:]] == ["YQ-20261126-0001", "YQ-20261126-0002"]
    open_rows = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert [r[0] for r in open_rows[1:]] == [
        "YQ-20261124-0003",
        "YQ-20261125-0002",
        "YQ-20261126-0001",
        "YQ-20261126-0002",
    ]
    assert document.core_properties.title == "舆情日报（今日）"
    assert document.styles["Normal"].element.rPr.rFonts.get(docx.oxml.ns.qn("w:eastAsia")) == "宋体"


async def test_weekly_docx_includes_the_evaluation(services):
    document = open_docx(to_docx(await report_document(services, "weekly")))
    titles = headings(document)
    assert titles[0] == "舆情周报（近7日）"
    assert titles[-6:] == [
        "七、总结评估",
        "一、总体情况",
        "二、按等级",
        "三、按人员",
        "四、按部门",
        "五、逐件明细（超时在前）",
    ]
    assert len(document.inline_shapes) == 1
    people = [[c.text for c in row.cells] for row in document.tables[-3].rows]
    assert people[0][0] == "人员"
    assert people[1:] == [
        ["张三", "1", "39分钟", "1", "0", "—", "0"],
        ["李明", "2", "6分钟", "0", "0", "—", "0"],
        ["王芳", "0", "—", "0", "2", "1天2小时", "0"],
    ]


async def test_incident_docx_timeline_and_evidence(services):
    document = open_docx(to_docx(await report_document(services, "incident", "YQ-20261125-0001")))
    assert headings(document) == [
        "舆情专报 YQ-20261125-0001",
        "一、基本情况",
        "二、事件经过",
        "三、传播与证据",
        "四、处置结果",
        "五、响应评估",
    ]
    assert len(document.inline_shapes) == 0
    steps = [[c.text for c in row.cells] for row in document.tables[1].rows][1:]
    assert [s[1] for s in steps] == ["发现并立案", "推送预警", "确认", "指派", "传播扩散", "逐级上报", "办结"]
    assert steps[3] == ["11-25 09:15", "指派", "李明", "→ 王芳：请核实"]
    body = "\n".join(p.text for p in document.paragraphs)
    assert "证据1：https://news.example.cn/a1" in body and "证据3：https://news.example.cn/a3" in body
    assert "11-25 15:00 办结：已澄清并发布通报" in body
    verdicts = [[c.text for c in row.cells] for row in document.tables[2].rows][1:]
    assert verdicts == [
        ["发现 → 报送", "2分钟", "—", "已报送"],
        ["报送 → 确认", "8分钟", "30分钟", "按时"],
        ["确认 → 办结", "5小时50分钟", "1天", "按时"],
    ]


async def test_unknown_incident_has_no_document(services):
    assert await report_document(services, "incident", "YQ-20990101-0001") is None


def test_evaluation_counts_per_person_and_department():
    window = Window("近7日", local(11, 20, 0), NOW)
    ev = evaluate(incidents(), window, NOW, scenario_config().people)
    assert len(ev.timings) == 6  # below-threshold F is not evaluated
    assert (ev.ack_overdue, ev.resolve_overdue) == (2, 0)
    assert [(t.name, t.acks, t.ack_overdue, t.resolves) for t in ev.people] == [
        ("张三", 1, 1, 0),
        ("李明", 2, 0, 0),
        ("王芳", 0, 0, 2),
    ]
    assert [t.name for t in ev.departments] == ["办公室", "舆情中心", "宣传处"]
    # by tier: E (III) was never acknowledged and is overdue; B (I) was acknowledged late
    assert [(t.name, t.acks, t.ack_overdue, t.resolves) for t in ev.tiers] == [
        ("特别重大（I）", 1, 1, 0),
        ("重大（II）", 1, 0, 1),
        ("较大（III）", 0, 1, 0),
        ("一般（IV）", 1, 0, 1),
    ]
    assert {p["name"]: p["department"] for p in PEOPLE}["王芳"] == "宣传处"


def test_timeline_orders_by_time_and_evidence_is_numbered():
    a = next(i for i in incidents() if i.number == "YQ-20261125-0001")
    steps = timeline(a, list(reversed(actions_for_a())))
    assert [s.at for s in steps] == sorted(s.at for s in steps)
    assert evidence(a) == [
        "证据1：https://news.example.cn/a1",
        "证据2：https://forum.example.cn/a2",
        "证据3：https://news.example.cn/a3",
    ]


async def test_reports_name_sources_as_readers_know_them(store, tmp_path):
    """An office reads 江城市新闻网, not the config id city-news (an unknown id stays as is)."""
    await fill(store)
    sources = [
        {"id": "city-news", "kind": "rss", "url": "https://news.example.cn/rss", "name": "江城市新闻网"},
        {"id": "forum-gbk", "kind": "rss", "url": "https://forum.example.cn/rss", "name": "江城论坛"},
    ]
    config = scenario_config(sources=sources, briefing={"files_dir": str(tmp_path / "files")})
    services = Services(config, store, FakeClock(NOW), People(config.people), IncidentService(config, store))
    special, _ = to_markdown(await report_document(services, "incident", "YQ-20261125-0001"))
    assert "| 来源 | 江城市新闻网、江城论坛 |" in special
    a = next(i for i in incidents() if i.number == "YQ-20261125-0001")
    a = a.replace(published_at=a.discovered_at - timedelta(hours=1))
    assert timeline(a, [], services.source_names)[0].who == "江城市新闻网"  # 原文发布
    sent = Action("n", a.number, ActionKind.NOTIFY, SYSTEM, a.discovered_at, chat="telegram:-200")
    assert timeline(a, [sent], chat_names={"telegram:-200": "Telegram领导群"})[-1].detail == "至 Telegram领导群"
    daily, _ = to_markdown(await report_document(services, "weekly"))
    assert "江城市新闻网" in daily and "city-news" not in daily
    assert "weibo" in (await incident_report(services, "YQ-20261125-0002"))  # not configured: its id


async def test_markdown_escapes_scraped_text_and_writes_the_chart(services):
    bad = incidents()[4].replace(number="YQ-20261126-0009", title="<script>x</script> | [点我](http://evil) *粗*")
    await services.store.put_incident(bad)
    text, images = to_markdown(await report_document(services, "daily"), image_prefix="r-")
    assert "\\<script\\>x\\</script\\> \\| \\[点我\\]\\(http://evil\\) \\*粗\\*" in text
    assert "<script>" not in text
    assert list(images) == ["r-chart.png"] and images["r-chart.png"][:4] == b"\x89PNG"
    assert "![图1 近7日与近30日各等级新增事件及负面占比](r-chart.png)" in text
    assert md_escape("a\nb") == "a b"


async def test_export_report_files(tmp_path):
    store_path = tmp_path / "s.json"
    store = TinyDBStore(store_path)
    await store.open()
    await fill(store)
    await store.close()
    config = scenario_config(store={"path": str(store_path)}, briefing={"files_dir": str(tmp_path / "f")})
    out = tmp_path / "out" / "weekly.md"
    message = await export_report(config, "weekly", out=str(out), clock=FakeClock(NOW))
    assert message == f"已写入 {out}（图片 weekly-chart.png）"
    assert out.read_text(encoding="utf-8").startswith("# 舆情周报（近7日）")
    assert (out.parent / "weekly-chart.png").read_bytes()[:4] == b"\x89PNG"
    docx_out = tmp_path / "special.docx"
    await export_report(config, "incident", "yq-20261125-0001", str(docx_out), clock=FakeClock(NOW))
    assert headings(open_docx(docx_out.read_bytes()))[0] == "舆情专报 YQ-20261125-0001"
    printed = await export_report(config, "daily", clock=FakeClock(NOW))
    assert printed.startswith("# 舆情日报（今日）") and "chart.png" not in printed
    with pytest.raises(ReportError, match="没有编号为 YQ-20990101-0001 的事件"):
        await export_report(config, "incident", "YQ-20990101-0001", None, clock=FakeClock(NOW))
    with pytest.raises(ReportError, match=r"\.docx 或 \.md"):
        await export_report(config, "daily", out=str(tmp_path / "x.pdf"))


async def test_export_report_while_the_bot_holds_the_store(tmp_path):
    """The bot never stops: a report reads what it last committed (snapshot + journal), lock or not."""
    store_path = tmp_path / "s.json"
    store = TinyDBStore(store_path)
    await store.open()  # and stays open, as the running bot's does
    try:
        await fill(store)
        config = scenario_config(store={"path": str(store_path)}, briefing={"files_dir": str(tmp_path / "f")})
        docx_out = tmp_path / "special.docx"
        await export_report(config, "incident", "yq-20261125-0001", str(docx_out), clock=FakeClock(NOW))
        assert headings(open_docx(docx_out.read_bytes()))[0] == "舆情专报 YQ-20261125-0001"
    finally:
        await store.close()


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(Path(__file__).resolve().parents[1]), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip


def test_cli_report(tmp_path):
    config = {"store": {"path": str(tmp_path / "s.json")}, "people": PEOPLE, "demo": {"enabled": False}}
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    done = run_cli("report", "evaluation", "-c", "c.yaml", "--out", "e.docx", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert headings(open_docx((tmp_path / "e.docx").read_bytes()))[0] == "舆情处置总结评估（近7日）"
    done = run_cli("report", "incident", "-c", "c.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "报告错误: report incident 需要事件编号，例如 report incident YQ-20261126-0001"
    ]
    (tmp_path / "bad.yaml").write_text("briefing: {times: ['25:00']}\n", encoding="utf-8")
    done = run_cli("report", "daily", "-c", "bad.yaml", cwd=tmp_path)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


async def test_incident_report_cites_the_evidence_archive(store, tmp_path):
    from bot.evidence import EvidenceArchive
    from bot.models import Item

    await fill(store)
    config = scenario_config(evidence={"enabled": True, "path": str(tmp_path / "ev")})
    services = Services(config, store, FakeClock(NOW), People(config.people), IncidentService(config, store))
    a = await store.get_incident("YQ-20261125-0001")
    item = Item("city-news", "https://news.example.cn/a1", a.title, text="厂区异味", fetched_at=a.discovered_at)
    folder = EvidenceArchive(config.evidence.path, config.zone).archive(a, [item], NOW)
    sha = EvidenceArchive(config.evidence.path, config.zone).hashes(a)[0][1]
    document = open_docx(to_docx(await report_document(services, "incident", a.number)))
    body = [p.text for p in document.paragraphs]
    assert f"证据1：https://news.example.cn/a1（存档 01-text.txt sha256:{sha[:12]}）" in body
    assert "证据2：https://forum.example.cn/a2" in body  # not archived: the reference alone
    assert (folder / "01-text.txt").is_file()


def test_document_tables_are_capped():
    from bot.briefing.reports import MAX_DOC_ROWS, briefing_document
    from bot.briefing.stats import collect

    many = [incidents()[1].replace(number=f"YQ-20261124-{n:04d}") for n in range(MAX_DOC_ROWS + 50)]
    data = collect(many, Window("今日", local(11, 26, 0), NOW), NOW, scenario_config().zone)
    document = open_docx(to_docx(briefing_document(data, scenario_config().zone, "舆情日报", None)))
    open_table = document.tables[1]
    assert len(open_table.rows) == MAX_DOC_ROWS + 1  # header + capped rows
    assert "（另有 50 条未列出）" in [p.text for p in document.paragraphs]


async def test_daily_docx_lists_incidents_held_back_by_a_silence(services):
    from bot.models import SYSTEM, Action, ActionKind
    from bot.silences import HELD_PREFIX

    number = "YQ-20261126-0001"
    note = Action(f"{number}:held", number, ActionKind.NOTE, SYSTEM, local(11, 26, 7, 1), note=f"{HELD_PREFIX}测试静默")
    await services.store.append_action(note)
    body = [p.text for p in open_docx(to_docx(await report_document(services, "daily"))).paragraphs]
    assert "静默未推送 1 条：" in body
    assert f"{number} 市国资委召开专题会议" in body
