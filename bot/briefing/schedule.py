"""The morning briefing: once per day per slot, even across restarts.

Each slot occurrence (day + HH:MM) has a meta key claimed with
set_meta_if_absent, so a cron run and the start-up catch-up never both send.
At start, a slot missed while the bot was down is sent if still within
`briefing.grace`, otherwise recorded as missed. Outbox ids derive from the
key, so resuming a send interrupted by a crash cannot duplicate it.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.briefing.build import chart_png
from bot.briefing.content import LAST_SENT_KEY, gather, last_sent, period_window
from bot.briefing.files import queue_file
from bot.briefing.text import render_text
from bot.config import Config
from bot.incidents import text_notification
from bot.models import NoticeKind, Target
from bot.roster.service import today_text
from bot.routing import all_targets
from bot.services import Services

log = logging.getLogger(__name__)

EARLY_FIRE = timedelta(minutes=1)  # a cron run a little early still counts as this slot
MISSED_KEY = "briefing:missed"  # missed slots ("11-26 08:00"), named in the next briefing sent
SINCE_KEY = "briefing:since"  # when this store first ran briefings: earlier slots were never due


def slot_occurrence(slot: str, now: datetime, zone: ZoneInfo) -> datetime:
    """The most recent local time HH:MM at or before `now`."""
    hour, minute = (int(x) for x in slot.split(":"))
    local = now.astimezone(zone)
    at = datetime.combine(local.date(), time(hour, minute), zone)
    return at if at <= local else datetime.combine(local.date() - timedelta(days=1), time(hour, minute), zone)


def slot_key(occurrence: datetime, slot: str) -> str:
    return f"briefing:{occurrence:%Y%m%d}:{slot}"


def briefing_targets(config: Config) -> list[Target]:
    """The chats in briefing.chats (by target key or chat id), or every chat."""
    every = all_targets(config.chats)
    wanted = set(config.briefing.chats)
    if not wanted:
        return every
    unknown = wanted - {t.key for t in every} - {t.chat_id for t in every}
    if unknown:
        log.warning("briefing.chats not among the configured chats: %s", ", ".join(sorted(unknown)))
    return [t for t in every if t.key in wanted or t.chat_id in wanted]


async def _deliver(services: Services, key: str, occurrence: datetime, late: bool) -> None:
    now, zone = services.clock.now(), services.config.zone
    data = await gather(services, period_window("morning", now, zone, await last_sent(services)))
    heading = f"舆情晨报 {occurrence:%m月%d日 %H:%M}" + ("（补发）" if late else "")
    text = render_text(data, zone, heading)
    missed = await services.store.get_meta(MISSED_KEY) or []
    if missed:  # said once, in the next briefing that goes out
        text += "\n\n⚠️ 因机器人停机未发送的晨报：" + "、".join(missed)
    duty = await today_text(services, now)  # 值班表: who is on duty today ("" without a roster)
    if duty:
        text += "\n\n" + duty
    targets = briefing_targets(services.config)
    await services.store.enqueue([text_notification(t, text, now, key) for t in targets])
    services.wake_delivery()
    if services.config.briefing.chart and targets:
        png = await chart_png(data, heading)
        if png is not None:
            name = f"briefing-{occurrence:%Y%m%d-%H%M}.png"
            await queue_file(services, targets, png, name, "📊 舆情趋势图", NoticeKind.PHOTO, key)
    await services.store.set_meta(LAST_SENT_KEY, now.isoformat())
    if missed:
        await services.store.set_meta(MISSED_KEY, [])
    await services.store.set_meta(key, {"status": "sent", "at": now.isoformat()})


async def _claim(services: Services, key: str, resume: bool) -> bool:
    now = services.clock.now()
    if await services.store.set_meta_if_absent(key, {"status": "sending", "at": now.isoformat()}):
        return True
    state = await services.store.get_meta(key)
    return resume and isinstance(state, dict) and state.get("status") == "sending"


async def send_scheduled_briefing(services: Services, slot: str) -> bool:
    """The cron job: queue this slot's briefing unless already done today; True if queued."""
    now, zone = services.clock.now(), services.config.zone
    occurrence = slot_occurrence(slot, now + EARLY_FIRE, zone)
    key = slot_key(occurrence, slot)
    if not await _claim(services, key, resume=False):
        return False
    await _deliver(services, key, occurrence, late=now - occurrence > EARLY_FIRE * 10)
    return True


async def catch_up(services: Services) -> dict[str, str]:
    """At start: for each slot's latest occurrence, send it if within grace, else record it missed."""
    now, config = services.clock.now(), services.config
    await services.store.set_meta_if_absent(SINCE_KEY, now.isoformat())
    since = datetime.fromisoformat(await services.store.get_meta(SINCE_KEY))
    outcome: dict[str, str] = {}
    for slot in config.briefing.times:
        occurrence = slot_occurrence(slot, now, config.zone)
        key = slot_key(occurrence, slot)
        state = await services.store.get_meta(key)
        resumable = isinstance(state, dict) and state.get("status") == "sending"
        if state is not None and not resumable:
            outcome[slot] = "done"
        elif occurrence < since and now - occurrence > config.briefing.grace:
            outcome[slot] = "before first start"  # a new installation missed nothing
        elif now - occurrence <= config.briefing.grace:
            sent = await _claim(services, key, resume=True)
            if sent:
                await _deliver(services, key, occurrence, late=True)
            outcome[slot] = "sent" if sent else "done"
        else:
            outcome[slot] = await _record_missed(services, key, occurrence, resumable)
    return outcome


async def _record_missed(services: Services, key: str, occurrence: datetime, resumable: bool) -> str:
    missed = {"status": "missed", "at": services.clock.now().isoformat()}
    if resumable:
        await services.store.set_meta(key, missed)
    elif not await services.store.set_meta_if_absent(key, missed):
        return "done"
    earlier = await services.store.get_meta(MISSED_KEY) or []
    await services.store.set_meta(MISSED_KEY, [*earlier, f"{occurrence:%m-%d %H:%M}"])
    log.warning(
        "briefing %s was missed while the bot was down (past the %s grace)", key, services.config.briefing.grace
    )
    return "missed"
