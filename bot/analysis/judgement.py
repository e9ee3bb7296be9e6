"""The analysis result for one item, defined with the analysis (not with the incident store)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.analysis.facts import Facts
from bot.models import Match, Sentiment, Tier


@dataclass(frozen=True)
class Judgement:
    """What the analysis stages decided about one item."""

    match: Match
    sentiment: Sentiment
    tier: Tier
    reason: str
    facts: Facts = field(default_factory=Facts)  # casualty / loss figures stated (bot.analysis.facts)
    stance: str = ""  # the rebuttal marker (辟谣, 系谣言, 否认 …) when the item clears the subject
    points: float = 0.0
    negated: frozenset[str] = frozenset()  # event words negated wherever stated (未发生爆炸)
