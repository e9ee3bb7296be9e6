"""`yuqing-bot run` on the shipped config.yaml with chats.feishu_app on: the demo's tier I item reaches the group.

A real process (the real lark-oapi SDK) against the local fake of 飞书; a configured person acks by pressing
the card's 确认 button, and the card is updated in place.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml

from bot.models import Status
from bot.store.tinydb_store import TinyDBStore
from tests.fake_feishu_app import APP_ID, APP_SECRET, FakeFeishu, Message
from tests.test_cli_run import Bot, write_config

GROUP, QIAN = "oc_demo_leaders", "ou_qianfs"


@pytest.fixture
async def fake() -> AsyncIterator[FakeFeishu]:
    service = FakeFeishu()
    await service.start()
    yield service
    await service.stop()


def with_feishu(path: Path, fake: FakeFeishu) -> None:
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["chats"]["feishu_app"] = {
        "enabled": True,
        "app_id": "${FEISHU_APP_ID}",
        "app_secret": "${FEISHU_APP_SECRET}",
        "domain": fake.domain,
        "reconnect": "1s",
        "chats": [{"id": GROUP, "name": "舆情领导小组", "tiers": ["I", "II"]}],
    }
    config["people"].append({"name": "钱飞书", "role": "leader", "feishu_open_id": QIAN})
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


def tier_one(fake: FakeFeishu) -> list[Message]:
    return [
        m for m in fake.alerts(GROUP) if "特别重大" in m.content.get("header", {}).get("title", {}).get("content", "")
    ]


async def test_demo_tier_one_reaches_the_feishu_group_as_a_card_and_a_press_acks_it(
    tmp_path: Path, fake: FakeFeishu, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(tmp_path)
    with_feishu(path, fake)
    monkeypatch.setenv("FEISHU_APP_ID", APP_ID)
    monkeypatch.setenv("FEISHU_APP_SECRET", APP_SECRET)
    bot = await asyncio.to_thread(Bot, path, tmp_path)
    try:
        card = (await fake.wait_for(lambda: tier_one(fake), within=90))[0]
        assert card.msg_type == "interactive" and card.content["config"]["update_multi"] is True
        assert card.content["header"]["template"] == "red"
        number = card.presses()[0].split("|")[1]
        assert number in card.text and card.presses() == [f"a|{number}", f"g|{number}", f"r|{number}"]
        answer = await fake.push(fake.press(GROUP, QIAN, card.message_id, f"a|{number}"), within=30)
        assert answer["code"] == 200 and "钱飞书" in answer["data"]["toast"]["content"]
        await fake.wait_for(lambda: "确认：钱飞书" in card.text, within=30)  # the same card, patched
        assert card.patches >= 1 and "已确认" in card.text and f"a|{number}" not in card.presses()
        await asyncio.to_thread(bot.wait_for, rf"更新 {number} 🔴I 已确认（钱飞书）")  # the console copy
    finally:
        code, err = await asyncio.to_thread(bot.stop)
    assert code == 0, err
    assert "Traceback" not in err and APP_SECRET not in err + bot.output
    store = TinyDBStore(str(tmp_path / "data" / "yuqing.json"))
    await store.open()
    try:
        incident = await store.get_incident(number)
        assert incident is not None and incident.status is Status.ACKNOWLEDGED and incident.acked_by == "钱飞书"
    finally:
        await store.close()
