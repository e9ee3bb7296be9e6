"""Check tests/fake_wecom_app.py against the official 企业微信智能机器人 SDK (run it in the SDK's own venv).

The SDK needs pyee>=11 and cannot live in the bot's venv (wechaty pins pyee<9), so:

    python3.11 -m venv /tmp/wecom-sdk
    /tmp/wecom-sdk/bin/pip install wecom-aibot-python-sdk==1.0.2
    /tmp/wecom-sdk/bin/python scripts/check_wecom_fake.py

The SDK only dials wss:// and trusts certifi's CAs alone, so the fake serves TLS with a
throw-away certificate and the SDK's context is pointed at it. Exit status 0: the SDK
subscribed, pinged, sent a card, replied to a message, redrew a pressed card and saw a
wrong secret refused, exactly as against the real service.
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import ssl
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aibot.ws
from aibot import WSClient, WSClientOptions
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.fake_wecom_app import FakeWecomApp

KEY = "a|YQ-20261130-0001"


def throwaway_tls(folder: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server context, client context trusting only it) for 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return server, ssl.create_default_context(cafile=str(folder / "cert.pem"))


async def check(folder: Path) -> list[str]:
    server, client_tls = throwaway_tls(folder)
    aibot.ws._SSL_CONTEXT = client_tls  # the SDK's module-level context (certifi only)
    fake = FakeWecomApp(bots={"bot": "secret"}, groups={"g1"}, tls=server)
    await fake.start()
    problems: list[str] = []
    answers: dict[str, dict] = {}
    done = {name: asyncio.Event() for name in ("auth", "text", "press")}
    client = WSClient(WSClientOptions(bot_id="bot", secret="secret", ws_url=fake.url, heartbeat_interval=100))
    client.on("authenticated", lambda: done["auth"].set())

    async def on_text(frame: dict) -> None:
        answers["reply"] = await client.reply_stream(frame, "s1", "收到", True)
        done["text"].set()

    async def on_press(frame: dict) -> None:
        task_id = frame["body"]["event"]["template_card_event"]["task_id"]
        card = {"card_type": "button_interaction", "task_id": task_id, "button_list": []}
        answers["update"] = await client.update_template_card(frame, card)
        done["press"].set()

    client.on("message.text", on_text)
    client.on("event.template_card_event", on_press)
    try:
        await client.connect()
        await asyncio.wait_for(done["auth"].wait(), 5)
        card = {"card_type": "button_interaction", "task_id": "T1", "button_list": [{"text": "确认", "key": KEY}]}
        answers["send"] = await client.send_message("g1", {"msgtype": "template_card", "template_card": card})
        await fake.say("g1", "u1", "@机器人 确认")
        await asyncio.wait_for(done["text"].wait(), 5)
        await fake.press("g1", "u1", "T1", KEY)
        await asyncio.wait_for(done["press"].wait(), 5)
        await asyncio.sleep(0.35)
        for name in ("send", "reply", "update"):
            if answers.get(name, {}).get("errcode") != 0:
                problems.append(f"{name}: {answers.get(name)}")
        if fake.pings < 2:
            problems.append(f"pings answered: {fake.pings}")
        if fake.cards.get("T1", {}).get("button_list") != []:
            problems.append("the pressed card was not redrawn")
    finally:
        client.disconnect()
    errors: list[str] = []
    bad = WSClient(WSClientOptions(bot_id="bot", secret="wrong", ws_url=fake.url, max_reconnect_attempts=0))
    bad.on("error", lambda exc: errors.append(str(exc)))
    await bad.connect()
    await asyncio.sleep(0.3)
    bad.disconnect()
    if not any("Authentication failed" in e for e in errors):
        problems.append(f"a wrong secret was not refused: {errors}")
    await asyncio.sleep(0.1)
    await fake.stop()
    return problems


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        problems = asyncio.run(check(Path(folder)))
    print("\n".join(problems) or "OK: the official SDK behaves against the fake as against the service")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
