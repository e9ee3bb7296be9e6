"""The monthly 考核 report counts per 值班员 what happened on their shifts."""

from __future__ import annotations

import asyncio
import io
import zipfile
from datetime import timedelta

import yaml

from bot.briefing.markdown import to_markdown
from bot.deadlines import check_deadlines
from bot.models import ActionKind, Actor, Tier
from bot.roster.assessment import monthly_figures, monthly_report
from bot.roster.handover import accept
from bot.roster.shifts import check_shifts
from tests.conftest import BASE_CONFIG
from tests.test_deadlines import new_incident
from tests.test_roster import PEOPLE, ROSTER
from tests.test_roster_escalation import duty_services


async def scenario(store, clock):
    """11-26 (李明's day, daily hand-on): two alerts, one acked in time, one escalated; 11-27 (赵磊): one alert, late 接班."""
    s = duty_services(store, clock)
    await check_shifts(s)  # 08:30 card for 11-26 白班 (incoming 李明)
    await accept(s, Actor("telegram", "2", "李明"), "telegram:-100")
    quick = await new_incident(s, Tier.II)
    clock.advance(timedelta(minutes=10))
    await s.incidents.act(quick.number, ActionKind.ACK, Actor("telegram", "2", "李明"), clock.now())
    slow = await new_incident(s, Tier.II)
    for _ in range(4):  # 30 min deadline, then 15 min steps: 备班, 带班领导
        clock.advance(timedelta(minutes=15))
        await check_deadlines(s)
    await s.incidents.act(slow.number, ActionKind.ACK, Actor("telegram", "1", "张三"), clock.now())
    clock.advance(timedelta(hours=24) - timedelta(minutes=70))  # 08:30 on 11-27: 赵磊's day
    await check_shifts(s)
    clock.advance(timedelta(minutes=45))
    await check_shifts(s)
    await accept(s, Actor("telegram", "4", "赵磊"), "telegram:-100")  # 45 min: past handover_accept (30 min)
    await new_incident(s, Tier.III)
    return s


async def test_per_person_figures(store, clock):
    s = await scenario(store, clock)
    rows = {f.name: f for f in await monthly_figures(s, "2026-11")}
    li, zhao = rows["李明"], rows["赵磊"]
    assert (li.alerts, li.acked_in_time, li.escalated, li.handover_late) == (2, 1, 1, 0)
    assert li.median_ack == "35分钟"  # 10 min and 60 min
    assert (zhao.alerts, zhao.acked_in_time, zhao.escalated, zhao.handover_late) == (1, 0, 0, 1)
    assert li.shifts == zhao.shifts == 20  # every third day of November, two shifts a day (the rotation runs back too)
    text, _ = to_markdown(await monthly_report(s, "2026-11"))
    assert "| 李明 | 20 | 2 | 1/2 | 35分钟 | 1 | 0 | 0 |" in text


def test_cli_writes_markdown_and_docx(tmp_path, clock, capsys):
    from bot.cli import main
    from bot.store.tinydb_store import TinyDBStore

    async def fill() -> None:
        store = TinyDBStore(tmp_path / "store.json")
        await store.open()
        await scenario(store, clock)
        await store.close()

    asyncio.run(fill())
    path = tmp_path / "config.yaml"
    data = {**BASE_CONFIG, "people": PEOPLE, "roster": ROSTER, "store": {"path": str(tmp_path / "store.json")}}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    out = tmp_path / "考核.md"
    assert main(["report", "monthly", "--month", "2026-11", "-c", str(path), "-o", str(out)]) == 0
    assert "| 赵磊 | 20 | 1 | 0/1 |" in out.read_text("utf-8")
    assert main(["report", "monthly", "--month", "2026-11", "-c", str(path), "-o", str(tmp_path / "k.docx")]) == 0
    assert (tmp_path / "k.docx").read_bytes()[:2] == b"PK"
    assert main(["report", "monthly", "--month", "2026-13", "-c", str(path)]) == 2
    assert "月份应写作 2026-11" in capsys.readouterr().err


async def test_evaluation_has_the_same_figures_per_person_and_shift(store, clock):
    """The 总结评估 reuses the monthly computation, split by shift: .md and .docx carry the same table."""
    from bot.briefing.build import evaluation, evaluation_text, report_document
    from bot.briefing.word import to_docx

    s = await scenario(store, clock)
    ev = await evaluation(s, "week")
    rows = {(f.name, f.shift): f for f in ev.duty}
    day = rows[("李明", "白班")]
    assert (day.alerts, day.acked_in_time, day.escalated, day.median_ack) == (2, 1, 1, "35分钟")
    assert rows[("赵磊", "白班")].handover_late == 1 and rows[("赵磊", "白班")].alerts == 1
    assert rows[("李明", "夜班")].alerts == 0  # the night of 11-26 had none
    text, _ = to_markdown(await report_document(s, "evaluation", "week"))
    assert "## 五、按值班员（值班表）" in text and "## 六、逐件明细（超时在前）" in text
    assert f"| 李明 | 白班 | {day.shifts} | 2 | 1/2 | 35分钟 | 1 | 0 | 0 |" in text
    chat = await evaluation_text(s, "week")  # /brief 评估: labelled lines, readable on a phone
    assert (
        f"  李明：班次 白班，值班班次 {day.shifts}，告警 2，按时确认 1/2，确认用时中位数 35分钟，升级到领导 1\n" in chat
    )
    docx = to_docx(await report_document(s, "evaluation", "week"))
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        body = z.read("word/document.xml").decode()
    assert "五、按值班员（值班表）" in body and "35分钟" in body
