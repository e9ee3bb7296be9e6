"""When the automatic merge misses: the 疑似同一事件 hint on the new incident, and /merge by hand.

A retelling that scores under the merge threshold but above `related_threshold` opens its own
incident whose card names the story it may repeat; /merge folds it into that story (its items,
sources and, when graver, its tier), resolves it as 已并入, and its later reposts join the story.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.analysis.judge import Judge
from bot.analysis.judgement import Judgement
from bot.briefing.stats import Window, collect
from bot.incidents import IncidentService
from bot.models import ActionKind, Actor, Command, Hit, Item, Match, MessageRef, NoticeKind, Sentiment, Status, Tier
from bot.placement import place
from bot.render import incident_text
from bot.store.base import Store
from tests.conftest import START, make_config
from tests.test_placement import BLAST

STORY = Item("city", "http://x/1", "江城化工集团仓库爆炸致3人死亡", BLAST, fetched_at=START)
# a netizen's post keeping only the subject and the event word, telling no progress (a 后续 or 调查组
# would make it the follow-up of the only open explosion story: bot.placement._progress_of): under the
# merge threshold
RETOLD = Item(
    "forum",
    "http://f/1",
    "江城化工集团爆炸现场",
    "江城化工集团爆炸事故现场已拉起警戒线，善后工作正在进行。",
    fetched_at=START + timedelta(minutes=5),
)
OTHER = Item(
    "city",
    "http://x/2",
    "江城建工集团被曝欠薪",
    "多名工人反映，江城建工集团承建的滨江花园项目欠薪近半年，工人多次讨要未果。",
    fetched_at=START + timedelta(minutes=6),
)


async def placed(store: Store, items: list[Item]) -> tuple[IncidentService, Judge, list]:
    cfg = make_config()
    incidents = IncidentService(cfg, store)
    judge = Judge(cfg.schemes, cfg.sources, analysis=cfg.analysis)
    out = []
    for item in items:
        judgement = judge.judge(item)
        assert judgement is not None, item.title
        out.append(await place(item, judgement, judge, incidents, item.fetched_at))
    return incidents, judge, out


async def test_a_retelling_under_the_threshold_names_the_story_it_may_repeat(store: Store) -> None:
    _incidents, _judge, (story, retold, other) = await placed(store, [STORY, RETOLD, OTHER])
    assert not retold.merged and retold.incident.number != story.incident.number
    assert retold.incident.related == story.incident.number
    text = incident_text(retold.incident, START)
    assert f"疑似同一事件：{story.incident.number}（是的话回复本条 /merge {story.incident.number}）" in text
    assert other.incident.related == ""  # another story of the scheme (欠薪) is not hinted
    assert "疑似同一事件" not in incident_text(other.incident, START)


async def test_the_hint_can_be_turned_off(store: Store) -> None:
    cfg = make_config(analysis={"related_threshold": 0})
    incidents = IncidentService(cfg, store)
    judge = Judge(cfg.schemes, cfg.sources, analysis=cfg.analysis)
    for item in (STORY, RETOLD):
        judgement = judge.judge(item)
        assert judgement is not None
        last = await place(item, judgement, judge, incidents, item.fetched_at)
    assert not last.merged and last.incident.related == ""


async def test_merge_folds_the_duplicate_and_its_later_reposts_join_the_story(store: Store) -> None:
    incidents, judge, (story, retold) = await placed(store, [STORY, RETOLD])
    a, b = story.incident.number, retold.incident.number
    target, duplicate = await incidents.merge(b, a, _actor(), START + timedelta(minutes=8))
    assert duplicate is not None and duplicate.status is Status.RESOLVED and duplicate.merged_into == a
    assert duplicate.result == f"已并入 {a}（同一事件）" and duplicate.related == ""
    assert target.spread == 2 and target.sources == ("city", "forum")
    kinds = [x.kind for x in await store.actions(a)]
    assert ActionKind.ABSORB in kinds and [x.note for x in await store.actions(b) if x.kind is ActionKind.MERGE] == [a]
    # a repost of the duplicate's words finds the duplicate in the index, and joins the story
    repost = Item(
        "site2",
        "http://y/9",
        "转：江城化工集团爆炸后续",
        "江城化工集团爆炸事故善后工作正在进行，调查组已进驻现场。",
        fetched_at=START + timedelta(minutes=12),
    )
    judgement = judge.judge(repost)
    assert judgement is not None
    joined = await place(repost, judgement, judge, incidents, repost.fetched_at)
    assert joined.merged and joined.incident.number == a and joined.incident.spread == 3


async def test_a_graver_duplicate_upgrades_the_story_and_says_why(store: Store) -> None:
    cfg = make_config()
    incidents = IncidentService(cfg, store)
    match = Match("国资委", (Hit("爆炸", "event", "title", 0, 2, 4),), 4)
    now = START
    first = await incidents.create(
        Item("a", "http://a/1", "江城化工集团仓库爆炸", fetched_at=now),
        Judgement(match, Sentiment("negative", 0.9), Tier.III, "事件「爆炸」"),
        now,
    )
    graver = await incidents.create(
        Item("b", "http://b/1", "江城化工集团仓库爆炸致12人死亡", fetched_at=now),
        Judgement(match, Sentiment("negative", 0.9), Tier.II, "死亡 12 人（重大）"),
        now,
    )
    target, _ = await incidents.merge(graver.number, first.number, _actor(), now + timedelta(minutes=1))
    assert target.tier is Tier.II and target.reason == f"并入 {graver.number}：死亡 12 人（重大）"
    upgrades = [x.note for x in await store.actions(first.number) if x.kind is ActionKind.UPGRADE]
    assert upgrades == [f"III → II: 并入 {graver.number}：死亡 12 人（重大）"]
    texts = [n.text for n in await store.pending_notifications(now + timedelta(hours=1)) if n.kind is NoticeKind.TEXT]
    assert any(f"⬆️ 事件升级 {first.number}" in t and "并入" in t for t in texts)


def _actor() -> Actor:
    return Actor("telegram", "2", "李明")


def cmd(*args: str, user: str = "2", reply_to: str = "", message_id: str = "") -> Command:
    return Command("telegram", user, "-100", "merge", args, "/merge " + " ".join(args), message_id, reply_to)


async def two(app, clock) -> tuple[str, str]:
    match = Match("国资委", (Hit("爆炸", "event", "title", 0, 2, 4),), 4)
    made = []
    for title in ("江城化工集团仓库爆炸", "江城化工集团爆炸后续"):
        item = Item("news", f"https://x.cn/{title}", title, fetched_at=clock.now())
        judgement = Judgement(match, Sentiment("negative", 0.9), Tier.II, "测试")
        made.append((await app.services.incidents.create(item, judgement, clock.now())).number)
    return made[0], made[1]


async def test_merge_by_replying_to_the_duplicates_card(app, clock) -> None:
    story, duplicate = await two(app, clock)
    await app.services.store.add_message_ref(MessageRef("telegram:-100", "88", duplicate))
    replies = await app.dispatcher.handle(cmd(story, reply_to="88", message_id="m1"))
    assert replies[0].startswith(f"🔗 {duplicate} 已并入 {story}「江城化工集团仓库爆炸」：现共 2 条信息")
    assert (await app.services.store.get_incident(duplicate)).merged_into == story
    again = await app.dispatcher.handle(cmd(story, reply_to="88", message_id="m1"))
    assert again == [f"{duplicate} 此前已处理，未重复操作"]
    assert len([a for a in await app.services.store.actions(story) if a.kind is ActionKind.ABSORB]) == 1


async def test_merge_with_both_numbers_and_the_chinese_name(app, clock) -> None:
    story, duplicate = await two(app, clock)
    console = app.channels["console"]
    replies = await console.handle_line(f"合并 {duplicate} {story}", app.dispatcher.handle)
    assert f"{duplicate} 已并入 {story}" in replies[0]


async def test_merge_refusals_are_clear_and_change_nothing(app, clock) -> None:
    story, duplicate = await two(app, clock)
    handle = app.dispatcher.handle
    assert (
        "用法：/merge" in (await handle(cmd(duplicate)))[0] and "缺少目标事件编号" in (await handle(cmd(duplicate)))[0]
    )
    assert "「明天」不是事件编号" in (await handle(cmd(duplicate, "明天")))[0]
    assert "不能并入自身" in (await handle(cmd(duplicate, duplicate)))[0]
    assert "没有编号为 YQ-20261126-9999" in (await handle(cmd(duplicate, "YQ-20261126-9999")))[0]
    assert "无权执行 /merge" in (await handle(cmd(duplicate, story, user="3")))[0]
    await handle(Command("telegram", "2", "-100", "resolve", (story, "已处置"), "/resolve", "", ""))
    assert f"{story} 已办结，不能接收合并；如需合并请先 /reopen {story}" in (await handle(cmd(duplicate, story)))[0]
    assert (await app.services.store.get_incident(duplicate)).status is Status.NEW
    assert not [a for a in await app.services.store.actions(duplicate) if a.kind is ActionKind.MERGE]


async def test_the_briefing_counts_a_merged_duplicate_once_under_its_story(store: Store) -> None:
    incidents, _judge, (story, retold) = await placed(store, [STORY, RETOLD])
    window = Window("今日", START - timedelta(hours=1), START + timedelta(hours=1))
    zone = ZoneInfo("Asia/Shanghai")
    before = collect(await store.incidents(), window, START + timedelta(minutes=30), zone)
    assert len(before.new) == 2
    await incidents.merge(retold.incident.number, story.incident.number, _actor(), START + timedelta(minutes=8))
    after = collect(await store.incidents(), window, START + timedelta(minutes=30), zone)
    assert [i.number for i in after.new] == [story.incident.number] and after.new[0].spread == 2
    assert after.resolved == [] and sum(after.by_tier.values()) == 1


def test_a_hint_threshold_at_or_over_the_merge_threshold_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValidationError, match="related_threshold 须小于 similarity_threshold"):
        make_config(analysis={"similarity_threshold": 0.3, "related_threshold": 0.4})
    # the default hint under a low merge threshold is simply off, not an error
    assert make_config(analysis={"similarity_threshold": 0.1}).analysis.related_threshold == 0.15
