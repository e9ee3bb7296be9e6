"""The chat side of a handover: notes for the card (/handover) and the incoming shift's acceptance (/接班)."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.cards import settle
from bot.channels.buttons import HANDOVER_SETTLED, handover
from bot.models import Action, ActionKind, Actor
from bot.roster.model import slot_at
from bot.roster.render import slot_text
from bot.roster.service import roster_of
from bot.roster.shifts import ACCEPTED_KEY, NOTES_KEY
from bot.services import Services

MAX_NOTE = 500
NO_ROSTER = "未配置值班表（config.yaml 的 roster: 段），没有交接班"


async def add_note(services: Services, text: str, actor: Actor, chat: str, action_id: str = "") -> str:
    """Add a note to the current shift's card (it is handed over when the shift ends)."""
    roster = roster_of(services)
    now = services.clock.now()
    slot = slot_at(roster, now) if roster is not None else None
    if slot is None:
        return NO_ROSTER
    if len(text) > MAX_NOTE:
        return f"备注太长（{len(text)} 字），请控制在 {MAX_NOTE} 字以内"
    note_id = f"roster:note:{action_id or uuid.uuid4().hex}"
    if not await services.store.append_action(Action(note_id, "", ActionKind.HANDOVER, actor, now, text, chat)):
        return "该备注此前已记录，未重复添加"
    key = NOTES_KEY.format(slot=slot.key)
    notes = await services.store.get_meta(key) or []
    await services.store.set_meta(key, [*notes, {"by": actor.display, "at": now.isoformat(), "text": text}])
    return f"📝 已记入 {slot_text(slot, services.config.zone)} 的交接班备注，换班时随卡片交给下一班"


SETTLED = HANDOVER_SETTLED  # how every reply meaning "this handover is accepted" begins (the 接班 button reads it)


async def accept(services: Services, actor: Actor, chat: str, slot_key: str = "") -> str:
    """The incoming shift takes over: recorded once, with how late it was.

    `slot_key` (from a card's 接班 button) names the shift the card is for: a press on
    an older card accepts nothing.
    """
    roster = roster_of(services)
    now = services.clock.now()
    zone = services.config.zone
    slot = slot_at(roster, now) if roster is not None else None
    if slot is None:
        return NO_ROSTER
    if slot_key and slot_key != slot.key:
        return f"这张交接班卡片已过期（现在是 {slot_text(slot, zone)}），如需接班请发送 /接班"
    late = now - slot.start > services.config.roster.handover_accept
    record = {"by": actor.display, "at": now.isoformat(), "late": late}
    if not await services.store.set_meta_if_absent(ACCEPTED_KEY.format(slot=slot.key), record):
        first = await services.store.get_meta(ACCEPTED_KEY.format(slot=slot.key)) or {}
        return f"{SETTLED} {slot_text(slot, zone)} 已由 {first.get('by', '')} 接班{_when(first.get('at'), zone)}"
    note = "接班（超时）" if late else "接班"
    action_id = f"roster:handover-accepted:{slot.key}"
    await services.store.append_action(Action(action_id, "", ActionKind.HANDOVER, actor, now, note, chat))
    line = f"{SETTLED} {actor.display} 已接班：{slot_text(slot, zone)}{_when(now.isoformat(), zone)}" + (
        "（超过交接时限）" if late else ""
    )
    if await settle(services.store, handover(slot.key), line, chat, now):  # every copy of the card shows it
        services.wake_delivery()
    return line


def _when(at: object, zone: ZoneInfo) -> str:
    """ "（17:40 接班）" from a stored ISO time; "" when there is none."""
    try:
        moment = datetime.fromisoformat(str(at)).astimezone(zone)
    except ValueError:
        return ""
    return f"（{moment:%H:%M} 接班）"
