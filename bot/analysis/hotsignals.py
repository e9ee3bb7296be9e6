"""Hot-list signals: when a story's rank on a hot list should raise the tier of its incident.

Pure: takes one reading of an entry's rank history (built by sources/hotlist.py from the
source's stored state) and the signals its incident already had, and says which signals are
new. Each signal raises the tier once per incident: entering the top N, climbing N places
above the lowest rank of the current stay, staying on the list past a duration.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.analysis.tiering import reason_terms
from bot.config import HotSignalConfig
from bot.durations import format_duration
from bot.models import HotRank, Tier

TOP, CLIMB, STAY = "top", "climb", "stay"
BANDS = (1, 3, 10, 20, 50)  # a card re-renders when the rank moves into another of these bands


@dataclass(frozen=True)
class RankReading:
    """One entry of one list as of this poll: on the list (rank > 0) or just dropped off (rank 0)."""

    source_id: str
    entry: str  # key of the entry in the source's rank history
    board: str
    title: str
    rank: int  # 0: dropped off with this poll
    best: int
    worst: int  # lowest rank of the current (or last) stay
    on_since: datetime
    seen_at: datetime  # this poll (last time on the list, once off)
    heat: str = ""
    incident: str = ""  # the incident the entry was linked to by an earlier poll

    @property
    def dropped(self) -> bool:
        return self.rank == 0

    def hot(self) -> HotRank:
        return HotRank(
            self.board, self.rank, self.heat, self.on_since, self.seen_at, self.best, self.entry, self.source_id
        )


@dataclass(frozen=True)
class Signal:
    kind: str  # TOP / CLIMB / STAY: the once-per-incident key
    reason: str  # Chinese, for the upgrade announcement and the timeline


def signals(reading: RankReading, thresholds: HotSignalConfig, fired: Collection[str] = ()) -> list[Signal]:
    """The signals this reading gives that its incident has not had yet."""
    if reading.dropped:
        return []
    found = []
    top, climb, stay = thresholds.top, thresholds.climb, thresholds.stay
    if top and reading.rank <= top:
        found.append(Signal(TOP, f"进入{reading.board}前 {top}（第 {reading.rank}）"))
    if climb and reading.worst - reading.rank >= climb:
        places = reading.worst - reading.rank
        found.append(Signal(CLIMB, f"{reading.board}上升 {places} 位（第 {reading.worst} → 第 {reading.rank}）"))
    on_list = reading.seen_at - reading.on_since
    if stay and on_list >= stay:
        found.append(Signal(STAY, f"在{reading.board}已停留 {format_duration(on_list)}"))
    return [s for s in found if s.kind not in fired]


def upgrade_reason(reason: str, found: Sequence[Signal], tier: Tier) -> str:
    """The incident's reason terms plus the signals, ending in the new tier (like a spread upgrade)."""
    return f"{reason_terms(reason)} + 热榜：{'；'.join(s.reason for s in found)} → {tier.roman} {tier.label}"


def dropped_note(reading: RankReading) -> str:
    """The timeline line when the entry leaves its list."""
    stay = format_duration(reading.seen_at - reading.on_since)
    return f"{reading.title} 已掉出{reading.board}（最高第 {reading.best}，本次在榜 {stay}）"


def preferred(current: HotRank | None, new: HotRank) -> bool:
    """Whether `new` should be the rank an incident shows: same entry, or better than what it shows."""
    if current is None or not current.on_list:
        return True
    if (current.source_id, current.entry) == (new.source_id, new.entry):
        return True
    return new.on_list and new.rank < current.rank


def band(rank: int) -> int:
    """The band a rank falls into (0: off the list or beyond the last band)."""
    return next((b for b in BANDS if 0 < rank <= b), 0)


def worth_showing(before: HotRank | None, after: HotRank) -> bool:
    """Whether the change is worth re-rendering every card: first shown, another list, another band."""
    if before is None:
        return True
    if (before.source_id, before.entry) != (after.source_id, after.entry):
        return True
    return after.on_list and band(before.rank) != band(after.rank)
