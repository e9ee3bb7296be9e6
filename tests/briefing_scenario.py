"""A known week of incidents for briefing, report and evaluation tests.

Now is 2026-11-26 08:30 Asia/Shanghai. Times below are local (UTC+8).
  G YQ-20261120-0001 IV  negative  resolved 11-22 by 王芳 (acked by 李明)
  E YQ-20261124-0003 III negative  never acknowledged: ack overdue since 11-24 12:00
  A YQ-20261125-0001 II  negative  acked 李明, assigned 王芳, resolved 11-25 15:00; spread 3 / 2 sources
  B YQ-20261125-0002 I   negative  acked late by 张三 (39 min after report), assigned 王芳, open; spread 5 / 3 sources
  C YQ-20261126-0001 III neutral   new, 30 min left to ack
  D YQ-20261126-0002 IV  positive  new
  F YQ-20261126-0003 BELOW neutral (recorded, not pushed)
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.models import SYSTEM, Action, ActionKind, Actor, Incident, Sentiment, Status, Tier
from bot.store.base import Store
from tests.conftest import make_config

ZONE = ZoneInfo("Asia/Shanghai")
PEOPLE = [
    {"name": "张三", "role": "leader", "department": "办公室", "telegram_id": 1},
    {"name": "李明", "role": "monitor", "department": "舆情中心", "telegram_id": 2},
    {"name": "王芳", "role": "member", "department": "宣传处", "telegram_id": 3},
]
DEADLINES = {Tier.I: (15, 24 * 60), Tier.II: (30, 24 * 60), Tier.III: (120, 72 * 60), Tier.IV: (24 * 60, 7 * 24 * 60)}


def local(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=ZONE)


NOW = local(11, 26, 8, 30)


def scenario_config(**overrides) -> Config:
    return make_config(people=PEOPLE, **overrides)


def _incident(number: str, tier: Tier, mood: str, found: datetime, **fields) -> Incident:
    ack, resolve = DEADLINES.get(tier, (None, None))
    return Incident(
        number=number,
        tier=tier,
        title=fields.pop("title", f"江城化工集团 事件 {number[-4:]}"),
        url=fields.pop("url", f"https://news.example.cn/{number}"),
        source_id=fields.pop("source_id", "city-news"),
        discovered_at=found,
        sentiment=Sentiment(mood, 0.9),
        reason="命中主体「江城化工集团」",
        ack_deadline=found + timedelta(minutes=ack) if ack else None,
        resolve_deadline=found + timedelta(minutes=resolve) if resolve else None,
        item_keys=fields.pop("item_keys", (f"https://news.example.cn/{number}",)),
        sources=fields.pop("sources", ("city-news",)),
        last_seen_at=fields.pop("last_seen_at", found),
        **fields,
    )


def incidents() -> list[Incident]:
    g = _incident(
        "YQ-20261120-0001", Tier.IV, "negative", local(11, 20, 10), title="江城水务集团乱收费投诉",
        status=Status.RESOLVED, reported_at=local(11, 20, 10, 1), acked_at=local(11, 20, 10, 5), acked_by="李明",
        assignee="王芳", assigned_at=local(11, 20, 10, 6), resolved_at=local(11, 22, 10), result="已退费并致歉",
    )  # fmt: skip
    e = _incident("YQ-20261124-0003", Tier.III, "negative", local(11, 24, 10), title="江城建工集团欠薪传闻",
                  reported_at=local(11, 24, 10, 2))  # fmt: skip
    a = _incident(
        "YQ-20261125-0001", Tier.II, "negative", local(11, 25, 9), title="江城化工集团厂区异味引发居民投诉",
        status=Status.RESOLVED, reported_at=local(11, 25, 9, 2), acked_at=local(11, 25, 9, 10), acked_by="李明",
        assignee="王芳", assigned_at=local(11, 25, 9, 15), resolved_at=local(11, 25, 15), result="已澄清并发布通报",
        item_keys=("https://news.example.cn/a1", "https://forum.example.cn/a2", "https://news.example.cn/a3"),
        sources=("city-news", "forum-gbk"), last_seen_at=local(11, 25, 11),
        url="https://news.example.cn/a1",
    )  # fmt: skip
    b = _incident(
        "YQ-20261125-0002", Tier.I, "negative", local(11, 25, 22), title="江城化工集团发生爆炸事故",
        status=Status.ASSIGNED, reported_at=local(11, 25, 22, 1), acked_at=local(11, 25, 22, 40), acked_by="张三",
        assignee="王芳", assigned_at=local(11, 25, 22, 45),
        item_keys=tuple(f"https://b.example.cn/{n}" for n in range(5)), sources=("city-news", "forum-gbk", "weibo"),
        last_seen_at=local(11, 26, 7),
    )  # fmt: skip
    c = _incident("YQ-20261126-0001", Tier.III, "neutral", local(11, 26, 7), title="市国资委召开专题会议",
                  reported_at=local(11, 26, 7, 1))  # fmt: skip
    d = _incident("YQ-20261126-0002", Tier.IV, "positive", local(11, 26, 8), title="江城公交集团获评文明单位",
                  reported_at=local(11, 26, 8, 1))  # fmt: skip
    f = _incident("YQ-20261126-0003", Tier.BELOW, "neutral", local(11, 26, 6), title="江城天气预报")
    return [g, e, a, b, c, d, f]


def actions_for_a() -> list[Action]:
    n = "YQ-20261125-0001"
    li, wang = Actor("telegram", "2", "李明"), Actor("telegram", "3", "王芳")
    return [
        Action(f"{n}:create", n, ActionKind.CREATE, SYSTEM, local(11, 25, 9), note="命中主体「江城化工集团」"),
        Action(f"{n}:n1", n, ActionKind.NOTIFY, SYSTEM, local(11, 25, 9, 2), chat="telegram:-1001"),
        Action(f"{n}:s1", n, ActionKind.SPREAD, SYSTEM, local(11, 25, 9, 40), note="江城论坛 转载"),
        Action(f"{n}:ack", n, ActionKind.ACK, li, local(11, 25, 9, 10), note="收到"),
        Action(f"{n}:as", n, ActionKind.ASSIGN, li, local(11, 25, 9, 15), note="请核实", assignee="王芳"),
        Action(f"{n}:up", n, ActionKind.ESCALATE, SYSTEM, local(11, 25, 10), note="上报领导小组"),
        Action(f"{n}:res", n, ActionKind.RESOLVE, wang, local(11, 25, 15), note="已澄清并发布通报"),
    ]


async def fill(store: Store) -> None:
    for incident in incidents():
        await store.put_incident(incident)
    for action in actions_for_a():
        await store.append_action(action)
