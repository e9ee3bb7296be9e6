"""Emergency watches (紧急关注): a temporary scheme for a breaking event, for a while.

`/watch 关键词 [时长]` adds one; while any is active, the terms are judged like
a scheme on every item and the sources marked `watch: true` are polled at
their `watch_every`. Kept in the store's meta (one small list), so they
survive a restart and expire by themselves.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from bot.store.base import Store

META_KEY = "watches"
DEFAULT_DURATION = timedelta(hours=24)  # the golden 24 hours of a breaking event
MAX_DURATION = timedelta(days=7)
MAX_TERM = 30


@dataclass(frozen=True)
class Watch:
    term: str
    until: datetime
    by: str
    created: datetime

    def active(self, now: datetime) -> bool:
        return now < self.until


async def all_watches(store: Store) -> list[Watch]:
    raw = await store.get_meta(META_KEY) or []
    out = []
    for row in raw:
        try:
            out.append(
                Watch(
                    term=row["term"],
                    until=datetime.fromisoformat(row["until"]),
                    by=row.get("by", ""),
                    created=datetime.fromisoformat(row["created"]),
                )
            )
        except (KeyError, TypeError, ValueError):
            continue  # a damaged entry is dropped, never fatal
    return out


async def active_watches(store: Store, now: datetime) -> list[Watch]:
    return [w for w in await all_watches(store) if w.active(now)]


async def active_terms(store: Store, now: datetime) -> list[str]:
    return [w.term for w in await active_watches(store, now)]


async def add_watch(store: Store, term: str, duration: timedelta, by: str, now: datetime) -> Watch:
    """Add (or extend/replace) the watch on `term`; expired ones are pruned on the way."""
    watch = Watch(term=term, until=now + duration, by=by, created=now)
    kept = [w for w in await active_watches(store, now) if w.term != term]
    await _save(store, [*kept, watch])
    return watch


async def remove_watch(store: Store, term: str, now: datetime) -> list[Watch]:
    """Remove the watch on `term` (or every one for '*'); returns what was removed."""
    current = await active_watches(store, now)
    removed = [w for w in current if term in ("*", w.term)]
    await _save(store, [w for w in current if w not in removed])
    return removed


async def expire(store: Store, now: datetime) -> list[Watch]:
    """Drop watches whose time is up; returns them (so their end can be announced once)."""
    current = await all_watches(store)
    ended = [w for w in current if not w.active(now)]
    if ended:
        await _save(store, [w for w in current if w.active(now)])
    return ended


async def _save(store: Store, watches: list[Watch]) -> None:
    rows = []
    for w in watches:
        row = asdict(w)
        row["until"], row["created"] = w.until.isoformat(), w.created.isoformat()
        rows.append(row)
    await store.set_meta(META_KEY, rows)
