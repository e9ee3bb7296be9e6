"""Response times: one definition, never negative; an ack before the alert went out counts from discovery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.audit import incident_row
from bot.briefing.evaluation import evaluate
from bot.briefing.reports import evaluation_document, incident_document
from bot.briefing.stats import Window
from bot.config import PersonConfig
from bot.models import Incident, Tier
from bot.response_times import DEFINITION_NOTE, response_times

T0 = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Shanghai")


def held_then_acked() -> Incident:
    """Storm control held the III alert 5 min; 李明 acked it from /list after 2 min; it went out at 5 min."""
    return Incident(
        "YQ-20261126-0004", Tier.III, "标题", "https://x.cn/4", "news", T0,
        reported_at=T0 + timedelta(minutes=5), acked_at=T0 + timedelta(minutes=2), acked_by="李明",
        ack_deadline=T0 + timedelta(hours=2),
    )  # fmt: skip


def test_ack_before_the_alert_counts_from_discovery():
    times = response_times(held_then_acked())
    assert times.to_report == timedelta(minutes=5)
    assert times.report_to_ack == timedelta(minutes=2)  # not −3 min shown as "3分钟"
    assert times.to_ack == timedelta(minutes=2)


def test_normal_order_and_nothing_below_zero():
    inc = held_then_acked()
    normal = response_times(Incident(**{**inc.__dict__, "acked_at": T0 + timedelta(minutes=9)}))
    assert (normal.report_to_ack, normal.to_ack) == (timedelta(minutes=4), timedelta(minutes=9))
    skewed = response_times(Incident(**{**inc.__dict__, "acked_at": T0 - timedelta(seconds=1)}))  # clock skew
    assert skewed.report_to_ack == timedelta(0) and skewed.to_ack == timedelta(0)


def test_evaluation_special_report_and_ledger_agree_and_say_so():
    inc = held_then_acked()
    ev = evaluate([inc], Window("今日", T0 - timedelta(hours=1), T0 + timedelta(hours=1)), T0 + timedelta(hours=1),
                  [PersonConfig(name="李明", role="monitor")])  # fmt: skip
    assert ev.people[0].ack_time == timedelta(minutes=2)
    row = incident_row(inc, [], ZONE, {}, None)
    assert (row["report_ack_minutes"], row["ack_minutes"]) == (2.0, 2.0)
    for doc in (evaluation_document(ev, ZONE), incident_document(inc, [], T0 + timedelta(hours=1), ZONE)):
        texts = [getattr(b, "text", "") for b in doc.blocks]
        assert DEFINITION_NOTE in texts
