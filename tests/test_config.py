"""Config loading: one clear line naming the problem, exit code 2, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config_loader import ConfigError, load_config, parse_config
from bot.durations import parse_duration

REPO = Path(__file__).resolve().parents[1]


def error_of(text: str, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(text, source="cfg.yaml", env=env or {})
    return str(info.value)


def test_example_config_is_valid():
    config = load_config(REPO / "config.yaml", env={})
    assert config.sources and config.schemes and config.people
    assert config.chats.console.enabled


def test_missing_file_names_it(tmp_path):
    with pytest.raises(ConfigError, match="找不到配置文件"):
        load_config(tmp_path / "nope.yaml")


def test_yaml_syntax_error_has_line_and_column():
    msg = error_of("sources:\n  - id: a\n    url: [unclosed\n")
    assert msg.startswith("cfg.yaml：YAML 格式错误，第 4 行第 1 列：")


def test_unknown_key_names_its_path():
    assert (
        error_of("sources:\n  - id: a\n    url: http://x.cn/\n    evry: 5m\n")
        == "cfg.yaml：sources[0].evry：未知的配置项"
    )
    assert error_of("chats:\n  telegram:\n    tokn: x\n") == "cfg.yaml：chats.telegram.tokn：未知的配置项"


def test_wrong_duration_names_index_and_expectation():
    text = "sources:\n" + "".join(f"  - id: s{i}\n    url: http://x.cn/{i}\n" for i in range(2))
    text += "  - id: s2\n    url: http://x.cn/2\n    every: soon\n"
    assert error_of(text) == "cfg.yaml：sources[2].every：时长应写作 30s、5m、2h、1d 这样的形式"


def test_wrong_type_is_named():
    msg = error_of("people:\n  - name: 张三\n    role: boss\n")
    assert msg == "cfg.yaml：people[0].role：可选值：'leader', 'monitor'、'member'"


def test_python_tags_are_refused():
    msg = error_of("timezone: !!python/object/apply:os.system ['echo hacked']\n")
    assert "不允许使用标签" in msg and "python/object" in msg


def test_missing_env_var_for_enabled_channel():
    text = "chats:\n  telegram:\n    enabled: true\n    token: ${TELEGRAM_BOT_TOKEN}\n"
    assert error_of(text) == "cfg.yaml：chats.telegram.token：环境变量 TELEGRAM_BOT_TOKEN 未设置"
    config = parse_config(text, env={"TELEGRAM_BOT_TOKEN": "123:abc"})
    assert config.chats.telegram.token.get_secret_value() == "123:abc"


def test_missing_env_var_for_disabled_channel_is_fine():
    config = parse_config("chats:\n  telegram:\n    enabled: false\n    token: ${TELEGRAM_BOT_TOKEN}\n", env={})
    assert config.chats.telegram.token.get_secret_value() == ""


def test_env_default_syntax():
    config = parse_config("timezone: ${TZ_NAME:-Asia/Urumqi}\n", env={})
    assert config.timezone == "Asia/Urumqi"


def test_repr_never_shows_the_token():
    secret = "987654:SECRET-token-value"
    config = parse_config("chats:\n  telegram:\n    enabled: true\n    token: ${T}\n", env={"T": secret})
    assert secret not in repr(config)
    assert secret not in str(config)
    assert secret not in config.model_dump_json()


def test_unknown_person_for_console_and_duplicate_ids():
    assert "不在 people 中" in error_of("chats:\n  console:\n    person: 赵六\n")
    assert "重复的 'a'" in error_of("sources:\n  - {id: a, url: 'http://x.cn/'}\n  - {id: a, url: 'http://y.cn/'}\n")


@given(st.integers(min_value=0, max_value=10_000), st.sampled_from(["s", "m", "h", "d"]))
def test_duration_roundtrip(n, unit):
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit] * n
    assert parse_duration(f"{n}{unit}").total_seconds() == seconds


@given(st.text(max_size=12))
def test_duration_never_crashes(text):
    try:
        parse_duration(text)
    except ValueError as exc:
        assert "时长应写作" in str(exc)


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (None, "找不到配置文件"),
        ("a: [\n", "YAML 格式错误"),
        ("nonsense_key: 1\n", "nonsense_key：未知的配置项"),
        ("x: !!python/object:os.system {}\n", "不允许使用标签"),
        ("chats:\n  telegram:\n    enabled: true\n    token: ${NO_SUCH_VAR_XYZ}\n", "环境变量 NO_SUCH_VAR_XYZ 未设置"),
    ],
)
def test_cli_bad_config_one_line_exit_2(tmp_path, content, needle):
    path = tmp_path / "config.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    for command in ("check", "run"):
        proc = subprocess.run(
            [sys.executable, "-m", "bot.cli", command, "-c", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
        assert proc.returncode == 2, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1, proc.stderr
        assert needle in lines[0]
        assert "Traceback" not in proc.stderr


def test_cli_check_prints_summary():
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "check", "-c", str(REPO / "config.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "配置有效" in proc.stdout
    assert "来源" in proc.stdout and "监测方案" in proc.stdout and "人员" in proc.stdout


def test_check_summary_names_each_source_category():
    from bot.cli import summary
    from tests.conftest import make_config

    sources = [
        {"id": "gov", "kind": "rss", "url": "http://gov.example/rss", "category": "政务"},
        {"id": "hot", "kind": "hotlist", "url": "http://agg.example", "format": "newsnow", "list": "weibo"},
        {"id": "news", "kind": "rss", "url": "http://news.example/rss"},
    ]
    text = summary(make_config(sources=sources), "config.yaml")
    assert "gov(rss, 政务, 每" in text and "hot(hotlist, 热榜, 每" in text and "news(rss, 媒体, 每" in text
