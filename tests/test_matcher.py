"""The automaton matcher: schemes, expressions, normalisation, variants, spans."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis.matcher import Matcher
from bot.analysis.normalize import normalize, offsets, span
from bot.config import SchemeConfig
from bot.models import Item

STATE = SchemeConfig(
    name="国资委",
    subjects=["江城市国资委", "市国资委", "江城化工集团"],
    regions=["江城"],
    events={"爆炸": 5, "欠薪": 3, "投诉": 2},
    exclude=["演练", "邻省"],
)


def item(title: str, text: str = "") -> Item:
    return Item("s", "http://x/1", title, text)


def test_subject_and_event_make_a_match_with_hits_and_spans() -> None:
    it = item("江城化工集团仓库爆炸", "江城市国资委已介入")
    [match] = Matcher([STATE]).match(it)
    assert match.scheme == "国资委"
    assert match.severity == 5
    assert match.words("subject") == ["江城化工集团", "江城市国资委"]  # 市国资委 inside 江城市国资委 is folded
    event = next(h for h in match.hits if h.group == "event")
    assert (event.field, it.title[event.start : event.end]) == ("title", "爆炸")
    subject = next(h for h in match.hits if h.field == "text" and h.group == "subject")
    assert it.text[subject.start : subject.end] == "江城市国资委"


def test_someone_elses_event_is_not_our_alert() -> None:
    assert Matcher([STATE]).match(item("某公司欠薪纠纷", "工人讨薪")) == []


def test_exclusion_word_drops_the_match() -> None:
    assert Matcher([STATE]).match(item("江城化工集团举行爆炸事故应急演练")) == []


def test_width_spaces_punctuation_and_case_are_tolerated() -> None:
    scheme = SchemeConfig(name="x", subjects=["ABC集团"], events={"欠薪": 3})
    it = item("ａｂｃ 集·团 被指欠－薪")
    [match] = Matcher([scheme]).match(it)
    spans = {h.word: it.title[h.start : h.end] for h in match.hits}
    assert spans == {"ABC集团": "ａｂｃ 集·团", "欠薪": "欠－薪"}


def test_traditional_text_matches_simplified_words_and_back() -> None:
    [match] = Matcher([STATE]).match(item("江城化工集團倉庫發生爆炸"))
    assert match.words("subject") == ["江城化工集团"]
    trad = SchemeConfig(name="t", subjects=["國資委"], events={"發佈會": 1})
    assert Matcher([trad]).match(item("国资委召开发布会"))


def test_text_mixing_simplified_and_traditional_characters_matches() -> None:
    # 江城 in simplified, 化工集團 in traditional: neither spelling of the word, yet the same word
    it = item("江城 化工集團倉庫發生爆炸 ６人受傷")
    [match] = Matcher([STATE]).match(it)
    subject = next(h for h in match.hits if h.group == "subject")
    assert it.title[subject.start : subject.end] == "江城 化工集團"
    trad = SchemeConfig(name="t", subjects=["國資委"], events={"發佈會": 1})
    assert Matcher([trad]).match(item("国資委召开發布会"))
    # a character that is simplified too (乾, 於) is left as it is
    assert normalize("乾隆於是") == "乾隆於是" and normalize("後來") == "后来"


def test_expression_with_quoted_word() -> None:
    scheme = STATE.model_copy(update={"expression": '主体 & (事件 | "维权") & !排除'})
    matcher = Matcher([scheme])
    [match] = matcher.match(item("江城化工集团职工维权"))
    assert match.words("word") == ["维权"]
    assert matcher.match(item("江城化工集团召开年会")) == []
    assert matcher.match(item("江城化工集团职工维权演练")) == []


def test_region_stands_in_for_subject_when_a_scheme_has_none() -> None:
    scheme = SchemeConfig(name="地域", regions=["滨江区"], events={"塌陷": 4})
    [match] = Matcher([scheme]).match(item("滨江区路面塌陷"))
    assert match.words("region") == ["滨江区"] and match.severity == 4
    assert Matcher([scheme]).match(item("河西区路面塌陷")) == []


def test_many_schemes_share_one_automaton_and_sort_by_severity() -> None:
    schemes = [SchemeConfig(name=f"s{i}", subjects=[f"单位{i}号"], events={"投诉": 2}) for i in range(300)]
    schemes.append(SchemeConfig(name="重", subjects=["单位7号"], events={"爆炸": 5}))
    matcher = Matcher(schemes)
    matches = matcher.match(item("单位7号发生爆炸后遭投诉"))
    assert [m.scheme for m in matches] == ["重", "s7"]
    assert matcher.match(item("单位7号召开会议")) == []


def test_no_schemes_matches_nothing() -> None:
    assert Matcher([]).match(item("江城化工集团爆炸")) == []


def test_expression_without_a_necessary_group_is_evaluated_on_any_of_its_words() -> None:
    scheme = STATE.model_copy(update={"expression": "主体 | 事件"})
    [match] = Matcher([scheme]).match(item("某地发生爆炸"))
    assert match.words("event") == ["爆炸"]


def test_config_rejects_an_expression_that_holds_with_no_word_found() -> None:
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="一个词都没出现时也成立"):
        SchemeConfig(name="x", subjects=["a"], exclude=["b"], expression="!排除")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="江城集团欠薪ＡＢab 　，。·-「」\n\t!?", max_size=40))
def test_normalised_positions_map_back_to_the_original(text: str) -> None:
    normal = normalize(text)
    where = offsets(text)
    assert len(normal) == len(where) <= len(text)
    assert normal == "".join(normalize(text[i]) for i in where)
    for start in range(len(normal)):
        lo, hi = span(text, start, start + 1)
        assert normalize(text[lo:hi]) == normal[start]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)), max_size=40))
def test_normalise_is_the_table_applied_character_by_character(text: str) -> None:
    """The two compiled patterns of `normalize` do what one `str.translate(TABLE)` does."""
    from bot.analysis.normalize import TABLE

    assert normalize(text) == text.translate(TABLE)
    assert offsets(text) == [i for i, ch in enumerate(text) if TABLE.get(ord(ch), 0) is not None]


def test_subject_only_scheme_matches_any_mention_with_severity_zero() -> None:
    scheme = SchemeConfig(name="只看主体", subjects=["江城地铁"], exclude=["招聘"])
    [match] = Matcher([scheme]).match(item("江城地铁发布运营公告"))
    assert match.severity == 0 and match.words("subject") == ["江城地铁"]
    assert Matcher([scheme]).match(item("江城地铁招聘公告")) == []


LEADERS = SchemeConfig(
    name="交通局",
    subjects=["临川市交通运输局"],
    leaders=["周海涛", "林晓峰"],
    events={"受贿": 3, "翻车": 4},
    exclude=["演练"],
)


def test_a_leader_hit_counts_as_the_subject_of_the_default_rule() -> None:
    it = item("举报：局长周海涛涉嫌受贿", "")
    [match] = Matcher([LEADERS]).match(it)
    leader = next(h for h in match.hits if h.group == "leader")
    assert (leader.word, it.title[leader.start : leader.end]) == ("周海涛", "周海涛")
    assert match.words("subject") == [] and match.severity == 3
    assert Matcher([LEADERS]).match(item("某局长涉嫌受贿")) == []  # no subject, no leader


def test_a_scheme_of_leaders_only() -> None:
    scheme = SchemeConfig(name="领导", leaders=["林晓峰"], events={"违纪": 4})
    [match] = Matcher([scheme]).match(item("林晓峰严重违纪违法被查"))
    assert match.words("leader") == ["林晓峰"] and match.severity == 4


def test_expression_group_leader() -> None:
    scheme = LEADERS.model_copy(update={"expression": "领导 & 事件"})
    matcher = Matcher([scheme])
    assert matcher.match(item("林晓峰被举报受贿"))
    assert matcher.match(item("临川市交通运输局被举报受贿")) == []  # the subject alone is not 领导


def test_event_words_do_not_wake_a_scheme_whose_subject_or_leader_is_absent() -> None:
    from bot.analysis.matcher import anchor, default_rule

    assert anchor(default_rule(LEADERS)) == {"subject", "leader"}
    assert anchor(default_rule(STATE)) == {"subject"}
    only_leaders = SchemeConfig(name="x", leaders=["林晓峰"], events={"违纪": 4})
    assert anchor(default_rule(only_leaders)) == {"leader"}


def test_the_reason_line_names_the_leader() -> None:
    from bot.analysis.tiering import score
    from bot.models import Sentiment

    [match] = Matcher([LEADERS]).match(item("临川市交通运输局局长周海涛涉嫌受贿"))
    assert "领导「周海涛」" in score(match, Sentiment()).reason


def test_a_rebuttal_without_event_words_matches_on_the_names_it_clears() -> None:
    denial = item("江城化工集团：网传厂长收红包一事系编造", "相关内容系编造，公司已报警。")
    matcher = Matcher([STATE])
    assert matcher.match(denial) == []  # no event word: the rule does not hold
    [match] = matcher.match(denial, named_if=lambda _item: True)
    assert match.words("subject") == ["江城化工集团"] and match.severity == 0
    assert matcher.match(item("网传厂长收红包一事系编造"), named_if=lambda _item: True) == []  # nobody named
    asked: list[Item] = []
    matcher.match(item("今日天气晴"), named_if=lambda it: asked.append(it))
    assert asked == []  # no name found: the rebuttal test is never run


def test_a_passive_event_word_matches_with_its_agent_said() -> None:
    """被举报 is reported as 被实名举报 or 遭群众举报; the hit names the configured word. The active 实名举报 is
    an accusation too, except where the clause invites reports: the office's own 欢迎实名举报 is none."""
    scheme = SchemeConfig(name="港务", subjects=["霁川港务集团"], leaders=["钱立新"], events={"被举报": 3, "被投诉": 2})
    for title in (
        "霁川港务集团总经理钱立新被实名举报违规发放补贴",
        "霁川港务集团钱立新遭群众举报",
        "霁川港务集团被网友投诉",
    ):
        [match] = Matcher([scheme]).match(item(title))
        assert set(match.words("event")) <= {"被举报", "被投诉"} and match.words("event"), title
    assert Matcher([scheme]).match(item("霁川港务集团公布举报电话")) == []  # 举报 alone is no report of it
    assert Matcher([scheme]).match(item("霁川港务集团公布举报电话，欢迎实名举报")) == []
    assert Matcher([scheme]).match(item("霁川港务集团接受群众实名举报")) == []
    assert Matcher([scheme]).match(item("霁川港务集团公布实名举报电话")) == []
    # the invitation may start a long way before the word (欢迎群众对…问题实名举报)
    assert Matcher([scheme]).match(item("霁川港务集团欢迎群众对员工执法中吃拿卡要等问题实名举报，查实后严肃处理")) == []
    for title in ("实名举报：霁川港务集团副总经理钱立新收受物流商好处费", "网友匿名举报霁川港务集团钱立新违规发放补贴"):
        [match] = Matcher([scheme]).match(item(title))
        assert match.words("event") == ["被举报"], title
    # an invitation in an earlier clause does not reach the accusation
    [match] = Matcher([scheme]).match(item("市民欢迎新规。实名举报：霁川港务集团钱立新收受好处费"))
    assert match.words("event") == ["被举报"]
