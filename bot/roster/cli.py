"""`yuqing-bot roster --from --to` and the roster lines of `yuqing-bot check`.

Both show the plan with the swaps and covers made in chat, read from the store the
way `export` and `report` read it: never written, and a TinyDB file a running bot
holds is read from a private copy of its last commit. A store that cannot be read
(Redis down, a wrong password) leaves the plan as configured, with a line saying so.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from bot.config import Config
from bot.export import ExportError, period
from bot.redact import redact
from bot.roster.loading import RosterError, load_roster
from bot.roster.model import Duty, Override, duties_between, gaps
from bot.roster.overrides import Overrides
from bot.roster.render import duty_text, slot_text
from bot.store import read_store
from bot.store.base import StoreError

CHECK_DAYS = 7


async def stored_overrides(config: Config) -> tuple[list[Override], str]:
    """The swaps and covers kept in the store, and "" or a line saying they could not be read."""
    data = Path(config.store.path)
    if config.store.backend == "tinydb" and not (data.exists() or data.with_name(data.name + ".journal").exists()):
        return [], ""  # the bot never ran here: nothing made in chat yet (and no empty file created)
    try:
        async with read_store(config.store) as store:
            return await Overrides(store).all(), ""
    except (StoreError, OSError) as exc:
        return [], f"（无法读取存储中的换班、顶班，以下仅为配置与 CSV：{redact(exc)}）"


def roster_main(config: Config, start: str, end: str, overrides: list[Override] | None = None, note: str = "") -> str:
    """The roster from `start` to `end` (dates, `end` included), one shift a line; RosterError if bad."""
    roster = load_roster(config)
    if roster is None:
        return "未配置值班表（config.yaml 的 roster: 段）"
    zone = config.zone
    try:
        a, b = period(start, end, zone)  # the same --from/--to reading as export
    except ExportError as exc:
        raise RosterError(str(exc)) from None
    first, last = a.date(), (b - timedelta(days=1)).date()
    changes = overrides or []
    duties = [d for d in duties_between(roster, changes, a, b) if first <= d.slot.day <= last]
    lines = [f"值班表 {first} 至 {last}（含群内 /swap 换班、/cover 顶班）"]
    if note:
        lines.append(note)
    for d in duties:
        lines.append(duty_text(d, zone))
        lines += [f"    ↳ {text}" for text in _covers_in(d, changes, config)]
    return "\n".join(lines)


def _covers_in(duty: Duty, overrides: list[Override], config: Config) -> list[str]:
    """The /cover periods inside a slot: who takes over from when to when."""
    out = []
    for o in overrides:
        if o.kind != "cover" or o.start is None or o.end is None:
            continue
        if o.start < duty.slot.end and o.end > duty.slot.start:
            a, b = max(o.start, duty.slot.start), min(o.end, duty.slot.end)
            out.append(f"{a.astimezone(config.zone):%H:%M}–{b.astimezone(config.zone):%H:%M} 由 {o.person} 顶班")
    return out


def _covered(duty: Duty, overrides: list[Override]) -> bool:
    """A /cover holds the whole slot."""
    return any(
        o.kind == "cover"
        and o.start is not None
        and o.end is not None
        and o.start <= duty.slot.start < duty.slot.end <= o.end
        for o in overrides
    )


def check_lines(config: Config, now: datetime, overrides: list[Override] | None = None, note: str = "") -> list[str]:
    """What `check` says about the roster: size, and every gap in the next 7 days (swaps and covers included)."""
    roster = load_roster(config)
    if roster is None:
        return ["  值班表: 未配置（告警 @ 全体监测员，超时升级到全体领导）"]
    changes = overrides or []
    duties = duties_between(roster, changes, now, now + timedelta(days=CHECK_DAYS))
    found = [(d, why) for d, why in gaps(duties, {p.name for p in config.people}) if not _covered(d, changes)]
    lines = [
        f"  值班表: {len(roster.shifts)} 个班次，轮值 {len(roster.rotation)} 人，固定排班 {len(roster.entries)} 条"
        f"，群内换班/顶班 {len(changes)} 条"
    ]
    if note:
        lines.append(f"  {note}")
    if not found:
        lines.append(f"  值班表: 未来 {CHECK_DAYS} 天每个班次都有人值班")
    for duty, why in found:
        lines.append(f"  ⚠️ 值班缺口：{slot_text(duty.slot, config.zone)} {why}")
    return lines
