"""The explainable tier score and the spread-velocity upgrade rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.analysis.tiering import score, spread_upgrade, tier_for, window_text
from bot.config import AnalysisConfig, SourceConfig
from bot.models import SYSTEM, Action, ActionKind, Hit, Incident, Match, Sentiment, Tier

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
SUBJECT = Hit("市国资委", "subject", "title", 0, 4)


def match(severity: int, weight: float = 1.0, word: str = "欠薪") -> Match:
    hits = (SUBJECT, Hit(word, "event", "title", 4, 6, severity)) if severity else (SUBJECT,)
    return Match("国资委", hits, severity, weight)


def test_reason_names_every_factor_and_the_tier() -> None:
    official = SourceConfig(id="gov", url="http://x/", official=True)
    grade = score(match(3), Sentiment("negative", 0.91), official)
    assert grade.reason == "主体「市国资委」 + 事件「欠薪」(3) + 官方来源 ×1.1 + 负面 0.91 = 62 分 → III 较大"
    assert grade.tier is Tier.III and round(grade.points, 1) == 61.9


def test_severity_sentiment_and_weights_move_the_tier() -> None:
    neutral = Sentiment("neutral", 1.0)
    assert score(match(5), neutral).tier is Tier.II  # 80 points
    assert score(match(5), Sentiment("negative", 0.9)).tier is Tier.I  # 89
    assert score(match(2), neutral).tier is Tier.IV  # 32
    assert score(match(2), Sentiment("positive", 0.9)).tier is Tier.BELOW  # 14
    assert score(match(0), neutral).tier is Tier.BELOW  # subject only: 16
    assert score(match(3, weight=2.0), neutral).tier is Tier.I  # heavy scheme: 96
    weak = SourceConfig(id="f", url="http://x/", weight=0.5)
    assert score(match(3), neutral, weak).tier is Tier.BELOW  # 24
    big = AnalysisConfig(author_weights={"江城大V": 1.5})
    grade = score(match(3), neutral, None, big, author="江城大V")
    assert grade.tier is Tier.II and "账号「江城大V」 ×1.5" in grade.reason


def test_thresholds_come_from_config() -> None:
    strict = AnalysisConfig(thresholds={"I": 200, "II": 150, "III": 100, "IV": 50})
    assert tier_for(99, strict) is Tier.IV
    assert tier_for(49, strict) is Tier.BELOW
    assert tier_for(200, strict) is Tier.I


def _incident(tier: Tier, reason: str) -> Incident:
    return Incident("YQ-20261126-0001", tier, "t", "http://x/1", "s", NOW - timedelta(hours=1), reason=reason)


def _spreads(minutes_ago: list[int]) -> list[Action]:
    return [
        Action(f"s{i}", "YQ-20261126-0001", ActionKind.SPREAD, SYSTEM, NOW - timedelta(minutes=m))
        for i, m in enumerate(minutes_ago)
    ]


def test_five_reposts_within_twenty_minutes_upgrade_one_tier() -> None:
    incident = _incident(Tier.III, "主体「市国资委」 + 事件「欠薪」(3) + 负面 0.91 = 53 分 → III 较大")
    cfg = AnalysisConfig()
    assert spread_upgrade(incident, _spreads([1, 2, 3, 4]), NOW, cfg) is None
    assert spread_upgrade(incident, _spreads([1, 2, 3, 4, 30]), NOW, cfg) is None  # one is outside the window
    tier, reason = spread_upgrade(incident, _spreads([1, 2, 3, 4, 5]), NOW, cfg)
    assert tier is Tier.II
    assert reason == "主体「市国资委」 + 事件「欠薪」(3) + 负面 0.91 + 20 分钟内 5 条转载 → II 重大"


def test_after_an_upgrade_the_count_starts_again_and_stops_at_i() -> None:
    incident = _incident(Tier.II, "主体「市国资委」 + 20 分钟内 5 条转载 → II 重大")
    upgrade = Action("u", incident.number, ActionKind.UPGRADE, SYSTEM, NOW - timedelta(minutes=3))
    cfg = AnalysisConfig()
    assert spread_upgrade(incident, [*_spreads([1, 2, 4, 5, 6, 7]), upgrade], NOW, cfg) is None
    tier, reason = spread_upgrade(incident, [*_spreads([0, 1, 1, 2, 2]), upgrade], NOW, cfg)
    assert tier is Tier.I and reason == "主体「市国资委」 + 20 分钟内 5 条转载 → I 特别重大"
    assert spread_upgrade(_incident(Tier.I, "x"), _spreads([1] * 9), NOW, cfg) is None


def test_below_threshold_incident_upgrades_to_iv() -> None:
    tier, _ = spread_upgrade(_incident(Tier.BELOW, "x = 10 分 → — 影响较小"), _spreads([1] * 5), NOW, AnalysisConfig())
    assert tier is Tier.IV


def test_window_text() -> None:
    assert window_text(timedelta(minutes=20)) == "20 分钟"
    assert window_text(timedelta(hours=2)) == "2 小时"
    assert window_text(timedelta(days=1)) == "1 天"
