"""The Source seam: fetch one configured source and return new Items plus state.

A source knows nothing of matching, incidents or chats. `state` is a plain
dict the source owns (ETag, Last-Modified, …) and gets back on the next run.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from bot.config import SourceConfig
from bot.models import Item
from sources.http import HttpClient


class SourceError(Exception):
    """A source failed in a way worth telling the monitors (message in Chinese)."""


@dataclass
class FetchResult:
    items: list[Item] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    not_modified: bool = False


class Source(ABC):
    """One configured source of one kind (rss, jsonfeed, rsshub, html)."""

    def __init__(self, config: SourceConfig) -> None:
        self.config = config

    @property
    def id(self) -> str:
        return self.config.id

    @property
    def name(self) -> str:
        return self.config.name or self.config.id

    @abstractmethod
    async def fetch(self, client: HttpClient, state: dict[str, Any]) -> FetchResult:
        """Fetch and parse; raise SourceError (or HttpError) on failure."""
