"""Sentiment of matched items behind a `Classifier` interface.

`LexiconClassifier` segments with jieba and sums the weights of lexicon words
(bot/data/sentiment/, see its README for source and licence); a negation
word up to three words before a sentiment word flips it, a degree word
scales it, and neither reaches across a clause boundary. Only items that
matched a scheme are classified: the judge never calls this for the rest,
so unmatched items never pay for segmentation (or for loading jieba).
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from importlib import resources
from typing import Protocol

from bot.models import Sentiment

WINDOW = 3
WORD_FREQ = 2_000_000  # high enough that jieba splits 发生爆炸 into 发生/爆炸
_CLAUSE = re.compile(r"[。！？!?；;，,、\n\r：:…]+")


class Classifier(Protocol):
    """Anything that labels a text negative / neutral / positive with a confidence."""

    def classify(self, text: str) -> Sentiment: ...


@dataclass(frozen=True)
class Lexicon:
    negative: dict[str, float]
    positive: dict[str, float]
    negation: frozenset[str]
    degree: dict[str, float]

    @classmethod
    def bundled(cls) -> Lexicon:
        return cls(
            negative=_read_weights("negative.txt"),
            positive=_read_weights("positive.txt"),
            negation=frozenset(_read_weights("negation.txt")),
            degree=_read_weights("degree.txt"),
        )


def _read_weights(name: str) -> dict[str, float]:
    text = (resources.files("bot") / "data" / "sentiment" / name).read_text(encoding="utf-8")
    out: dict[str, float] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, weight = line.partition("\t")
        out[word.strip()] = float(weight) if weight.strip() else 1.0
    return out


class LexiconClassifier:
    """Lexicon + negation + degree over jieba words; `margin` is the evidence a label needs."""

    def __init__(self, lexicon: Lexicon | None = None, margin: float = 1.0, flip_factor: float = 0.5) -> None:
        self.lexicon = lexicon or Lexicon.bundled()
        self.margin = margin
        self.flip_factor = flip_factor
        self._tokenizer: object | None = None

    def prepare(self) -> None:
        """Load jieba's dictionary now (~1 s), so the first matched item after a start is not late."""
        if self._tokenizer is None:
            with _LOCK:
                if self._tokenizer is None:
                    self._tokenizer = _tokenizer_for(self.lexicon)

    def _tokenize(self, text: str) -> list[str]:
        self.prepare()
        return self._tokenizer.lcut(text, HMM=False)  # type: ignore[attr-defined]

    def evidence(self, text: str) -> tuple[float, float]:
        """(negative, positive) weight sums after negation and degree words."""
        neg = pos = 0.0
        lex = self.lexicon
        for clause in _CLAUSE.split(text):
            if not clause.strip():
                continue
            words = self._tokenize(clause)
            for i, word in enumerate(words):
                w_neg, w_pos = lex.negative.get(word, 0.0), lex.positive.get(word, 0.0)
                if not (w_neg or w_pos):
                    continue
                flips, scale = _modifiers(words[max(0, i - WINDOW) : i], lex)
                if flips % 2:  # 没有伤亡 → mildly positive; 不满意 → negative
                    w_neg, w_pos = w_pos, w_neg * self.flip_factor
                neg += w_neg * scale
                pos += w_pos * scale
        return neg, pos

    def classify(self, text: str) -> Sentiment:
        neg, pos = self.evidence(text)
        p_negative = 1.0 / (1.0 + math.exp(-(neg - pos)))
        if neg - pos >= self.margin:
            return Sentiment("negative", round(p_negative, 2))
        if pos - neg >= self.margin:
            return Sentiment("positive", round(1.0 - p_negative, 2))
        return Sentiment("neutral", round(1.0 - abs(p_negative - 0.5) * 2, 2))


def _modifiers(before: list[str], lex: Lexicon) -> tuple[int, float]:
    flips, scale = 0, 1.0
    for word in before:
        if word in lex.negation:
            flips += 1
        elif word in lex.degree:
            scale *= lex.degree[word]
    return flips, scale


_LOCK = threading.Lock()
_TOKENIZERS: dict[frozenset[str], object] = {}


def _tokenizer_for(lexicon: Lexicon) -> object:
    """One tokenizer per distinct word list in the process: jieba's dictionary load takes ~1.4 s."""
    words = frozenset((*lexicon.negative, *lexicon.positive, *lexicon.negation, *lexicon.degree))
    if words not in _TOKENIZERS:
        _TOKENIZERS[words] = _build_tokenizer(words)
    return _TOKENIZERS[words]


def _build_tokenizer(words: frozenset[str]) -> object:
    """A private jieba tokenizer that knows every lexicon word as one unit (global jieba untouched)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in sorted(words):
        if len(word) > 1:
            tokenizer.add_word(word, freq=WORD_FREQ)
    return tokenizer


class KeywordClassifier(LexiconClassifier):
    """Kept name for the first plain version; now the lexicon classifier."""
