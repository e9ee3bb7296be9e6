"""The analysis result for one item, defined with the analysis (not with the incident store)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.models import Match, Sentiment, Tier


@dataclass(frozen=True)
class Judgement:
    """What the analysis stages decided about one item."""

    match: Match
    sentiment: Sentiment
    tier: Tier
    reason: str
