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
    "decode",
    "encode",
    "handover_keyboard",
    "people_keyboard",
    "status_from_letter",
]

MAX_CALLBACK = 64
MAX_PEOPLE_BUTTONS = 60


def encode(kind: str, number: str, extra: str = "") -> str:
    return _checked(buttons.encode(kind, number, extra))


def alert_keyboard(number: str, status: Status) -> InlineKeyboardMarkup | None:
    """确认 / 指派 / 办结 while the incident is open; none once resolved."""
    row = [
        InlineKeyboardButton(label, callback_data=encode(kind, number)) for kind, label in buttons.alert_actions(status)
    ]
    return InlineKeyboardMarkup([row]) if row else None


def handover_keyboard(press: str) -> InlineKeyboardMarkup:
    """The handover card's one button: 接班."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(buttons.HANDOVER_LABEL, callback_data=_checked(press))]])


def _checked(data: str) -> str:
    if len(data.encode()) > MAX_CALLBACK:
        raise ValueError(f"callback_data over {MAX_CALLBACK} bytes: {data!r}")
    return data


def people_keyboard(number: str, status: Status, people: list[Assignable]) -> InlineKeyboardMarkup:
    """One button per assignable person (two a row) and a 返回 button."""
    keys = [
        InlineKeyboardButton(person.label, callback_data=encode("s", number, str(person.index)))
        for person in people[:MAX_PEOPLE_BUTTONS]
    ]
    rows = [keys[i : i + 2] for i in range(0, len(keys), 2)]
    rows.append([InlineKeyboardButton("↩️ 返回", callback_data=encode("x", number, buttons.status_letter(status)))])
    return InlineKeyboardMarkup(rows)
