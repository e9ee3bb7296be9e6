"""Boolean expressions over word groups and quoted words, e.g.

    主体 & (事件 | "投诉") & !排除

Grammar (lowest precedence first)::

    expr := and ("|" and)*        and := unary ("&" unary)*
    unary := "!" unary | atom     atom := "(" expr ")" | GROUP | QUOTED

GROUP is 主体 / 领导 / 地域 / 事件 / 排除 (or subject / leader / region / event / exclude);
QUOTED is "word", “word” or 「word」. Full-width operators are accepted.
Errors say what is wrong and point at the position.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

GROUPS = {
    "主体": "subject",
    "领导": "leader",
    "地域": "region",
    "事件": "event",
    "排除": "exclude",
    "subject": "subject",
    "subjects": "subject",
    "leader": "leader",
    "leaders": "leader",
    "region": "region",
    "regions": "region",
    "event": "event",
    "events": "event",
    "exclude": "exclude",
}
_OPERATORS = {"&": "&", "＆": "&", "|": "|", "｜": "|", "!": "!", "！": "!", "(": "(", "（": "(", ")": ")", "）": ")"}
_QUOTES = {'"': '"', "“": "”", "「": "」", "”": "”"}
MAX_DEPTH = 50
_WORD_STOP = set(_OPERATORS) | set(_QUOTES) | {" ", "\t", "\n", "　"}


class ExpressionError(ValueError):
    """A parse error; `position` is the 0-based character index it points at."""

    def __init__(self, message: str, text: str, position: int) -> None:
        self.position = position
        self.reason = message
        super().__init__(f"表达式错误（第 {position + 1} 个字符）: {message}: {text[:position]}▲{text[position:]}")


@dataclass(frozen=True)
class Group:
    name: str  # subject / leader / region / event / exclude


@dataclass(frozen=True)
class Word:
    text: str


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]


Node = Group | Word | Not | And | Or


@dataclass(frozen=True)
class Token:
    kind: str  # & | ! ( ) group word end
    value: str
    position: int
    raw: str = ""


def tokenize(text: str) -> Iterator[Token]:
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _WORD_STOP and ch not in _OPERATORS and ch not in _QUOTES:
            i += 1
        elif ch in _OPERATORS:
            yield Token(_OPERATORS[ch], ch, i)
            i += 1
        elif ch in _QUOTES:
            close = text.find(_QUOTES[ch], i + 1)
            if ch == '"' and close < 0:
                close = text.find("”", i + 1)
            if close < 0:
                raise ExpressionError("引号没有闭合", text, i)
            word = text[i + 1 : close].strip()
            if not word:
                raise ExpressionError("引号里没有词", text, i)
            yield Token("word", word, i)
            i = close + 1
        else:
            j = i
            while j < len(text) and text[j] not in _WORD_STOP:
                j += 1
            name = text[i:j]
            if name.lower() not in GROUPS:
                raise ExpressionError(
                    f"未知的词组「{name}」，可用 主体、领导、地域、事件、排除，其他词请加引号", text, i
                )
            yield Token("group", GROUPS[name.lower()], i, name)
            i = j
    yield Token("end", "", len(text))


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = list(tokenize(text))
        self.i = 0
        self.depth = 0

    @property
    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def fail(self, message: str, tok: Token | None = None) -> ExpressionError:
        return ExpressionError(message, self.text, (tok or self.peek).position)

    def expr(self) -> Node:
        parts = [self.conj()]
        while self.peek.kind == "|":
            self.take()
            parts.append(self.conj())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def conj(self) -> Node:
        parts = [self.unary()]
        while self.peek.kind == "&":
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"嵌套超过 {MAX_DEPTH} 层")
        try:
            return self._unary()
        finally:
            self.depth -= 1

    def _unary(self) -> Node:
        if self.peek.kind == "!":
            self.take()
            return Not(self.unary())
        return self.atom()

    def atom(self) -> Node:
        tok = self.take()
        if tok.kind == "group":
            return Group(tok.value)
        if tok.kind == "word":
            return Word(tok.value)
        if tok.kind == "(":
            inner = self.expr()
            if self.peek.kind != ")":
                raise self.fail("缺少右括号 )")
            self.take()
            return inner
        if tok.kind == "end":
            raise self.fail("表达式不完整，这里还缺一个词组或带引号的词", tok)
        raise self.fail(f"这里应是词组、带引号的词、! 或 (，而不是 {tok.raw or tok.value}", tok)


def parse(text: str) -> Node:
    """Parse an expression; raise ExpressionError pointing at the problem."""
    if not text.strip():
        raise ExpressionError("表达式为空", text, 0)
    parser = _Parser(text)
    node = parser.expr()
    if parser.peek.kind != "end":
        tok = parser.peek
        what = "多余的右括号 )" if tok.kind == ")" else f"多余的「{tok.raw or tok.value}」，前面缺少 & 或 |"
        raise parser.fail(what)
    return node


def evaluate(node: Node, present: frozenset[str] | set[str]) -> bool:
    """True if the item satisfies `node`; `present` holds group names and 'w:<word>' keys."""
    if isinstance(node, Group):
        return node.name in present
    if isinstance(node, Word):
        return f"w:{node.text}" in present
    if isinstance(node, Not):
        return not evaluate(node.operand, present)
    if isinstance(node, And):
        return all(evaluate(n, present) for n in node.operands)
    return any(evaluate(n, present) for n in node.operands)


def words(node: Node) -> list[str]:
    """Quoted words in the expression, in order of appearance."""
    if isinstance(node, Word):
        return [node.text]
    if isinstance(node, Not):
        return words(node.operand)
    if isinstance(node, And | Or):
        return [w for n in node.operands for w in words(n)]
    return []


def groups(node: Node) -> set[str]:
    """Group names the expression refers to."""
    if isinstance(node, Group):
        return {node.name}
    if isinstance(node, Not):
        return groups(node.operand)
    if isinstance(node, And | Or):
        return {g for n in node.operands for g in groups(n)}
    return set()


def render(node: Node) -> str:
    """Canonical text of a node (parse(render(n)) == n)."""
    names = {"subject": "主体", "leader": "领导", "region": "地域", "event": "事件", "exclude": "排除"}
    if isinstance(node, Group):
        return names[node.name]
    if isinstance(node, Word):
        return f"「{node.text}」"
    if isinstance(node, Not):
        return f"!{render(node.operand)}"
    sep = " & " if isinstance(node, And) else " | "
    return "(" + sep.join(render(n) for n in node.operands) + ")"


MAX_VARIABLES = 12


def variables(node: Node) -> list[str]:
    """The keys `evaluate` looks up: group names and 'w:<word>'."""
    return sorted(groups(node)) + [f"w:{w}" for w in dict.fromkeys(words(node))]


def necessary(node: Node) -> list[str] | None:
    """Variables without which the expression is always false (None if too many to check).

    The matcher evaluates a scheme only when one of these is present, so a
    word shared by hundreds of schemes (an event word) costs nothing until a
    scheme's own subject word is found too."""
    keys = variables(node)
    if len(keys) > MAX_VARIABLES:
        return None
    out = []
    for key in keys:
        others = [k for k in keys if k != key]
        if not any(
            evaluate(node, {k for i, k in enumerate(others) if mask >> i & 1}) for mask in range(2 ** len(others))
        ):
            out.append(key)
    return out


def necessary_together(node: Node, keys: set[str]) -> bool:
    """True if the expression is false whenever none of `keys` is present (e.g. 主体 | 领导 in the
    default rule: neither alone is necessary, but one of the two is)."""
    others = [k for k in variables(node) if k not in keys]
    if len(others) > MAX_VARIABLES:
        return False
    return not any(
        evaluate(node, {k for i, k in enumerate(others) if mask >> i & 1}) for mask in range(2 ** len(others))
    )


def matches_nothing_present(node: Node) -> bool:
    """True if the expression holds for an item containing none of the words (e.g. `!排除`)."""
    return evaluate(node, set())
