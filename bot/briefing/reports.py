"""The office's documents as `Report`s: 舆情日报/周报, 舆情专报, 总结评估.

Each builder takes plain data (BriefingData, an incident and its actions, an
Evaluation) and returns blocks; Markdown and Word render the same blocks.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.briefing.document import Block, Bullets, Figure, Para, Report, Table
from bot.briefing.evaluation import Evaluation, Tally, Timing, timing
from bot.briefing.special import evidence, timeline
from bot.briefing.stats import PUSHED_TIERS, BriefingData
from bot.briefing.text import time_left, trend_word
from bot.durations import format_duration
from bot.models import Action, Incident
from bot.render import local_time
from bot.response_times import DEFINITION_NOTE
from bot.roster.figures import COUNTING, figures_table


def span(delta: timedelta | None) -> str:
    return format_duration(delta) if delta is not None else "—"


def _window_line(start: datetime, end: datetime, now: datetime, zone: ZoneInfo) -> str:
    return f"统计时段：{local_time(start, zone)} 至 {local_time(min(end, now), zone)}（生成于 {local_time(now, zone)}）"


MAX_DOC_ROWS = 200  # a forwarded Word file stays readable; the audit export has everything


def _listing(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[Block]:
    """A table of at most MAX_DOC_ROWS rows, and a line saying how many were left out."""
    blocks: list[Block] = [Table(headers, tuple(rows[:MAX_DOC_ROWS]))]
    if len(rows) > MAX_DOC_ROWS:
        blocks.append(Para(f"（另有 {len(rows) - MAX_DOC_ROWS} 条未列出）"))
    return blocks


def _incident_sections(report: Report, data: BriefingData, zone: ZoneInfo) -> None:
    """一、二、三: new, open and resolved incidents as tables."""
    now, s = data.now, data.by_sentiment
    tiers = "，".join(f"{t.label}（{t.roman}）{data.by_tier.get(t, 0)} 条" for t in PUSHED_TIERS)
    report.section(
        "一、新增舆情",
        Para(f"新增 {len(data.new)} 条：{tiers}。负面 {s['negative']}，中性 {s['neutral']}，正面 {s['positive']}。"),
        *_listing(
            ("编号", "等级", "倾向", "标题", "来源", "发现时间"),
            [
                (
                    i.number,
                    i.tier.label,
                    i.sentiment.label_zh,
                    i.title,
                    data.source_name(i.source_id),
                    local_time(i.discovered_at, zone),
                )
                for i in data.new
                if i.tier.pushed
            ],
        ),
    )
    report.section(
        "二、未办结事件",
        Para(f"未办结 {len(data.open)} 条，其中超时 {len(data.overdue)} 条。"),
        *_listing(
            ("编号", "等级", "状态", "负责人", "时限", "标题"),
            [
                (i.number, i.tier.label, i.status.label, i.assignee or "未指派", time_left(i, now), i.title)
                for i in data.open
            ],
        ),
    )
    report.section(
        "三、已办结事件",
        *_listing(
            ("编号", "标题", "办结时间", "处置结果"),
            [(i.number, i.title, local_time(i.resolved_at, zone), i.result) for i in data.resolved],
        ),
    )


def briefing_document(data: BriefingData, zone: ZoneInfo, title: str, chart: bytes | None) -> Report:
    """舆情日报/周报: the briefing's sections as headings, tables and the chart."""
    w = data.window
    report = Report(title, _window_line(w.start, w.end, data.now, zone))
    _incident_sections(report, data, zone)
    spread = tuple(f"{i.number} {i.title}：{i.spread} 条，{len(i.sources)} 个来源" for i in data.top_spread)
    report.section("四、传播情况", Bullets(spread or ("无",)))
    trend = [
        f"本期新增 {len(data.new)} 条，相关信息 {sum(i.spread for i in data.new)} 条，"
        f"{trend_word(len(data.new), data.previous_total)}。",
        "近7日每日新增：" + "，".join(f"{d.day:%m-%d} {d.total}" for d in data.daily) + "。",
    ]
    report.section("五、趋势", *(Para(t) for t in trend))
    if chart is not None:
        report.add(Figure(chart, "图1 近7日与近30日各等级新增事件及负面占比", "chart.png"))
    sources = tuple(f"{p.name}：连续失败 {p.failures} 次，{p.last_error}" for p in data.failing) or ("全部正常",)
    watches = "、".join(data.watches) or "无"
    schemes = "、".join(data.schemes) or "无"
    report.section("六、来源与监测", Bullets(sources), Para(f"紧急关注词：{watches}；监测方案：{schemes}"))
    if data.held:  # held back by a /silence: not pushed, still reported
        report.add(
            Para(f"静默未推送 {len(data.held)} 条："), Bullets(tuple(f"{i.number} {i.title}" for i in data.held))
        )
    return report


def _timing_rows(t: Timing) -> tuple[tuple[str, ...], ...]:
    def verdict(overdue: bool, done: datetime | None) -> str:
        return "超时" if overdue else ("按时" if done else "进行中")

    i = t.incident
    return (
        ("发现 → 报送", span(t.to_report), "—", "已报送" if i.reported_at else "未报送"),
        ("报送 → 确认", span(t.to_ack), span(t.ack_limit), verdict(t.ack_overdue, i.acked_at)),
        ("确认 → 办结", span(t.to_resolve), span(t.resolve_limit), verdict(t.resolve_overdue, i.resolved_at)),
    )


def incident_document(
    incident: Incident,
    actions: list[Action],
    now: datetime,
    zone: ZoneInfo,
    manifest: dict | None = None,
    source_names: dict[str, str] | None = None,
    chat_names: dict[str, str] | None = None,
    spread: Sequence[Block] = (),
) -> Report:
    """舆情专报: summary, timeline, propagation (`spread`: bot.briefing.propagation) and evidence,
    result and the response-time evaluation."""
    i, names = incident, source_names or {}
    report = Report(f"舆情专报 {i.number}", f"生成于 {local_time(now, zone)}")
    report.section(
        "一、基本情况",
        Table(
            ("项目", "内容"),
            (
                ("标题", i.title),
                ("等级", f"{i.tier.label}（{i.tier.roman}）"),
                ("状态", i.status.label),
                ("倾向", i.sentiment.label_zh),
                ("来源", "、".join(names.get(s, s) for s in i.sources or [i.source_id])),
                ("发布时间", local_time(i.published_at, zone)),
                ("发现时间", local_time(i.discovered_at, zone)),
                ("报送时间", local_time(i.reported_at, zone)),
                ("负责人", i.assignee or "未指派"),
                ("研判", i.reason or "—"),
            ),
        ),
    )
    steps = timeline(i, actions, names, chat_names)
    report.section(
        "二、事件经过",
        Table(
            ("时间", "环节", "经办", "说明"), tuple((local_time(s.at, zone), s.what, s.who, s.detail) for s in steps)
        ),
    )
    report.section(
        "三、传播与证据",
        *(spread or (Para(f"共 {i.spread} 条相关信息，来自 {len(i.sources)} 个来源。"),)),
        Para("证据："),
        Bullets(tuple(evidence(i, manifest)) or ("无",)),
    )
    result = (
        f"{local_time(i.resolved_at, zone)} 办结：{i.result}" if i.resolved_at else f"尚未办结（{time_left(i, now)}）"
    )
    report.section("四、处置结果", Para(result))
    report.section(
        "五、响应评估",
        Table(("环节", "用时", "时限", "结论"), _timing_rows(timing(i, now)), labelled=True),
        Para(DEFINITION_NOTE),
    )
    return report


def _tally_rows(tallies: list[Tally]) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (
            t.name,
            str(t.acks),
            span(t.avg_ack),
            str(t.ack_overdue),
            str(t.resolves),
            span(t.avg_resolve),
            str(t.resolve_overdue),
        )
        for t in tallies
    )


TALLY_HEADERS = ("", "确认数", "平均确认用时", "确认超时", "办结数", "平均办结用时", "办结超时")


def _verdict(t: Timing) -> str:
    late = [name for name, flag in (("确认超时", t.ack_overdue), ("办结超时", t.resolve_overdue)) if flag]
    return "、".join(late) or "按时"


def evaluation_document(ev: Evaluation, zone: ZoneInfo) -> Report:
    """总结评估: totals, per person, per department, and every incident's intervals."""
    w = ev.window
    report = Report(f"舆情处置总结评估（{w.label}）", _window_line(w.start, w.end, ev.now, zone))
    report.section(
        "一、总体情况",
        Para(
            f"评估事件 {len(ev.timings)} 条；确认超时 {ev.ack_overdue} 条，办结超时 {ev.resolve_overdue} 条。"
            f"平均用时：发现→报送 {span(ev.average('to_report'))}，报送→确认 {span(ev.average('to_ack'))}，"
            f"确认→办结 {span(ev.average('to_resolve'))}。"
        ),
        Para(DEFINITION_NOTE),
    )
    report.section("二、按等级", Table(("等级", *TALLY_HEADERS[1:]), _tally_rows(ev.tiers), labelled=True))
    report.section("三、按人员", Table(("人员", *TALLY_HEADERS[1:]), _tally_rows(ev.people), labelled=True))
    report.section("四、按部门", Table(("部门", *TALLY_HEADERS[1:]), _tally_rows(ev.departments), labelled=True))
    if ev.duty:
        report.section(
            "五、按值班员（值班表）",
            Para("告警归属发现时的值班员（含换班、顶班），按人和班次统计"),
            figures_table(ev.duty, by_shift=True),
            Bullets(COUNTING),
        )
    late_first = sorted(ev.timings, key=lambda t: not (t.ack_overdue or t.resolve_overdue))
    rows = [
        (t.incident.number, t.incident.tier.label, span(t.to_report), span(t.to_ack), span(t.to_resolve), _verdict(t))
        for t in late_first
    ]
    report.section(
        f"{'六' if ev.duty else '五'}、逐件明细（超时在前）",
        *_listing(("编号", "等级", "发现→报送", "报送→确认", "确认→办结", "结论"), rows),
    )
    return report
