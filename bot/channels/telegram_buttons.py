"""Telegram's inline keyboards for the alert buttons (bot.channels.buttons says what a press means).

callback_data is the press string, at most 64 bytes.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels import buttons
from bot.channels.buttons import Assignable, Press, decode, status_from_letter
from bot.models import Status

__all__ = [
    "Assignable",
    "Press",
    "alert_keyboard",
    "back_to_alert",
    "decode",
    "encode",
    "handover_keyboard",
    "people_keyboard",
]

MAX_CALLBACK = 64
MAX_PEOPLE_BUTTONS = 60


def encode(kind: str, number: str, extra: str = "") -> str:
    return _checked(buttons.encode(kind, number, extra))


def alert_keyboard(number: str, status: Status, related: str = "") -> InlineKeyboardMarkup | None:
    """确认 / 指派 / 办结 while the incident is open, 🔗 并入 YQ-… on a row of its own when `related`
    is set; none once resolved."""
    row: list[InlineKeyboardButton] = []
    merge: list[InlineKeyboardButton] = []
    for kind, label, extra in buttons.alert_buttons(number, status, related):
        (merge if kind == "m" else row).append(InlineKeyboardButton(label, callback_data=encode(kind, number, extra)))
    rows = [keys for keys in (row, merge) if keys]
    return InlineKeyboardMarkup(rows) if rows else None


def handover_keyboard(press: str) -> InlineKeyboardMarkup:
    """The handover card's one button: 接班."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(buttons.HANDOVER_LABEL, callback_data=_checked(press))]])


def _checked(data: str) -> str:
    if len(data.encode()) > MAX_CALLBACK:
        raise ValueError(f"callback_data over {MAX_CALLBACK} bytes: {data!r}")
    return data


def people_keyboard(number: str, status: Status, people: list[Assignable], related: str = "") -> InlineKeyboardMarkup:
    """One button per assignable person (two a row) and a 返回 button, which brings back the alert's
    buttons: its extra is the status letter, then the related number (for 🔗 并入)."""
    keys = [
        InlineKeyboardButton(person.label, callback_data=encode("s", number, str(person.index)))
        for person in people[:MAX_PEOPLE_BUTTONS]
    ]
    rows = [keys[i : i + 2] for i in range(0, len(keys), 2)]
    back = encode("x", number, buttons.status_letter(status) + related)
    rows.append([InlineKeyboardButton("↩️ 返回", callback_data=back)])
    return InlineKeyboardMarkup(rows)


def back_to_alert(extra: str) -> tuple[Status, str]:
    """(status, related number) from a 返回 press's extra."""
    return status_from_letter(extra[:1]), extra[1:]
