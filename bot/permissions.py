"""Who may run which command: one table, checked in one place (the dispatcher)."""

from __future__ import annotations

from bot.config import PersonConfig
from bot.models import Incident

EVERYONE = frozenset({"leader", "monitor", "member"})
STAFF = frozenset({"leader", "monitor"})

# "assignee" grants the command to the incident's current assignee whatever the role.
RULES: dict[str, frozenset[str]] = {
    "ack": EVERYONE,
    "assign": STAFF,
    "resolve": STAFF | {"assignee"},
    "reopen": STAFF,
    "merge": STAFF,
    "note": EVERYONE,
    "brief": EVERYONE,
    "list": EVERYONE,
    "status": EVERYONE,
    "help": EVERYONE,
    "start": EVERYONE,
    "watch": STAFF,
    "unwatch": STAFF,
    "mute": STAFF,
    "unmute": STAFF,
    "silence": STAFF,
    "oncall": EVERYONE,
    "swap": STAFF,
    "cover": STAFF,
    "handover": STAFF,
    "takeover": STAFF,
}

ROLE_NAMES = {"leader": "领导", "monitor": "监测员", "member": "成员"}


def allowed(command: str, person: PersonConfig, incident: Incident | None = None) -> bool:
    rule = RULES.get(command, STAFF)
    if person.role in rule:
        return True
    return "assignee" in rule and incident is not None and incident.assignee == person.name


def who_may(command: str) -> str:
    rule = RULES.get(command, STAFF)
    names = [ROLE_NAMES[r] for r in ("leader", "monitor", "member") if r in rule]
    if "assignee" in rule:
        names.append("负责人")
    return "、".join(names)
