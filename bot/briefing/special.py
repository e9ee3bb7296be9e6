"""舆情专报 for one incident: the timeline from discovery to result, with evidence.

Built from the incident and its audit trail (actions), so every line of the
report points back to a recorded step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.models import Action, ActionKind, Incident

KIND_LABELS = {
    ActionKind.CREATE: "发现并立案",
    ActionKind.SPREAD: "传播扩散",
    ActionKind.PROGRESS: "进展（辟谣/澄清）",
    ActionKind.NOTIFY: "推送预警",
    ActionKind.UPGRADE: "升级",
    ActionKind.HOTLIST: "热榜",
    ActionKind.ESCALATE: "逐级上报",
    ActionKind.REMIND: "催办提醒",
    ActionKind.ACK: "确认",
    ActionKind.ASSIGN: "指派",
    ActionKind.RESOLVE: "办结",
    ActionKind.REOPEN: "重新打开",
    ActionKind.NOTE: "备注",
    ActionKind.MUTE: "静默",
    ActionKind.UNMUTE: "取消静默",
    ActionKind.REFUSED: "拒绝操作",
    ActionKind.MERGE: "并入同一事件",
    ActionKind.ABSORB: "合并重复事件",
}


@dataclass(frozen=True)
class Step:
    at: datetime
    what: str
    who: str
    detail: str = ""


def _action_step(action: Action, chat_names: dict[str, str]) -> Step:
    label = KIND_LABELS.get(action.kind, action.kind.value)
    detail = action.note
    if action.kind is ActionKind.ASSIGN and action.assignee:
        detail = f"→ {action.assignee}" + (f"：{action.note}" if action.note else "")
    elif action.kind is ActionKind.NOTIFY and action.chat:
        detail = f"至 {chat_names.get(action.chat, action.chat)}" + (f"：{action.note}" if action.note else "")
    return Step(action.at, label, action.actor.display, detail)


def timeline(
    incident: Incident,
    actions: list[Action],
    source_names: dict[str, str] | None = None,
    chat_names: dict[str, str] | None = None,
) -> list[Step]:
    """Publication, then every recorded action, in time order (stable for ties)."""
    steps: list[Step] = []
    if incident.published_at is not None:
        source = (source_names or {}).get(incident.source_id, incident.source_id)
        steps.append(Step(incident.published_at, "原文发布", source, incident.url))
    if not any(a.kind is ActionKind.CREATE for a in actions):
        steps.append(Step(incident.discovered_at, KIND_LABELS[ActionKind.CREATE], "值守机器人", incident.reason))
    steps += [_action_step(a, chat_names or {}) for a in actions]
    indexed = sorted(enumerate(steps), key=lambda p: (p[1].at, p[0]))
    return [s for _, s in indexed]


def evidence(incident: Incident, manifest: dict | None = None) -> list[str]:
    """Numbered evidence references: the first item, then each similar/reposted one,
    each with its archived files (name and sha256 prefix) when the evidence archive holds them."""
    refs = [incident.url] if incident.url else []
    refs += [k for k in incident.item_keys if k not in refs]
    saved: dict[str, list[str]] = {}
    for entry in (manifest or {}).get("files", []):
        saved.setdefault(entry.get("url", ""), []).append(f"{entry.get('name')} sha256:{str(entry.get('sha256'))[:12]}")
    lines = []
    for n, ref in enumerate(refs, 1):
        archived = f"（存档 {'；'.join(saved[ref])}）" if ref in saved else ""
        lines.append(f"证据{n}：{ref}{archived}")
    return lines
