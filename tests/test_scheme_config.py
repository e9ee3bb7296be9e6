"""Scheme keys (leaders, exclude_scope, dictionary, {word, exact}): `yuqing-bot check` accepts them
and refuses bad ones with the key path, in one line, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import SchemeConfig, SchemeWord
from bot.config_loader import ConfigError, parse_config

REPO = Path(__file__).resolve().parents[1]
GOOD = """\
schemes:
  - name: 市交通运输局
    subjects: [临川市交通运输局, {word: 中石化, exact: false}]
    leaders: [周海涛, 林晓峰]
    regions: [临川]
    events: {翻车: 4, 死亡: 5, 爆炸: {severity: 5, exact: false}}
    exclude: [演练, 中标公告]
    exclude_scope: title
    dictionary: [国际酒店]
    expression: (主体 | 领导) & 事件 & !排除
"""


def check(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "check", "-c", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=env,
    )


def test_check_accepts_the_new_keys(tmp_path: Path) -> None:
    source = "sources:\n  - {id: news, url: 'https://news.example/rss.xml'}\n"
    proc = check(tmp_path, source + GOOD)
    assert proc.returncode == 0, proc.stderr
    assert "配置有效" in proc.stdout and "市交通运输局" in proc.stdout


def test_the_parsed_scheme_keeps_words_and_their_overrides() -> None:
    [scheme] = parse_config(GOOD, env={}).schemes
    assert scheme.subjects == ["临川市交通运输局", "中石化"]
    assert [w.exact for w in scheme.subjects] == [True, False]
    assert scheme.leaders == ["周海涛", "林晓峰"] and scheme.exclude_scope == "title"
    assert scheme.events == {"翻车": 4, "死亡": 5, "爆炸": 5}
    assert [w.exact for w in scheme.words("event")] == [True, True, False]
    assert scheme.dictionary == ["国际酒店"]
    assert isinstance(scheme.words("leader")[0], SchemeWord)


def test_words_default_to_the_boundary_check_even_after_a_copy() -> None:
    scheme = SchemeConfig(name="x", subjects=["a"]).model_copy(update={"leaders": ["王建国"]})
    assert [w.exact for w in scheme.words("leader")] == [True]


@pytest.mark.parametrize(
    ("scheme_lines", "where", "needle"),
    [
        ("    exclude_scope: paragraph\n", "schemes[0].exclude_scope", "可选值"),
        ("    leaders: [{word: 王建国, exakt: false}]\n", "schemes[0].leaders[0]", "未知的键 exakt"),
        ("    leaders: [{exact: false}]\n", "schemes[0].leaders[0]", "缺少 word"),
        ("    subjects: [{word: 江城, exact: maybe}]\n", "schemes[0].subjects[0]", "exact 只能是 true 或 false"),
        ("    subjects: [[江城]]\n", "schemes[0].subjects[0]", "应为一个词"),
        ("    events: {翻车: {severity: 9}}\n", "schemes[0].events", "严重度应为 1..5"),
        ("    events: {翻车: {exact: false}}\n", "schemes[0].events", "缺少 severity"),
        ("    dictionary: [酒]\n", "schemes[0].dictionary", "太短"),
        ("    leader: [王建国]\n", "schemes[0].leader", "未知的配置项"),
        (
            "    subjects: [江城]\n    expression: 领导 & 事件\n",
            "schemes[0]",
            "表达式用到 leader 词组，但该方案没有配置",
        ),
        ("    subjects: [江城]\n    expression: 主体 & 干部\n", "schemes[0].expression", "未知的词组「干部」"),
    ],
)
def test_check_refuses_bad_keys_with_the_key_path(tmp_path: Path, scheme_lines: str, where: str, needle: str) -> None:
    text = "schemes:\n  - name: 测试\n    events: {翻车: 4}\n" + scheme_lines
    if "events:" in scheme_lines:
        text = "schemes:\n  - name: 测试\n    subjects: [江城]\n" + scheme_lines
    proc = check(tmp_path, text)
    assert proc.returncode == 2, proc.stdout
    [line] = proc.stderr.strip().splitlines()
    assert f"{where}：" in line and needle in line, line
    with pytest.raises(ConfigError):
        parse_config(text, env={})
