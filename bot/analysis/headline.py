"""Does a short headline (a hot-list entry: 江城化工集团仓库爆炸) tell the story of a longer report?

A hot-list entry is a title and nothing else, too short for the similarity index
(bot.analysis.story needs a lead to compare). Placement has already found an open
incident of the same scheme naming the same subject and the same kind of event; what
decides here is what the headline says beyond those words: its other words (仓库, 码头,
二期工地, a place) must be found in the longer text. Two explosions at one company differ
there (仓库 / 码头); a headline that adds nothing beyond subject and event joins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.analysis.story import _TOLL, BLANK, bigrams, places

MIN_SHARED = 0.5  # share of the headline's own bigrams the longer text must hold
# words every headline may add without telling another story (times, hedges, news verbs)
FILLER = (
    "发生|突发|突然|再次|再度|又一|一起|一处|一家|一名|现场|视频|曝光|"
    "最新|消息|回应|通报|官方|今天|今日|今晨|今早|昨天|昨日|昨晚|凌晨|"
    "上午|下午|晚间|网传|网曝|事件|事故|情况|进展|热搜|疑似|据悉|目前|"
    "已经|造成|导致|引发|有关|相关|附近|一带"
)
_EDGE = "一个了的致在于将被遭再又是有和与及后时"
_FILLER = re.compile(FILLER)


def own_words(headline: str, names: Iterable[str]) -> list[str]:
    """The pieces of a canonical headline beyond the scheme's words, tolls and filler."""
    text = headline
    for name in sorted(set(names), key=len, reverse=True):
        if name:
            text = text.replace(name, BLANK)
    text = _FILLER.sub(BLANK, _TOLL.sub(BLANK, text))
    pieces = (piece.strip(_EDGE) for piece in text.split(BLANK))
    return [piece for piece in pieces if len(piece) >= 2]


def headline_joins(headline: str, report: str, names: Iterable[str]) -> float | None:
    """How much of a short canonical headline's own words (see `own_words`) the canonical
    `report` (title and lead of the other side) holds, 0 … 1; None when the headline's
    places (临川市, 青石县) are not in the report or less than MIN_SHARED of its words are."""
    if any(place not in report for place in places(headline)):
        return None
    grams: set[str] = set()
    for piece in own_words(headline, names):
        grams |= bigrams(piece)
    if not grams:
        return 1.0  # subject + event and nothing else: the open story of both is the one it repeats
    shared = len(grams & bigrams(report)) / len(grams)
    return shared if shared >= MIN_SHARED else None
