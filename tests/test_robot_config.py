"""chats.robots: webhooks are secrets (from ${ENV}, redacted), names unique, targets routed by tier."""

from __future__ import annotations

import pytest

from bot.config_loader import ConfigError, parse_config
from bot.models import Target, Tier
from bot.redact import redact
from bot.routing import all_targets, targets_for

SOURCE = "sources:\n  - {id: a, url: 'https://news.example.cn/rss'}\n"
ROBOTS = """chats:
  robots:
    - {kind: wecom, name: 值班群, webhook: "${WECOM_WEBHOOK}", tiers: [I, II]}
    - {kind: dingtalk, name: 领导群, webhook: "${DT_WEBHOOK}", secret: "${DT_SECRET}", role: leaders}
"""
ENV = {
    "WECOM_WEBHOOK": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecomkey-0001-abcd",
    "DT_WEBHOOK": "https://oapi.dingtalk.com/robot/send?access_token=dtaccesstoken0002",
    "DT_SECRET": "SECdingsecret0003",
}


def test_robots_from_environment_are_routed_and_their_secrets_redacted():
    config = parse_config(SOURCE + ROBOTS, env=ENV)
    assert targets_for(config.chats, Tier.II) == [Target("console", "console"), Target("wecom", "值班群"),
                                                   Target("dingtalk", "领导群")]  # fmt: skip
    assert Target("wecom", "值班群") not in targets_for(config.chats, Tier.III)
    assert Target("dingtalk", "领导群") in all_targets(config.chats)
    shown = redact(f"POST {ENV['WECOM_WEBHOOK']} {ENV['DT_WEBHOOK']} secret={ENV['DT_SECRET']}")
    assert redact("key=dtaccesstoken0002 at /cgi-bin/webhook/send") == "key=*** at /cgi-bin/webhook/send"
    assert "wecomkey-0001-abcd" not in shown and "dtaccesstoken0002" not in shown and "SECdingsecret0003" not in shown


def test_a_webhook_written_into_the_file_is_refused():
    text = (
        SOURCE + "chats:\n  robots:\n    - {kind: wecom, name: a, webhook: 'https://qyapi.weixin.qq.com/x?key=abc'}\n"
    )
    with pytest.raises(ConfigError) as info:
        parse_config(text, source="cfg.yaml", env={})
    assert str(info.value).startswith("cfg.yaml：chats.robots[0].webhook：") and "abc" not in str(info.value)


@pytest.mark.parametrize(
    ("robot", "words"),
    [
        ("{kind: wecom, name: a, webhook: '${W}', secret: '${S}'}", "没有加签"),
        ("{kind: qq, name: a, webhook: '${W}'}", "kind"),
        ("{kind: feishu, name: 'a:b', webhook: '${W}'}", "name"),
        ("{kind: feishu, name: a, webhook: 'ftp://x'}", "http(s)"),
    ],
)
def test_bad_robot_config_is_explained(robot, words):
    text = SOURCE + f"allow_literal_secrets: true\nchats:\n  robots:\n    - {robot}\n"
    with pytest.raises(ConfigError) as info:
        parse_config(text, source="cfg.yaml", env={"W": "https://open.feishu.cn/x", "S": "sssss"})
    assert words in str(info.value)


def test_duplicate_robot_names_are_refused():
    robot = "    - {kind: wecom, name: a, webhook: '${W}'}\n"
    with pytest.raises(ConfigError) as info:
        parse_config(SOURCE + "chats:\n  robots:\n" + robot * 2, source="cfg.yaml", env={"W": "https://q.cn/x"})
    assert "机器人名称重复：wecom:a" in str(info.value)


def test_check_lists_the_robots_and_accepts_the_docs_example(tmp_path):
    import os
    import re
    import subprocess
    import sys
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[1] / "docs" / "robots.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", docs, re.S).group(1)
    (tmp_path / "config.yaml").write_text(SOURCE + example, encoding="utf-8")
    env = {**os.environ, "WECOM_ROBOT_WEBHOOK": ENV["WECOM_WEBHOOK"], "DINGTALK_ROBOT_WEBHOOK": ENV["DT_WEBHOOK"],
           "DINGTALK_ROBOT_SECRET": "SECxxxxxxxx", "FEISHU_ROBOT_WEBHOOK": "https://open.feishu.cn/open-apis/bot/v2/hook/x",
           "FEISHU_ROBOT_SECRET": "fsxxxxxxxx"}  # fmt: skip
    out = subprocess.run([sys.executable, "-m", "bot.cli", "check", "-c", "config.yaml"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert "wecom:值班群（群机器人）" in out.stdout and "feishu:舆情群（群机器人）" in out.stdout
    assert "wecomkey" not in out.stdout + out.stderr
