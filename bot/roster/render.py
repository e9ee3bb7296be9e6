"""How a shift reads in chat and in the terminal (Chinese, local time)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.roster.model import Duty, Slot

WEEKDAYS = "一二三四五六日"


def slot_text(slot: Slot, zone: ZoneInfo) -> str:
    a, b = slot.start.astimezone(zone), slot.end.astimezone(zone)
    end = b.strftime("%H:%M") if b.date() == a.date() else f"次日{b:%H:%M}"
    return f"{a:%m-%d}（周{WEEKDAYS[a.weekday()]}）{slot.shift} {a:%H:%M}–{end}"


def duty_text(duty: Duty, zone: ZoneInfo) -> str:
    who = duty.duty or "⚠️无人值班"
    if duty.covering is not None and duty.covering.end is not None:
        who += f"（顶班至 {duty.covering.end.astimezone(zone):%H:%M}）"
    elif duty.swapped is not None:
        who += "（已换班）"
    return f"{slot_text(duty.slot, zone)}：值班员 {who}，备班 {duty.backup or '无'}，带班领导 {duty.leader or '无'}"
