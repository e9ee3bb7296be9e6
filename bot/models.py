"""Core types shared by every stage: plain, typed, immutable.

Sources produce `Item`s, the matcher produces `Match`es, the pipeline turns
them into `Incident`s and every change to an incident is an `Action`.
Nothing here knows about chats, HTTP or storage.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from enum import IntEnum, StrEnum

from bot.durations import format_duration


class Tier(IntEnum):
    """Severity grade; a lower number is more serious. BELOW is never pushed."""

    I = 1
    II = 2
    III = 3
    IV = 4
    BELOW = 5

    @property
    def label(self) -> str:
        return _TIER_LABELS[self]

    @property
    def emoji(self) -> str:
        return _TIER_EMOJI[self]

    @property
    def roman(self) -> str:
        return "—" if self is Tier.BELOW else self.name

    @property
    def pushed(self) -> bool:
        return self is not Tier.BELOW

    def upgraded(self) -> Tier:
        """One grade more serious, at most I."""
        return Tier(max(1, min(self.value, 4) - 1)) if self is not Tier.BELOW else Tier.IV

    @classmethod
    def parse(cls, text: str) -> Tier:
        key = text.strip().upper()
        for tier in cls:
            if key in (tier.name, tier.label, str(tier.value)):
                return tier
        raise ValueError(f"未知等级: {text}")


_TIER_LABELS = {
    Tier.I: "特别重大",
    Tier.II: "重大",
    Tier.III: "较大",
    Tier.IV: "一般",
    Tier.BELOW: "影响较小",
}
_TIER_EMOJI = {Tier.I: "🔴", Tier.II: "🟠", Tier.III: "🟡", Tier.IV: "🔵", Tier.BELOW: "⚪"}


class Status(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    ASSIGNED = "assigned"
    RESOLVED = "resolved"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    Status.NEW: "待确认",
    Status.ACKNOWLEDGED: "已确认",
    Status.ASSIGNED: "处置中",
    Status.RESOLVED: "已办结",
}


class ActionKind(StrEnum):
    CREATE = "create"
    ACK = "ack"
    ASSIGN = "assign"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    NOTE = "note"
    SPREAD = "spread"
    PROGRESS = "progress"  # 进展: a rebuttal / clarification answering the story, no tier change
    UPGRADE = "upgrade"
    ESCALATE = "escalate"
    REMIND = "remind"
    NOTIFY = "notify"
    MUTE = "mute"
    UNMUTE = "unmute"
    REFUSED = "refused"
    ROSTER = "roster"  # a swap or cover of the 值班表
    HOTLIST = "hotlist"  # a hot-list signal or the entry dropping off its list (timeline only)
    HANDOVER = "handover"  # shift handover: card posted, note, accepted
    MERGE = "merge"  # /merge: a duplicate incident folded into the one telling its story (note: that number)
    ABSORB = "absorb"  # the incident a duplicate was folded into took its items (note: the duplicate's number)


@dataclass(frozen=True)
class HotRank:
    """Where an entry stood on a hot list when it was fetched (sources/hotlist.py)."""

    board: str  # the list as users name it: 微博热搜, 百度热搜
    rank: int  # 1 is the top
    heat: str = ""  # the list's own heat figure, as it wrote it
    since: datetime | None = None  # when this entry's current stay on the list began
    seen_at: datetime | None = None  # when this rank was read
    best: int = 0  # best rank of the entry so far (0: unknown)
    entry: str = ""  # the entry's key in its source's rank history (sources/hotlist.py)
    source_id: str = ""  # the hot-list source that read it

    @property
    def on_list(self) -> bool:
        return self.rank > 0

    def label(self) -> str:
        """`微博热搜第 3 · 已在榜 2小时` — what a card shows; `微博热搜 已掉榜（最高第 3）` once off."""
        if not self.on_list:
            return f"{self.board} 已掉榜" + (f"（最高第 {self.best}）" if self.best else "")
        text = f"{self.board}第 {self.rank}"
        if self.since and self.seen_at and self.seen_at > self.since:
            text += f" · 已在榜 {format_duration(self.seen_at - self.since)}"
        return text


@dataclass(frozen=True)
class FirstPost:
    """The earliest publication among an incident's items (首发), as the card shows it."""

    source_id: str
    source: str  # the source's name when it was recorded
    at: datetime
    inferred: bool = False  # the source gave no publication time: `at` is when the bot found it
    url: str = ""

    def label(self, zone: tzinfo, today: datetime | None = None) -> str:
        """`首发 江城论坛 07:40` (with the date when not on `today`'s date; `（发现时间）` when inferred)."""
        local = self.at.astimezone(zone)
        same_day = today is not None and today.astimezone(zone).date() == local.date()
        text = (
            f"首发 {self.source} {local:%H:%M}"
            if same_day or today is None
            else f"首发 {self.source} {local:%m-%d %H:%M}"
        )
        return text + ("（发现时间）" if self.inferred else "")


def first_post(item: Item, source: str, found_at: datetime) -> FirstPost:
    """The item as a 首发 candidate: its publication time, else when it was found (flagged)."""
    at = item.published_at or item.fetched_at or found_at
    return FirstPost(item.source_id, source or item.source_id, at, item.published_at is None, item.url)


def earlier_first(current: FirstPost | None, candidate: FirstPost) -> FirstPost:
    """The earlier of two 首发 candidates; at the same time a stated publication time beats an inferred one."""
    if current is None:
        return candidate
    return candidate if (candidate.at, candidate.inferred) < (current.at, current.inferred) else current


@dataclass(frozen=True)
class Item:
    """One thing found at a source. `key` identifies it for exact dedup."""

    source_id: str
    url: str
    title: str
    text: str = ""
    author: str = ""
    published_at: datetime | None = None
    fetched_at: datetime | None = None
    guid: str = ""
    raw: str = ""
    hot: HotRank | None = None  # hot-list entries only

    @property
    def key(self) -> str:
        return self.url or self.guid or f"{self.source_id}:{self.title}"


@dataclass(frozen=True)
class Hit:
    """One configured word found in an item."""

    word: str
    group: str  # subject / region / event / exclude / other
    field: str  # title / text
    start: int
    end: int
    severity: int = 0
    # how the text says it when not in the word's own spelling: a synonym (溺亡 for 溺水), 被实名举报, 纸厂
    said: str = ""


@dataclass(frozen=True)
class Match:
    scheme: str
    hits: tuple[Hit, ...]
    severity: int = 0
    weight: float = 1.0

    def words(self, group: str | None = None) -> list[str]:
        seen: list[str] = []
        for hit in self.hits:
            if (group is None or hit.group == group) and hit.word not in seen:
                seen.append(hit.word)
        return seen


@dataclass(frozen=True)
class Sentiment:
    label: str = "neutral"  # negative / neutral / positive
    score: float = 0.0  # confidence of the label, 0..1

    @property
    def label_zh(self) -> str:
        return {"negative": "负面", "positive": "正面"}.get(self.label, "中性")


@dataclass(frozen=True)
class Actor:
    """Who did something: a stable platform user id plus the person it maps to."""

    platform: str
    user_id: str
    person: str = ""

    @property
    def display(self) -> str:
        return self.person or f"{self.platform}:{self.user_id}"


SYSTEM = Actor("system", "bot", "值守机器人")


@dataclass(frozen=True)
class Action:
    """An immutable audit record. `id` makes a re-delivered command a no-op."""

    id: str
    incident: str
    kind: ActionKind
    actor: Actor
    at: datetime
    note: str = ""
    chat: str = ""
    assignee: str = ""


@dataclass(frozen=True)
class Incident:
    number: str
    tier: Tier
    title: str
    url: str
    source_id: str
    discovered_at: datetime
    scheme: str = ""
    match: Match | None = None
    sentiment: Sentiment = field(default_factory=Sentiment)
    reason: str = ""
    status: Status = Status.NEW
    published_at: datetime | None = None
    reported_at: datetime | None = None
    acked_at: datetime | None = None
    acked_by: str = ""
    assignee: str = ""
    assigned_at: datetime | None = None
    resolved_at: datetime | None = None
    result: str = ""
    ack_deadline: datetime | None = None
    resolve_deadline: datetime | None = None
    item_keys: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    last_seen_at: datetime | None = None
    progress: str = ""  # the latest 进展 (a rebuttal or clarification): its title and link
    hot: HotRank | None = None  # the current rank of the story's hot-list entry (bot/hotranks.py keeps it up to date)
    first: FirstPost | None = None  # 首发: the earliest publication among its items (None: stored before it was kept)
    merged_into: str = ""  # folded into this incident by /merge (then resolved): its reposts go there
    related: str = ""  # an open incident that may tell the same story (scored under the merge threshold)
    version: int = 1

    @property
    def spread(self) -> int:
        """How many items (first plus reposts) this incident holds."""
        return max(1, len(self.item_keys))

    @property
    def is_open(self) -> bool:
        return self.status is not Status.RESOLVED

    def first_or_own(self, source_name: str = "") -> FirstPost:
        """The 首发; for an incident stored before 首发 was kept, its own first item."""
        if self.first is not None:
            return self.first
        at = self.published_at or self.discovered_at
        return FirstPost(self.source_id, source_name or self.source_id, at, self.published_at is None, self.url)

    def replace(self, **changes: object) -> Incident:
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class Target:
    """A chat on one platform that receives alerts."""

    channel: str  # "console" / "telegram" / "wechat"
    chat_id: str

    @property
    def key(self) -> str:
        return f"{self.channel}:{self.chat_id}"

    @classmethod
    def from_key(cls, key: str) -> Target:
        channel, _, chat_id = key.partition(":")
        return cls(channel, chat_id)


@dataclass(frozen=True)
class MessageRef:
    """Where a rendered incident lives on a platform, so it can be edited."""

    target: str  # Target.key
    message_id: str
    incident: str = ""


@dataclass(frozen=True)
class Command:
    """A platform-neutral chat command, as handlers see it."""

    platform: str
    user_id: str
    chat_id: str
    name: str
    args: tuple[str, ...] = ()
    text: str = ""
    message_id: str = ""
    reply_to: str = ""  # platform message id the command replied to
    mentions: tuple[str, ...] = ()  # platform user ids mentioned

    @property
    def target(self) -> Target:
        return Target(self.platform, self.chat_id)


class NoticeKind(StrEnum):
    ALERT = "alert"  # first push of an incident to a target
    UPDATE = "update"  # the incident changed: edit in place / update line
    TEXT = "text"  # free text: replies, reminders, briefings, source notices
    PHOTO = "photo"  # a picture (briefing chart): `file` holds its path, `text` the caption
    DOCUMENT = "document"  # a file (report .docx): `file` holds its path, `text` the caption
    SETTLE = "settle"  # a card sent with `button` was settled: show `text` on its copies in this chat (bot.cards)


@dataclass(frozen=True)
class Notification:
    """One outbox entry. `id` is the idempotency key (incident, target, version)."""

    id: str
    target: str  # Target.key
    kind: NoticeKind
    created_at: datetime
    incident: str = ""
    version: int = 0
    priority: int = 5  # tier value; lower is sent first
    text: str = ""
    mentions: tuple[str, ...] = ()
    file: str = ""  # PHOTO / DOCUMENT: a Store.put_file reference (stored:<digest>/<name>); older entries: a path
    attempts: int = 0
    next_attempt_at: datetime | None = None
    sent_at: datetime | None = None
    message_id: str = ""
    last_error: str = ""
    button: str = ""  # TEXT: one button's press (bot.channels.buttons), e.g. the handover card's 接班; SETTLE: the card

    @property
    def pending(self) -> bool:
        return self.sent_at is None

    def replace(self, **changes: object) -> Notification:
        return dataclasses.replace(self, **changes)
