"""Mutes and silences, as alert managers do them, every one on record.

A mute (`/mute 编号 [时长]`) stops re-alerts for one incident: reminders,
escalations, spread and upgrade notices. A silence (`/silence 词 时长`)
holds back new incidents whose title, text or matched words contain a word;
they are recorded and listed in the briefing instead of pushed. Both expire
on their own or are lifted with `/unmute`. Kept as one list under a meta key
so every store backend holds them the same way.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.codec import decode, encode
from bot.models import SYSTEM, Action, ActionKind, Actor, Incident
from bot.render import local_time
from bot.store.base import Store

META_KEY = "silences"
DEFAULT_MUTE = timedelta(hours=24)
MAX_SILENCE = timedelta(days=30)
KEEP_ENDED = timedelta(days=7)
HELD_PREFIX = "静默未推送"


@dataclass(frozen=True)
class Silence:
    id: str
    kind: str  # "mute" (one incident) | "silence" (a word)
    subject: str  # incident number or word
    by: str
    created_at: datetime
    until: datetime
    lifted_at: datetime | None = None
    lifted_by: str = ""

    def active(self, now: datetime) -> bool:
        return self.lifted_at is None and now < self.until

    @property
    def label(self) -> str:
        return f"事件 {self.subject}" if self.kind == "mute" else f"关键词「{self.subject}」"


class Silences:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def all(self) -> list[Silence]:
        return [decode(Silence, d) for d in (await self.store.get_meta(META_KEY) or [])]

    async def active(self, now: datetime) -> list[Silence]:
        return [s for s in await self.all() if s.active(now)]

    async def add(
        self, kind: str, subject: str, actor: Actor, now: datetime, duration: timedelta, chat: str = ""
    ) -> Silence:
        """Start a mute or silence and record who did it, until when."""
        silence = Silence(f"{kind}:{subject}:{now.isoformat()}", kind, subject, actor.display, now, now + duration)
        kept = [s for s in await self.all() if s.active(now) or now - (s.lifted_at or s.until) < KEEP_ENDED]
        await self._save([*kept, silence])  # the audit trail keeps the old ones; the list stays short
        incident = subject if kind == "mute" else ""
        note = f"{silence.label} 静默至 {silence.until.isoformat()}"
        await self.store.append_action(Action(silence.id, incident, ActionKind.MUTE, actor, now, note, chat))
        return silence

    async def lift(self, subject: str, actor: Actor, now: datetime, chat: str = "") -> list[Silence]:
        """End every active mute/silence on `subject`; return those lifted."""
        lifted, kept = [], []
        for s in await self.all():
            if s.active(now) and s.subject == subject:
                s = dataclasses.replace(s, lifted_at=now, lifted_by=actor.display)
                lifted.append(s)
            kept.append(s)
        if lifted:
            await self._save(kept)
        for s in lifted:
            incident = s.subject if s.kind == "mute" else ""
            action = Action(f"{s.id}:lifted", incident, ActionKind.UNMUTE, actor, now, f"解除{s.label}静默", chat)
            await self.store.append_action(action)
        return lifted

    async def muted(self, number: str, now: datetime) -> Silence | None:
        return next((s for s in await self.active(now) if s.kind == "mute" and s.subject == number), None)

    async def silencing(self, text: str, now: datetime) -> Silence | None:
        """The active word silence matching `text`, if any."""
        return next((s for s in await self.active(now) if s.kind == "silence" and s.subject in text), None)

    async def _save(self, silences: list[Silence]) -> None:
        await self.store.set_meta(META_KEY, [encode(s) for s in silences])


def held_action(incident: Incident, silence: Silence, now: datetime) -> Action:
    """The audit record of an incident held back by a word silence."""
    note = f"{HELD_PREFIX}：{silence.label}（{silence.by} 设置），列入简报"
    return Action(f"{incident.number}:held", incident.number, ActionKind.NOTE, SYSTEM, now, note)


async def held_back(store: Store, start: datetime, end: datetime) -> list[Incident]:
    """Incidents held back by a silence in [start, end): for the briefing's own list."""
    numbers = [
        a.incident
        for a in await store.actions(since=start)
        if a.kind is ActionKind.NOTE and a.note.startswith(HELD_PREFIX) and a.at < end
    ]
    found = [await store.get_incident(n) for n in numbers]
    return [i for i in found if i is not None]


def status_lines(silences: list[Silence], zone: ZoneInfo) -> list[str]:
    """For /status: what is silenced, by whom, until when."""
    if not silences:
        return ["静默：无"]
    lines = [f"静默 {len(silences)} 项："]
    for s in sorted(silences, key=lambda s: s.until):
        lines.append(f"🔕 {s.label}  {s.by} 设置，至 {local_time(s.until, zone)}")
    return lines
