"""MinHash signatures and the numpy similarity index."""

from __future__ import annotations

import numpy as np

from bot.analysis.similarity import SLOTS, SimilarityIndex, content_key, signature, similarity
from bot.models import Item

STORY = (
    "今晨6时许，江城市国资委监管企业江城化工集团位于化工园区的一处仓库发生爆炸，现场浓烟滚滚。"
    "据目击者称已有3人受伤被送医，周边居民对安全管理表示强烈不满。"
)
OTHER = (
    "江城建工集团项目部被指拖欠农民工工资。多名工人反映，江城建工集团承建的滨江花园项目欠薪近半年，工人多次讨要未果。"
)
SAME_SUBJECT = "江城化工集团召开年度工作会议，江城市国资委有关负责人出席，会议部署明年安全生产重点任务。"


def test_a_repost_is_similar_and_other_stories_are_not() -> None:
    repost = "转载：江城化工园区仓库爆炸\n（来源：江城晚报）" + STORY[:-8]
    assert similarity(signature(STORY), signature(repost)) >= 0.6
    assert similarity(signature(STORY), signature(OTHER)) < 0.2
    assert similarity(signature(STORY), signature(SAME_SUBJECT)) < 0.3


def test_signature_ignores_width_and_punctuation_and_is_stable() -> None:
    assert np.array_equal(signature("江城化工集团，仓库发生爆炸！"), signature("江城化工集团 仓库发生爆炸"))
    assert signature(STORY).dtype == np.uint16 and signature(STORY).shape == (SLOTS,)
    assert similarity(signature(""), signature("")) == 1.0
    assert similarity(signature("爆炸事故"), signature("")) == 0.0


def test_index_finds_the_most_similar_owner_above_threshold() -> None:
    index = SimilarityIndex(threshold=0.5)
    rng = np.random.default_rng(3)
    for i in range(3000):
        index.add(rng.integers(0, 2**16, size=SLOTS, dtype=np.uint16), f"noise-{i}")
    index.add(signature(STORY), "YQ-1")
    index.add(signature(OTHER), "YQ-2")
    owner, score = index.find(signature("转发：" + STORY))
    assert owner == "YQ-1" and score >= 0.6
    assert index.find(signature(OTHER)) == ("YQ-2", 1.0)
    assert index.find(signature(SAME_SUBJECT)) is None
    assert len(index) == 3002


def test_index_drops_the_oldest_half_past_its_cap() -> None:
    index = SimilarityIndex(threshold=1.0, max_items=8, initial=4)
    sigs = [np.full(SLOTS, i, dtype=np.uint16) for i in range(9)]
    for i in range(8):
        index.add(sigs[i], f"o{i}")
    assert len(index) == 8
    index.add(sigs[8], "new")
    assert len(index) == 5
    assert index.find(sigs[0]) is None  # the oldest went
    assert index.find(sigs[7]) == ("o7", 1.0)
    assert index.find(sigs[8]) == ("new", 1.0)


def test_index_memory_is_68_bytes_an_item() -> None:
    assert SimilarityIndex(initial=1000).nbytes == 68_000


def test_content_key_is_per_source_and_normalised() -> None:
    a = Item("a", "http://a/1", "江城化工集团爆炸", "正文")
    assert content_key(a) == content_key(Item("a", "http://a/2", "江城化工集团爆炸 ", " 正文"))
    assert content_key(a) != content_key(Item("b", "http://b/1", "江城化工集团爆炸", "正文"))
    assert content_key(a) != content_key(Item("a", "http://a/3", "江城化工集团爆炸", "另一正文"))
