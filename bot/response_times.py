"""How long each step of a response took: the one definition the evaluation, the 专报 and the export share.

Every duration has a stated start. An incident acknowledged before its alert went
out (its alert was held by storm control or quiet hours and someone acked it from
/list) is counted from discovery: a response time is never negative.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.models import Incident

# What each measure means, in the words the reports print.
DEFINITIONS = (
    "发现→报送：从机器人发现信息到第一条告警发出",
    "报送→确认：从告警发出到有人确认；告警发出前已确认的（如告警因汇总或静默时段暂缓时在 /list 中确认），从发现时起算",
    "发现→确认：从发现到有人确认",
    "确认→办结：从确认到办结",
)
DEFINITION_NOTE = "用时口径：" + "；".join(DEFINITIONS) + "。"


@dataclass(frozen=True)
class ResponseTimes:
    to_report: timedelta | None  # 发现→报送
    report_to_ack: timedelta | None  # 报送→确认 (from discovery when acked before the alert went out)
    to_ack: timedelta | None  # 发现→确认
    ack_to_resolve: timedelta | None  # 确认→办结


def elapsed(start: datetime | None, end: datetime | None) -> timedelta | None:
    """end − start, None when either is missing, never below zero."""
    if start is None or end is None:
        return None
    return max(end - start, timedelta(0))


def ack_start(incident: Incident) -> datetime:
    """Where 报送→确认 starts: the report, unless the ack came first (or nothing was reported)."""
    reported, acked = incident.reported_at, incident.acked_at
    if reported is not None and (acked is None or reported <= acked):
        return reported
    return incident.discovered_at


def response_times(incident: Incident) -> ResponseTimes:
    i = incident
    return ResponseTimes(
        to_report=elapsed(i.discovered_at, i.reported_at),
        report_to_ack=elapsed(ack_start(i), i.acked_at),
        to_ack=elapsed(i.discovered_at, i.acked_at),
        ack_to_resolve=elapsed(i.acked_at or i.discovered_at, i.resolved_at),
    )
