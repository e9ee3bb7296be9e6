"""Synonymous event words add as one concept (拖欠 + 欠薪 is one fact told twice); distinct concepts add;
a scheme's event word is also found under its synonyms (溺水 → 溺亡), not under loose ones (举报)."""

from __future__ import annotations

from bot.analysis.concepts import concept, parse_table, synonyms, table
from bot.analysis.judge import Judge
from bot.analysis.matcher import Matcher
from bot.analysis.sentiment import Classifier
from bot.config import SchemeConfig
from bot.models import Item, Sentiment, Tier

WAGES = SchemeConfig(
    name="建工",
    subjects=["江城建工集团"],
    events={"拖欠": 3, "欠薪": 3, "讨薪": 3, "爆炸": 5, "爆燃": 5, "炸响": 4, "坠亡": 4, "坠楼": 4, "受贿": 3},
)


class Neutral(Classifier):
    """Sentiment out of the way: these tests are about the event points."""

    def classify(self, text: str) -> Sentiment:
        return Sentiment("neutral", 1.0)


def judged(title: str, text: str = ""):
    judgement = Judge([WAGES], classifier=Neutral()).judge(Item("s", "http://x/1", title, text))
    assert judgement is not None
    return judgement


def test_the_shipped_table_groups_the_synonyms_of_the_brief() -> None:
    assert concept("拖欠") == concept("欠薪") == concept("讨薪")
    assert concept("爆炸") == concept("爆燃") == concept("炸响")
    assert concept("坠亡") == concept("坠楼")
    assert concept("拖欠") != concept("爆炸") != concept("受贿")


def test_a_longer_scheme_word_belongs_to_the_concept_it_contains() -> None:
    assert concept("拖欠农民工工资") == concept("欠薪")
    assert concept("恶意欠薪") == concept("欠薪")
    assert concept("乱收费") == "乱收费"  # listed nowhere: a concept of its own


def test_parse_keeps_the_first_line_of_a_word_and_skips_comments() -> None:
    parsed = parse_table("# 注释\n欠薪 拖欠  # 行尾注释\n拖欠 讨薪\n").of
    assert parsed == {"欠薪": "欠薪", "拖欠": "欠薪", "讨薪": "拖欠"}  # its line is named by its first word
    assert len(table()) > 50


def test_wage_arrears_told_twice_is_one_concept_not_an_over_grade() -> None:
    judgement = judged("江城建工集团项目部被指拖欠农民工工资", "多名工人称遭欠薪半年，多次讨薪无果。")
    assert judgement.points == 48  # before: 拖欠 48 + 欠薪 24 + 讨薪 12 = 84, an I
    assert judgement.tier is Tier.III
    assert "事件「拖欠」3×16=48（同义「欠薪、讨薪」不另计）" in judgement.reason


def test_the_strongest_word_of_a_concept_counts() -> None:
    judgement = judged("江城建工集团工地传出炸响", "现场发生爆燃，未见明火。")
    assert judgement.points == 80  # 爆燃 5 counts, 炸响 4 is the same concept
    assert "事件「爆燃」5×16=80（同义「炸响」不另计）" in judgement.reason


def test_synonyms_found_only_as_the_word_s_own_form_are_not_named() -> None:
    # 无生命体征 is found for 死亡, 遇难 and 身亡 alike: it was said once, nothing else to name (round 91)
    scheme = SchemeConfig(name="建工", subjects=["江城建工集团"], events={"死亡": 5, "遇难": 5, "身亡": 5})
    judgement = Judge([scheme], classifier=Neutral()).judge(
        Item("s", "http://x/1", "江城建工集团工地坍塌 两名工人被救出时已无生命体征", "")
    )
    assert judgement is not None
    assert "（文中作「无生命体征」）" in judgement.reason and "不另计" not in judgement.reason


def test_distinct_concepts_still_add() -> None:
    judgement = judged("江城建工集团项目经理受贿 工人讨薪", "")
    assert judgement.points == 48 + 24  # 受贿 then 讨薪 at half
    assert "事件「受贿」3×16=48 + 事件「讨薪」3×16÷2=24" in judgement.reason


def test_a_negated_synonym_leaves_the_stated_one() -> None:
    judgement = judged("江城建工集团否认拖欠工资", "但工人称仍有欠薪。")
    assert "事件「欠薪」3×16=48" in judgement.reason
    assert "事件「拖欠」被否定 0" in judgement.reason


def _hits(scheme: SchemeConfig, title: str, text: str = "") -> list[tuple[str, str]]:
    """(configured word, the text it was found as) of the scheme's event hits."""
    matches = Matcher([scheme]).match(Item("s", "http://x/1", title, text))
    return [
        (h.word, (title if h.field == "title" else text)[h.start : h.end])
        for m in matches
        for h in m.hits
        if h.group == "event"
    ]


def test_a_scheme_word_is_found_under_its_synonyms() -> None:
    scheme = SchemeConfig(name="镇", regions=["蒲溪镇"], events={"溺水": 4, "翻车": 4})
    assert _hits(scheme, "蒲溪镇两名工人清理化粪池时溺亡") == [("溺水", "溺亡")]
    wages = SchemeConfig(name="建工", subjects=["江城建工集团"], events={"拖欠": 3})
    assert _hits(wages, "江城建工集团欠我们工钱一年多了") == [("拖欠", "欠我们工钱")]  # a worker's words (round 91)
    assert _hits(scheme, "蒲溪镇面包车翻入鱼塘") == [("翻车", "翻入")]
    bribes = SchemeConfig(name="国资", subjects=["江城建工集团"], events={"受贿": 3})
    assert _hits(bribes, "江城建工集团副总经理被举报收受巨额贿赂") == [("受贿", "收受巨额贿赂")]  # round 92
    assert _hits(bribes, "江城建工集团原副总经理被指非法收受他人财物") == [("受贿", "收受他人财物")]
    judgement = Judge([scheme], classifier=Neutral()).judge(Item("s", "http://x/2", "蒲溪镇一男子落水身亡"))
    assert judgement is not None
    assert "事件「溺水」4×16=64（文中作「落水」）" in judgement.reason  # the configured word, and how the text says it


def test_loose_words_count_with_their_concept_but_stand_in_for_nothing() -> None:
    reports = SchemeConfig(name="局", subjects=["江城交通局"], events={"被举报": 3, "火灾": 4})
    assert _hits(reports, "江城交通局欢迎实名举报违规行为") == []  # 举报 / 实名举报 are marked ~
    assert _hits(reports, "江城交通局：今年火情报警数同比下降两成") == []  # nor 火情 for 火灾
    assert _hits(reports, "江城交通局办公楼起火") == [("火灾", "起火")]
    loose = parse_table("被举报 ~实名举报 ~举报\n")
    assert loose.of == {"被举报": "被举报", "实名举报": "被举报", "举报": "被举报"}  # counted together
    assert loose.findable == {"被举报": ("被举报",)}
    assert synonyms("举报") == frozenset({"被举报"})  # a loose word configured itself still finds the others


def test_a_narrow_word_is_found_for_its_concept_but_finds_nothing_in_its_place() -> None:
    """A forklift 撞伤2名工人 is an injury for a scheme of 受伤 (round 104); a scheme of 烫伤 is about burns and finds
    no bare 受伤 (a box factory's fire where one worker was 受伤 is no scald)."""
    hurt = SchemeConfig(name="快递", subjects=["鹭驰快递"], events={"受伤": 3})
    assert _hits(hurt, "鹭驰快递分拨中心叉车倒车撞伤2名工人") == [("受伤", "撞伤")]
    scald = SchemeConfig(name="园区", regions=["蒲溪"], events={"烫伤": 4})
    assert _hits(scald, "蒲溪一纸箱厂起火 一名工人受伤") == []
    assert _hits(scald, "蒲溪一餐馆油锅起火 厨师被烫伤") == [("烫伤", "烫伤")]
    narrow = parse_table("受伤 致伤 ^烫伤 ~伤亡\n")
    assert narrow.findable == {"受伤": ("受伤", "致伤", "烫伤")}
    assert narrow.narrow == frozenset({"烫伤"})


def test_the_schemes_own_words_keep_their_own_severity() -> None:
    scheme = SchemeConfig(name="镇", regions=["蒲溪镇"], events={"溺水": 4, "落水": 2})
    judgement = Judge([scheme], classifier=Neutral()).judge(Item("s", "http://x/3", "蒲溪镇一儿童落水后被救起"))
    assert judgement is not None
    assert "事件「落水」2×16=32" in judgement.reason  # not 溺水's 4


def test_a_synonym_holding_the_word_itself_adds_no_second_hit() -> None:
    scheme = SchemeConfig(name="建工", subjects=["江城建工集团"], events={"拖欠": 3})
    assert _hits(scheme, "江城建工集团拖欠工资") == [("拖欠", "拖欠")]  # not also 拖欠工资 (a synonym of 拖欠)
