"""`yuqing-bot run` on the shipped config.yaml with the three group robots on: the demo's tier I item reaches each.

A real process against the local fake webhooks (tests/fake_robots.py), which check keys and signatures as the
platforms do and record only what they accept: 企业微信 (markdown), 钉钉 signed (markdown), 飞书 signed (card).
Webhooks and secrets come from the environment.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml

from tests.fake_robots import FakeRobots, Received
from tests.test_cli_run import Bot, write_config

WECOM_KEY = "5b1d7e2a-93c4-4f60-8a1e-demo0wecom01"
DT_TOKEN, DT_SECRET = "9f8e7d6c5b4a39281706f5e4d3c2b1a0demo", "SECdemo0123456789abcdef0123456789abcd"
FS_TOKEN, FS_SECRET = "7c6b5a49-3827-4160-9f8e-demo0feishu1", "fsDemoSecret0123456789ab"
SECRETS = (WECOM_KEY, DT_TOKEN, DT_SECRET, FS_TOKEN, FS_SECRET)
PLATFORMS = ("wecom", "dingtalk", "feishu")
NUMBER = re.compile(r"【I 特别重大】(YQ-\d{8}-\d{4})")


@pytest.fixture
async def fake() -> AsyncIterator[FakeRobots]:
    robots = FakeRobots(wecom_keys={WECOM_KEY}, dingtalk={DT_TOKEN: DT_SECRET}, feishu={FS_TOKEN: FS_SECRET})
    await robots.start()
    yield robots
    await robots.stop()


def with_robots(path: Path, fake: FakeRobots, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WECOM_ROBOT_WEBHOOK", f"{fake.base}/cgi-bin/webhook/send?key={WECOM_KEY}")
    monkeypatch.setenv("DINGTALK_ROBOT_WEBHOOK", f"{fake.base}/robot/send?access_token={DT_TOKEN}")
    monkeypatch.setenv("DINGTALK_ROBOT_SECRET", DT_SECRET)
    monkeypatch.setenv("FEISHU_ROBOT_WEBHOOK", f"{fake.base}/open-apis/bot/v2/hook/{FS_TOKEN}")
    monkeypatch.setenv("FEISHU_ROBOT_SECRET", FS_SECRET)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["chats"]["robots"] = [
        {"kind": "wecom", "name": "企微值班群", "webhook": "${WECOM_ROBOT_WEBHOOK}"},
        {"kind": "dingtalk", "name": "钉钉领导群", "webhook": "${DINGTALK_ROBOT_WEBHOOK}",
         "secret": "${DINGTALK_ROBOT_SECRET}", "role": "leaders"},
        {"kind": "feishu", "name": "飞书舆情群", "webhook": "${FEISHU_ROBOT_WEBHOOK}", "secret": "${FEISHU_ROBOT_SECRET}"},
    ]  # fmt: skip
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


def headline(received: Received) -> str:
    """The first line of an alert as the robot's platform shows it ("" for anything that is no alert)."""
    body = received.body
    if received.platform == "wecom" and body.get("msgtype") == "markdown":
        return body["markdown"]["content"].split("\n")[0]
    if received.platform == "dingtalk" and body.get("msgtype") == "markdown":
        return body["markdown"]["text"].split("  \n")[0]
    if received.platform == "feishu" and body.get("msg_type") == "interactive":
        return body["card"]["header"]["title"]["content"]
    return ""


def tier_one(fake: FakeRobots, platform: str, number: str) -> Received | None:
    return next((r for r in fake.of(platform) if (m := NUMBER.search(headline(r))) and m.group(1) == number), None)


async def arrived(fake: FakeRobots, number: str, within: float) -> tuple[Received, ...]:
    """Poll until every robot has the alert (the bot sends from its own process)."""
    async with asyncio.timeout(within):
        while not all(got := [tier_one(fake, p, number) for p in PLATFORMS]):  # noqa: ASYNC110 - another process
            await asyncio.sleep(0.05)
    return tuple(r for r in got if r is not None)


async def test_demo_tier_one_reaches_every_group_robot_in_its_own_format_signed(
    tmp_path: Path, fake: FakeRobots, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(tmp_path)
    with_robots(path, fake, monkeypatch)
    bot = await asyncio.to_thread(Bot, path, tmp_path)
    try:
        number = (await asyncio.to_thread(bot.wait_for, NUMBER.pattern, 90)).group(1)  # the console copy
        wecom, dingtalk, feishu = await arrived(fake, number, within=60)
    finally:
        code, err = await asyncio.to_thread(bot.stop)
    assert code == 0, err
    assert "Traceback" not in err
    assert not [s for s in SECRETS if s in err + bot.output]

    # 企业微信: markdown, the headline bold in the warning colour, the item below it
    content = wecom.body["markdown"]["content"]
    assert content.startswith(f'<font color="warning">**🔴【I 特别重大】{number}')
    assert "江城" in content.split("\n", 1)[1]
    # 钉钉 (the fake checked timestamp + HMAC-SHA256 sign in the query, or it would have refused): markdown
    text = dingtalk.body["markdown"]["text"]
    assert text.startswith(f"### 🔴【I 特别重大】{number}") and number in dingtalk.body["markdown"]["title"]
    assert "江城" in text.split("  \n", 1)[1]
    # 飞书 (the fake checked timestamp + sign in the body, or it would have refused): an interactive card, red
    card = feishu.body["card"]
    assert card["header"]["template"] == "red" and card["elements"][0]["tag"] == "markdown"
    assert "江城" in card["elements"][0]["content"]
    assert feishu.body["sign"] and str(feishu.body["timestamp"]).isdigit()
