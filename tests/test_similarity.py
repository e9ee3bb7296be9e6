"""Simhash fingerprints and the numpy similarity index."""

from __future__ import annotations

import random

from bot.analysis.similarity import SimilarityIndex, content_key, distance, fingerprint
from bot.models import Item

STORY = (
    "今晨6时许，江城市国资委监管企业江城化工集团位于化工园区的一处仓库发生爆炸，现场浓烟滚滚。"
    "据目击者称已有3人受伤被送医，周边居民对安全管理表示强烈不满。"
)
OTHER = (
    "江城建工集团项目部被指拖欠农民工工资。多名工人反映，江城建工集团承建的滨江花园项目欠薪近半年，工人多次讨要未果。"
)


def test_a_repost_is_near_and_another_story_is_far() -> None:
    repost = "【转载】" + STORY[:-8] + "（来源：江城晚报）"
    assert distance(fingerprint(STORY), fingerprint(repost)) <= 10
    assert distance(fingerprint(STORY), fingerprint(OTHER)) > 20


def test_fingerprint_ignores_width_and_punctuation() -> None:
    assert fingerprint("江城化工集团，仓库发生爆炸！") == fingerprint("江城化工集团 仓库发生爆炸")
    assert fingerprint("") == 0
    assert fingerprint("爆") != 0


def test_index_finds_the_closest_owner_within_threshold() -> None:
    index = SimilarityIndex(threshold=10)
    rng = random.Random(3)
    for i in range(5000):
        index.add(rng.getrandbits(64), f"noise-{i}")
    index.add(fingerprint(STORY), "YQ-1")
    index.add(fingerprint(OTHER), "YQ-2")
    assert index.find(fingerprint("转发：" + STORY)) == (
        "YQ-1",
        distance(fingerprint(STORY), fingerprint("转发：" + STORY)),
    )
    assert index.find(fingerprint(OTHER))[0] == "YQ-2"
    assert index.find(fingerprint(STORY), exclude=frozenset({"YQ-1"})) is None
    assert len(index) == 5002


def test_index_drops_the_oldest_half_past_its_cap() -> None:
    index = SimilarityIndex(threshold=0, max_items=8, initial=4)
    for i in range(8):
        index.add(i + 1, f"o{i}")
    assert len(index) == 8
    index.add(100, "new")
    assert len(index) == 5
    assert index.find(1) is None  # the oldest went
    assert index.find(8) == ("o7", 0)
    assert index.find(100) == ("new", 0)


def test_index_memory_is_twelve_bytes_an_item() -> None:
    index = SimilarityIndex(initial=1000)
    assert index.nbytes == 12_000


def test_content_key_is_per_source_and_normalised() -> None:
    a = Item("a", "http://a/1", "江城化工集团爆炸", "正文")
    assert content_key(a) == content_key(Item("a", "http://a/2", "江城化工集团 爆炸！", "正文"))
    assert content_key(a) != content_key(Item("b", "http://b/1", "江城化工集团爆炸", "正文"))
    assert content_key(a) != content_key(Item("a", "http://a/3", "江城化工集团爆炸", "另一正文"))
