"""Scheme expressions: parse, evaluate, and errors that point at the position."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis.expression import (
    And,
    ExpressionError,
    Group,
    Node,
    Not,
    Or,
    Word,
    evaluate,
    groups,
    parse,
    render,
    words,
)

GROUP_NAMES = ["subject", "leader", "region", "event", "exclude"]


def test_example_from_the_issue() -> None:
    node = parse('主体 & (事件 | "投诉") & !排除')
    assert node == And((Group("subject"), Or((Group("event"), Word("投诉"))), Not(Group("exclude"))))
    assert evaluate(node, {"subject", "w:投诉"})
    assert evaluate(node, {"subject", "event"})
    assert not evaluate(node, {"subject", "event", "exclude"})
    assert not evaluate(node, {"event"})
    assert words(node) == ["投诉"]
    assert groups(node) == {"subject", "event", "exclude"}


def test_precedence_and_binds_tighter_than_or() -> None:
    assert parse("主体 | 地域 & 事件") == Or((Group("subject"), And((Group("region"), Group("event")))))


def test_full_width_operators_and_chinese_quotes() -> None:
    assert parse("主体＆（事件｜「投诉」）＆！排除") == parse('主体 & (事件 | "投诉") & !排除')
    assert parse("subject & “投诉”") == And((Group("subject"), Word("投诉")))


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("主体 & (事件", 8, "缺少右括号"),
        ("主体 &", 4, "不完整"),
        ("主体 事件", 3, "缺少 & 或 |"),
        ("主体 & 欠薪", 5, "未知的词组「欠薪」"),
        ('主体 & "投诉', 5, "引号没有闭合"),
        ("主体 & ()", 6, "而不是 )"),
        ("主体)", 2, "多余的右括号"),
        ("", 0, "为空"),
        ('主体 & ""', 5, "引号里没有词"),
    ],
)
def test_errors_point_at_the_position(text: str, position: int, fragment: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert info.value.position == position
    assert fragment in str(info.value)
    assert f"第 {position + 1} 个字符" in str(info.value)
    assert "▲" in str(info.value)


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(ExpressionError, match="嵌套"):
        parse("(" * 200 + "主体" + ")" * 200)


_WORDS = st.text(alphabet="投诉欠薪爆炸江城abc123", min_size=1, max_size=4)
nodes: st.SearchStrategy[Node] = st.recursive(
    st.one_of(st.sampled_from(GROUP_NAMES).map(Group), _WORDS.map(Word)),
    lambda inner: st.one_of(
        inner.map(Not),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: And(tuple(xs))),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: Or(tuple(xs))),
    ),
    max_leaves=12,
)


def _present_sets(node: Node) -> list[set[str]]:
    keys = sorted(groups(node)) + [f"w:{w}" for w in sorted(set(words(node)))]
    out = []
    for mask in range(min(2 ** len(keys), 64)):
        out.append({k for i, k in enumerate(keys) if mask >> i & 1})
    return out


@settings(max_examples=150, deadline=None)
@given(nodes)
def test_render_then_parse_keeps_the_meaning(node: Node) -> None:
    parsed = parse(render(node))
    for present in _present_sets(node):
        assert evaluate(parsed, present) == evaluate(node, present)
    assert parse(render(parsed)) == parsed  # canonical text is a fixed point


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='主体领导地域事件排除&|!()（）"「」 投诉xX', max_size=30))
def test_any_input_parses_or_fails_with_a_position(text: str) -> None:
    try:
        node = parse(text)
    except ExpressionError as exc:
        assert 0 <= exc.position <= len(text)
        assert exc.reason
    else:
        assert isinstance(evaluate(node, set()), bool)


@settings(max_examples=100, deadline=None)
@given(nodes, st.sampled_from(["  ", "\t", "　", ""]))
def test_whitespace_does_not_change_the_tree(node: Node, space: str) -> None:
    text = render(node)
    spaced = "".join(ch + space if ch in "&|!()" else ch for ch in text)
    assert parse(spaced) == parse(text)


def test_necessary_variables_drive_the_matcher_anchor() -> None:
    from bot.analysis.expression import matches_nothing_present, necessary

    assert necessary(parse('主体 & (事件 | "投诉") & !排除')) == ["subject"]
    assert necessary(parse("主体 & 事件")) == ["event", "subject"]
    assert necessary(parse("主体 | 地域")) == []
    assert matches_nothing_present(parse("!排除")) and not matches_nothing_present(parse("主体 & !排除"))


def test_leader_group_in_chinese_and_english() -> None:
    node = parse("(主体 | 领导) & 事件")
    assert node == And((Or((Group("subject"), Group("leader"))), Group("event")))
    assert parse("(subject | leaders) & event") == node
    assert parse("leader") == Group("leader")
    assert render(Group("leader")) == "领导"
    assert evaluate(node, {"leader", "event"}) and not evaluate(node, {"event"})


def test_unknown_group_names_leader_among_the_choices() -> None:
    with pytest.raises(ExpressionError, match="主体、领导、地域、事件、排除"):
        parse("干部 & 事件")


def test_one_of_several_variables_necessary_together() -> None:
    from bot.analysis.expression import necessary, necessary_together

    rule = parse("(主体 | 领导) & 事件 & !排除")
    assert necessary(rule) == ["event"]
    assert necessary_together(rule, {"subject", "leader"})
    assert not necessary_together(rule, {"subject"})
    assert not necessary_together(parse("主体 | 领导 | 地域"), {"subject", "leader"})
