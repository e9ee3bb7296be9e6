"""The Source seam: fetch one configured source and return new Items plus state.

A source knows nothing of matching, incidents or chats. `state` is a plain
dict the source owns (ETag, Last-Modified, body hash, …) and gets back on the
next run. Shared steps (conditional GET, building Items) live here so each
kind's module is only its parsing.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, TypeVar

from bot.analysis.hotsignals import RankReading
from bot.clock import Clock, SystemClock
from bot.config import SourceConfig
from bot.models import Item
from bot.surrogates import without_lone_surrogates
from sources.http import HttpClient, Response, body_digest
from sources.text import html_to_text
from sources.times import SHANGHAI
from sources.urls import canonical_url

RAW_LIMIT = 20_000  # characters of the original HTML kept as evidence
# a publication time further ahead of our clock than this is not believed: the site's zone or clock is off, or a
# list page's 今天 07:40 was read before 07:40 here; the item was published no later than we saw it
FUTURE_SLACK = timedelta(minutes=10)
ENTRIES_KEPT = 200  # entry fingerprints remembered per source (about one feed's worth)


class SourceError(Exception):
    """A source failed in a way worth telling the monitors (message in Chinese)."""


@dataclass
class FetchResult:
    items: list[Item] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    not_modified: bool = False
    dropped: int = 0  # entries beyond the source's max_items, left unread this poll
    readings: list[RankReading] = field(default_factory=list)  # hot lists: every entry on the list or just off


T = TypeVar("T")
_UNDATED = datetime.min.replace(tzinfo=UTC)


def newest(entries: Sequence[T], limit: int, when: Callable[[T], datetime | None]) -> tuple[list[T], int]:
    """At most `limit` entries, newest first (undated ones after, in feed order), and how many were dropped."""
    if len(entries) <= limit:
        return list(entries), 0
    ranked = sorted(entries, key=lambda e: when(e) or _UNDATED, reverse=True)
    return ranked[:limit], len(entries) - limit


@dataclass(frozen=True)
class SourceContext:
    """What every source may need from outside: the clock, local zone, RSSHub instance."""

    clock: Clock = field(default_factory=SystemClock)
    zone: tzinfo = SHANGHAI
    rsshub_base: str = "http://127.0.0.1:1200"
    keep: timedelta = timedelta(days=30)  # store.keep_items: how long hot-list history of an entry off its list is kept


class Source(ABC):
    """One configured source of one kind (rss, jsonfeed, rsshub, html)."""

    def __init__(self, config: SourceConfig, context: SourceContext | None = None) -> None:
        self.config = config
        self.context = context or SourceContext()

    @property
    def id(self) -> str:
        return self.config.id

    @property
    def name(self) -> str:
        return self.config.name or self.config.id

    @property
    def url(self) -> str:
        return self.config.url

    @abstractmethod
    async def fetch(self, client: HttpClient, state: dict[str, Any]) -> FetchResult:
        """Fetch and parse; raise SourceError (or HttpError) on failure."""

    async def get_if_changed(self, client: HttpClient, state: dict[str, Any]) -> Response | None:
        """Conditional GET; None when the server says 304 or the body is byte-identical to last time."""
        resp = await client.get(
            self.url,
            allow_private=self.config.allow_private,
            etag=state.get("etag", ""),
            last_modified=state.get("last_modified", ""),
            encoding=self.config.encoding,
            user_agent=self.config.user_agent,
        )
        if resp.not_modified:
            return None
        if state.get("body_hash") and state["body_hash"] == (resp.digest or body_hash(resp.body)):
            return None
        return resp

    def item(
        self,
        *,
        link: str,
        base_url: str,
        title: str,
        html: str = "",
        author: str = "",
        published_at: datetime | None = None,
        guid: str = "",
    ) -> Item:
        """One Item with a canonical URL and plain text (title and body are HTML-stripped), storable:
        a JSON feed's lone surrogate ("\\ud800") becomes "?" rather than failing every later write.
        A publication time in the future (beyond FUTURE_SLACK) becomes the time it was fetched."""
        link, title, html, author, guid = map(without_lone_surrogates, (link, title, html, author, guid))
        now = self.context.clock.now()
        if published_at is not None and published_at > now + FUTURE_SLACK:
            published_at = now
        return Item(
            source_id=self.id,
            url=canonical_url(link, base_url) if link else "",
            title=html_to_text(title),
            text=html_to_text(html),
            author=html_to_text(author),
            published_at=published_at,
            fetched_at=now,
            guid=guid,
            raw=html[:RAW_LIMIT],
        )


def body_hash(body: bytes) -> str:
    return body_digest(body)


def remember(state: dict[str, Any], resp: Response) -> dict[str, Any]:
    """New fetch state after a 200: validators for the next conditional GET."""
    return dict(state, etag=resp.etag, last_modified=resp.last_modified, body_hash=resp.digest or body_hash(resp.body))


def entry_key(*parts: str) -> str:
    """A short fingerprint of an entry as the feed wrote it (link, id, title)."""
    return hashlib.blake2b("\x00".join(parts).encode(), digest_size=8).hexdigest()


def fresh(keys: list[str], state: dict[str, Any]) -> tuple[list[bool], list[str]]:
    """Which entries were not in the last fetched body, and the keys to remember for next time.

    A feed that changed usually changed by one or two entries; the rest need
    not be built into Items again (the pipeline's dedup would drop them anyway).
    """
    before = set(state.get("entries", ()))
    return [k not in before for k in keys], keys[:ENTRIES_KEPT]
