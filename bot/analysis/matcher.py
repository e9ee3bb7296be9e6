"""Monitoring schemes (监测方案) → Matches.

First plain version: substring search of each configured word. A scheme
matches when a subject word and an event word appear (or only subjects when
it has no events) and no exclusion word does.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.config import SchemeConfig
from bot.models import Hit, Item, Match


class Matcher:
    def __init__(self, schemes: Sequence[SchemeConfig]) -> None:
        self.schemes = list(schemes)

    def match(self, item: Item) -> list[Match]:
        fields = {"title": item.title, "text": item.text}
        out = []
        for scheme in self.schemes:
            hits = _hits(scheme, fields)
            groups = {h.group for h in hits}
            if "exclude" in groups or "subject" not in groups:
                continue
            if scheme.events and "event" not in groups:
                continue
            if scheme.regions and "region" not in groups and not scheme.subjects:
                continue
            severity = max((h.severity for h in hits), default=0)
            out.append(Match(scheme.name, tuple(hits), severity, scheme.weight))
        return sorted(out, key=lambda m: -m.severity)


def _hits(scheme: SchemeConfig, fields: dict[str, str]) -> list[Hit]:
    words: list[tuple[str, str, int]] = [(w, "subject", 0) for w in scheme.subjects]
    words += [(w, "region", 0) for w in scheme.regions]
    words += [(w, "event", sev) for w, sev in scheme.events.items()]
    words += [(w, "exclude", 0) for w in scheme.exclude]
    hits = []
    for field_name, text in fields.items():
        for word, group, sev in words:
            start = text.find(word)
            if word and start >= 0:
                hits.append(Hit(word, group, field_name, start, start + len(word), sev))
    return hits
