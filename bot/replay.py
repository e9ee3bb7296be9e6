"""`yuqing-bot replay --since 7d`: today's schemes over stored items, sending nothing.

Monitors tune schemes against what really came in: every stored item of the
period goes through the same Judge (match → sentiment → tier) and the same
merge rule as the live pipeline (exact content dedup, near-duplicates join
the open incident as spread, spread velocity upgrades), but into memory only.
The output says what would have alerted, at which tier and why.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.analysis.judge import Judge
from bot.analysis.similarity import content_key
from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.durations import parse_duration
from bot.models import SYSTEM, Action, ActionKind, Incident, Item, Tier
from bot.naming import source_names
from bot.store import read_store
from bot.store.base import Store

EXIT_USAGE = 2


@dataclass
class Replayed:
    """One incident the replay would have raised."""

    number: str
    first: Item
    tier: Tier
    reason: str
    scheme: str
    items: list[Item] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    upgrades: list[str] = field(default_factory=list)

    @property
    def sources(self) -> list[str]:
        return sorted({i.source_id for i in self.items})

    def as_incident(self) -> Incident:
        at = self.first.fetched_at or datetime.min
        last = self.items[-1].fetched_at or at
        return Incident(
            self.number,
            self.tier,
            self.first.title,
            self.first.url,
            self.first.source_id,
            at,
            reason=self.reason,
            item_keys=tuple(i.key for i in self.items),
            last_seen_at=last,
        )


def replay(items: list[Item], judge: Judge) -> list[Replayed]:
    """Judge and merge `items` (oldest first) as the pipeline would; nothing is stored or sent."""
    seen: set[str] = set()
    out: list[Replayed] = []
    for item in items:
        keys = {item.key, content_key(item)}
        if keys & seen:
            continue
        seen |= keys
        judgement = judge.judge(item)
        if judgement is None:
            continue
        now = item.fetched_at or datetime.min
        number = judge.similar(item)
        incident = out[int(number)] if number is not None else None
        if incident is None or now - (incident.items[-1].fetched_at or now) > judge.analysis.merge_window:
            incident = Replayed(str(len(out)), item, judgement.tier, judgement.reason, judgement.match.scheme, [item])
            out.append(incident)
            judge.remember(item, incident.number)
            continue
        judge.remember(item, incident.number)
        incident.items.append(item)
        incident.actions.append(Action(f"s{len(incident.actions)}", incident.number, ActionKind.SPREAD, SYSTEM, now))
        _maybe_upgrade(incident, judgement.tier, judgement.reason, now)
        decision = judge.spread_upgrade(incident.as_incident(), incident.actions, now)
        if decision is not None:
            _maybe_upgrade(incident, decision[0], decision[1], now)
    return out


def _maybe_upgrade(incident: Replayed, tier: Tier, reason: str, now: datetime) -> None:
    if tier >= incident.tier:
        return
    incident.upgrades.append(f"{incident.tier.roman} → {tier.roman}")
    incident.tier, incident.reason = tier, reason
    incident.actions.append(Action(f"u{len(incident.actions)}", incident.number, ActionKind.UPGRADE, SYSTEM, now))


def render(results: list[Replayed], config: Config, start: datetime, end: datetime, total: int, show_all: bool) -> str:
    zone = config.zone
    pushed = sorted((r for r in results if r.tier.pushed), key=lambda r: (r.tier, r.first.fetched_at or start))
    below = [r for r in results if not r.tier.pushed]
    counts = " / ".join(f"{t.roman} {sum(r.tier is t for r in pushed)}" for t in (Tier.I, Tier.II, Tier.III, Tier.IV))
    names = source_names(config)
    lines = [
        f"回放 {start.astimezone(zone):%Y-%m-%d %H:%M} — {end.astimezone(zone):%Y-%m-%d %H:%M}："
        f"{total} 条已存信息，{len(config.schemes)} 个监测方案（只打印，不发送）",
        f"将告警 {len(pushed)} 起（{counts}），影响较小 {len(below)} 起（只记录、进简报，不推送）",
    ]
    for r in pushed + (below if show_all else []):
        when = (r.first.fetched_at or start).astimezone(zone)
        spread = f"  转载/相似 {len(r.items) - 1} 条，来源 {len(r.sources)} 家" if len(r.items) > 1 else ""
        upgraded = f"  升级 {'、'.join(r.upgrades)}" if r.upgrades else ""
        lines += [
            "",
            f"{r.tier.emoji} {r.tier.roman} {r.tier.label}  {when:%m-%d %H:%M}  {r.first.title}",
            f"   方案「{r.scheme}」 来源 {names.get(r.first.source_id, r.first.source_id)}{spread}{upgraded}",
            f"   原因：{r.reason}",
            f"   {r.first.url}",
        ]
    return "\n".join(lines)


async def run_replay(config: Config, store: Store, since: timedelta, clock: Clock, show_all: bool = False) -> str:
    end = clock.now()
    start = end - since
    items = await store.items_between(start, end)
    judge = Judge(config.schemes, config.sources, analysis=config.analysis)
    return render(replay(items, judge), config, start, end, len(items), show_all)


def replay_main(config: Config, since: str, show_all: bool = False, clock: Clock | None = None) -> int:
    try:
        period = parse_duration(since)
    except ValueError:
        print(f"参数错误: --since {since!r}：时长应写作 30m、24h、7d 这样的形式", file=sys.stderr)
        return EXIT_USAGE
    if period <= timedelta(0):
        print(f"参数错误: --since {since!r} 必须大于 0", file=sys.stderr)
        return EXIT_USAGE

    async def go() -> str:
        async with read_store(config.store) as store:  # works while the bot runs
            return await run_replay(config, store, period, clock or SystemClock(), show_all)

    print(asyncio.run(go()))
    return 0
