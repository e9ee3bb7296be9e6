"""Cards sent with one button (the handover card's 接班): where every copy is, and settling them all.

A card goes out through the outbox as a TEXT entry with a `button` (a press string of
bot.channels.buttons). Each copy sent is recorded as a MessageRef under the card's key, the
way an alert is recorded under its incident number. Settling the card (the handover accepted,
by a typed /接班 or by the button) queues one SETTLE entry per chat holding a copy: where the
platform edits messages the copy is edited in place (its prompt line becomes the settled line,
the button goes); elsewhere the line goes as a message, except to the chat it was settled
from, where the command's reply already says it. A copy still queued when the card is
settled goes out settled, without its button.
"""

from __future__ import annotations

from datetime import datetime

from bot.channels.buttons import EDITED_IN_PLACE, HANDOVER_PROMPT
from bot.models import MessageRef, NoticeKind, Notification, Target
from bot.store.base import Store

CARD_PREFIX = "card:"  # MessageRef.incident of a card's copy: "card:<press>"
SETTLED_KEY = "card:settled:"  # + press → the line the settled card shows


def card_ref(press: str) -> str:
    return CARD_PREFIX + press


def is_card(ref: str) -> bool:
    """Whether a message ref's "incident" is a card (a reply to it names no incident)."""
    return ref.startswith(CARD_PREFIX)


def settled_text(text: str, line: str) -> str:
    """The card's text once settled: its prompt line replaced by `line` (appended if it has none)."""
    return text.replace(HANDOVER_PROMPT, line) if HANDOVER_PROMPT in text else f"{text}\n{line}"


async def settled_line(store: Store, press: str) -> str | None:
    """The line a settled card shows; None while it is not settled."""
    line = await store.get_meta(SETTLED_KEY + press)
    return str(line) if line else None


async def remember_copy(store: Store, target: str, message_id: str, press: str) -> None:
    await store.add_message_ref(MessageRef(target, message_id, card_ref(press)))


def settle_notification(target: str, press: str, line: str, now: datetime) -> Notification:
    return Notification(
        id=f"settle:{press}:{target}", target=target, kind=NoticeKind.SETTLE, created_at=now, text=line, button=press
    )


async def settle(store: Store, press: str, line: str, origin: str, now: datetime) -> int:
    """Show `line` on every copy of the card sent so far (and on those still queued); return the chats queued.

    `origin` is the chat it was settled from (a Target key): it gets an edit where the
    platform edits, nothing where it cannot (the reply there said it).
    """
    await store.set_meta(SETTLED_KEY + press, line)
    targets = sorted({r.target for r in await store.message_refs(card_ref(press))})
    notes = [
        settle_notification(t, press, line, now)
        for t in targets
        if t != origin or Target.from_key(t).channel in EDITED_IN_PLACE
    ]
    added = await store.enqueue(notes)
    return sum(added)
