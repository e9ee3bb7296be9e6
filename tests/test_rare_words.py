"""A story's own words (issue #12, item 7): bigrams rare in general Chinese (jieba's dictionary) that a
retelling or a follow-up keeps when it keeps neither the headline, nor a site, nor a kind of event:
a pair feature of the repost model and a fourth way into the similarity index."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import yaml

from bot.analysis.judge import Judge
from bot.analysis.matcher import Matcher
from bot.analysis.rarity import genre_bigrams, rare_bigrams, rare_codes
from bot.analysis.similarity import MIN_EQUAL, RARE_HITS, RARE_KEYS, rare_keys, signature, site_keys
from bot.analysis.story import FEATURES, TITLE_END, canonical, event_bits, features, sites, stored_lead, story
from bot.config import AnalysisConfig, Config, SchemeConfig
from bot.models import Item

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)

INCUBATOR_TITLE = "栈川区人民医院新生儿科保温箱故障 一名早产儿被烫伤"
INCUBATOR_TEXT = (
    "12月1日凌晨，栈川区人民医院新生儿科一台婴儿保温箱温控装置失灵，箱内温度升高，一名出生9天的早产儿"
    "背部和双腿被烫伤。医院发现后立即将患儿转入另一台保温箱并组织烧伤科会诊，已封存涉事保温箱。"
)
# a parent's retelling: no headline words, no named site, no kind of event the index keys
INCUBATOR_TOLD = (
    "区医院的保温箱把娃烫了 家长快急疯了",
    "朋友家的小宝是早产儿，在区医院新生儿科住了一个多星期，昨天半夜保温箱不知道怎么回事温度一直往上走，"
    "孩子背上和腿上烫起泡了。护士说机器坏了，家长问为什么没人发现。",
)
HOSPITAL = SchemeConfig(name="栈川区卫健", subjects=["栈川区人民医院", "栈川区卫健局"], events={"烫伤": 3, "死亡": 5})


def item(title: str, text: str, key: str) -> Item:
    return Item("site", f"http://site/{key}", title, text, fetched_at=T0)


def feature(name: str, stored: str, query: str) -> float:
    return features(stored_lead(canonical(stored)), story(canonical(query)))[FEATURES.index(name)]


@pytest.mark.parametrize(
    "script",
    [
        "make_rare_bigrams.py",  # the rare table is what jieba's dictionary gives
        "make_genre_bigrams.py",  # the genre list is what the training texts give
    ],
)
def test_the_shipped_table_is_what_its_script_derives(script: str) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "一致" in done.stdout


def test_words_every_local_report_says_are_no_storys_own() -> None:
    """Twenty-eighth round: 通报, 时许, 送医, 凌晨 are rare in general Chinese but said by nearly every report
    (bot/data/genre_bigrams.txt); two different stories sharing only them share no word of their own."""
    fire = "枫桥镇一民房凌晨起火 一人送医" + TITLE_END + "消防通报，凌晨3时许枫桥镇一民房起火，一名老人被救出后送医。"
    leak = "化工园区凌晨氨气泄漏 两人送医" + TITLE_END + "应急局通报，凌晨5时许化工园区一企业氨气泄漏，两名工人送医。"
    assert {"通报", "时许", "送医", "凌晨"} <= genre_bigrams()
    assert {"通报", "时许", "送医", "凌晨"} <= rare_bigrams(canonical(fire)) & rare_bigrams(canonical(leak))
    assert feature("rare_words", fire, leak) == 0
    # the story's own words still count (保温箱, 早产儿)
    told = "区医院保温箱烫伤早产儿" + TITLE_END + "家属称凌晨送医的早产儿在保温箱里被烫伤。"
    stored = f"{INCUBATOR_TITLE}{TITLE_END}{INCUBATOR_TEXT}"
    assert feature("rare_words", stored, told) > 0


def test_rare_bigrams_are_a_storys_own_words_not_common_ones_or_seams() -> None:
    found = rare_bigrams(canonical("保温箱故障致早产儿烫伤，现场情况仍在核实"))
    assert {"保温", "温箱", "早产", "烫伤"} <= found
    assert not found & {"现场", "情况"}  # everyday words of any report
    assert not found & {"仍在", "况仍", "场情"}  # seams between two words are no word of a story
    assert not any(set(gram) & set("的了在") for gram in rare_bigrams(canonical("烫伤的孩子在医院")))


def test_characters_beyond_the_basic_plane_give_no_codes() -> None:
    assert rare_codes("𠀀蒸汽𠀀烫伤").tolist() == rare_codes("蒸汽烫伤").tolist()
    assert rare_codes("").size == 0 and rare_codes("蒸").size == 0


def test_a_lead_keeps_a_fixed_sample_of_its_rare_words_as_keys() -> None:
    short = canonical("保温箱烫伤早产儿")
    keys = rare_keys(short)
    assert keys.shape == (RARE_KEYS,)
    assert np.count_nonzero(keys) == len(rare_bigrams(short))  # fewer than RARE_KEYS: all kept
    long = stored_lead(canonical(f"{INCUBATOR_TITLE}{TITLE_END}{INCUBATOR_TEXT}"))
    assert np.count_nonzero(rare_keys(long)) == RARE_KEYS < len(rare_bigrams(long))
    # the sample is chosen by hash, not by position: two texts holding the same rare words keep the same keys
    told = canonical("".join(INCUBATOR_TOLD))
    assert sorted(rare_keys(f"{long}\n{told}").tolist()) == sorted(rare_keys(f"{told}\n{long}").tolist())


def test_a_retelling_keeping_only_the_storys_own_words_joins_it() -> None:
    judge = Judge([HOSPITAL], analysis=AnalysisConfig())
    judge.remember(item(INCUBATOR_TITLE, INCUBATOR_TEXT, "a"), "YQ-1")
    others = [
        ("栈川区人民医院开展义诊进社区活动", "栈川区人民医院组织内科、眼科专家走进社区，为居民免费测量血压血糖。"),
        ("栈川区卫健局部署冬季流感防控", "栈川区卫健局召开会议，要求各医疗机构做好发热门诊值守和疫苗接种。"),
    ]
    for n, (title, text) in enumerate(others):
        judge.remember(item(title, text, f"o{n}"), f"YQ-{n + 2}")
    told = canonical(TITLE_END.join(INCUBATOR_TOLD))
    stored = stored_lead(canonical(f"{INCUBATOR_TITLE}{TITLE_END}{INCUBATOR_TEXT}"))
    # none of the other ways in can see it: too few equal slots, no site in common, no kind of event
    assert np.count_nonzero(signature(stored) == signature(told)) < MIN_EQUAL
    assert not set(site_keys(told, limit=None)) & set(site_keys(stored, limit=None))
    assert event_bits(told) == 0
    assert judge.similar(item(*INCUBATOR_TOLD, "b")) == "YQ-1"


def test_a_follow_up_sharing_words_deep_in_the_sample_is_found() -> None:
    """A follow-up (理赔到账 after 理赔迟迟不到位, pair t12-p135) shares eight of the report's rare words
    and nothing else the index keys: of a 16-key sample only one of them was kept (below RARE_HITS),
    so the pair model, which merges it, never saw it."""
    folder = Path(__file__).parent / "data" / "reposts_t12"
    pairs = yaml.safe_load((folder / "repost_pairs.yaml").read_text(encoding="utf-8"))["pairs"]
    pair = next(p for p in pairs if p["id"] == "t12-p135")
    config = Config.model_validate(yaml.safe_load((folder / "eval_config.yaml").read_text(encoding="utf-8")))
    judge = Judge(config.schemes, config.sources, analysis=config.analysis)
    report, follow_up = (item(pair[side]["title"], pair[side]["text"], side) for side in ("a", "b"))
    judge.remember(report, "YQ-1")
    stored = stored_lead(canonical(f"{report.title}{TITLE_END}{report.text}"))
    told = canonical(f"{follow_up.title}{TITLE_END}{follow_up.text}")
    assert np.count_nonzero(signature(stored) == signature(told)) < MIN_EQUAL
    assert not set(site_keys(told, limit=None)) & set(site_keys(stored, limit=None))
    assert event_bits(stored) & event_bits(told) == 0
    kept = set(rare_keys(stored).tolist()) - {0}
    shared = kept & set(rare_keys(told).tolist())
    assert len(shared) >= RARE_HITS and len(kept) == RARE_KEYS
    assert judge.similar(follow_up) == "YQ-1"


def test_the_shared_rare_words_leave_out_the_schemes_words_and_places() -> None:
    stored = f"{INCUBATOR_TITLE}{TITLE_END}{INCUBATOR_TEXT}"
    told = TITLE_END.join(INCUBATOR_TOLD)
    assert feature("rare_words", stored, told) > 0
    # two stories of one hospital share its name and place, which every story of it names
    other = "栈川区人民医院开展义诊进社区活动" + TITLE_END + "栈川区人民医院专家走进社区义诊。"
    lookup = Matcher([HOSPITAL]).words_in
    pair = features(stored_lead(canonical(stored)), story(canonical(other), lookup))
    assert pair[FEATURES.index("rare_words")] == 0


def test_two_hotline_tickets_share_the_tickets_words_not_a_story() -> None:
    """12345 tickets all say 工单 and 来电人称 (their seams 人称, 电人 are rare words in jieba's
    dictionary): two tickets about one hospital share those, and nothing of a story."""
    death = "12345工单：反映栈川区人民医院产妇死亡事件家属诉求无人回应" + TITLE_END + "来电人称，产妇术后死亡。"
    pay = "12345工单：栈川区人民医院拖欠规培医生补贴" + TITLE_END + "来电人称，医院拖欠规培补贴半年。"
    assert rare_bigrams(canonical(death)) & rare_bigrams(canonical(pay)) >= {"工单", "人称"}
    lookup = Matcher([HOSPITAL]).words_in
    pair = features(stored_lead(canonical(death)), story(canonical(pay), lookup))
    assert pair[FEATURES.index("rare_words")] == 0


def test_a_site_named_right_after_the_headline_is_read() -> None:
    lead = canonical(f"车棚电动车起火{TITLE_END}桂香小区7栋车棚一辆电动车充电时起火")
    assert sites(lead).get("estate") == frozenset({"桂香"})
    assert sites(canonical("k7东港码头")).get("venue") == frozenset({"东港"})


def test_two_texts_naming_only_sites_of_their_own_are_apart() -> None:
    warehouse = f"东港码头仓库电动车充电起火{TITLE_END}东港码头一仓库内一辆充电的电动车起火，无人员伤亡。"
    assert feature("sites_apart", warehouse, f"我们桂香小区车棚电动车充电着火了{TITLE_END}吓死了") == 1.0
    assert feature("sites_apart", warehouse, f"东港码头那边着火了{TITLE_END}听说是电动车充电") == 0.0
    assert feature("sites_apart", warehouse, f"电动车充电着火了{TITLE_END}大家注意") == 0.0  # names no site


def test_a_witness_exclamation_is_a_netizens_voice() -> None:
    boat = "蕖塘镇荷花湿地一艘游船侧翻 9名游客落水全部获救" + TITLE_END + "荷花湿地景区一艘载有9名游客的游船侧翻。"
    # headlines not ending in 了, which alone reads as speech (test_retellings)
    assert feature("retold", boat, f"荷花湿地游船今天侧翻{TITLE_END}一船9个游客全掉水里，吓死人") == 1.0
    assert feature("retold", boat, f"荷花湿地游船今天侧翻{TITLE_END}一船9个游客全掉水里") == 0.0
    assert feature("retold", boat, f"荷花湿地那个游船今天侧翻{TITLE_END}一船9个游客全掉水里") == 1.0  # 那个: spoken
