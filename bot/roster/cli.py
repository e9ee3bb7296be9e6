"""`yuqing-bot roster --from --to` and the roster lines of `yuqing-bot check` (config and CSV only).

Swaps and covers made in chat live in the store, which a running bot holds; the chat
command /oncall shows them. These commands show the plan the office configured.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.config import Config
from bot.export import ExportError, period
from bot.roster.loading import RosterError, load_roster
from bot.roster.model import duties_between, gaps
from bot.roster.render import duty_text, slot_text

CHECK_DAYS = 7


def roster_main(config: Config, start: str, end: str) -> str:
    """The plan from `start` to `end` (dates, `end` included), one shift a line; RosterError if bad."""
    roster = load_roster(config)
    if roster is None:
        return "未配置值班表（config.yaml 的 roster: 段）"
    zone = config.zone
    try:
        a, b = period(start, end, zone)  # the same --from/--to reading as export
    except ExportError as exc:
        raise RosterError(str(exc)) from None
    first, last = a.date(), (b - timedelta(days=1)).date()
    duties = [d for d in duties_between(roster, [], a, b) if first <= d.slot.day <= last]
    lines = [f"值班表 {first} 至 {last}（不含群内 /swap /cover 的调整）"]
    lines += [duty_text(d, zone) for d in duties]
    return "\n".join(lines)


def check_lines(config: Config, now: datetime) -> list[str]:
    """What `check` says about the roster: size, and every gap in the next 7 days."""
    roster = load_roster(config)
    if roster is None:
        return ["  值班表: 未配置（告警 @ 全体监测员，超时升级到全体领导）"]
    duties = duties_between(roster, [], now, now + timedelta(days=CHECK_DAYS))
    found = gaps(duties, {p.name for p in config.people})
    lines = [
        f"  值班表: {len(roster.shifts)} 个班次，轮值 {len(roster.rotation)} 人，固定排班 {len(roster.entries)} 条"
    ]
    if not found:
        lines.append(f"  值班表: 未来 {CHECK_DAYS} 天每个班次都有人值班")
    for duty, why in found:
        lines.append(f"  ⚠️ 值班缺口：{slot_text(duty.slot, config.zone)} {why}")
    return lines
