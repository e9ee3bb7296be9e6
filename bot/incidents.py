"""Creating incidents and acting on them: the only writer of incident state.

Every change goes through `lifecycle.apply`, is stored with an optimistic
version check, appended to the audit trail, and queued (outbox) as an update
for every chat that already shows the incident.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.analysis.judgement import Judgement
from bot.config import Config
from bot.evidence import EvidenceArchive, archive_or_mark
from bot.lifecycle import Event, IllegalTransition, apply
from bot.models import (
    SYSTEM,
    Action,
    ActionKind,
    Actor,
    HotRank,
    Incident,
    Item,
    NoticeKind,
    Notification,
    Status,
    Target,
    Tier,
    earlier_first,
    first_post,
)
from bot.numbering import day_key, format_number
from bot.routing import targets_for
from bot.silences import Silences, held_action
from bot.store.base import Store, VersionConflict
from bot.storm import hold_until


class UnknownIncident(IllegalTransition):
    pass


class IncidentService:
    def __init__(self, config: Config, store: Store) -> None:
        self.config = config
        self.store = store
        self.evidence: EvidenceArchive | None = None  # set by bot.app when evidence is enabled

    async def create(self, item: Item, judgement: Judgement, now: datetime, related: str = "") -> Incident:
        """A new incident from its first item; `related`: an open incident that may tell the same
        story (bot.placement), named on the card for /merge."""
        day = day_key(now, self.config.zone)
        number = format_number(day, await self.store.next_sequence(day))
        policy = self.config.tiers.policy(judgement.tier)
        incident = Incident(
            number=number,
            tier=judgement.tier,
            title=item.title,
            url=item.url,
            source_id=item.source_id,
            discovered_at=now,
            scheme=judgement.match.scheme,
            match=judgement.match,
            sentiment=judgement.sentiment,
            reason=judgement.reason,
            published_at=item.published_at,
            ack_deadline=now + policy.ack if policy else None,
            resolve_deadline=now + policy.resolve if policy else None,
            item_keys=(item.key,),
            sources=(item.source_id,),
            last_seen_at=now,
            hot=item.hot,
            first=first_post(item, self._source_name(item.source_id), now),
            related=related,
        )
        await self.store.put_incident(incident)
        await self.store.append_action(
            Action(f"{number}:create", number, ActionKind.CREATE, SYSTEM, now, note=judgement.reason)
        )
        held = await Silences(self.store).silencing(_silence_text(item, judgement), now)
        if held is not None and judgement.tier.pushed:
            await self.store.append_action(held_action(incident, held, now))
        elif judgement.tier.pushed:
            await self.store.enqueue(
                [
                    alert_notification(incident, t, now).replace(
                        next_attempt_at=hold_until(self.config, incident.tier, now)
                    )
                    for t in targets_for(self.config.chats, incident.tier)
                ]
            )
        if self.evidence is not None:
            await archive_or_mark(self.evidence, self.store, incident, [item], now)
        return incident

    def _source_name(self, source_id: str) -> str:
        return next((s.name or s.id for s in self.config.sources if s.id == source_id), source_id)

    async def requeue_unreported(self, now: datetime, within: timedelta = timedelta(days=2)) -> int:
        """Queue the alerts of incidents stored but never queued (a crash, or the store going
        away, between the two writes of `create`). Alert ids make this idempotent; incidents
        held back by a silence stay held. Returns how many alerts were queued."""
        queued, since = 0, now - within
        unreported = [
            i
            for i in await self.store.incidents(statuses=[Status.NEW], since=since)
            if i.tier.pushed and i.reported_at is None
        ]
        if not unreported:
            return 0
        held = {a.id for a in await self.store.actions(since=since) if a.id.endswith(":held")}
        for incident in unreported:
            if f"{incident.number}:held" in held:
                continue
            hold = hold_until(self.config, incident.tier, now)
            notes = [
                alert_notification(incident, t, now).replace(next_attempt_at=hold)
                for t in targets_for(self.config.chats, incident.tier)
            ]
            queued += sum(await self.store.enqueue(notes))
        return queued

    async def act(
        self,
        number: str,
        kind: ActionKind,
        actor: Actor,
        now: datetime,
        *,
        note: str = "",
        assignee: str = "",
        chat: str = "",
        action_id: str = "",
    ) -> tuple[Incident, Event | None]:
        """Apply one action; a repeated action_id changes nothing and returns event None."""
        action = Action(
            id=action_id or uuid.uuid4().hex,
            incident=number,
            kind=kind,
            actor=actor,
            at=now,
            note=note,
            chat=chat,
            assignee=assignee,
        )
        for _attempt in range(5):
            incident = await self.store.get_incident(number)
            if incident is None:
                raise UnknownIncident(f"没有编号为 {number} 的事件")
            if action_id and any(a.id == action_id for a in await self.store.actions(number)):
                return incident, None
            updated, event = apply(incident, action)
            try:
                await self.store.put_incident(updated, expected_version=incident.version)
            except VersionConflict:
                continue
            await self.store.append_action(action)
            await self.queue_updates(updated, now)
            return updated, event
        raise IllegalTransition(f"{number} 正被频繁修改，请稍后重试")

    async def merge(
        self, number: str, into: str, actor: Actor, now: datetime, *, chat: str = "", action_id: str = ""
    ) -> tuple[Incident, Incident | None]:
        """/merge: fold the duplicate `number` into `into`, the incident telling the same story. The
        duplicate is resolved (已并入 …) and its later reposts join `into` (bot.placement follows
        merged_into); `into` takes its items, sources and 首发 as spread and, when the duplicate was
        graded graver, its tier (announced as an upgrade). Returns (into, the duplicate after the
        merge), the duplicate None when this action_id was applied before."""
        target = await self._get(into)
        if target.merged_into:
            raise IllegalTransition(f"{into} 已并入 {target.merged_into}，请并入 {target.merged_into}")
        if not target.is_open:
            raise IllegalTransition(f"{into} 已办结，不能接收合并；如需合并请先 /reopen {into}")
        duplicate, event = await self.act(
            number, ActionKind.MERGE, actor, now, note=into, chat=chat, action_id=action_id
        )
        if event is None:
            return target, None

        def absorb(incident: Incident) -> Incident | None:
            keys = tuple(k for k in duplicate.item_keys if k not in incident.item_keys)
            sources = tuple(dict.fromkeys((*incident.sources, *duplicate.sources)))
            first = earlier_first(
                incident.first_or_own(self._source_name(incident.source_id)),
                duplicate.first_or_own(self._source_name(duplicate.source_id)),
            )
            seen = max(t for t in (incident.last_seen_at, duplicate.last_seen_at, now) if t is not None)
            return incident.replace(
                item_keys=(*incident.item_keys, *keys),
                sources=sources,
                first=first,
                last_seen_at=seen,
                hot=incident.hot or duplicate.hot,
                progress=incident.progress or duplicate.progress,
                related="" if incident.related == number else incident.related,
            )

        note = f"{number}「{duplicate.title}」{duplicate.spread} 条信息"
        absorbed = Action(f"{into}:absorb:{number}", into, ActionKind.ABSORB, actor, now, note=note, chat=chat)
        target, changed = await self._change(into, absorb, absorbed)
        if duplicate.tier < target.tier:  # the duplicate was graded graver (its toll, a leader named)
            reason = f"并入 {number}：{duplicate.reason}" if duplicate.reason else f"并入 {number}"
            target = await self.upgrade(into, duplicate.tier, reason, now)
        elif changed:
            await self.queue_updates(target, now)
        return target, duplicate

    async def add_spread(self, number: str, item: Item, now: datetime) -> Incident:
        """Merge a similar item (转载/相似报道) into an open incident: sources, count, last seen.

        Chats are updated only at spread milestones (2, 3, 5, 10, 20, 50 …) so a
        repost storm re-renders a card a handful of times, not once per repost."""

        def change(incident: Incident) -> Incident | None:
            if item.key in incident.item_keys:
                return None
            sources = incident.sources if item.source_id in incident.sources else (*incident.sources, item.source_id)
            first = earlier_first(
                incident.first_or_own(self._source_name(incident.source_id)),
                first_post(item, self._source_name(item.source_id), now),
            )
            return incident.replace(
                item_keys=(*incident.item_keys, item.key), sources=sources, last_seen_at=now, first=first
            )

        note = f"{item.source_id} {item.title} {item.url}".strip()
        action = Action(f"{number}:spread:{item.key}", number, ActionKind.SPREAD, SYSTEM, now, note=note)
        incident, changed = await self._change(number, change, action)
        if changed and self.evidence is not None:
            await archive_or_mark(self.evidence, self.store, incident, [item], now)  # each repost kept as evidence too
        if changed and _spread_milestone(incident.spread) and not await Silences(self.store).muted(number, now):
            await self.queue_updates(incident, now)
        return incident

    async def add_progress(self, number: str, item: Item, marker: str, now: datetime) -> Incident:
        """Record a rebuttal or clarification (辟谣/澄清/否认 …) answering this incident as 进展:
        one audit action, the card shows it; no alert, and the tier never changes."""
        line = f"{marker}：{item.title} {item.url}".strip()

        def change(incident: Incident) -> Incident | None:
            return incident.replace(progress=line, last_seen_at=now)

        action = Action(f"{number}:progress:{item.key}", number, ActionKind.PROGRESS, SYSTEM, now, note=line)
        if any(a.id == action.id for a in await self.store.actions(number)):
            return await self._get(number)
        incident, changed = await self._change(number, change, action)
        if changed and self.evidence is not None:
            self.evidence.archive_safely(incident, [item], now)
        if changed and not await Silences(self.store).muted(number, now):
            await self.queue_updates(incident, now)
        return incident

    async def _get(self, number: str) -> Incident:
        incident = await self.store.get_incident(number)
        if incident is None:
            raise UnknownIncident(f"没有编号为 {number} 的事件")
        return incident

    async def upgrade(self, number: str, tier: Tier, reason: str, now: datetime) -> Incident:
        """Raise the tier (never lower it): tighter deadlines, updated cards, alerts to the
        chats of the new tier, and an upgrade announcement there."""
        policy = self.config.tiers.policy(tier)

        def change(incident: Incident) -> Incident | None:
            if incident.tier <= tier:
                return None
            ack, resolve = incident.ack_deadline, incident.resolve_deadline
            if policy is not None:
                ack = min(ack, now + policy.ack) if ack else now + policy.ack
                resolve = min(resolve, now + policy.resolve) if resolve else now + policy.resolve
            return incident.replace(tier=tier, reason=reason, ack_deadline=ack, resolve_deadline=resolve)

        before = await self.store.get_incident(number)
        old = before.tier if before else tier
        note = f"{old.roman} → {tier.roman}: {reason}"
        action = Action(f"{number}:upgrade:{tier.name}", number, ActionKind.UPGRADE, SYSTEM, now, note=note)
        incident, changed = await self._change(number, change, action)
        if not changed:
            return incident
        await self.queue_updates(incident, now)
        targets = targets_for(self.config.chats, tier)
        text = f"⬆️ 事件升级 {number}「{incident.title}」由 {old.roman} {old.label} 升为 {tier.roman} {tier.label}。原因：{reason}"
        alerts = [alert_notification(incident, t, now) for t in targets]
        for alert, queued in zip(alerts, await self.store.enqueue(alerts), strict=True):
            if not queued:
                await self._promote(alert.id, tier, now)
        await self.store.enqueue(
            [
                # tied to the incident, so a /mute drops the announcement (bot.delivery)
                text_notification(t, text, now, f"{number}:upgrade:{tier.name}", priority=tier.value).replace(
                    incident=number
                )
                for t in targets
            ]
        )
        return incident

    async def set_hot(self, number: str, hot: HotRank, now: datetime, *, rerender: bool) -> Incident:
        """Keep the hot-list rank the cards show up to date (bot/hotranks.py); no audit action:
        the rank history is the source's, and the timeline gets only signals and drop-offs."""
        for _attempt in range(5):
            incident = await self._get(number)
            updated = incident.replace(hot=hot, version=incident.version + 1)
            try:
                await self.store.put_incident(updated, expected_version=incident.version)
            except VersionConflict:
                continue
            if rerender and not await Silences(self.store).muted(number, now):
                await self.queue_updates(updated, now)
            return updated
        raise IllegalTransition(f"{number} 正被频繁修改，请稍后重试")

    async def _promote(self, alert_id: str, tier: Tier, now: datetime) -> None:
        """An alert still waiting in the outbox (storm group, quiet hours) goes by its new tier:
        a III alert held for the night must not stay held once its incident is II."""
        note = await self.store.get_notification(alert_id)
        if note is None or not note.pending or note.priority <= tier.value or note.attempts:
            return
        await self.store.update_notification(
            note.replace(priority=tier.value, next_attempt_at=hold_until(self.config, tier, now))
        )

    async def _change(
        self, number: str, change: Callable[[Incident], Incident | None], action: Action
    ) -> tuple[Incident, bool]:
        """Apply a system change with the version check; (incident, False) if it changed nothing."""
        for _attempt in range(5):
            incident = await self.store.get_incident(number)
            if incident is None:
                raise UnknownIncident(f"没有编号为 {number} 的事件")
            updated = change(incident)
            if updated is None:
                return incident, False
            updated, _event = apply(updated, action)  # SPREAD / UPGRADE: same status, version + 1
            try:
                await self.store.put_incident(updated, expected_version=incident.version)
            except VersionConflict:
                continue
            await self.store.append_action(action)
            return updated, True
        raise IllegalTransition(f"{number} 正被频繁修改，请稍后重试")

    async def refresh(self, number: str, action: Action, now: datetime) -> Incident:
        """Record a system action that changes no field but must re-render every card
        (an incident turning overdue shows ⚠️ 已超时 wherever it was sent)."""
        incident, _changed = await self._change(number, lambda incident: incident, action)
        await self.queue_updates(incident, now)
        return incident

    async def queue_updates(self, incident: Incident, now: datetime) -> None:
        """Queue an update for every chat already showing it (pending alerts render fresh)."""
        targets = {ref.target for ref in await self.store.message_refs(incident.number)}
        notes = [update_notification(incident, Target.from_key(t), now) for t in sorted(targets)]
        await self.store.enqueue(notes)


def _spread_milestone(count: int) -> bool:
    """2, 3, 5, 10, 20, 50, 100, 200, 500 …"""
    return count in (2, 3, 5) or (count >= 10 and str(count).rstrip("0") in ("1", "2", "5"))


def _silence_text(item: Item, judgement: Judgement) -> str:
    """What a word silence is matched against: title, text and the matched words."""
    return "\n".join([item.title, item.text, *judgement.match.words()])


def alert_notification(incident: Incident, target: Target, now: datetime) -> Notification:
    return Notification(
        id=f"{incident.number}:{target.key}:alert",
        target=target.key,
        kind=NoticeKind.ALERT,
        created_at=now,
        incident=incident.number,
        version=incident.version,
        priority=incident.tier.value,
    )


def update_notification(incident: Incident, target: Target, now: datetime) -> Notification:
    return Notification(
        id=f"{incident.number}:{target.key}:v{incident.version}",
        target=target.key,
        kind=NoticeKind.UPDATE,
        created_at=now,
        incident=incident.number,
        version=incident.version,
        priority=incident.tier.value,
    )


def text_notification(target: Target, text: str, now: datetime, key: str, priority: int = 5) -> Notification:
    return Notification(
        id=f"text:{key}:{target.key}",
        target=target.key,
        kind=NoticeKind.TEXT,
        created_at=now,
        priority=priority,
        text=text,
    )
