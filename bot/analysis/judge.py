"""Item → Judgement: match the schemes, classify sentiment, grade the tier.

Unmatched items return None before any segmentation or scoring is paid for.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.analysis.matcher import Matcher
from bot.analysis.sentiment import Classifier, KeywordClassifier
from bot.analysis.tiering import grade
from bot.config import SchemeConfig, SourceConfig
from bot.incidents import Judgement
from bot.models import Item


class Judge:
    def __init__(
        self,
        schemes: Sequence[SchemeConfig],
        sources: Sequence[SourceConfig] = (),
        classifier: Classifier | None = None,
    ) -> None:
        self.matcher = Matcher(schemes)
        self.classifier = classifier or KeywordClassifier()
        self.sources = {s.id: s for s in sources}

    def judge(self, item: Item) -> Judgement | None:
        matches = self.matcher.match(item)
        if not matches:
            return None
        best = matches[0]
        sentiment = self.classifier.classify(f"{item.title}\n{item.text}")
        tier, reason = grade(best, sentiment, self.sources.get(item.source_id))
        return Judgement(best, sentiment, tier, reason)
