"""Sentiment of matched items behind a `Classifier` interface.

`ModelClassifier`, the default, scores a linear model over character n-grams
(bot/analysis/sentiment_model.py, weights in bot/data/sentiment/model.npz,
trained by scripts/train_sentiment.py); if the weights file is missing or
broken it says so once in the log and uses the lexicon. Both read the text
through `sentiment_text.clean` first, so spaced, traditional and full-width
titles classify like their plain forms.

`LexiconClassifier` (the fallback, and the explanation: which words drove a
label) segments with jieba and sums the weights of lexicon words
(bot/data/sentiment/, see its README for source and licence); a negation
word up to three words before a sentiment word flips it, a degree word
scales it, and neither reaches across a clause boundary. Only items that
matched a scheme are classified: the judge never calls this for the rest,
so unmatched items never pay for segmentation (or for loading jieba).
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Protocol

from bot.analysis.sentiment_model import LinearModel, ModelError, lexicon_counts
from bot.analysis.sentiment_text import clean
from bot.models import Sentiment

log = logging.getLogger(__name__)
MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "sentiment" / "model.npz"

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

    def terms(self, text: str) -> Iterator[tuple[str, float, float]]:
        """(word, negative weight, positive weight) of each lexicon word in the cleaned text,
        after the negation and degree words before it in its clause."""
        lex = self.lexicon
        for clause in _CLAUSE.split(clean(text)):
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
                yield word, w_neg * scale, w_pos * scale

    def evidence(self, text: str) -> tuple[float, float]:
        """(negative, positive) weight sums after negation and degree words."""
        neg = pos = 0.0
        for _word, w_neg, w_pos in self.terms(text):
            neg += w_neg
            pos += w_pos
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


class ModelClassifier:
    """The linear n-gram model, with the lexicon as fallback and as explanation.

    A label needs its probability to reach the model's threshold (stored with
    the weights); otherwise the text is neutral. Loading the weights takes
    ~0.1 s and jieba is not needed at all unless the model is unusable or
    `explain` is called.
    """

    def __init__(
        self,
        path: Path | None = None,
        margin: float = 1.0,
        lexicon: LexiconClassifier | None = None,
        model: LinearModel | None = None,
    ) -> None:
        self.path = path or MODEL_PATH
        self.lexicon = lexicon or LexiconClassifier(margin=margin)
        self._model = model  # a model in hand (bench/eval_sentiment.py's retrained ones) skips the file
        self._loaded = model is not None

    @property
    def model(self) -> LinearModel | None:
        """The loaded model, or None (after one warning in the log) when the file is unusable."""
        if not self._loaded:
            with _LOCK:
                if not self._loaded:
                    try:
                        self._model = LinearModel.load(self.path)
                    except ModelError as exc:
                        log.warning("情感模型文件不可用，改用词典判断情感倾向：%s", exc)
                    self._loaded = True
        return self._model

    def prepare(self) -> None:
        """Load the weights now (and jieba too if the lexicon has to stand in)."""
        if self.model is None:
            self.lexicon.prepare()

    def classify(self, text: str) -> Sentiment:
        model = self.model
        if model is None:
            return self.lexicon.classify(text)
        p = dict(zip(model.labels, model.probabilities(text).tolist(), strict=True))
        p_neg, p_pos = p.get("negative", 0.0), p.get("positive", 0.0)
        if p_neg >= p_pos and p_neg >= p["neutral"] and p_neg >= model.thresholds.get("negative", 0.0):
            return Sentiment("negative", round(p_neg, 2))
        if p_pos > p_neg and p_pos >= p["neutral"] and p_pos >= model.thresholds.get("positive", 0.0):
            negative_words, positive_words = lexicon_counts(text)
            if negative_words <= positive_words:
                return Sentiment("positive", round(p_pos, 2))
            # the lexicon reads more harm than praise (拖欠、讨薪 in a wage story the model called
            # positive): a positive label would lower the tier, so the text counts as neutral
        return Sentiment("neutral", round(1.0 - max(p_neg, p_pos), 2))

    def explain(self, text: str) -> list[tuple[str, float]]:
        """The lexicon words in `text` with their signed weight (negative < 0), strongest first:
        a reason a person can read, which the model's n-gram weights are not."""
        weights: dict[str, float] = {}
        for word, w_neg, w_pos in self.lexicon.terms(text):
            weights[word] = weights.get(word, 0.0) + w_pos - w_neg
        return sorted(((w, round(v, 2)) for w, v in weights.items() if v), key=lambda kv: -abs(kv[1]))
