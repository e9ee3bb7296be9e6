"""The incident lifecycle: legal moves, refused moves, late and repeated commands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.analysis.judgement import Judgement
from bot.incidents import IncidentService
from bot.lifecycle import IllegalTransition, apply
from bot.models import Action, ActionKind, Actor, Incident, Item, Match, Sentiment, Status, Tier

T0 = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
ALICE = Actor("telegram", "1", "张三")
BOB = Actor("telegram", "2", "李明")


def incident(**kw: object) -> Incident:
    return Incident("YQ-20261126-0001", Tier.II, "江城化工集团仓库爆炸", "https://x.cn/1", "news", T0).replace(**kw)


def act(kind: ActionKind, *, note: str = "", assignee: str = "", actor: Actor = ALICE, minutes: int = 1) -> Action:
    return Action(
        f"a-{kind}-{minutes}", "YQ-20261126-0001", kind, actor, T0 + timedelta(minutes=minutes), note, "", assignee
    )


def test_happy_path_records_times_people_and_versions():
    inc = incident()
    inc, ev = apply(inc, act(ActionKind.ACK, actor=BOB))
    assert (inc.status, inc.acked_by, inc.acked_at, inc.version) == (
        Status.ACKNOWLEDGED,
        "李明",
        T0 + timedelta(minutes=1),
        2,
    )
    assert ev.changed_status and ev.before is Status.NEW
    inc, _ = apply(inc, act(ActionKind.ASSIGN, assignee="王芳", minutes=2))
    assert (inc.status, inc.assignee, inc.acked_by) == (Status.ASSIGNED, "王芳", "李明")
    inc, ev = apply(inc, act(ActionKind.RESOLVE, note="已发布澄清", minutes=3))
    assert (inc.status, inc.result, inc.resolved_at, inc.version) == (
        Status.RESOLVED,
        "已发布澄清",
        T0 + timedelta(minutes=3),
        4,
    )
    inc, ev = apply(inc, act(ActionKind.REOPEN, minutes=4))
    assert (inc.status, inc.result, inc.resolved_at) == (Status.ASSIGNED, "", None)
    assert ev.after is Status.ASSIGNED


def test_a_late_ack_never_undoes_a_resolve():
    inc, _ = apply(incident(), act(ActionKind.RESOLVE, note="误报"))
    with pytest.raises(IllegalTransition, match="已办结"):
        apply(inc, act(ActionKind.ACK, minutes=5))
    with pytest.raises(IllegalTransition, match="重新打开"):
        apply(inc, act(ActionKind.ASSIGN, assignee="王芳", minutes=5))
    with pytest.raises(IllegalTransition):
        apply(inc, act(ActionKind.RESOLVE, note="再次", minutes=5))


@pytest.mark.parametrize(
    ("status", "kind", "kw"),
    [
        (Status.ACKNOWLEDGED, ActionKind.ACK, {}),
        (Status.ASSIGNED, ActionKind.ACK, {}),
        (Status.NEW, ActionKind.REOPEN, {}),
        (Status.ASSIGNED, ActionKind.REOPEN, {}),
        (Status.NEW, ActionKind.ASSIGN, {}),  # nobody named
        (Status.NEW, ActionKind.RESOLVE, {"note": "  "}),  # no result
        (Status.NEW, ActionKind.CREATE, {}),
    ],
)
def test_illegal_moves_are_refused_and_change_nothing(status, kind, kw):
    before = incident(status=status)
    with pytest.raises(IllegalTransition):
        apply(before, act(kind, **kw))
    assert before.status is status and before.version == 1


def test_non_state_actions_bump_version_only():
    for kind in (ActionKind.NOTE, ActionKind.ESCALATE, ActionKind.REMIND, ActionKind.MUTE):
        after, ev = apply(incident(), act(kind, note="x"))
        assert after.status is Status.NEW and after.version == 2 and not ev.changed_status


async def test_same_command_delivered_twice_changes_state_once(store, config, clock):
    service = IncidentService(config, store)
    item = Item("news", "https://x.cn/1", "江城化工集团仓库爆炸", fetched_at=clock.now())
    inc = await service.create(item, Judgement(Match("国资委", ()), Sentiment(), Tier.II, "r"), clock.now())
    first, ev1 = await service.act(inc.number, ActionKind.ACK, BOB, clock.now(), action_id="telegram:-1:77")
    again, ev2 = await service.act(inc.number, ActionKind.ACK, BOB, clock.now(), action_id="telegram:-1:77")
    assert ev1 is not None and ev2 is None
    assert again.version == first.version
    acks = [a for a in await store.actions(inc.number) if a.kind is ActionKind.ACK]
    assert len(acks) == 1
    # a resolve, then the old ack re-delivered under a new id: refused, state intact
    await service.act(inc.number, ActionKind.RESOLVE, ALICE, clock.now(), note="已澄清", action_id="m2")
    with pytest.raises(IllegalTransition):
        await service.act(inc.number, ActionKind.ACK, BOB, clock.now(), action_id="m3")
    assert (await store.get_incident(inc.number)).status is Status.RESOLVED
