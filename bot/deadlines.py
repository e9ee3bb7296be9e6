"""Chasing deadlines: nobody may miss an alert.

A scheduler tick (`check_deadlines`) looks at every open incident:
- ack deadline missed: re-notify its chats with @mentions of the monitors;
  from repeat `leaders_after` on, escalate: @mention the leaders as well and
  reach the leaders' chats. Repeated every `repeat_every`, at most
  `max_repeats` times after the first.
- resolve deadline near (`resolve_warn_before`) or missed (the golden 24
  hours for tier I and II): remind the assignee and the leaders, the same way.
With a roster (`roster:` config, bot/roster/) the chase follows the duty chain instead:
a new alert @mentions the 值班员 on duty (`duty-call`; all monitors if nobody is, the
leaders at once for tier I), and each missed-ack step calls the next link of
`roster.chain[tier]`: 备班, then 带班领导 (and the leaders' chats), then the whole group.
Each step has a stable id, is queued in the outbox before it is recorded as
an action, and is done once however often the tick runs or the bot restarts.
A muted incident is not chased. After a long outage only the current step
is sent, not every missed one; and a chase still queued for a chat that was
down is dropped at send time if it no longer holds (acknowledged, resolved)
or a later chase of the same incident waits for the same chat (`stale_chase`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import ChatsConfig, EscalationConfig, PersonConfig
from bot.durations import format_duration
from bot.incidents import text_notification
from bot.models import SYSTEM, Action, ActionKind, Incident, Notification, Status, Target, Tier
from bot.roster.model import Duty
from bot.roster.service import on_duty
from bot.roster.taskforce import active_task_forces, duty_for
from bot.routing import targets_for
from bot.services import Services
from bot.silences import Silences
from bot.store.base import StoreUnavailable
from bot.store.redis_store import FencedOut
from bot.storm import quiet_until

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Step:
    """One chase: which, whom, where, what to say."""

    id: str
    kind: ActionKind
    people: tuple[PersonConfig, ...]
    targets: tuple[Target, ...]
    text: str


async def check_deadlines(services: Services) -> list[Action]:
    """One tick: queue and record every chase now due; return the actions recorded."""
    cfg, now = services.config.escalation, services.clock.now()
    if not cfg.enabled:
        return []
    silences = Silences(services.store)
    duty = (await on_duty(services, now))[0] if services.config.roster.enabled else None
    forces = await active_task_forces(services.store, now)  # emergency 专班 of active watches
    recorded: list[Action] = []
    for incident in await services.store.incidents([Status.NEW, Status.ACKNOWLEDGED, Status.ASSIGNED]):
        if not incident.tier.pushed or await silences.muted(incident.number, now):
            continue
        if quiet_until(services.config, incident.tier, now) is not None:
            continue  # III/IV at night: chased in the morning (only the step then current)
        force = duty_for(incident, forces, now, duty.leader if duty else "") if forces else None
        steps = due_steps(services, incident, now, force or duty, by_duty=force is not None)
        done = {a.id for a in await services.store.actions(incident.number)} if steps else set()
        for step in steps:
            if step.id not in done:
                recorded.append(await _run(services, incident, step, now))
    if recorded:
        services.wake_delivery()
    return recorded


def due_steps(
    services: Services, incident: Incident, now: datetime, duty: Duty | None = None, by_duty: bool = False
) -> list[Step]:
    """The chases due now; `duty` is who is on duty for this incident (roster or 专班), `by_duty` forces the chain."""
    steps = []
    by_duty = by_duty or services.config.roster.enabled
    storm = services.config.storm
    batched = storm.enabled and incident.tier in storm.tiers  # III/IV go out as digests: no call per alert
    if by_duty and incident.status is Status.NEW and not batched:
        steps.append(_duty_call(services, incident, duty))
    ack = _ack_step(services, incident, now, duty, by_duty)
    if ack is not None:
        steps.append(ack)
    resolve = _resolve_step(services, incident, now)
    if resolve is not None:
        steps.append(resolve)
    return steps


def _repeat(cfg: EscalationConfig, late: timedelta) -> int:
    every = max(cfg.repeat_every.total_seconds(), 1.0)
    return min(int(late.total_seconds() // every), cfg.max_repeats)


def _duty_call(services: Services, incident: Incident, duty: Duty | None) -> Step:
    """The new alert's @mention: the 值班员 on duty; nobody on duty: monitors, or for tier I the leaders."""
    people, head = services.people, _head(incident)
    on_duty = _person(services, duty.duty) if duty is not None else None
    step_id = f"{incident.number}:duty-call"
    targets = _alert_targets(services, incident)
    if on_duty is not None:
        text = f"📣 值班员 {on_duty.name} 请确认：{head}\n确认：/ack {incident.number}"
        return Step(step_id, ActionKind.NOTIFY, (on_duty,), tuple(targets), text)
    if incident.tier is Tier.I:
        whom = tuple(people.with_role("leader"))
        text = f"🚨 当前无人值班，特别重大告警直报领导：{head}\n确认：/ack {incident.number}"
        return Step(step_id, ActionKind.ESCALATE, whom, _unique(targets + leader_targets(services.config.chats)), text)
    text = f"📣 当前无人值班，请监测员确认：{head}\n确认：/ack {incident.number}"
    return Step(step_id, ActionKind.NOTIFY, tuple(people.with_role("monitor")), tuple(targets), text)


def _person(services: Services, name: str) -> PersonConfig | None:
    return services.people.by_name(name) if name else None


def _chain_step(services: Services, incident: Incident, n: int, late: str, duty: Duty | None) -> Step:
    """Missed-ack step n on the duty chain: the n-th link of roster.chain[tier] that names someone."""
    people, head = services.people, _head(incident)
    chain = services.config.roster.chain[incident.tier.name] or ["all"]
    on_duty = [p for p in (_person(services, duty.duty if duty else ""),) if p is not None]
    backup = _person(services, duty.backup) if duty else None
    leader = _person(services, duty.leader) if duty else None
    link = next(
        (r for r in chain[min(n, len(chain) - 1) :] if r == "all" or (backup if r == "backup" else leader)), "all"
    )
    step_id, ack = f"{incident.number}:ack-overdue:{n}", f"确认：/ack {incident.number}"
    alert = _alert_targets(services, incident)
    if link == "backup" and backup is not None:
        text = f"⏰ 超时未确认（已超 {late}，第 {n + 1} 次提醒）{head}\n转备班 {backup.name}，请尽快{ack}"
        return Step(step_id, ActionKind.REMIND, (*on_duty, backup), tuple(alert), text)
    targets = _unique(alert + leader_targets(services.config.chats))
    if link == "leader" and leader is not None:
        reached = backup if "backup" in chain[: chain.index("leader")] else None  # tier I may skip the 备班
        whom = tuple(dict.fromkeys(on_duty + [p for p in (reached, leader) if p is not None]))
        text = f"🚨 升级至带班领导 {leader.name}：{head} 超时 {late} 仍无人确认（第 {n + 1} 次提醒）\n{ack}"
        return Step(step_id, ActionKind.ESCALATE, whom, targets, text)
    whom = tuple(dict.fromkeys(on_duty + people.with_role("monitor", "leader")))
    text = f"🚨 升级至全体：{head} 超时 {late} 仍无人确认（第 {n + 1} 次提醒）\n{ack}"
    return Step(step_id, ActionKind.ESCALATE, whom, targets, text)


def _ack_step(
    services: Services, incident: Incident, now: datetime, duty: Duty | None = None, by_duty: bool = False
) -> Step | None:
    cfg, people = services.config.escalation, services.people
    if incident.status is not Status.NEW or incident.ack_deadline is None or now < incident.ack_deadline:
        return None
    n = _repeat(cfg, now - incident.ack_deadline)
    late = format_duration(now - incident.ack_deadline)
    if by_duty:
        return _chain_step(services, incident, n, late, duty)
    head = _head(incident)
    if n < cfg.leaders_after:
        whom = tuple(people.with_role("monitor"))
        text = f"⏰ 超时未确认（已超 {late}，第 {n + 1} 次提醒）{head}\n请尽快确认：/ack {incident.number}"
        return Step(
            f"{incident.number}:ack-overdue:{n}", ActionKind.REMIND, whom, _alert_targets(services, incident), text
        )
    whom = tuple(people.with_role("monitor", "leader"))
    text = f"🚨 升级：{head} 超时 {late} 仍无人确认，提请领导关注（第 {n + 1} 次提醒）\n确认：/ack {incident.number}"
    targets = _alert_targets(services, incident) + leader_targets(services.config.chats)
    return Step(f"{incident.number}:ack-overdue:{n}", ActionKind.ESCALATE, whom, _unique(targets), text)


def _resolve_step(services: Services, incident: Incident, now: datetime) -> Step | None:
    cfg, people = services.config.escalation, services.people
    due = incident.resolve_deadline
    if due is None or now < due - cfg.resolve_warn_before:
        return None
    assignee = people.by_name(incident.assignee) if incident.assignee else None
    whom = tuple(p for p in [assignee, *people.with_role("leader")] if p is not None)
    targets = _unique(_alert_targets(services, incident) + leader_targets(services.config.chats))
    owner = f"负责人 {incident.assignee}" if incident.assignee else "尚未指派负责人"
    if now < due:
        text = f"⏳ 办结时限将至（剩 {format_duration(due - now)}）{_head(incident)}，{owner}\n办结：/resolve {incident.number} 处置结果"
        return Step(f"{incident.number}:resolve-warn", ActionKind.REMIND, whom, targets, text)
    n = _repeat(cfg, now - due)
    text = (
        f"⚠️ 超时未办结（已超 {format_duration(now - due)}，第 {n + 1} 次提醒）{_head(incident)}，{owner}\n"
        f"办结：/resolve {incident.number} 处置结果"
    )
    return Step(f"{incident.number}:resolve-overdue:{n}", ActionKind.REMIND, whom, targets, text)


async def _run(services: Services, incident: Incident, step: Step, now: datetime) -> Action:
    """Queue first, record second: a crash in between re-queues (a no-op) and records next tick."""
    notes = []
    names = "、".join(p.name for p in step.people)
    for target in step.targets:
        mentions = tuple(m for m in (services.people.platform_id(p, target.channel) for p in step.people) if m)
        text = f"{step.text}\n责任人：{names}" if names else step.text
        note = text_notification(target, text, now, step.id, priority=incident.tier.value)
        notes.append(note.replace(mentions=mentions, incident=incident.number))
    await services.store.enqueue(notes)
    where = "、".join(t.key for t in step.targets)
    action = Action(
        step.id, incident.number, step.kind, SYSTEM, now, f"{step.text.splitlines()[0]} → {names or '无'} @ {where}"
    )
    if step.id.endswith((":ack-overdue:0", ":resolve-overdue:0")):
        await services.incidents.refresh(incident.number, action, now)  # cards now read 已超时
    else:
        await services.store.append_action(action)
    log.info("deadline step %s", step.id)
    return action


def _head(incident: Incident) -> str:
    return f"{incident.tier.emoji}{incident.tier.roman} {incident.number} {incident.title[:40]}"


def _alert_targets(services: Services, incident: Incident) -> list[Target]:
    return targets_for(services.config.chats, incident.tier)


def leader_targets(chats: ChatsConfig) -> list[Target]:
    """The leaders' group chats: the next group an escalation reaches."""
    out: list[Target] = []
    out += [Target(channel, c.id) for channel, c in chats.group_chats() if c.role == "leaders"]
    out += [Target(r.kind, r.name) for r in chats.robots if r.role == "leaders"]
    return out


def _unique(targets: list[Target]) -> tuple[Target, ...]:
    return tuple(dict.fromkeys(targets))


def add_deadline_job(scheduler: AsyncIOScheduler, services: Services) -> None:
    """Run `check_deadlines` every `escalation.check_every` (never overlapping)."""

    async def tick() -> None:
        try:
            await check_deadlines(services)
        except (StoreUnavailable, FencedOut):
            raise  # Redis down or our term over: the scheduler (bot.scheduler) handles these quietly
        except Exception:
            log.exception("deadline check failed")

    every = max(1.0, services.config.escalation.check_every.total_seconds())
    scheduler.add_job(tick, IntervalTrigger(seconds=every), id="deadlines", replace_existing=True, max_instances=1)


# The outbox id of a chase: text:<incident>:<step>[:<repeat>]:<target> (see `_run` and the step ids above).
_CHASE = re.compile(
    r"text:(?P<incident>[^:]+):(?P<step>duty-call|ack-overdue|resolve-warn|resolve-overdue)(?::(?P<n>\d+))?:"
)


def chase_rank(note: Notification) -> tuple[str, str, int] | None:
    """(incident, "ack" or "resolve", how late) of a queued chase; None for any other notice."""
    match = _CHASE.match(note.id)
    if match is None:
        return None
    family = "ack" if match["step"] in ("ack-overdue", "duty-call") else "resolve"
    return match["incident"], family, int(match["n"]) if match["n"] is not None else -1  # a warning/call ranks first


def latest_chases(pending: list[Notification]) -> dict[tuple[str, str, str], int]:
    """(incident, family, chat) → the latest chase queued for it."""
    latest: dict[tuple[str, str, str], int] = {}
    for note in pending:
        rank = chase_rank(note)
        if rank is not None:
            key = (rank[0], rank[1], note.target)
            latest[key] = max(latest.get(key, rank[2]), rank[2])
    return latest


def stale_chase(note: Notification, incident: Incident | None, latest: dict[tuple[str, str, str], int]) -> str:
    """Why a chase queued earlier (say, for a chat that was down) should not be sent now; "" if it should."""
    rank = chase_rank(note)
    if rank is None:
        return ""
    number, family, n = rank
    if incident is None:
        return "事件不存在"
    if family == "ack" and incident.status is not Status.NEW:
        return f"事件{incident.status.label}，超时提醒作废"
    if incident.status is Status.RESOLVED:
        return "事件已办结，提醒作废"
    if latest.get((number, family, note.target), n) > n:
        return "已有更新的提醒"
    return ""
