"""Tier an incident with an explainable score, and say why in one line.

points = 16 × event severity (1 when a scheme has no events) × scheme weight
         × source weight (× official_weight for official outlets) × author weight
         + sentiment (negative +10 × score, positive −20 × score)
`analysis.thresholds` map points to I / II / III / IV, else 影响较小 (recorded,
briefed, never pushed). Spread velocity raises an incident one tier later
(`spread_upgrade`), at most to I.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config import AnalysisConfig, SourceConfig
from bot.models import Action, ActionKind, Incident, Match, Sentiment, Tier

POINTS_PER_SEVERITY = 16.0
NEGATIVE_POINTS = 10.0
POSITIVE_POINTS = -20.0
_SPREAD_PART = re.compile(r" \+ \d+ (分钟|小时|天)内 \d+ 条转载")


@dataclass(frozen=True)
class Grade:
    tier: Tier
    points: float
    reason: str


def tier_for(points: float, analysis: AnalysisConfig) -> Tier:
    for tier in (Tier.I, Tier.II, Tier.III, Tier.IV):
        if points >= analysis.thresholds[tier.name]:
            return tier
    return Tier.BELOW


def score(
    match: Match,
    sentiment: Sentiment,
    source: SourceConfig | None = None,
    analysis: AnalysisConfig | None = None,
    author: str = "",
) -> Grade:
    """The points, the tier they reach, and the reason line naming every factor."""
    analysis = analysis or AnalysisConfig()
    parts = _word_parts(match)
    severity = match.severity or 1
    points = POINTS_PER_SEVERITY * severity
    factors = [("方案权重", match.weight)]
    if source is not None:
        factors.append(("来源权重", source.weight))
        if source.official:
            factors.append(("官方来源", analysis.official_weight))
    if author in analysis.author_weights:
        factors.append((f"账号「{author}」", analysis.author_weights[author]))
    for label, factor in factors:
        points *= factor
        if factor != 1.0:
            parts.append(f"{label} ×{factor:g}")
    if sentiment.label == "negative":
        points += NEGATIVE_POINTS * sentiment.score
        parts.append(f"负面 {sentiment.score:.2f}")
    elif sentiment.label == "positive":
        points += POSITIVE_POINTS * sentiment.score
        parts.append(f"正面 {sentiment.score:.2f}")
    tier = tier_for(points, analysis)
    return Grade(tier, points, f"{' + '.join(parts)} = {points:.0f} 分 → {tier.roman} {tier.label}")


def grade(
    match: Match,
    sentiment: Sentiment,
    source: SourceConfig | None = None,
    analysis: AnalysisConfig | None = None,
    author: str = "",
) -> tuple[Tier, str]:
    result = score(match, sentiment, source, analysis, author)
    return result.tier, result.reason


def _word_parts(match: Match) -> list[str]:
    parts = []
    subjects = match.words("subject") or match.words("region")
    if subjects:
        label = "主体" if match.words("subject") else "地域"
        parts.append(f"{label}「{'、'.join(subjects[:3])}」")
    leaders = match.words("leader")
    if leaders:
        parts.append(f"领导「{'、'.join(leaders[:3])}」")
    events = [h for h in match.hits if h.group == "event"]
    if events:
        top = max(events, key=lambda h: h.severity)
        parts.append(f"事件「{top.word}」({top.severity})")
    quoted = match.words("word")
    if quoted:
        parts.append(f"关键词「{'、'.join(quoted[:3])}」")
    if not parts:
        parts.append(f"方案「{match.scheme}」")
    return parts


def spread_upgrade(
    incident: Incident, actions: Sequence[Action], now: datetime, analysis: AnalysisConfig
) -> tuple[Tier, str] | None:
    """One tier up when spread_count similar items arrived within spread_window since the
    last upgrade (at most I); None otherwise. The reason extends the incident's own."""
    if incident.tier is Tier.I or not incident.is_open:
        return None
    start = now - analysis.spread_window
    upgrades = [a.at for a in actions if a.kind is ActionKind.UPGRADE]
    if upgrades:
        start = max(start, max(upgrades))
    recent = [a for a in actions if a.kind is ActionKind.SPREAD and a.at > start]
    if len(recent) < analysis.spread_count:
        return None
    tier = incident.tier.upgraded()
    base = _SPREAD_PART.sub("", incident.reason.split(" = ")[0].split(" → ")[0])
    spread = f"{window_text(analysis.spread_window)}内 {len(recent)} 条转载"
    return tier, f"{base} + {spread} → {tier.roman} {tier.label}"


def window_text(window: timedelta) -> str:
    seconds = int(window.total_seconds())
    if seconds % 86400 == 0:
        return f"{seconds // 86400} 天"
    if seconds % 3600 == 0:
        return f"{seconds // 3600} 小时"
    return f"{max(1, seconds // 60)} 分钟"
