"""The core services handed to handlers and jobs; built once by bot.app."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.config import Config
from bot.incidents import IncidentService
from bot.naming import chat_names, source_names
from bot.people import People
from bot.roster.model import Roster
from bot.store.base import Store


@dataclass
class Services:
    config: Config
    store: Store
    clock: Clock
    people: People
    incidents: IncidentService
    wake_delivery: Callable[[], None] = field(default=lambda: None)
    # Re-judge recently stored items for a new emergency-watch term (bot.polling.Poller.backfill); set by bot.app.
    watch_backfill: Callable[[str], Awaitable[int]] | None = None
    roster: Roster | None = None  # the 值班表 from config + CSV; built on first use (bot.roster.service)
    # Polls place their pages one at a time: a page's ledger reads the open incidents once.
    placing: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def source_names(self) -> dict[str, str]:
        return source_names(self.config)

    @property
    def chat_names(self) -> dict[str, str]:
        return chat_names(self.config.chats)
