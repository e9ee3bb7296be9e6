"""Shift changes, run by the scheduler every minute (the leader only, on Redis).

At each shift start: a handover card (交接班) for the shift that ended goes to the
monitors' chats; the incoming 值班员 accepts it with /接班. Not accepted within
`roster.handover_accept`: a reminder; after twice that, the 带班领导 is told. A shift
with nobody on duty (or someone no longer in `people`) is announced `gap_warn_ahead`
before and again when it starts. Every step has a store key set once
(`set_meta_if_absent`) and an audit action, so a restart or a second instance repeats nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.channels import buttons
from bot.config import PersonConfig
from bot.incidents import text_notification
from bot.models import SYSTEM, Action, ActionKind, Status, Target
from bot.render import deadline_line
from bot.roster.model import Duty, duties_between, duty_of, gaps, slot_at
from bot.roster.overrides import Overrides
from bot.roster.render import slot_text
from bot.roster.service import roster_of
from bot.routing import all_targets, leader_targets, monitor_targets
from bot.services import Services
from bot.silences import Silences
from bot.watches import active_watches

log = logging.getLogger(__name__)

NOTES_KEY = "roster:handover-notes:{slot}"
ACCEPTED_KEY = "roster:handover-accepted:{slot}"


async def check_shifts(services: Services) -> list[str]:
    """One tick: post what is due now (handover card, acceptance chase, gap warnings); return their ids."""
    roster = roster_of(services)
    if roster is None:
        return []
    now = services.clock.now()
    overrides = await Overrides(services.store).all()
    done: list[str] = []
    slot = slot_at(roster, now)
    if slot is not None:
        current = duty_of(roster, overrides, slot)
        before = slot_at(roster, slot.start - timedelta(seconds=1))
        if before is not None:
            done += await _handover(services, duty_of(roster, overrides, before), current, now)
    ahead = duties_between(roster, overrides, now, now + services.config.roster.gap_warn_ahead)
    for duty, why in gaps(ahead, {p.name for p in services.config.people}):
        started = duty.slot.start <= now
        key = f"roster:gap-{'start' if started else 'ahead'}:{duty.slot.key}"
        when = "已开始" if started else "即将开始"
        text = f"⚠️ 值班缺口（{when}）：{slot_text(duty.slot, services.config.zone)} {why}，请带班领导安排或 /swap 换班"
        done += await _post(services, key, all_targets(services.config.chats), text, duty.slot.key, now)
    if done:
        services.wake_delivery()
    return done


async def _handover(services: Services, ended: Duty, current: Duty, now: datetime) -> list[str]:
    cfg, zone, done = services.config.roster, services.config.zone, []
    slot = current.slot
    key = f"roster:handover:{slot.key}"
    incoming = services.people.by_name(current.duty) if current.duty else None
    mention = (incoming,) if incoming else ()
    if await services.store.get_meta(key) is None:
        if now - slot.start > 2 * cfg.handover_accept:
            return []  # the bot was down across this shift change: no stale card, no chase
        card = await handover_card(services, ended, current, now)
        targets = monitor_targets(services.config.chats)
        done += await _post(services, key, targets, card, slot.key, now, mention, buttons.handover(slot.key))
    if await services.store.get_meta(ACCEPTED_KEY.format(slot=slot.key)) is not None:
        return done
    late = now - slot.start
    if late >= cfg.handover_accept:
        text = f"⏰ 交接班尚未确认：{slot_text(slot, zone)} 接班 {current.duty or '无人'}，请发送 /接班"
        done += await _post(
            services,
            f"roster:handover-remind:{slot.key}",
            monitor_targets(services.config.chats),
            text,
            slot.key,
            now,
            mention,
        )
    leader = services.people.by_name(current.leader) if current.leader else None
    if late >= 2 * cfg.handover_accept:
        text = f"🚨 交接班超时未确认：{slot_text(slot, zone)} 接班 {current.duty or '无人'}，提请带班领导 {current.leader or ''} 关注"
        targets = leader_targets(services.config.chats) or monitor_targets(services.config.chats)
        done += await _post(
            services, f"roster:handover-leader:{slot.key}", targets, text, slot.key, now, (leader,) if leader else ()
        )
    return done


async def handover_card(services: Services, ended: Duty, current: Duty, now: datetime) -> str:
    """What the outgoing shift hands over: open incidents, what happened, watches, silences, notes."""
    zone, store = services.config.zone, services.store
    lines = [
        f"🔄 交接班：{slot_text(ended.slot, zone)} → {current.slot.shift}",
        f"交班 {ended.duty or '无人'} → 接班 {current.duty or '无人'}（备班 {current.backup or '无'}，带班领导 {current.leader or '无'}）",
    ]
    open_ = await store.incidents([Status.NEW, Status.ACKNOWLEDGED, Status.ASSIGNED])
    lines.append(f"未结事件 {len(open_)} 件" + ("：" if open_ else ""))
    for i in open_[:20]:
        owner = f" 负责人 {i.assignee}" if i.assignee else ""
        lines.append(
            f"  {i.tier.emoji}{i.tier.roman} {i.number} {i.title[:30]} · {i.status.label}{owner} {deadline_line(i, now)}".rstrip()
        )
    counts = {ActionKind.ACK: 0, ActionKind.ASSIGN: 0, ActionKind.RESOLVE: 0}
    for a in await store.actions(since=ended.slot.start):
        if a.kind in counts and a.at < ended.slot.end:
            counts[a.kind] += 1
    lines.append(
        f"本班：确认 {counts[ActionKind.ACK]} 件，指派 {counts[ActionKind.ASSIGN]} 件，办结 {counts[ActionKind.RESOLVE]} 件"
    )
    watches = await active_watches(store, now)
    silences = await Silences(store).active(now)
    if watches:
        lines.append("紧急关注：" + "、".join(w.term for w in watches))
    if silences:
        lines.append("静默中：" + "、".join(s.label for s in silences))
    notes = await store.get_meta(NOTES_KEY.format(slot=ended.slot.key)) or []
    for n in notes:
        lines.append(f"备注（{n['by']}）：{n['text']}")
    lines.append(buttons.HANDOVER_PROMPT)
    return "\n".join(lines)


async def _post(
    services: Services,
    key: str,
    targets: list[Target],
    text: str,
    slot: str,
    now: datetime,
    mention: tuple[PersonConfig, ...] = (),
    button: str = "",
) -> list[str]:
    """Queue `text` to `targets` once ever for `key` (with one button where the platform has them), and record it."""
    if not await services.store.set_meta_if_absent(key, now.isoformat()):
        return []
    notes = []
    for t in targets:
        ids = tuple(m for m in (services.people.platform_id(p, t.channel) for p in mention) if m)
        notes.append(text_notification(t, text, now, key).replace(mentions=ids, button=button))
    await services.store.enqueue(notes)
    await services.store.append_action(Action(key, "", ActionKind.HANDOVER, SYSTEM, now, text.splitlines()[0], slot))
    log.info("shift step %s", key)
    return [key]


def add_shift_job(scheduler: AsyncIOScheduler, services: Services) -> None:
    """Check shift changes every minute (never overlapping); a bad roster fails here, at start."""
    if roster_of(services) is None:
        return

    async def tick() -> None:
        try:
            await check_shifts(services)
        except Exception:
            log.exception("shift check failed")

    scheduler.add_job(tick, IntervalTrigger(minutes=1), id="shifts", replace_existing=True, max_instances=1)
