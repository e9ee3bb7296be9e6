"""Hostile configs: alias bombs, huge files, absurd durations, literal secrets, nothing to watch."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.config_loader import MAX_CONFIG_BYTES, ConfigError, load_config, parse_config
from bot.durations import MAX_DURATION, parse_duration

REPO = Path(__file__).resolve().parents[1]
SOURCE = "sources:\n  - {id: a, url: 'https://news.example.cn/rss'}\n"

ALIAS_BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
)


def cli(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True, text=True, timeout=60, cwd=tmp_path, env={**os.environ, **(env or {})},
    )  # fmt: skip


def test_alias_bomb_is_refused_in_well_under_a_second():
    started = time.monotonic()
    with pytest.raises(ConfigError, match="别名") as info:
        parse_config(ALIAS_BOMB, source="bomb.yaml", env={})
    assert time.monotonic() - started < 0.5
    assert str(info.value).startswith("bomb.yaml：")


def test_a_few_aliases_still_work():
    text = SOURCE + "people:\n  - &p {name: 张三, role: leader}\n" + "chats:\n  console: {person: 张三}\n"
    assert parse_config(text, env={}).people[0].name == "张三"


def test_recursive_alias_is_refused():
    with pytest.raises(ConfigError, match="别名"):
        parse_config("a: &a [*a]\n", env={})


def test_oversized_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * (MAX_CONFIG_BYTES + 10) + b"\n")
    with pytest.raises(ConfigError, match="配置文件过大"):
        load_config(path, env={})


@pytest.mark.parametrize("text", ["99999999999999d", "1e400", "36501d", "999999999999999999999999999s"])
def test_absurd_duration_is_a_value_error(text):
    with pytest.raises(ValueError, match="时长"):
        parse_duration(text)


def test_longest_duration_is_accepted():
    assert parse_duration(f"{MAX_DURATION.days}d") == MAX_DURATION


def test_absurd_duration_in_config_is_one_line():
    with pytest.raises(ConfigError) as info:
        parse_config(SOURCE.replace("}", ", every: 99999999999999d}"), env={})
    msg = str(info.value)
    assert "sources[0].every" in msg and str(MAX_DURATION.days) in msg


def test_numeric_duration_overflow_is_a_value_error():
    with pytest.raises(ValueError):
        parse_duration(10**30)


LITERAL = [
    ("chats:\n  telegram:\n    token: '123456:ABCDEF'\n", "chats.telegram.token"),
    ("chats:\n  wechat:\n    token: puppet_workpro_abc\n", "chats.wechat.token"),
    ("store:\n  url: redis://:hunter2@10.0.0.5:6379/0\n", "store.url"),
    ("chats:\n  telegram:\n    token: ${T:-123456:ABCDEF}\n", "chats.telegram.token"),
]


@pytest.mark.parametrize(("text", "key"), LITERAL)
def test_literal_secret_is_refused_naming_the_key(text, key):
    with pytest.raises(ConfigError) as info:
        parse_config(SOURCE + text, source="cfg.yaml", env={})
    msg = str(info.value)
    assert msg.startswith(f"cfg.yaml：{key}：") and "环境变量" in msg and "allow_literal_secrets" in msg
    assert "hunter2" not in msg and "ABCDEF" not in msg and "puppet_workpro_abc" not in msg


@pytest.mark.parametrize(("text", "key"), LITERAL)
def test_literal_secret_opt_out(text, key):
    config = parse_config(SOURCE + "allow_literal_secrets: true\n" + text, env={})
    value = config
    for part in key.split("."):
        value = getattr(value, part)
    written = value.get_secret_value() if hasattr(value, "get_secret_value") else value
    assert written and ("ABCDEF" in written or "hunter2" in written or "puppet_workpro_abc" in written)


def test_secrets_from_environment_pass():
    text = SOURCE + (
        "store:\n  url: redis://:${REDIS_PASSWORD}@10.0.0.5:6379/0\n"
        "chats:\n  telegram:\n    token: ${TELEGRAM_BOT_TOKEN}\n"
    )
    config = parse_config(text, env={"REDIS_PASSWORD": "pw", "TELEGRAM_BOT_TOKEN": "1:x"})
    assert config.store.url == "redis://:pw@10.0.0.5:6379/0"
    assert parse_config(SOURCE + "store:\n  url: ${REDIS_URL:-redis://127.0.0.1:6379/0}\n", env={})


def test_cli_refuses_literal_secret_one_line_exit_2(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(SOURCE + "chats:\n  telegram:\n    enabled: true\n    token: '99:LITERAL'\n", encoding="utf-8")
    for command in ("check", "run"):
        proc = cli(tmp_path, command, "-c", str(path))
        assert proc.returncode == 2, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "chats.telegram.token" in lines[0], proc.stderr
        assert "LITERAL" not in proc.stderr + proc.stdout


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("", "配置文件为空"),
        ("# only comments\n", "配置文件为空"),
        ("timezone: Asia/Urumqi\n", "没有配置任何来源"),
        ("sources:\n  - {id: a, url: 'https://x.cn/', enabled: false}\n", "没有配置任何来源"),
    ],
)
def test_cli_refuses_empty_or_sourceless_config(tmp_path, content, needle):
    path = tmp_path / "config.yaml"
    path.write_text(content, encoding="utf-8")
    for command in ("check", "run"):
        proc = cli(tmp_path, command, "-c", str(path))
        assert proc.returncode == 2, proc.stdout + proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and needle in lines[0], proc.stderr
        assert "配置有效" not in proc.stdout


def test_cli_refuses_alias_bomb_fast(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    proc = cli(tmp_path, "check", "-c", str(path))
    assert proc.returncode == 2 and "别名" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_demo_config_still_checks(tmp_path):
    proc = cli(tmp_path, "check", "-c", str(REPO / "config.yaml"))
    assert proc.returncode == 0, proc.stderr
    assert "配置有效" in proc.stdout


def test_check_summary_masks_the_store_password(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        SOURCE + "store:\n  backend: redis\n  url: redis://:${REDIS_PASSWORD}@10.0.0.5:6379/0\n", encoding="utf-8"
    )
    proc = cli(tmp_path, "check", "-c", str(path), env={"REDIS_PASSWORD": "SEKRIT-pw"})
    assert proc.returncode == 0, proc.stderr
    assert "redis://:***@10.0.0.5:6379/0" in proc.stdout and "SEKRIT" not in proc.stdout + proc.stderr
