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
from bot.models import Hit, Item, Match

WATCH_SCHEME = "紧急关注"
WATCH_SEVERITY = 3


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

    def judge(self, item: Item, watch_terms: Sequence[str] = ()) -> Judgement | None:
        """Judge one item; each active emergency-watch term acts as a temporary scheme."""
        matches = self.matcher.match(item)
        watch = watch_match(item, watch_terms)
        if watch is not None:
            matches = sorted([*matches, watch], key=lambda m: -m.severity)
        if not matches:
            return None
        best = matches[0]
        sentiment = self.classifier.classify(f"{item.title}\n{item.text}")
        tier, reason = grade(best, sentiment, self.sources.get(item.source_id))
        return Judgement(best, sentiment, tier, reason)


def watch_match(item: Item, terms: Sequence[str]) -> Match | None:
    """A Match of scheme 紧急关注 with each watch term found as a subject hit."""
    hits = []
    for term in terms:
        term = term.strip()
        for field_name, text in (("title", item.title), ("text", item.text)):
            start = text.find(term) if term else -1
            if start >= 0:
                hits.append(Hit(term, "subject", field_name, start, start + len(term), WATCH_SEVERITY))
    if not hits:
        return None
    return Match(WATCH_SCHEME, tuple(hits), WATCH_SEVERITY)
