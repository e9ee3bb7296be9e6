"""`yuqing-bot run` on the demo config with the 钉钉 app channel pointed at the local fake.

A real process: the demo's tier I item reaches the group as a card; an acknowledgement by
button and one typed in Chinese each update the card in place.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import yaml

from tests.fake_dingtalk_app import Card, FakeDingtalk
from tests.test_cli_run import REPO, free_port

GROUP = "cidDemoGroup+abc/1=="
LIMING = "liming0002"


def demo_config(tmp_path: Path, fake: FakeDingtalk) -> Path:
    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    port = free_port()
    data["demo"]["port"] = port
    for source in data["sources"]:
        source["url"] = source.get("url", "").replace("127.0.0.1:8765", f"127.0.0.1:{port}")
    data["store"]["path"] = str(tmp_path / "data" / "yuqing.json")
    data["evidence"] = {"enabled": False}
    data["chats"]["console"]["enabled"] = False
    for person in data["people"]:
        if person["name"] == "李明":
            person["dingtalk_id"] = LIMING
    data["chats"]["dingtalk_app"] = {
        "enabled": True,
        "client_id": fake.client_id,
        "client_secret": "${DINGTALK_CLIENT_SECRET}",
        "endpoint": fake.endpoint,
        "chats": [{"id": GROUP, "name": "舆情值守群"}],
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def first_card(fake: FakeDingtalk, sign: str) -> Card | None:
    return next((c for c in fake.cards_in(GROUP) if sign in c.text), None)


async def test_demo_tier_one_reaches_dingtalk_and_both_acks_update_the_card(tmp_path: Path) -> None:
    fake = FakeDingtalk(groups={GROUP})
    await fake.start()
    env = dict(os.environ, PYTHONUNBUFFERED="1", DINGTALK_CLIENT_SECRET=fake.client_secret)
    log = (tmp_path / "stderr.txt").open("wb")  # a file, not a pipe: a chatty run never blocks on it
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", "-c", str(demo_config(tmp_path, fake)),
        cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    try:
        await fake.wait(lambda: first_card(fake, "特别重大") is not None, within=60)
        tier_one = first_card(fake, "特别重大")
        assert tier_one is not None
        number = tier_one.presses[0].split("|")[1]
        await fake.wait_ack(await fake.press(tier_one.biz_id, LIMING, f"a|{number}"))
        await fake.wait(lambda: "确认：李明" in tier_one.text, within=10)
        assert f"a|{number}" not in tier_one.presses

        await fake.wait(lambda: any(c.presses[:1] and c.presses[0].startswith("a|") for c in fake.cards_in(GROUP)), 60)
        other = next(c for c in fake.cards_in(GROUP) if c.presses[:1] and c.presses[0].startswith("a|"))
        other_number = other.presses[0].split("|")[1]
        await fake.wait_ack(await fake.message(GROUP, LIMING, f"确认 {other_number}"))
        await fake.wait(lambda: "确认：李明" in other.text, within=10)
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGINT)
        await asyncio.wait_for(proc.wait(), 30)
        log.close()
        await fake.stop()
    err = (tmp_path / "stderr.txt").read_bytes()
    assert proc.returncode == 0, err.decode()
    assert b"Traceback" not in err and fake.client_secret.encode() not in err
