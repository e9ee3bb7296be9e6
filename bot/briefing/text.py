"""The briefing as chat text: Chinese, short lines, readable on a phone screen.

Lists are capped so one briefing stays one message (Telegram allows 4096
characters); what is left out is counted and pointed to /list.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.briefing.stats import PUSHED_TIERS, BriefingData, DayCount, next_due
from bot.durations import format_duration
from bot.models import Incident, Tier
from bot.render import local_time

MAX_LINES_PER_LIST = 8
MAX_CHARS = 3800
TITLE_CHARS = 22
SPARKS = "▁▂▃▄▅▆▇█"


def short(title: str, limit: int = TITLE_CHARS) -> str:
    title = " ".join(title.split())
    return title if len(title) <= limit else title[: limit - 1] + "…"


def time_left(incident: Incident, now: datetime) -> str:
    due, what = next_due(incident)
    if due is None:
        return ""
    left = due - now
    if left.total_seconds() >= 0:
        return f"剩{format_duration(left)}{what}"
    return f"超时{format_duration(-left)}未{what}"


def tier_counts(by_tier: dict[Tier, int]) -> str:
    return " ".join(f"{t.emoji}{t.roman} {by_tier.get(t, 0)}" for t in PUSHED_TIERS)


def sparkline(days: list[DayCount]) -> str:
    top = max((d.total for d in days), default=0)
    if top == 0:
        return SPARKS[0] * len(days)
    return "".join(SPARKS[min(7, round(d.total * 7 / top))] for d in days)


def trend_word(now_total: int, before: int) -> str:
    if before == 0:
        return "前一周期无新增" if now_total == 0 else "前一周期为 0"
    change = (now_total - before) * 100 / before
    arrow = "↑" if change > 0 else "↓" if change < 0 else "→"
    return f"较前一周期 {arrow}{abs(change):.0f}%（{before} 条）"


def _capped(lines: list[str], total: int, hint: str) -> list[str]:
    out = lines[:MAX_LINES_PER_LIST]
    if total > len(out):
        out.append(f"  …另有 {total - len(out)} 条{hint}")
    return out


def _new_section(data: BriefingData) -> list[str]:
    s = data.by_sentiment
    below = data.by_tier.get(Tier.BELOW, 0)
    lines = [
        f"【新增】{len(data.new)} 条",
        f"  {tier_counts(data.by_tier)}" + (f" ⚪较小 {below}" if below else ""),
        f"  负面 {s['negative']} · 中性 {s['neutral']} · 正面 {s['positive']}",
    ]
    pushed = [i for i in data.new if i.tier.pushed]
    items = [f"  {i.tier.emoji}{i.number} {i.sentiment.label_zh}\n    {short(i.title)}" for i in pushed]
    return lines + _capped(items, len(pushed), "")


def _open_section(data: BriefingData, now: datetime) -> list[str]:
    if not data.open:
        return ["【未办结】0 条"]
    lines = [f"【未办结】{len(data.open)} 条，其中超时 {len(data.overdue)} 条"]
    overdue = {i.number for i in data.overdue}
    items = [
        f"  {'⚠️' if i.number in overdue else i.tier.emoji}{i.number}｜{i.assignee or '未指派'}｜{time_left(i, now)}"
        f"\n    {short(i.title)}" + (f"\n    进展：{short(i.progress)}" if i.progress else "")
        for i in data.open
    ]
    return lines + _capped(items, len(data.open), "，/list 查看")


def _resolved_section(data: BriefingData) -> list[str]:
    lines = [f"【已办结】{len(data.resolved)} 条"]
    items = [f"  ✅{i.number} {short(i.title, 16)}\n    结果：{short(i.result, 40)}" for i in data.resolved]
    return lines + _capped(items, len(data.resolved), "")


def _spread_section(data: BriefingData) -> list[str]:
    if not data.top_spread:
        return []
    lines = ["【传播最广】"]
    lines += [
        f"  {n}. {short(i.title, 18)}｜{i.spread} 条/{len(i.sources)} 个来源" for n, i in enumerate(data.top_spread, 1)
    ]
    return lines


def _trend_section(data: BriefingData) -> list[str]:
    days = data.daily
    if not days:
        return []
    counts = " ".join(str(d.total) for d in days)
    return [
        f"【趋势】近7日 {sparkline(days)}",
        f"  {days[0].day:%m-%d}→{days[-1].day:%m-%d}：{counts}",
        f"  本期 {len(data.new)} 条（相关信息 {sum(i.spread for i in data.new)} 条）",
        f"  {trend_word(len(data.new), data.previous_total)}",
    ]


def _sources_section(data: BriefingData, zone: ZoneInfo) -> list[str]:
    if not data.failing:
        return ["【来源】全部正常"]
    lines = [f"【异常来源】{len(data.failing)} 个"]
    for p in data.failing[:MAX_LINES_PER_LIST]:
        ok = local_time(p.last_success, zone) if p.last_success else "从未"
        lines.append(f"  ❗{p.name}：连续失败 {p.failures} 次，上次成功 {ok}")
        if p.last_error:
            lines.append(f"    {short(p.last_error, 40)}")
    return lines


def _held_section(data: BriefingData) -> list[str]:
    """Incidents a /silence held back: not pushed, but never out of sight."""
    if not data.held:
        return []
    lines = [f"【静默未推送】{len(data.held)} 条"]
    lines += [f"  {i.tier.emoji}{i.number} {short(i.title, 24)}" for i in data.held[:MAX_LINES_PER_LIST]]
    return lines


def _watch_section(data: BriefingData) -> list[str]:
    watches = "、".join(data.watches) if data.watches else "无"
    lines = [f"【紧急关注词】{watches}"]
    if data.schemes:
        lines.append(f"  监测方案 {len(data.schemes)} 个：{'、'.join(data.schemes)}")
    return lines


def render_text(data: BriefingData, zone: ZoneInfo, heading: str) -> str:
    """The whole briefing as one chat message."""
    w = data.window
    until = min(w.end, data.now)
    lines = [f"📰 {heading}", f"{local_time(w.start, zone)} 至 {local_time(until, zone)}", ""]
    for section in (
        _new_section(data),
        _open_section(data, data.now),
        _resolved_section(data),
        _spread_section(data),
        _trend_section(data),
        _sources_section(data, zone),
        _held_section(data),
        _watch_section(data),
    ):
        if section:
            lines += [*section, ""]
    text = "\n".join(lines).rstrip()
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS - 12].rsplit("\n", 1)[0] + "\n…（已截断）"
    return text
