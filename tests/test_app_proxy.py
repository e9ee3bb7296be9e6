"""The 企业微信/钉钉/飞书 app channels through an office HTTP proxy: their own `proxy`, or `chats.proxy`.

Each channel's real client goes through tests/fake_proxy.py (it forwards absolute-form requests,
tunnels CONNECT, counts both and wants credentials) to the channel's local fake. The alert goes
out and a typed 确认 comes back and is answered, so both directions used the proxy.
"""

from __future__ import annotations

import logging
import ssl
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store.base import Store
from tests.chat_contract import ChatRig, DingtalkAppRig, FeishuAppRig, WecomAppRig
from tests.fake_proxy import FakeProxy

PROXY_PASSWORD = "Pr0xy-s3cret-pass"


@pytest.fixture
def store(tinydb_store: Store) -> Store:
    return tinydb_store


@pytest.fixture
async def proxy() -> AsyncIterator[FakeProxy]:
    server = FakeProxy(user="office", password=PROXY_PASSWORD)
    await server.start()
    yield server
    await server.stop()


async def round_trip(rig: ChatRig) -> None:
    """An alert reaches the group; 确认 typed there is acted on and answered."""
    try:
        await rig.start()
        inc = await rig.new_alert()
        await rig.say("李明", f"确认 {inc.number} 收到")
        await rig.wait_text(lambda t: f"{inc.number} 已由李明确认" in t)
    finally:
        await rig.stop()


async def test_dingtalk_app_openapi_and_stream_go_through_its_proxy(store, clock, tmp_path, proxy, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    rig = DingtalkAppRig(store, clock, tmp_path)
    rig.section_extra = {"proxy": proxy.url}
    await round_trip(rig)
    base = rig.fake.endpoint
    port = base.rsplit(":", 1)[1]
    assert proxy.requests[:2] == [f"POST {base}/v1.0/gateway/connections/open", f"CONNECT 127.0.0.1:{port}"]
    assert f"POST {base}/v1.0/oauth2/accessToken" in proxy.requests
    assert f"POST {base}/v1.0/im/v1.0/robot/interactiveCards/send" in proxy.requests  # the alert card
    assert f"POST {base}/v1.0/robot/groupMessages/send" in proxy.requests  # the answer to 确认
    assert proxy.refused == 0 and PROXY_PASSWORD not in caplog.text


async def test_feishu_app_http_and_long_connection_go_through_chats_proxy(
    store, clock, tmp_path, proxy, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    rig = FeishuAppRig(store, clock, tmp_path)
    rig.chats_extra = {"proxy": proxy.url}  # chats-wide: the section sets none of its own
    await round_trip(rig)
    base = rig.fake.domain
    port = base.rsplit(":", 1)[1]
    # the endpoint (requests, on the connection's thread), then the websocket as a tunnel
    assert proxy.requests[:2] == [f"POST {base}/callback/ws/endpoint", f"CONNECT 127.0.0.1:{port}"]
    assert f"POST {base}/open-apis/auth/v3/tenant_access_token/internal" in proxy.requests  # requests, in a worker
    assert f"POST {base}/open-apis/im/v1/messages?receive_id_type=chat_id" in proxy.requests  # httpx: the alert
    assert any(r.startswith(f"POST {base}/open-apis/im/v1/messages/") and r.endswith("/reply") for r in proxy.requests)
    assert proxy.refused == 0 and PROXY_PASSWORD not in caplog.text


async def test_feishu_app_direct_goes_around_chats_proxy(store, clock, tmp_path, proxy) -> None:
    rig = FeishuAppRig(store, clock, tmp_path)
    rig.chats_extra = {"proxy": proxy.url}
    rig.section_extra = {"proxy": "direct"}
    await round_trip(rig)
    assert proxy.requests == []


@pytest.fixture
def trusted_tls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """A certificate for 127.0.0.1 the fake serves wss:// with, trusted by aiohttp's client for this test."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    import aiohttp.connector

    client = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(aiohttp.connector, "_SSL_CONTEXT_VERIFIED", client)  # what ws_connect verifies with
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    return server


async def test_wecom_app_websocket_goes_through_its_proxy(store, clock, tmp_path, proxy, trusted_tls, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    rig = WecomAppRig(store, clock, tmp_path)
    rig.tls = trusted_tls  # wss://, as the service serves: through a proxy that is a CONNECT tunnel
    rig.section_extra = {"proxy": proxy.url}
    await round_trip(rig)
    port = rig.fake.url.rstrip("/").rsplit(":", 1)[1]
    assert proxy.requests == [f"CONNECT 127.0.0.1:{port}"]  # everything, both ways, is on that one websocket
    assert proxy.refused == 0 and PROXY_PASSWORD not in caplog.text


async def test_a_wrong_proxy_password_is_refused_and_nothing_gets_through(store, clock, tmp_path, proxy) -> None:
    rig = DingtalkAppRig(store, clock, tmp_path)
    rig.section_extra = {"proxy": proxy.url.replace(PROXY_PASSWORD, "wrong")}
    try:
        await rig.start()
    except TimeoutError:
        pass
    finally:
        await rig.stop()
    assert proxy.refused >= 1 and proxy.requests == []
