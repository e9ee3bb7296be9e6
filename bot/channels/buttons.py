"""What an alert's buttons mean, on every platform that has buttons.

A press carries "<kind>|<incident number>[|<extra>]"; each adapter puts that
string where its platform keeps a button's value (Telegram callback_data, a
card action's value) and draws the buttons its own way.
  a  确认 (ack)            g  指派 (show the people to pick)
  s  assign to person #n   r  办结 (ask for the result)
  x  back to the alert buttons (extra: status letter; Telegram adds the related number after it)
  m  并入 (extra: the number to merge into; the same as /merge <number> <extra>)
  h  接班 on a handover card (number: the shift's slot key, e.g. 2026-11-26:夜班)
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.models import Status

KINDS = {"a", "g", "s", "r", "x", "m", "h"}
MERGE_LABEL = "🔗 并入 "
HANDOVER_LABEL = "🤝 接班"
# The handover card's last line; a 接班 press replaces it with the reply, when that reply begins
# with HANDOVER_SETTLED (accepted now or before), and takes the button away.
HANDOVER_PROMPT = "接班请发送 /接班（或：接班）"
HANDOVER_SETTLED = "✅"
# Platforms whose card copies are edited in place once settled (the button goes); elsewhere a line is sent.
EDITED_IN_PLACE = frozenset({"telegram"})
_STATUS_LETTER = {Status.NEW: "n", Status.ACKNOWLEDGED: "k", Status.ASSIGNED: "g", Status.RESOLVED: "r"}


@dataclass(frozen=True)
class Press:
    kind: str
    number: str
    extra: str = ""


@dataclass(frozen=True)
class Assignable:
    """A person offered on the 指派 menu; `index` is their place in the config's people list."""

    index: int
    name: str
    department: str = ""

    @property
    def label(self) -> str:
        return f"{self.name}（{self.department}）" if self.department else self.name


def encode(kind: str, number: str, extra: str = "") -> str:
    return f"{kind}|{number}" + (f"|{extra}" if extra else "")


def decode(data: str | None) -> Press | None:
    """The press, or None for data this bot did not make."""
    parts = (data or "").split("|")
    if len(parts) not in (2, 3) or parts[0] not in KINDS or not parts[1]:
        return None
    return Press(parts[0], parts[1], parts[2] if len(parts) == 3 else "")


def handover(slot_key: str) -> str:
    """The 接班 press of the handover card for one shift."""
    return encode("h", slot_key)


def alert_buttons(number: str, status: Status, related: str = "") -> list[tuple[str, str, str]]:
    """(kind, label, extra) of the buttons under an alert: 确认 / 指派 / 办结 while open, and 🔗 并入 YQ-…
    when `related` (Incident.related) names the open story it may repeat; none once resolved."""
    if status is Status.RESOLVED:
        return []
    actions = [("a", "✅ 确认", "")] if status is Status.NEW else []
    actions += [("g", "👤 指派", ""), ("r", "🏁 办结", "")]
    if related:
        actions.append(("m", MERGE_LABEL + related, related))
    return actions


def status_letter(status: Status) -> str:
    return _STATUS_LETTER[status]


def status_from_letter(letter: str) -> Status:
    return next((s for s, ch in _STATUS_LETTER.items() if ch == letter), Status.NEW)
