"""The command as a new user meets it: help when run bare, Chinese messages, one output flag, zoned log times."""

from __future__ import annotations

import logging
import re

import pytest

from bot.cli import build_parser, main
from bot.logs import setup_logging


def test_bare_command_prints_help_and_starts_nothing(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：yuqing-bot") and "子命令" in out and "显示本帮助并退出" in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["export"], "缺少必填参数：--from, --to"),
        (["nosuch"], "无效的选项 'nosuch'"),
        (["--bogus", "check"], "无法识别的参数：--bogus"),
        (["backup"], "缺少必填参数：-o/--output"),
    ],
)
def test_argument_errors_are_chinese_and_exit_2(capsys, argv, expected):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert expected in err and "error:" not in err and "usage:" not in err


@pytest.mark.parametrize(
    "command", [["export", "--from", "2026-11-01", "--to", "2026-11-30"], ["report", "daily"], ["backup"]]
)
def test_one_output_flag_and_the_old_spelling_still_works(command):
    parser = build_parser()
    for flag in ("-o", "--output", "--out"):
        assert parser.parse_args([*command, flag, "f.x"]).output == "f.x"
    sub_help = parser._subparsers._group_actions[0].choices[command[0]].format_help()  # type: ignore[union-attr]
    assert "-o 文件, --output 文件" in sub_help and "--out " not in sub_help


def test_log_lines_carry_the_configured_zone_and_offset(capsys):
    from zoneinfo import ZoneInfo

    setup_logging(False, ZoneInfo("Asia/Shanghai"))
    try:
        logging.getLogger("bot.test").warning("来源超时")
        line = capsys.readouterr().err.strip().splitlines()[-1]
        assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\+08:00 WARNING bot\.test: 来源超时$", line), line
    finally:
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "yuqing", False)]:
            root.removeHandler(handler)
