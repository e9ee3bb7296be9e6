"""Swaps and covers made in chat: kept as one list under a store meta key, each one an audit action."""

from __future__ import annotations

from datetime import timedelta

from bot.codec import decode, encode
from bot.models import Action, ActionKind, Actor
from bot.roster.model import Override
from bot.store.base import Store

META_KEY = "roster:overrides"
KEEP = timedelta(days=62)  # the monthly report still sees last month's changes


class Overrides:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def all(self) -> list[Override]:
        found = [decode(Override, d) for d in (await self.store.get_meta(META_KEY) or [])]
        return sorted(found, key=lambda o: o.at)  # oldest first: the order `duty_of` applies them in

    async def add(self, override: Override, actor: Actor, note: str, chat: str = "") -> bool:
        """Keep the change and record it; False if this id (a re-delivered command) was kept before."""
        kept = [o for o in await self.all() if override.at - o.at < KEEP]
        if any(o.id == override.id for o in kept):
            return False
        await self.store.set_meta(META_KEY, [encode(o) for o in [*kept, override]])
        await self.store.append_action(Action(override.id, "", ActionKind.ROSTER, actor, override.at, note, chat))
        return True
