"""/swap 日期 班次 @某人（换班）— 把某天某班的值班员换成某人，记录在案并通知各群。"""

from __future__ import annotations

from bot.roster.changes import find_slot, override_id, parse_day, record
from bot.roster.model import Override, duty_of
from bot.roster.overrides import Overrides
from bot.roster.render import slot_text
from bot.roster.service import roster_of
from bot.services import Services
from handlers.base import REPEATED, Handler, Request, UsageError


async def run(req: Request, services: Services) -> list[str]:
    roster = roster_of(services)
    if roster is None:
        return ["未配置值班表（config.yaml 的 roster: 段），无法换班"]
    if len(req.args) != 3:
        raise UsageError("需要日期、班次和接替的人")
    now = services.clock.now()
    day = parse_day(req.args[0], now, roster)
    if day is None:
        raise UsageError(f"日期「{req.args[0]}」看不懂，例如 2026-11-28、11-28、明天")
    slot = find_slot(roster, day, req.args[1])
    if slot is None:
        names = "、".join(s.name for s in roster.shifts)
        raise UsageError(f"没有班次「{req.args[1]}」（可用：{names}）")
    person = services.people.by_name(req.args[2])
    if person is None:
        raise UsageError(f"「{req.args[2].lstrip('@')}」不在人员名单中")
    if slot.end <= now:
        return [f"{slot_text(slot, services.config.zone)} 已结束，不能再换班"]
    overrides, oid = await Overrides(services.store).all(), override_id("swap", req.action_id)
    if any(o.id == oid for o in overrides):
        return [REPEATED.format(number="该换班")]
    before = duty_of(roster, overrides, slot).duty or "无人"
    if before == person.name:
        return [f"{person.name} 已是 {slot_text(slot, services.config.zone)} 的值班员，未改动"]
    text = f"{slot_text(slot, services.config.zone)} 值班员 {before} → {person.name}（{req.person.name} 操作）"
    override = Override(oid, "swap", person.name, req.person.name, now, slot=slot.key)
    if not await record(services, override, req.actor, text, req.command.target.key):
        return [REPEATED.format(number="该换班")]
    return [f"🔁 已换班：{text}"]


HANDLER = Handler("swap", "/swap 日期 班次 @某人（如 /swap 11-28 夜班 @王芳）", "换班：某天某班改由某人值班", run)
