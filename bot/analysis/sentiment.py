"""Sentiment of matched items behind a `Classifier` interface.

First plain version: counts of negative and positive cue words. Only items
that matched a scheme are classified.
"""

from __future__ import annotations

from typing import Protocol

from bot.models import Sentiment


class Classifier(Protocol):
    def classify(self, text: str) -> Sentiment: ...


_NEGATIVE = (
    "欠薪",
    "投诉",
    "爆炸",
    "死亡",
    "伤亡",
    "事故",
    "维权",
    "腐败",
    "违规",
    "污染",
    "塌",
    "堵",
    "乱收费",
    "不满",
    "质疑",
    "曝光",
    "举报",
    "拖欠",
    "纠纷",
    "冲突",
    "问题",
    "失职",
    "造假",
    "火灾",
    "泄漏",
)
_POSITIVE = ("表彰", "点赞", "获奖", "成功", "顺利", "好评", "感谢", "提升", "改善", "开通", "荣获")


class KeywordClassifier:
    def classify(self, text: str) -> Sentiment:
        neg = sum(text.count(w) for w in _NEGATIVE)
        pos = sum(text.count(w) for w in _POSITIVE)
        if neg > pos:
            return Sentiment("negative", min(1.0, 0.5 + 0.1 * (neg - pos)))
        if pos > neg:
            return Sentiment("positive", min(1.0, 0.5 + 0.1 * (pos - neg)))
        return Sentiment("neutral", 0.5)
