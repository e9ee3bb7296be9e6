"""chats.dingtalk_app: credentials from ${ENV} (a literal secret refused, redacted), routing, the docs example."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config_loader import ConfigError, parse_config
from bot.models import Target, Tier
from bot.redact import redact
from bot.routing import all_targets, targets_for

SOURCE = "sources:\n  - {id: a, url: 'https://news.example.cn/rss'}\n"
SECRET = "dingtalk-client-secret-0007-abcdef"
APP = """chats:
  dingtalk_app:
    enabled: true
    client_id: dingappkey0001
    client_secret: "${DINGTALK_CLIENT_SECRET}"
    chats:
      - {id: "cidLeaders==", role: leaders, tiers: [I, II]}
      - {id: "cidDuty==", role: monitors}
"""


def test_app_groups_are_routed_by_tier_and_the_secret_redacted():
    config = parse_config(SOURCE + APP, env={"DINGTALK_CLIENT_SECRET": SECRET})
    chats = config.chats
    assert Target("dingtalk_app", "cidLeaders==") in targets_for(chats, Tier.I)
    assert Target("dingtalk_app", "cidLeaders==") not in targets_for(chats, Tier.III)
    assert Target("dingtalk_app", "cidDuty==") in all_targets(chats)
    assert chats.dingtalk_app.client_secret.get_secret_value() == SECRET
    assert SECRET not in redact(f"POST failed: clientSecret={SECRET}")


def test_a_secret_written_into_the_file_is_refused():
    with pytest.raises(ConfigError) as info:
        parse_config(SOURCE + APP.replace('"${DINGTALK_CLIENT_SECRET}"', "written-into-the-file"), source="cfg.yaml")
    assert "chats.dingtalk_app.client_secret" in str(info.value)


def test_enabled_without_credentials_is_explained():
    with pytest.raises(ConfigError) as info:
        parse_config(
            SOURCE + APP.replace("    client_id: dingappkey0001\n", ""), env={"DINGTALK_CLIENT_SECRET": SECRET}
        )
    assert "client_id" in str(info.value) and "Client ID" in str(info.value)


def test_disabled_by_default_so_the_demo_needs_no_token():
    config = parse_config(SOURCE)
    assert not config.chats.dingtalk_app.enabled
    assert not [t for t in all_targets(config.chats) if t.channel == "dingtalk_app"]


def test_check_accepts_the_docs_example(tmp_path):
    docs = (Path(__file__).resolve().parents[1] / "docs" / "dingtalk_app.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", docs, re.S).group(1)
    (tmp_path / "config.yaml").write_text(SOURCE + example, encoding="utf-8")
    env = {**os.environ, "DINGTALK_CLIENT_SECRET": SECRET}
    out = subprocess.run([sys.executable, "-m", "bot.cli", "check", "-c", "config.yaml"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert "dingtalk_app × 2" in out.stdout
    assert SECRET not in out.stdout + out.stderr
