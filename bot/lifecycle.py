"""Incident state changes: one pure function, illegal moves refused.

new → acknowledged → assigned → resolved, and resolved → reopened; an open
incident merged into another (/merge) is resolved with the other's number. Actions
that do not change the state (note, escalate, remind, spread …) still bump
the version so every chat re-renders. `now` is passed in, never read here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.models import Action, ActionKind, Incident, Status


class IllegalTransition(Exception):
    """A move the lifecycle refuses; the message is shown to the user in Chinese."""


@dataclass(frozen=True)
class Event:
    incident: str
    kind: ActionKind
    before: Status
    after: Status
    actor: str
    note: str = ""

    @property
    def changed_status(self) -> bool:
        return self.before is not self.after


_NO_STATE_CHANGE = {
    ActionKind.NOTE,
    ActionKind.ESCALATE,
    ActionKind.REMIND,
    ActionKind.NOTIFY,
    ActionKind.SPREAD,
    ActionKind.PROGRESS,
    ActionKind.UPGRADE,
    ActionKind.HOTLIST,
    ActionKind.MUTE,
    ActionKind.UNMUTE,
    ActionKind.ABSORB,
}


def apply(incident: Incident, action: Action) -> tuple[Incident, Event]:
    """Return the incident after `action` and the event describing the change."""
    kind = action.kind
    if kind in _MOVES:
        after = _MOVES[kind](incident, action)
    elif kind in _NO_STATE_CHANGE:
        after = incident
    else:
        raise IllegalTransition(f"不支持的操作: {kind.value}")
    after = after.replace(version=incident.version + 1)
    return after, Event(incident.number, kind, incident.status, after.status, action.actor.display, action.note)


def _ack(incident: Incident, action: Action) -> Incident:
    if incident.status is Status.RESOLVED:  # a late ack never undoes a resolve
        raise IllegalTransition(f"{incident.number} 已办结，无需确认")
    if incident.status is not Status.NEW:
        raise IllegalTransition(f"{incident.number} 已由{incident.acked_by or '他人'}确认")
    return incident.replace(status=Status.ACKNOWLEDGED, acked_at=action.at, acked_by=action.actor.display)


def _assign(incident: Incident, action: Action) -> Incident:
    if incident.status is Status.RESOLVED:
        raise IllegalTransition(f"{incident.number} 已办结，如需继续处置请先重新打开（/reopen）")
    if not action.assignee:
        raise IllegalTransition("请指定负责人，例如 /assign YQ-… @张三")
    return incident.replace(
        status=Status.ASSIGNED,
        assignee=action.assignee,
        assigned_at=action.at,
        acked_at=incident.acked_at or action.at,
        acked_by=incident.acked_by or action.actor.display,
    )


def _resolve(incident: Incident, action: Action) -> Incident:
    if incident.status is Status.RESOLVED:
        raise IllegalTransition(f"{incident.number} 已于此前办结")
    if not action.note.strip():
        raise IllegalTransition("请写明处置结果，例如 /resolve YQ-… 已澄清")
    return incident.replace(
        status=Status.RESOLVED,
        resolved_at=action.at,
        result=action.note.strip(),
        acked_at=incident.acked_at or action.at,
        acked_by=incident.acked_by or action.actor.display,
    )


def _reopen(incident: Incident, action: Action) -> Incident:
    if incident.status is not Status.RESOLVED:
        raise IllegalTransition(f"{incident.number} 尚未办结，无需重新打开")
    status = Status.ASSIGNED if incident.assignee else Status.ACKNOWLEDGED
    return incident.replace(status=status, resolved_at=None, result="", merged_into="")


def _merge(incident: Incident, action: Action) -> Incident:
    into = action.note
    if incident.status is Status.RESOLVED:
        raise IllegalTransition(f"{incident.number} 已办结，不能再并入其他事件；如需合并请先 /reopen")
    if not into or into == incident.number:
        raise IllegalTransition("请写明要并入的事件编号，例如 /merge YQ-… YQ-…（不能并入自身）")
    return incident.replace(
        status=Status.RESOLVED,
        resolved_at=action.at,
        result=f"已并入 {into}（同一事件）",
        merged_into=into,
        related="",
        acked_at=incident.acked_at or action.at,
        acked_by=incident.acked_by or action.actor.display,
    )


_MOVES: dict[ActionKind, Callable[[Incident, Action], Incident]] = {
    ActionKind.ACK: _ack,
    ActionKind.ASSIGN: _assign,
    ActionKind.RESOLVE: _resolve,
    ActionKind.REOPEN: _reopen,
    ActionKind.MERGE: _merge,
}
