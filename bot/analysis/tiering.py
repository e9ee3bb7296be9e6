"""Tier an incident with an additive, explainable score, and say why in one line.

points = harm + leader, × scheme weight × source weight (× official_weight for official
outlets) × author weight, + sentiment (negative +10 × score, positive −20 × score).
harm: the event concepts found (synonyms such as 拖欠 / 欠薪 are one, bot.analysis.concepts),
strongest first, 16 points per severity unit, each next one at half the weight of the one
before (an event word negated in its clause counts 0); when
the item states confirmed casualty or loss figures (bot.analysis.facts), the official band
they reach sets the harm instead (its threshold), and that band is also the tier's floor.
leader: `analysis.leader_points` when a named leader (领导干部) of the scheme is hit.
`analysis.thresholds` map points to I / II / III / IV, else 影响较小 (recorded, briefed,
never pushed). A rebuttal or clarification (bot.analysis.stance) is never pushed on its own, nor
is an item all of whose event words are negated (未发生较大以上事故) and that states no figures.
Spread velocity raises an incident one tier later (`spread_upgrade`), at most to I.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.analysis.concepts import concept
from bot.analysis.facts import Facts
from bot.analysis.stance import stance_label
from bot.config import AnalysisConfig, SourceConfig
from bot.models import Action, ActionKind, Incident, Match, Sentiment, Tier

POINTS_PER_SEVERITY = 16.0
NEGATIVE_POINTS = 10.0
POSITIVE_POINTS = -20.0
NO_FACTS = Facts()
_SPREAD_PART = re.compile(r" \+ \d+ (分钟|小时|天)内 \d+ 条转载")
# the tail of a reason line: " = 54 分 … → III 较大" (score) or " → II 重大" (an upgrade)
_TAIL = re.compile(r"(?: = -?\d+ 分.*?)? → (?:I|II|III|IV|—) \S+$")


@dataclass(frozen=True)
class Grade:
    tier: Tier
    points: float
    reason: str


def _headline_events(match: Match) -> set[str]:
    return {hit.word for hit in match.hits if hit.group == "event" and hit.field == "title"}


def tier_for(points: float, analysis: AnalysisConfig) -> Tier:
    for tier in (Tier.I, Tier.II, Tier.III, Tier.IV):
        if points >= analysis.thresholds[tier.name]:
            return tier
    return Tier.BELOW


def score(
    match: Match,
    sentiment: Sentiment,
    source: SourceConfig | None = None,
    analysis: AnalysisConfig | None = None,
    author: str = "",
    facts: Facts = NO_FACTS,
    negated: Collection[str] = (),
    stance: str = "",
    cadre: str = "",
) -> Grade:
    """The points, the tier they reach, and the reason line naming every term with its points."""
    analysis = analysis or AnalysisConfig()
    parts = _word_parts(match)
    harm = _event_points(match, negated, parts)
    band = facts.band
    if band is not None:
        harm = analysis.thresholds[band.name]
        parts.append(f"{facts.term()}（{band.label}）→ {harm:g}")
    rumoured = facts.term(rumoured=True)
    if rumoured:
        parts.append(f"网传 {rumoured}（未证实，不计分）")
    points = harm
    leaders = match.words("leader")
    if leaders:
        points += analysis.leader_points
        parts.append(f"领导「{'、'.join(leaders[:3])}」+{analysis.leader_points:g}")
    elif cadre:  # 市国资委主任被举报: a leading cadre named by post (bot.analysis.cadres)
        points += analysis.leader_points
        parts.append(f"领导职务「{cadre}」+{analysis.leader_points:g}")
    factors = [("方案权重", match.weight)]
    if source is not None:
        factors.append(("来源权重", source.weight))
        if source.official:
            factors.append(("官方来源", analysis.official_weight))
    if author in analysis.author_weights:
        factors.append((f"账号「{author}」", analysis.author_weights[author]))
    for label, factor in factors:
        points *= factor
        if factor != 1.0:
            parts.append(f"{label} ×{factor:g}")
    events = {hit.word for hit in match.hits if hit.group == "event"}
    standing = events - set(negated)  # event words the item does not deny
    if sentiment.label == "negative":
        points += NEGATIVE_POINTS * sentiment.score
        parts.append(f"负面 {sentiment.score:.2f} +{NEGATIVE_POINTS * sentiment.score:.0f}")
    elif sentiment.label == "positive" and leaders and standing:
        # a leader named beside an event (被举报, 受贿): the tone of the telling does not make it good news
        parts.append(f"正面 {sentiment.score:.2f} 不减分（领导 + 事件）")
    elif sentiment.label == "positive" and standing & _headline_events(match):
        # the headline reports the event (被指…套取补贴, 一男子落水): the model's good tone is the telling's
        # (a rescue, a calm report), not good news about the subject
        parts.append(f"正面 {sentiment.score:.2f} 不减分（标题报事件）")
    elif sentiment.label == "positive":
        points += POSITIVE_POINTS * sentiment.score
        parts.append(f"正面 {sentiment.score:.2f} {POSITIVE_POINTS * sentiment.score:.0f}")
    tier = tier_for(points, analysis)
    note = ""
    if band is not None and band < tier:
        tier = band
        note = f"，伤亡/损失下限 {band.roman}"
    if events and not standing and band is None and not rumoured:
        # 未发生较大以上事故, 否认拖欠: the item says the event did not happen; a leader or a tone
        # named beside it is no incident
        tier = Tier.BELOW
        note += "，所述事件均被否定"
    if stance:
        tier = Tier.BELOW
        note += f"，{stance_label(stance)}「{stance}」不单独推送"
    return Grade(tier, points, f"{' + '.join(parts)} = {points:.0f} 分{note} → {tier.roman} {tier.label}")


def _said(match: Match, group: str) -> dict[str, str]:
    """Configured word → how the text says it, for words found only in another form (溺亡 for 溺水, 三中 for
    枞阳市第三中学, 被实名举报 for 被举报): the reason line shows both, so a reader sees why it hit."""
    direct = {h.word for h in match.hits if h.group == group and not h.said}
    said: dict[str, str] = {}
    for hit in match.hits:
        if hit.group == group and hit.said and hit.word not in direct:
            said.setdefault(hit.word, hit.said)
    return said


def _word_parts(match: Match) -> list[str]:
    parts = []
    subjects = match.words("subject") or match.words("region")
    if subjects:
        label = "主体" if match.words("subject") else "地域"
        said = _said(match, "subject")
        named = [f"{w}（文中作「{said[w]}」）" if w in said else w for w in subjects[:3]]
        parts.append(f"{label}「{'、'.join(named)}」")
    quoted = match.words("word")
    if quoted:
        parts.append(f"关键词「{'、'.join(quoted[:3])}」")
    if not parts and not match.words("leader"):
        parts.append(f"方案「{match.scheme}」")
    return parts


def _event_points(match: Match, negated: Collection[str], parts: list[str]) -> float:
    """Event concepts strongest first at 16 × severity, each next one at half the weight before;
    synonymous words (bot.analysis.concepts: 拖欠 + 欠薪) are one concept, its strongest word
    counts and the others are named beside it; negated words (否认拖欠) count 0. A match without
    event words (scheme without events, quoted words only, an emergency watch) counts its
    severity, at least one unit."""
    strongest: dict[str, int] = {}
    for hit in match.hits:
        if hit.group == "event":
            strongest[hit.word] = max(strongest.get(hit.word, 0), hit.severity)
    if not strongest:
        severity = match.severity or 1
        parts.append(f"基础 {severity}×{POINTS_PER_SEVERITY:g}={POINTS_PER_SEVERITY * severity:g}")
        return POINTS_PER_SEVERITY * severity
    grouped: dict[str, list[str]] = {}  # concept → its words found, strongest first
    for word in sorted((w for w in strongest if w not in negated), key=lambda w: -strongest[w]):
        grouped.setdefault(concept(word), []).append(word)
    total = 0.0
    said = _said(match, "event")
    for rank, words in enumerate(sorted(grouped.values(), key=lambda ws: -strongest[ws[0]])):
        word = words[0]
        points = POINTS_PER_SEVERITY * strongest[word] / 2**rank
        total += points
        share = f"÷{2**rank}" if rank else ""
        as_said = f"（文中作「{said[word]}」）" if word in said else ""
        # a synonym found only as the very form the word was found as (无生命体征 for 死亡, 遇难 and 身亡) was
        # not said again: nothing to name
        others = [w for w in words[1:] if not (w in said and said[w] == said.get(word))]
        same = f"（同义「{'、'.join(others)}」不另计）" if others else ""
        parts.append(f"事件「{word}」{strongest[word]}×{POINTS_PER_SEVERITY:g}{share}={points:g}{as_said}{same}")
    parts.extend(f"事件「{word}」被否定 0" for word in strongest if word in negated)
    return total


def spread_upgrade(
    incident: Incident, actions: Sequence[Action], now: datetime, analysis: AnalysisConfig
) -> tuple[Tier, str] | None:
    """One tier up when spread_count similar items arrived within spread_window since the
    last upgrade (at most I); None otherwise. The reason extends the incident's own."""
    if incident.tier is Tier.I or not incident.is_open:
        return None
    start = now - analysis.spread_window
    upgrades = [a.at for a in actions if a.kind is ActionKind.UPGRADE]
    if upgrades:
        start = max(start, max(upgrades))
    recent = [a for a in actions if a.kind is ActionKind.SPREAD and a.at > start]
    if len(recent) < analysis.spread_count:
        return None
    tier = incident.tier.upgraded()
    base = _SPREAD_PART.sub("", reason_terms(incident.reason))
    spread = f"{window_text(analysis.spread_window)}内 {len(recent)} 条转载"
    return tier, f"{base} + {spread} → {tier.roman} {tier.label}"


def reason_terms(reason: str) -> str:
    """A reason line without its total and tier (old and new formats alike)."""
    return _TAIL.sub("", reason.strip())


def window_text(window: timedelta) -> str:
    seconds = int(window.total_seconds())
    if seconds % 86400 == 0:
        return f"{seconds // 86400} 天"
    if seconds % 3600 == 0:
        return f"{seconds // 3600} 小时"
    return f"{max(1, seconds // 60)} 分钟"
