"""chats.wecom_app: the docs example passes `check`, the secret comes from ${ENV}, chats are routed; the text grammar."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.channels.buttons import Assignable
from bot.channels.wecom_app_cards import MAX_BUTTON_TEXT, alert_card, markdown, people_card
from bot.channels.wecom_app_inbound import command_from_body
from bot.config_loader import ConfigError, parse_config
from bot.deadlines import leader_targets
from bot.models import Incident, Status, Target, Tier
from bot.naming import chat_names
from bot.people import People
from bot.routing import targets_for

REPO = Path(__file__).resolve().parents[1]
SOURCE = "sources:\n  - {id: a, url: 'https://news.example.cn/rss'}\n"
ENV = {"WECOM_BOT_ID": "aibTestBotId", "WECOM_BOT_SECRET": "wecomsecret-0001-abcd"}
ZONE_NOW = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)


def docs_example() -> str:
    text = (REPO / "docs" / "wecom_app.md").read_text(encoding="utf-8")
    found = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert found is not None
    return found.group(1)


def test_check_accepts_the_docs_example_and_hides_the_secret(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(SOURCE + docs_example(), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "check", "-c", "config.yaml"],
        cwd=tmp_path,
        env={**os.environ, **ENV},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "wecom_app × 2（企业微信智能机器人）" in out.stdout
    assert ENV["WECOM_BOT_SECRET"] not in out.stdout + out.stderr


def test_the_docs_example_routes_by_tier_and_role() -> None:
    config = parse_config(SOURCE + docs_example(), source="cfg.yaml", env=ENV)
    chats = config.chats
    assert config.chats.wecom_app.secret.get_secret_value() == ENV["WECOM_BOT_SECRET"]
    both = {Target("wecom_app", "wrkSFfCgAALeaders"), Target("wecom_app", "wrkSFfCgAAMonitors")}
    assert both <= set(targets_for(chats, Tier.I))
    assert Target("wecom_app", "wrkSFfCgAALeaders") not in targets_for(chats, Tier.III)
    assert Target("wecom_app", "wrkSFfCgAALeaders") in leader_targets(chats)
    assert chat_names(chats)["wecom_app:wrkSFfCgAALeaders"] == "舆情领导小组"
    people = People(config.people)
    person = people.by_platform("wecom_app", "zhangsan")
    assert person is not None and person.name == "张三" and people.by_platform("wecom_app", "张三") is None
    assert people.platform_id(person, "wecom_app") == "zhangsan"


def test_a_secret_written_into_the_file_is_refused() -> None:
    literal = docs_example().replace("${WECOM_BOT_SECRET}", "plain-secret-in-file")
    with pytest.raises(ConfigError) as info:
        parse_config(SOURCE + literal, source="cfg.yaml", env=ENV)
    assert "secret" in str(info.value) and "plain-secret-in-file" not in str(info.value)


def test_enabled_without_credentials_is_explained_and_disabled_needs_none() -> None:
    bare = "chats:\n  wecom_app:\n    enabled: {on}\n    bot_id: b\n    secret: ${{MISSING_SECRET}}\n"
    with pytest.raises(ConfigError) as info:
        parse_config(SOURCE + bare.format(on="true"), source="cfg.yaml", env={})
    assert "需要 chats.wecom_app.bot_id 与 secret" in str(info.value)
    config = parse_config(SOURCE + bare.format(on="false"), source="cfg.yaml", env={})
    assert not config.chats.wecom_app.enabled and not targets_for(config.chats, Tier.I)[1:]
    with pytest.raises(ConfigError) as info:
        parse_config(SOURCE + "chats:\n  wecom_app: {enabled: true, bot_id: b, ws_url: 'http://x'}\n", env={})
    assert "ws(s)://" in str(info.value)


# -- what people type --------------------------------------------------------------
def body(text: str, quote: dict | None = None) -> dict:
    found = {"msgid": "m1", "chatid": "g", "from": {"userid": "u1"}, "msgtype": "text", "text": {"content": text}}
    return found | ({"quote": quote} if quote else {})


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        ("@值守机器人 确认 YQ-20261130-0001", "ack", ("YQ-20261130-0001",)),
        ("@值守机器人\u2005确认YQ-20261130-0001", "ack", ("YQ-20261130-0001",)),  # glued, a WeCom mention space
        ("@值守机器人 /ack YQ-20261130-0001 收到", "ack", ("YQ-20261130-0001", "收到")),
        ("@值守机器人\u3000指派 YQ-20261130-0001 @王芳 请核实", "assign", ("YQ-20261130-0001", "@王芳", "请核实")),
    ],
)
def test_typed_commands(text: str, name: str, args: tuple[str, ...]) -> None:
    cmd = command_from_body(body(text), "g")
    assert cmd is not None and (cmd.platform, cmd.user_id, cmd.name, cmd.args) == ("wecom_app", "u1", name, args)


def test_chat_that_is_not_a_command_is_ignored() -> None:
    assert command_from_body(body("@值守机器人 大家好"), "g") is None


def test_a_quote_stands_for_the_number_and_an_answer_to_the_prompt_resolves() -> None:
    card = {"msgtype": "template_card", "template_card": {"main_title": {"desc": "YQ-20261130-0007"}}}
    cmd = command_from_body(body("@值守机器人 确认", card), "g")
    assert cmd is not None and cmd.args == ("YQ-20261130-0007",)
    prompt = {"msgtype": "markdown", "markdown": {"content": "请…填写 YQ-20261130-0007 的处置结果（例如…）"}}
    cmd = command_from_body(body("@值守机器人 已澄清 并通报", prompt), "g")
    assert cmd is not None and (cmd.name, cmd.args) == ("resolve", ("YQ-20261130-0007", "已澄清", "并通报"))
    assert command_from_body(body("@值守机器人 好的", {"text": {"content": "随便聊聊"}}), "g") is None


# -- what the robot sends -------------------------------------------------------------
def incident(**changes: object) -> Incident:
    base = Incident(
        number="YQ-20261130-0001",
        tier=Tier.I,
        title="标题" * 100,
        url="javascript:alert(1)",
        source_id="news",
        discovered_at=ZONE_NOW,
    )
    return base.replace(**changes)


def test_card_fields_are_clipped_and_only_web_links_open() -> None:
    card = alert_card(incident(), ZONE_NOW, ZoneInfo("Asia/Shanghai"), "江城新闻网", "T1")
    assert len(card["sub_title_text"]) == 110 and card["sub_title_text"].endswith("…")
    assert "card_action" not in card  # a javascript: link is never made clickable
    done = alert_card(incident(status=Status.RESOLVED, result="已澄清"), ZONE_NOW, ZoneInfo("UTC"), "", "T1")
    assert [b["key"] for b in done["button_list"]] == ["x|YQ-20261130-0001|r"]


def test_the_merge_button_fits_the_card_and_names_the_story_in_the_quote() -> None:
    card = alert_card(incident(related="YQ-20261129-0042"), ZONE_NOW, ZoneInfo("UTC"), "", "T1")
    merge = {"text": "🔗 并入 0042", "style": 2, "key": "m|YQ-20261130-0001|YQ-20261129-0042"}
    assert card["button_list"][-1] == merge and len(merge["text"]) <= MAX_BUTTON_TEXT  # not cut to "YQ-2…"
    assert "疑似同一事件：YQ-20261129-0042" in card["quote_area"]["quote_text"]  # the number in full
    done = alert_card(incident(related="YQ-20261129-0042", status=Status.RESOLVED), ZONE_NOW, ZoneInfo("UTC"), "", "T1")
    assert [b["key"] for b in done["button_list"]] == ["x|YQ-20261130-0001|r"]


def test_people_menu_holds_five_and_says_how_to_reach_the_rest() -> None:
    many = [Assignable(i, f"人员{i}") for i in range(8)]
    card = people_card(incident(), ZONE_NOW, ZoneInfo("UTC"), "", "T1", many)
    assert len(card["button_list"]) == 6 and card["button_list"][-1]["text"] == "↩️ 返回"
    assert "指派 YQ-20261130-0001 @姓名" in card["sub_title_text"]


def test_markdown_cannot_be_forged_by_scraped_text_but_links_survive() -> None:
    text = markdown("标题 [点我](http://evil.cn) <@all> **粗** https://news.example.cn/a_b?x=1", ("zhangsan",))
    assert text.startswith("<@zhangsan> ")
    assert "[点我]" not in text and "<@all>" not in text and "**" not in text
    assert "https://news.example.cn/a_b?x=1" in text
