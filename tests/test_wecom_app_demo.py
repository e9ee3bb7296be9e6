"""`yuqing-bot run` on the shipped config.yaml with chats.wecom_app on: the demo's tier I item reaches the group.

A real process against the local fake service; the person in the group acks by pressing the card's button.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml

from bot.models import Status
from bot.store.tinydb_store import TinyDBStore
from tests.fake_wecom_app import FakeWecomApp, Sent
from tests.test_cli_run import Bot, write_config

BOT_ID, SECRET, GROUP = "aibDemoBot", "demo-secret-value-0001", "wrkDemoLeaders"


@pytest.fixture
async def fake() -> AsyncIterator[FakeWecomApp]:
    service = FakeWecomApp(bots={BOT_ID: SECRET}, groups={GROUP})
    await service.start()
    yield service
    await service.stop()


def with_wecom(path: Path, fake: FakeWecomApp) -> None:
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["chats"]["wecom_app"] = {
        "enabled": True,
        "bot_id": "${WECOM_BOT_ID}",
        "secret": "${WECOM_BOT_SECRET}",
        "ws_url": fake.url,
        "chats": [{"id": GROUP, "name": "舆情领导小组", "tiers": ["I", "II"]}],
    }
    config["people"].append({"name": "赵企微", "role": "leader", "wecom_userid": "zhaoqw"})
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


def tier_one(fake: FakeWecomApp) -> list[Sent]:
    return [s for s in fake.of("aibot_send_msg", GROUP) if "特别重大" in s.card.get("main_title", {}).get("title", "")]


async def test_demo_tier_one_reaches_the_group_as_a_card_and_a_press_acks_it(
    tmp_path: Path, fake: FakeWecomApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(tmp_path)
    with_wecom(path, fake)
    monkeypatch.setenv("WECOM_BOT_ID", BOT_ID)
    monkeypatch.setenv("WECOM_BOT_SECRET", SECRET)
    bot = await asyncio.to_thread(Bot, path, tmp_path)
    try:
        (alert,) = await fake.wait_for(lambda: tier_one(fake), within=60)
        number = alert.card["main_title"]["desc"]
        assert alert.card["button_list"][0]["key"] == f"a|{number}"
        req = await fake.press(GROUP, "zhaoqw", alert.card["task_id"], f"a|{number}")
        await fake.wait_for(lambda: fake.answers_to(req), within=10)
        assert "已确认" in fake.cards[alert.card["task_id"]]["main_title"]["title"]
        await asyncio.to_thread(bot.wait_for, rf"更新 {number} 🔴I 已确认（赵企微）")  # the console copy
    finally:
        code, err = await asyncio.to_thread(bot.stop)
    assert code == 0, err
    assert "Traceback" not in err and SECRET not in err + bot.output
    store = TinyDBStore(str(tmp_path / "data" / "yuqing.json"))
    await store.open()
    try:
        incident = await store.get_incident(number)
        assert incident is not None and incident.status is Status.ACKNOWLEDGED and incident.acked_by == "赵企微"
    finally:
        await store.close()
