"""Inline buttons under Telegram alerts and what a press means.

callback_data is "<kind>|<incident number>[|<extra>]", at most 64 bytes:
  a  确认 (ack)            g  指派 (show the people to pick)
  s  assign to person #n   r  办结 (ask for the result)
  x  back to the alert buttons (extra: status letter)
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.models import Status

MAX_CALLBACK = 64
MAX_PEOPLE_BUTTONS = 60
KINDS = {"a", "g", "s", "r", "x"}
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


def encode(kind: str, number: str, extra: str = "") -> str:
    data = f"{kind}|{number}" + (f"|{extra}" if extra else "")
    if len(data.encode()) > MAX_CALLBACK:
        raise ValueError(f"callback_data over {MAX_CALLBACK} bytes: {data!r}")
    return data


def decode(data: str | None) -> Press | None:
    """The press, or None for data this bot did not make."""
    parts = (data or "").split("|")
    if len(parts) not in (2, 3) or parts[0] not in KINDS or not parts[1]:
        return None
    return Press(parts[0], parts[1], parts[2] if len(parts) == 3 else "")


def alert_keyboard(number: str, status: Status) -> InlineKeyboardMarkup | None:
    """确认 / 指派 / 办结 while the incident is open; none once resolved."""
    if status is Status.RESOLVED:
        return None
    row = []
    if status is Status.NEW:
        row.append(InlineKeyboardButton("✅ 确认", callback_data=encode("a", number)))
    row.append(InlineKeyboardButton("👤 指派", callback_data=encode("g", number)))
    row.append(InlineKeyboardButton("🏁 办结", callback_data=encode("r", number)))
    return InlineKeyboardMarkup([row])


def status_from_letter(letter: str) -> Status:
    return next((s for s, ch in _STATUS_LETTER.items() if ch == letter), Status.NEW)


def people_keyboard(number: str, status: Status, people: list[Assignable]) -> InlineKeyboardMarkup:
    """One button per assignable person (two a row) and a 返回 button."""
    buttons = []
    for person in people[:MAX_PEOPLE_BUTTONS]:
        label = f"{person.name}（{person.department}）" if person.department else person.name
        buttons.append(InlineKeyboardButton(label, callback_data=encode("s", number, str(person.index))))
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([InlineKeyboardButton("↩️ 返回", callback_data=encode("x", number, _STATUS_LETTER[status]))])
    return InlineKeyboardMarkup(rows)
