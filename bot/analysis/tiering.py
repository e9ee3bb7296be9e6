"""Tier an incident and say why in one line.

First plain version: a fixed rule on the strongest event severity, one tier
more serious for negative sentiment on an official source.
"""

from __future__ import annotations

from bot.config import SourceConfig
from bot.models import Match, Sentiment, Tier

_BY_SEVERITY = {5: Tier.I, 4: Tier.II, 3: Tier.III, 2: Tier.IV, 1: Tier.IV, 0: Tier.BELOW}


def grade(match: Match, sentiment: Sentiment, source: SourceConfig | None = None) -> tuple[Tier, str]:
    tier = _BY_SEVERITY[max(0, min(5, match.severity))]
    parts = []
    subjects = match.words("subject")
    if subjects:
        parts.append(f"主体「{'、'.join(subjects[:3])}」")
    events = [h for h in match.hits if h.group == "event"]
    if events:
        top = max(events, key=lambda h: h.severity)
        parts.append(f"事件「{top.word}」({top.severity})")
    if sentiment.label == "negative":
        parts.append(f"负面 {sentiment.score:.2f}")
    if sentiment.label == "positive" and tier.pushed:
        tier = Tier(min(5, tier.value + 1))
        parts.append("正面 降一级")
    reason = " + ".join(parts) or f"方案「{match.scheme}」"
    return tier, f"{reason} → {tier.roman} {tier.label}"
