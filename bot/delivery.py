"""The outbox delivery worker: send each queued notification at least once.

Entries are taken most-urgent tier first. A chat that asks us to wait
(retry_after) or fails is skipped for the rest of the round so its later
entries stay in order, while other chats keep flowing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from bot.channels.base import Channel, DeliveryError
from bot.clock import Clock
from bot.incidents import IncidentService
from bot.models import SYSTEM, Action, ActionKind, MessageRef, NoticeKind, Notification, Target
from bot.store.base import Store, VersionConflict

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(minutes=5)
MAYBE_SENT_PAUSE = timedelta(seconds=30)


class Delivery:
    def __init__(self, store: Store, channels: dict[str, Channel], clock: Clock, incidents: IncidentService) -> None:
        self.store = store
        self.channels = channels
        self.clock = clock
        self.incidents = incidents
        self.wake = asyncio.Event()

    async def run_once(self) -> int:
        """Deliver what is due now; return how many were sent."""
        now = self.clock.now()
        blocked: set[str] = set()
        sent = 0
        due = await self.store.pending_notifications(now)
        newest = _newest_update_versions(due)
        for note in due:
            if note.target in blocked:
                continue
            if note.kind is NoticeKind.UPDATE and note.version < newest[(note.incident, note.target)]:
                await self._give_up(note, "已被更新的版本取代")  # one edit shows the latest state
                continue
            if await self._deliver(note):
                sent += 1
            else:
                blocked.add(note.target)
        return sent

    async def run_forever(self, idle: float = 1.0) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                log.exception("delivery round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), idle)
            self.wake.clear()

    async def _deliver(self, note: Notification) -> bool:
        target = Target.from_key(note.target)
        channel = self.channels.get(target.channel)
        if channel is None:
            await self._give_up(note, f"渠道 {target.channel} 未启用")
            return True
        try:
            message_id, rendered_version = await self._send(channel, target, note)
        except DeliveryError as exc:
            await self._failed(note, exc)
            return False
        now = self.clock.now()
        await self.store.update_notification(
            note.replace(sent_at=now, message_id=message_id, attempts=note.attempts + 1)
        )
        if note.kind is NoticeKind.ALERT and message_id:
            await self._record_alert(note.replace(version=rendered_version), message_id)
        return True

    async def _send(self, channel: Channel, target: Target, note: Notification) -> tuple[str, int]:
        """Send; return the message id and the incident version that was rendered."""
        if note.kind is NoticeKind.TEXT:
            return await channel.send_text(target.chat_id, note.text, note.mentions), 0
        incident = await self.store.get_incident(note.incident)
        if incident is None:
            raise DeliveryError(f"事件 {note.incident} 不存在", retry=False)
        if note.kind is NoticeKind.ALERT:
            return await channel.send_incident(target.chat_id, incident), incident.version
        refs = [r for r in await self.store.message_refs(incident.number) if r.target == target.key]
        if not refs:
            return "", incident.version  # its alert is still pending and will render the latest state
        for ref in refs:
            await channel.update_incident(target.chat_id, ref.message_id, incident)
        return refs[-1].message_id, incident.version

    async def _record_alert(self, note: Notification, message_id: str) -> None:
        now = self.clock.now()
        await self.store.add_message_ref(MessageRef(note.target, message_id, note.incident))
        await self.store.append_action(
            Action(
                f"{note.incident}:{note.target}:notified",
                note.incident,
                ActionKind.NOTIFY,
                SYSTEM,
                now,
                chat=note.target,
            )
        )
        for _attempt in range(5):
            incident = await self.store.get_incident(note.incident)
            if incident is None:
                return
            if incident.version > note.version:  # changed while we were sending
                await self.incidents.queue_updates(incident, now)
            if incident.reported_at is not None:
                return
            try:
                await self.store.put_incident(
                    incident.replace(reported_at=now, version=incident.version + 1), expected_version=incident.version
                )
                return
            except VersionConflict:
                continue

    async def _failed(self, note: Notification, exc: DeliveryError) -> None:
        now = self.clock.now()
        attempts = note.attempts + 1
        if exc.disabled or not exc.retry:
            log.warning("delivery to %s dropped: %s", note.target, exc)
            await self._give_up(note, str(exc))
            return
        if exc.retry_after is not None:
            wait = timedelta(seconds=exc.retry_after)
        elif exc.maybe_sent:
            wait = MAYBE_SENT_PAUSE
        else:
            wait = min(MAX_BACKOFF, timedelta(seconds=2 ** min(attempts, 10)))
        log.info("delivery to %s failed (%s); retry in %s", note.target, exc, wait)
        await self.store.update_notification(
            note.replace(attempts=attempts, next_attempt_at=now + wait, last_error=str(exc))
        )

    async def _give_up(self, note: Notification, reason: str) -> None:
        await self.store.update_notification(
            note.replace(sent_at=self.clock.now(), attempts=note.attempts + 1, last_error=f"放弃：{reason}")
        )


def _newest_update_versions(notes: list[Notification]) -> dict[tuple[str, str], int]:
    newest: dict[tuple[str, str], int] = {}
    for note in notes:
        if note.kind is NoticeKind.UPDATE:
            key = (note.incident, note.target)
            newest[key] = max(newest.get(key, 0), note.version)
    return newest
