"""The explainable tier score and the spread-velocity upgrade rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.analysis.tiering import score, spread_upgrade, tier_for, window_text
from bot.config import AnalysisConfig, SourceConfig
from bot.models import SYSTEM, Action, ActionKind, Hit, Incident, Match, Sentiment, Tier

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
SUBJECT = Hit("市国资委", "subject", "title", 0, 4)


def match(severity: int, weight: float = 1.0, word: str = "欠薪", field: str = "title") -> Match:
    hits = (SUBJECT, Hit(word, "event", field, 4, 6, severity)) if severity else (SUBJECT,)
    return Match("国资委", hits, severity, weight)


def test_reason_names_every_factor_and_the_tier() -> None:
    official = SourceConfig(id="gov", url="http://x/", official=True)
    grade = score(match(3), Sentiment("negative", 0.91), official)
    assert grade.reason == "主体「市国资委」 + 事件「欠薪」3×16=48 + 官方来源 ×1.1 + 负面 0.91 +9 = 62 分 → III 较大"
    assert grade.tier is Tier.III and round(grade.points, 1) == 61.9


def test_severity_sentiment_and_weights_move_the_tier() -> None:
    neutral = Sentiment("neutral", 1.0)
    assert score(match(5), neutral).tier is Tier.II  # 80 points
    assert score(match(5), Sentiment("negative", 0.9)).tier is Tier.I  # 89
    assert score(match(2), neutral).tier is Tier.IV  # 32
    assert score(match(2, field="text"), Sentiment("positive", 0.9)).tier is Tier.BELOW  # 14
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


# --- additive evidence, figures, leaders, negation, stance (issue #12) ---

LEADER = Hit("周海涛", "leader", "title", 0, 3)


def events(*pairs: tuple[str, int], leader: bool = False, subject: bool = True) -> Match:
    hits = ((SUBJECT,) if subject else ()) + ((LEADER,) if leader else ())
    hits += tuple(Hit(w, "event", "text", 10 + i * 3, 12 + i * 3, s) for i, (w, s) in enumerate(pairs))
    return Match("交通", hits, max((s for _w, s in pairs), default=0))


NEUTRAL = Sentiment("neutral", 1.0)
NEGATIVE = Sentiment("negative", 0.9)


def test_several_event_words_add_with_diminishing_weight() -> None:
    grade = score(events(("翻车", 4), ("受伤", 3), ("拥堵", 1)), NEUTRAL)
    assert grade.points == 64 + 24 + 4  # 4×16, then 3×16÷2, then 1×16÷4
    assert "事件「翻车」4×16=64 + 事件「受伤」3×16÷2=24 + 事件「拥堵」1×16÷4=4 = 92 分 → I 特别重大" in grade.reason
    assert score(events(("拖欠", 3), ("投诉", 2)), NEUTRAL).tier is Tier.III  # 48 + 16 = 64
    assert score(events(("拖欠", 3)), NEUTRAL).tier is Tier.III  # 48


def test_the_example_reason_line_of_the_spec() -> None:
    from bot.analysis.facts import extract

    grade = score(events(("翻车", 4)), NEGATIVE, facts=extract("临川公交集团客车翻车，造成3人死亡"))
    assert (
        grade.reason
        == "主体「市国资委」 + 事件「翻车」4×16=64 + 死亡 3 人（较大）→ 45 + 负面 0.90 +9 = 54 分 → III 较大"
    )


def test_figures_replace_the_event_points_and_set_the_floor() -> None:
    from bot.analysis.facts import extract

    explosion = events(("爆炸", 5))
    assert score(explosion, NEGATIVE).tier is Tier.I  # 80 + 9: no figures, the word decides
    assert score(explosion, NEGATIVE, facts=extract("爆炸造成3人死亡")).tier is Tier.III
    assert score(explosion, NEGATIVE, facts=extract("死亡人数上升至12人")).tier is Tier.II
    assert score(explosion, NEGATIVE, facts=extract("已有三十余人罹难")).tier is Tier.I
    assert score(explosion, NEGATIVE, facts=extract("直接经济损失约1.2亿元")).tier is Tier.I
    mild = events(("事故", 1))  # a scheme that only goes to severity 1 still reaches II on a 12-death toll
    assert score(mild, NEUTRAL, facts=extract("事故已致12人遇难")).tier is Tier.II
    grade = score(mild, Sentiment("positive", 0.9), facts=extract("事故致3人死亡"))
    assert grade.tier is Tier.III and "伤亡/损失下限 III" in grade.reason  # 45 − 18 = 27, floor III
    weak = SourceConfig(id="f", url="http://x/", weight=0.5)
    assert score(mild, NEUTRAL, weak, facts=extract("两人遇难")).tier is Tier.IV  # floor holds on a weak source


def test_a_named_leader_counts_substantially() -> None:
    from bot.analysis.facts import extract

    bribe = events(("受贿", 3), leader=True)
    grade = score(bribe, NEUTRAL)
    assert grade.tier is Tier.II and "领导「周海涛」+20" in grade.reason  # 48 + 20 = 68
    assert score(events(("受贿", 3)), NEUTRAL).tier is Tier.III  # the bureau only: 48
    assert score(events(("受贿", 3), leader=True, subject=False), NEGATIVE).tier is Tier.II
    assert score(events(("投诉", 1), leader=True), NEUTRAL).tier is Tier.IV  # a mild word: 16 + 20
    deaths = extract("事故造成3人死亡")
    assert score(events(("事故", 4)), NEUTRAL, facts=deaths).tier is Tier.III
    assert score(events(("事故", 4), leader=True), NEUTRAL, facts=deaths).tier is Tier.II  # 45 + 20
    strict = AnalysisConfig(leader_points=0)
    assert score(bribe, NEUTRAL, analysis=strict).tier is Tier.III


def test_rumoured_figures_never_lift_the_tier() -> None:
    from bot.analysis.facts import extract

    rumour = extract("网传事故已造成12人死亡")
    grade = score(events(("事故", 2)), NEUTRAL, facts=rumour)
    assert grade.tier is Tier.IV  # 32: the event word, not the rumoured toll
    assert "网传 死亡 12 人（未证实，不计分）" in grade.reason
    both = extract("事故造成1人死亡。网传死亡人数已达12人")
    assert score(events(("事故", 2)), NEUTRAL, facts=both).tier is Tier.IV


def test_negated_event_words_count_nothing() -> None:
    grade = score(events(("拖欠", 3)), NEUTRAL, negated={"拖欠"})
    assert grade.tier is Tier.BELOW and "事件「拖欠」被否定 0" in grade.reason
    both = score(events(("拖欠", 3), ("投诉", 2)), NEUTRAL, negated={"拖欠"})
    assert both.points == 32  # 投诉 is now the strongest, at full weight


def test_a_rebuttal_is_never_pushed_on_its_own() -> None:
    grade = score(events(("受贿", 3), leader=True), NEGATIVE, stance="系谣言")
    assert grade.tier is Tier.BELOW
    assert grade.reason.endswith("，辟谣/澄清「系谣言」不单独推送 → — 影响较小")


def test_spread_upgrade_reads_the_new_reason_format() -> None:
    reason = (
        "主体「X」 + 事件「翻车」4×16=64 + 死亡 3 人（较大）→ 45 + 负面 0.90 +9 = 54 分，伤亡/损失下限 III → III 较大"
    )
    tier, text = spread_upgrade(_incident(Tier.III, reason), _spreads([1, 2, 3, 4, 5]), NOW, AnalysisConfig())
    assert tier is Tier.II
    assert (
        text == "主体「X」 + 事件「翻车」4×16=64 + 死亡 3 人（较大）→ 45 + 负面 0.90 +9 + 20 分钟内 5 条转载 → II 重大"
    )


def test_spread_upgrade_after_a_toll_upgrade_keeps_what_rose() -> None:
    reason = "死亡人数 3 → 12 人（重大）；主体「X」 + 事件「爆炸」5×16=80 + 死亡 12 人（重大）→ 65 = 65 分 → II 重大"
    tier, text = spread_upgrade(_incident(Tier.II, reason), _spreads([1, 2, 3, 4, 5]), NOW, AnalysisConfig())
    assert tier is Tier.I
    assert text == (
        "死亡人数 3 → 12 人（重大）；主体「X」 + 事件「爆炸」5×16=80 + 死亡 12 人（重大）→ 65 + 20 分钟内 5 条转载 → I 特别重大"
    )


def test_a_leader_beside_only_negated_events_is_no_incident() -> None:
    routine = score(events(("事故", 3), leader=True), NEGATIVE, negated={"事故"})
    assert routine.tier is Tier.BELOW  # 0 + 20 + 10 would reach IV; nothing happened
    assert "所述事件均被否定" in routine.reason
    live = score(events(("事故", 3), ("停运", 2), leader=True), NEGATIVE, negated={"事故"})
    assert live.tier is not Tier.BELOW  # 停运 did happen


def test_a_leader_named_beside_an_event_loses_nothing_to_a_positive_tone() -> None:
    """网友实名举报副区长覃雅丽为亲属承揽工程打招呼: an upbeat telling of an accusation is still one."""
    leader = Hit("覃雅丽", "leader", "title", 0, 3)
    accused = Match("区政府", (leader, Hit("被举报", "event", "title", 3, 6, 3)), 3, 1.0)
    grade = score(accused, Sentiment("positive", 0.72))
    assert grade.tier is Tier.II and round(grade.points) == 68
    assert "正面 0.72 不减分（领导 + 事件）" in grade.reason
    # without a standing event word the tone counts as before
    assert "正面 0.72 -14" in score(Match("区政府", (leader,), 0, 1.0), Sentiment("positive", 0.72)).reason
    denied = score(accused, Sentiment("positive", 0.72), negated=("被举报",))
    assert "正面 0.72 -14" in denied.reason  # 否认被举报: nothing stands beside the leader


def test_a_headline_reporting_the_event_loses_nothing_to_a_positive_tone() -> None:
    """丰垄合作社被指虚报大棚面积套取设施农业补贴: the model read the calm telling as good news (−14, IV)."""
    accused = score(match(3, word="套取"), Sentiment("positive", 0.71))
    assert accused.tier is Tier.III and round(accused.points) == 48
    assert "正面 0.71 不减分（标题报事件）" in accused.reason
    # an event told only in the body leaves the tone its say (a good-news headline: 欠薪问题已全部解决)
    settled = score(match(3, word="套取", field="text"), Sentiment("positive", 0.71))
    assert "正面 0.71 -14" in settled.reason and settled.tier is Tier.IV
    # a headline denying the event (否认套取) stands for nothing: the tone counts
    assert "正面 0.71 -14" in score(match(3, word="套取"), Sentiment("positive", 0.71), negated=("套取",)).reason
