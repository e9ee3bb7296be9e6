"""The audit trail as a 舆情 office keeps it, for the monthly 考核.

One row per incident (number, URL, subject, title, source, publish /
discovery / report / ack / resolve times, who acked, assignee, result,
evidence hashes, every action in order) and the full action log. Built from
the store's append-only actions: nothing here writes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.evidence import EvidenceArchive
from bot.models import Action, ActionKind, Incident
from bot.naming import chat_label, chat_names, source_names
from bot.response_times import response_times
from bot.store.base import Store

INCIDENT_COLUMNS = [
    ("number", "事件编号"),
    ("tier", "等级"),
    ("status", "状态"),
    ("url", "链接"),
    ("subject", "涉及主体"),
    ("title", "标题"),
    ("source", "来源"),
    ("published_at", "发布时间"),
    ("discovered_at", "发现时间"),
    ("reported_at", "报送时间"),
    ("acked_at", "确认时间"),
    ("acked_by", "确认人"),
    ("assignee", "负责人"),
    ("resolved_at", "办结时间"),
    ("result", "处置结果"),
    ("report_minutes", "发现→报送(分钟)"),
    ("report_ack_minutes", "报送→确认(分钟)"),
    ("ack_minutes", "发现→确认(分钟)"),
    ("resolve_hours", "确认→办结(小时)"),
    ("evidence", "证据文件(sha256)"),
    ("actions", "处置过程"),
]
ACTION_COLUMNS = [
    ("at", "时间"),
    ("incident", "事件编号"),
    ("kind", "操作"),
    ("person", "操作人"),
    ("account", "平台账号"),
    ("chat", "群聊"),
    ("assignee", "负责人"),
    ("note", "说明"),
]
KIND_NAMES = {
    ActionKind.CREATE: "发现",
    ActionKind.ACK: "确认",
    ActionKind.ASSIGN: "指派",
    ActionKind.RESOLVE: "办结",
    ActionKind.REOPEN: "重新打开",
    ActionKind.NOTE: "备注",
    ActionKind.SPREAD: "传播",
    ActionKind.PROGRESS: "进展",
    ActionKind.UPGRADE: "升级",
    ActionKind.HOTLIST: "热榜",
    ActionKind.ESCALATE: "上报领导",
    ActionKind.REMIND: "提醒",
    ActionKind.NOTIFY: "报送",
    ActionKind.MUTE: "静默",
    ActionKind.UNMUTE: "解除静默",
    ActionKind.REFUSED: "拒绝",
    ActionKind.MERGE: "并入",
    ActionKind.ABSORB: "合并重复事件",
}


def fmt(at: datetime | None, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if at else ""


# Columns holding numbers (xlsx stores them as numbers; durations as bot/response_times.py defines them).
NUMERIC = frozenset({"report_minutes", "report_ack_minutes", "ack_minutes", "resolve_hours"})
Cell = str | float


def incident_row(
    inc: Incident, actions: list[Action], zone: ZoneInfo, names: dict[str, str], evidence: EvidenceArchive | None
) -> dict[str, Cell]:
    subject = "、".join(inc.match.words("subject")) if inc.match else ""
    hashes = evidence.hashes(inc) if evidence else []
    times = response_times(inc)
    steps = [f"{fmt(a.at, zone)} {a.actor.display} {KIND_NAMES.get(a.kind, a.kind.value)}{_detail(a)}" for a in actions]
    return {
        "number": inc.number,
        "tier": f"{inc.tier.roman} {inc.tier.label}",
        "status": inc.status.label,
        "url": inc.url,
        "subject": subject,
        "title": inc.title,
        "source": names.get(inc.source_id, inc.source_id),
        "published_at": fmt(inc.published_at, zone),
        "discovered_at": fmt(inc.discovered_at, zone),
        "reported_at": fmt(inc.reported_at, zone),
        "acked_at": fmt(inc.acked_at, zone),
        "acked_by": inc.acked_by,
        "assignee": inc.assignee,
        "resolved_at": fmt(inc.resolved_at, zone),
        "result": inc.result,
        "report_minutes": _in(times.to_report, 60),
        "report_ack_minutes": _in(times.report_to_ack, 60),
        "ack_minutes": _in(times.to_ack, 60),
        "resolve_hours": _in(times.ack_to_resolve, 3600),
        "evidence": "\n".join(f"{name} {digest}" for name, digest in hashes),
        "actions": "\n".join(steps),
    }


def action_row(action: Action, zone: ZoneInfo, chats: dict[str, str] | None = None) -> dict[str, str]:
    return {
        "at": fmt(action.at, zone),
        "incident": action.incident,
        "kind": KIND_NAMES.get(action.kind, action.kind.value),
        "person": action.actor.person,
        "account": f"{action.actor.platform}:{action.actor.user_id}",
        "chat": chat_label(chats or {}, action.chat),
        "assignee": action.assignee,
        "note": action.note,
    }


async def audit_tables(
    store: Store, config: Config, start: datetime, end: datetime
) -> tuple[list[dict[str, Cell]], list[dict[str, str]]]:
    """(incident rows discovered in [start, end), every action in [start, end) in order)."""
    zone, names, chats = config.zone, source_names(config), chat_names(config.chats)
    evidence = EvidenceArchive(config.evidence.path, zone)  # read even if archiving is now off
    actions = await store.actions()
    by_incident: dict[str, list[Action]] = {}
    for a in actions:
        by_incident.setdefault(a.incident, []).append(a)
    rows = [
        incident_row(inc, by_incident.get(inc.number, []), zone, names, evidence)
        for inc in await store.incidents(since=start)
        if inc.discovered_at < end
    ]
    log = [action_row(a, zone, chats) for a in actions if start <= a.at < end]
    return rows, log


def _detail(action: Action) -> str:
    extra = f" → {action.assignee}" if action.assignee else ""
    return extra + (f"：{action.note}" if action.note else "")


def _in(delta: timedelta | None, unit: int) -> Cell:
    """A duration in minutes or hours, one decimal; "" when it has not happened."""
    return round(delta.total_seconds() / unit, 1) if delta is not None else ""
