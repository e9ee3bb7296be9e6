"""An incident stored but whose alerts were never queued (crash mid-create) is alerted at start."""

from __future__ import annotations

from datetime import timedelta

from bot.analysis.judgement import Judgement
from bot.incidents import IncidentService, alert_notification
from bot.models import SYSTEM, Action, ActionKind, Hit, Incident, Item, Match, Sentiment, Status, Target, Tier
from tests.conftest import make_config


def stored_only(number: str, now, tier: Tier = Tier.I) -> Incident:
    """What `create` leaves behind when it dies after put_incident, before enqueue."""
    return Incident(number, tier, "江城化工集团仓库爆炸", f"https://x.cn/{number}", "news", now)


async def test_requeue_queues_missing_alerts_once(store, clock):
    config = make_config()
    service = IncidentService(config, store)
    now = clock.now()
    await store.put_incident(stored_only("YQ-20261126-0001", now))
    await store.put_incident(stored_only("YQ-20261126-0002", now, Tier.BELOW))  # never pushed
    await store.put_incident(stored_only("YQ-20261126-0003", now).replace(status=Status.RESOLVED))
    held = stored_only("YQ-20261126-0004", now)
    await store.put_incident(held)
    await store.append_action(Action(f"{held.number}:held", held.number, ActionKind.NOTE, SYSTEM, now, "已静默"))
    assert await service.requeue_unreported(now) == 1
    pending = await store.pending_notifications(now + timedelta(hours=1))
    assert [(n.incident, n.kind.value, n.target) for n in pending] == [("YQ-20261126-0001", "alert", "console:console")]
    assert await service.requeue_unreported(now) == 0  # idempotent


async def test_requeue_leaves_normally_created_incidents_alone(store, clock):
    config = make_config()
    service = IncidentService(config, store)
    item = Item("news", "https://x.cn/a", "江城化工集团仓库爆炸", fetched_at=clock.now())
    match = Match("国资委", (Hit("爆炸", "event", "title", 6, 8, 5),), 5)
    inc = await service.create(item, Judgement(match, Sentiment("negative", 0.9), Tier.I, "r"), clock.now())
    alert = alert_notification(inc, Target("console", "console"), clock.now())
    await store.update_notification((await store.get_notification(alert.id)).replace(sent_at=clock.now()))
    assert await service.requeue_unreported(clock.now()) == 0
    assert await store.pending_notifications(clock.now() + timedelta(hours=1)) == []
