"""The outbox delivery worker: send each queued notification at least once.

Entries are taken most-urgent tier first. A chat waiting out a failure
(retry_after, an outage's backoff, a read timeout's pause) is held as a whole,
so its later entries stay in order, while other chats keep flowing. Platforms
(Telegram, WeChat, 企业微信 …) are served side by side, so one whose API hangs
until its timeout delays no other. Each send is recorded (message id, 报送时间,
audit action) in one durable write before that platform's next send, so a
crash costs at most one duplicate per platform. Tier III/IV alerts go
through storm control (bot.storm); reminders of a muted incident are dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from pathlib import Path

from bot import cards, deadlines, disabled_chats, storm
from bot.channels.base import Channel, DeliveryError, NotLeader
from bot.clock import Clock
from bot.config import Config
from bot.incidents import IncidentService, alert_notification
from bot.models import SYSTEM, Action, ActionKind, Incident, MessageRef, NoticeKind, Notification, Target
from bot.outage import Outage, is_outage
from bot.routing import all_targets
from bot.silences import Silences
from bot.store.base import Store, VersionConflict, parse_file_ref
from bot.store.redis_store import FencedOut

log = logging.getLogger(__name__)

HORIZON = timedelta(days=3650)  # "every pending entry", due or not


class Delivery:
    def __init__(
        self,
        store: Store,
        channels: dict[str, Channel],
        clock: Clock,
        incidents: IncidentService,
        source_names: dict[str, str] | None = None,
    ) -> None:
        self.source_names = source_names or {}
        self.store = store
        self.channels = channels
        self.clock = clock
        self.incidents = incidents
        self.wake = asyncio.Event()
        self.throttled: dict[str, datetime] = {}  # platform → end of its sending pause (WeChat)
        self.outage = Outage("消息发送（outbox）", cap=10.0)
        self._ready: set[str] = set()  # platforms that can send again: their failed entries are due now

    def retry_now(self, platform: str) -> None:
        """A channel can send again (WeChat logged in): its entries waiting out a failure are due at once.

        Only the next round sees it, in memory: no entry is rewritten, so a send
        in flight cannot be overwritten with a stale copy.
        """
        self._ready.add(platform)
        self.wake.set()

    async def run_once(self) -> int:
        """Deliver what is due now; return how many messages were sent."""
        now = self.clock.now()
        ready, self._ready = self._ready, set()
        pending = [_due_if_ready(n, ready, now) for n in await self.store.pending_notifications(now + HORIZON, 100_000)]
        # A chat waiting out a failure (retry_after, outage backoff) is held as a whole, so
        # its later entries cannot overtake the one that failed: order survives outages.
        blocked = {n.target for n in pending if n.attempts and n.next_attempt_at and n.next_attempt_at > now}
        newest = _newest_update_versions(pending)
        chases = deadlines.latest_chases(pending)
        for note in pending:
            if note.kind is NoticeKind.ALERT and self.throttled.get(Target.from_key(note.target).channel, now) > now:
                await self._fall_back(note)  # new alerts during the pause go to the other chats too
        platforms: dict[str, list[Notification]] = {}
        for note in pending:
            platforms.setdefault(Target.from_key(note.target).channel, []).append(note)
        # Platforms are served side by side: one whose API hangs until its timeout delays no other.
        # Within a platform one send at a time, so a crash costs at most one duplicate per platform.
        # Each finishes its round (no send is cut off half-way); the first failure is raised after.
        results = await asyncio.gather(
            *(self._run_platform(notes, blocked, newest, chases, now) for notes in platforms.values()),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return sum(r for r in results if isinstance(r, int))

    async def _run_platform(
        self,
        pending: list[Notification],
        blocked: set[str],
        newest: dict[tuple[str, str], int],
        chases: dict[tuple[str, str, str], int],
        now: datetime,
    ) -> int:
        """One platform's due entries, most urgent first; a chat stops at its first failed send."""
        done: set[str] = set()
        sent = 0
        for note in pending:
            if note.id in done or note.target in blocked or (note.next_attempt_at and note.next_attempt_at > now):
                continue
            if note.kind is NoticeKind.UPDATE and note.version < newest[(note.incident, note.target)]:
                await self._give_up(note, "已被更新的版本取代")  # one edit shows the latest state
                continue
            if stale := deadlines.stale_chase(note, await self._incident_of_chase(note), chases):
                await self._give_up(note, stale)  # e.g. 超时未确认, queued while this chat was down, acked since
                continue
            if storm.is_storm_alert(self.config, note):
                ok, members = await self._deliver_group(note, pending)
                done.update(m.id for m in members)
            else:
                ok = await self._deliver(note)
            if ok:
                sent += 1
            else:
                blocked.add(note.target)  # its later entries wait, so order survives the failure
        return sent

    async def _deliver_group(self, first: Notification, pending: list[Notification]) -> tuple[bool, list[Notification]]:
        """Tier III/IV alerts for one chat: wait out the group interval, then one digest (or a lone alert)."""
        now, key = self.clock.now(), storm.last_digest_key(first.target)
        members = storm.group_members(self.config, first, pending, now)
        last = await self.store.get_meta(key)
        resume = datetime.fromisoformat(last) + self.config.storm.group_interval if last else now
        if now < resume:
            for member in members:
                await self.store.update_notification(member.replace(next_attempt_at=resume))
            return True, members
        if len(members) < self.config.storm.min_digest:  # not a storm: one by one, in order
            ok = True
            for member in members:
                ok = ok and await self._deliver(member)
        else:
            ok = await self._send_digest(members)
        if ok:
            await self.store.set_meta(key, now.isoformat())
        return ok, members

    async def _send_digest(self, members: list[Notification]) -> bool:
        target = Target.from_key(members[0].target)
        channel = self.channels.get(target.channel)
        found = [(m, await self.store.get_incident(m.incident)) for m in members]
        for note, _ in [(m, i) for m, i in found if i is None or channel is None]:
            await self._give_up(note, "事件不存在或渠道未启用")
        found = [(m, i) for m, i in found if i is not None and channel is not None]
        if not found or channel is None:
            return True
        text = storm.digest_text([i for _, i in found], self.clock.now(), self.config.zone, self.source_names)
        try:
            message_id = await channel.send_text(target.chat_id, text)
        except DeliveryError as exc:
            for note, _ in found:
                await self._failed(note, exc)
            return False
        now = self.clock.now()
        async with self.store.batch():
            await self._record_digest(found, message_id, now)
        return True

    async def _record_digest(self, found: list[tuple[Notification, Incident]], message_id: str, now: datetime) -> None:
        for note, incident in found:
            await self.store.update_notification(
                note.replace(sent_at=now, message_id=message_id, attempts=note.attempts + 1)
            )
            await self._record_alert(note.replace(version=incident.version), message_id, ref=False)

    async def _incident_of_chase(self, note: Notification) -> Incident | None:
        rank = deadlines.chase_rank(note)
        return await self.store.get_incident(rank[0]) if rank else None

    @property
    def config(self) -> Config:
        return self.incidents.config

    async def run_forever(self, idle: float = 1.0) -> None:
        """Deliver every `idle` seconds or when woken; while the store is down, back off (capped) quietly."""
        while True:
            wait = idle
            try:
                await self.run_once()
                self.outage.ok()
            except (FencedOut, NotLeader) as exc:  # our term is over: bot.roles is stopping this loop
                log.info("delivery paused: %s", exc)
                wait = max(idle, 5.0)
            except Exception as exc:
                if not is_outage(exc):
                    log.exception("delivery round failed")
                    wait = idle
                else:  # one warning when it starts, one line when it ends; no traceback per round
                    wait = self.outage.failed(exc)
            if self.outage.down:
                await asyncio.sleep(wait)  # a wake-up must not defeat the backoff
                continue
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancel that
            # arrives as the wake event fires, and stop() would then wait forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self.wake.wait()
            self.wake.clear()

    async def _deliver(self, note: Notification) -> bool:
        target = Target.from_key(note.target)
        channel = self.channels.get(target.channel)
        if channel is None:
            await self._give_up(note, f"渠道 {target.channel} 未启用")
            return True
        if await disabled_chats.is_disabled(self.store, note.target):
            await self._give_up(note, "该群已停止推送（机器人被移出或被拒绝）")
            return True
        if (
            note.kind is NoticeKind.TEXT
            and note.incident
            and await Silences(self.store).muted(note.incident, self.clock.now())
        ):
            await self._give_up(note, "事件已静默")  # a reminder or re-alert queued before /mute
            return True
        card = note.button if note.kind is NoticeKind.TEXT else ""
        line = await cards.settled_line(self.store, card) if card else None
        try:  # a card settled before this copy went goes settled, without its button
            shown = note.replace(text=cards.settled_text(note.text, line), button="") if line else note
            message_id, rendered_version = await self._send(channel, target, shown)
        except DeliveryError as exc:
            await self._failed(note, exc)
            return False
        now = self.clock.now()
        async with self.store.batch():  # one durable write records the send, before the next send
            await self.store.update_notification(
                note.replace(sent_at=now, message_id=message_id, attempts=note.attempts + 1)
            )
            if note.kind is NoticeKind.ALERT and message_id:
                await self._record_alert(note.replace(version=rendered_version), message_id)
            if card and not line and message_id:
                await cards.remember_copy(self.store, note.target, message_id, card)
        if card and not line and (line := await cards.settled_line(self.store, card)):
            # settled while this copy was on its way, too late to be among the copies settled: settle it now
            await self.store.enqueue([cards.settle_notification(note.target, card, line, self.clock.now())])
        return True

    async def _send(self, channel: Channel, target: Target, note: Notification) -> tuple[str, int]:
        """Send; return the message id and the incident version that was rendered."""
        if note.kind is NoticeKind.TEXT and note.button:
            return await channel.send_text_button(target.chat_id, note.text, note.mentions, note.button), 0
        if note.kind is NoticeKind.SETTLE:
            return await self._settle(channel, target, note), 0
        if note.kind is NoticeKind.TEXT:
            return await channel.send_text(target.chat_id, note.text, note.mentions), 0
        if note.kind in (NoticeKind.PHOTO, NoticeKind.DOCUMENT):
            return await _send_file(self.store, channel, target, note), 0
        incident = await self.store.get_incident(note.incident)
        if incident is None:
            raise DeliveryError(f"事件 {note.incident} 不存在", retry=False)
        if note.kind is NoticeKind.ALERT:
            return await channel.send_incident(target.chat_id, incident), incident.version
        refs = [r for r in await self.store.message_refs(incident.number) if r.target == target.key]
        if not refs:
            return "", incident.version  # its alert is still pending and will render the latest state
        shown = ""
        for ref in refs:
            try:
                shown = await channel.update_incident(target.chat_id, ref.message_id, incident)
            except DeliveryError as exc:
                if not exc.gone:
                    raise
                shown = await self._repost(channel, target, ref, incident)
        return shown, incident.version

    async def _settle(self, channel: Channel, target: Target, note: Notification) -> str:
        """Show the settled line on each copy of the card in this chat (a copy deleted meanwhile is skipped)."""
        shown = ""
        for ref in await self.store.message_refs(cards.card_ref(note.button)):
            if ref.target != target.key:
                continue
            try:
                shown = await channel.settle_card(target.chat_id, ref.message_id, note.text)
            except DeliveryError as exc:
                if not exc.gone:
                    raise
        return shown

    async def _repost(self, channel: Channel, target: Target, gone: MessageRef, incident: Incident) -> str:
        """The alert to edit was deleted (or left in a moved group): post it afresh and edit that from now on."""
        message_id = await channel.send_incident(target.chat_id, incident)
        await self.store.add_message_ref(MessageRef(target.key, message_id, incident.number))
        await self.store.add_message_ref(MessageRef(target.key, gone.message_id, ""))  # no longer the incident's
        log.info("alert %s in %s was gone; posted again as %s", incident.number, target.key, message_id)
        return message_id

    async def _record_alert(self, note: Notification, message_id: str, ref: bool = True) -> None:
        """Remember where the alert lives (a digest is not edited per incident) and when it was reported."""
        now = self.clock.now()
        if ref:
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
        if exc.disabled:  # kicked or blocked: stop sending there, tell the monitors in the other chats
            await disabled_chats.disable(self.store, self.config.chats, note.target, str(exc), now)
        if exc.disabled or not exc.retry:
            log.warning("delivery to %s dropped: %s", note.target, exc)
            await self._give_up(note, str(exc))
            return
        if exc.retry_after is not None:
            wait = timedelta(seconds=exc.retry_after)
        elif exc.maybe_sent:  # it may have arrived: never resend within the same second
            wait = self.config.delivery.maybe_sent_pause
        else:  # connect failure or 5xx: nothing was delivered, safe to retry soon
            wait = min(self.config.delivery.max_backoff, timedelta(seconds=2 ** min(attempts - 1, 10)))
        log.info("delivery to %s failed (%s); retry in %s", note.target, exc, wait)
        await self.store.update_notification(
            note.replace(attempts=attempts, next_attempt_at=now + wait, last_error=str(exc))
        )
        if exc.throttled:
            self.throttled[Target.from_key(note.target).channel] = now + wait
            if note.kind is NoticeKind.ALERT:
                await self._fall_back(note)

    async def _fall_back(self, note: Notification) -> None:
        """The platform throttles the bot as a whole (WeChat): queue the alert for the chats elsewhere."""
        incident = await self.store.get_incident(note.incident)
        if incident is None:
            return
        throttled = Target.from_key(note.target).channel
        others = [t for t in all_targets(self.config.chats) if t.channel != throttled]
        added = await self.store.enqueue([alert_notification(incident, t, self.clock.now()) for t in others])
        if any(added):
            log.warning("%s throttled; alert %s also queued for other chats", throttled, note.incident)

    async def _give_up(self, note: Notification, reason: str) -> None:
        await self.store.update_notification(
            note.replace(sent_at=self.clock.now(), attempts=note.attempts + 1, last_error=f"放弃：{reason}")
        )


async def _send_file(store: Store, channel: Channel, target: Target, note: Notification) -> str:
    """Send a queued picture or document from the store; a file expired or gone is not retried.

    Entries queued before files lived in the store hold a path on the queuing
    instance's disk: still sent if that path is readable here.
    """
    parsed = parse_file_ref(note.file)
    if parsed is not None:
        name = parsed[1]
        data = await store.get_file(note.file)
        if data is None:
            raise DeliveryError(f"附件 {name} 无法读取：已过期或不存在", retry=False)
    else:
        path = Path(note.file)
        name = path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise DeliveryError(f"附件 {name} 无法读取：{exc.strerror}", retry=False) from exc
    kind = "photo" if note.kind is NoticeKind.PHOTO else "document"
    return await channel.send_file(target.chat_id, data, name, note.text, kind)


def _newest_update_versions(notes: list[Notification]) -> dict[tuple[str, str], int]:
    newest: dict[tuple[str, str], int] = {}
    for note in notes:
        if note.kind is NoticeKind.UPDATE:
            key = (note.incident, note.target)
            newest[key] = max(newest.get(key, 0), note.version)
    return newest


def _due_if_ready(note: Notification, ready: set[str], now: datetime) -> Notification:
    """An entry that failed on a platform that can send again is due now (held entries stay held)."""
    held = bool(note.attempts and note.last_error and note.next_attempt_at and note.next_attempt_at > now)
    if held and Target.from_key(note.target).channel in ready:
        return note.replace(next_attempt_at=now)
    return note
