"""Per-值班员 figures and their table: shared by the monthly 考核 report and the 总结评估.

Kept apart from the computation (bot.roster.assessment, which reads the store) so
the report builders can draw the table without importing the store side.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import timedelta

from bot.briefing.document import Table
from bot.durations import format_duration

NOBODY = "（无人值班）"


@dataclass
class PersonFigures:
    name: str
    shift: str = ""  # the shift's name when figures are kept per person and shift, else ""
    shifts: int = 0
    alerts: int = 0
    acked_in_time: int = 0
    escalated: int = 0
    handover_late: int = 0
    handover_missing: int = 0
    ack_times: list[timedelta] | None = None

    @property
    def median_ack(self) -> str:
        return format_duration(statistics.median(self.ack_times)) if self.ack_times else "—"


def figures_table(rows: list[PersonFigures], by_shift: bool = False) -> Table:
    """One row per 值班员 (and per shift name with `by_shift`), the same columns in every report."""
    lead = ("值班员", "班次") if by_shift else ("值班员",)
    headers = (*lead, "值班班次", "告警", "按时确认", "确认用时中位数", "升级到领导", "接班超时", "未接班")
    return Table(
        headers,
        tuple(
            (
                *((f.name, f.shift or "—") if by_shift else (f.name,)),
                str(f.shifts),
                str(f.alerts),
                f"{f.acked_in_time}/{f.alerts}",
                f.median_ack,
                str(f.escalated),
                str(f.handover_late),
                str(f.handover_missing),
            )
            for f in rows
        ),
        labelled=True,  # in chat: "李明：班次 白班，值班班次 2，告警 2，…"
    )


COUNTING = (
    "按时确认：在确认时限（tiers.deadlines）内确认的告警",
    "升级到领导：超时未确认、逐级上报到带班领导或全体的告警",
    "接班超时：超过 roster.handover_accept 才发送 /接班；未接班：交接卡片发出后无人接班",
)
