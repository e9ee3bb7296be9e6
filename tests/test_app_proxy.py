"""The 企业微信/钉钉/飞书 app channels through an office HTTP proxy: their own `proxy`, or `chats.proxy`.

Each channel's real client goes through tests/fake_proxy.py (it forwards absolute-form requests,
tunnels CONNECT, counts both and wants credentials) to the channel's local fake. The alert goes
out and a typed 确认 comes back and is answered, so both directions used the proxy.
"""

from __future__ import annotations

import logging
import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import summary
from bot.config_loader import ConfigError, parse_config
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
    if shutil.which("openssl") is None:
        pytest.skip("openssl 命令不在 PATH 上：无法为本地 wss:// 模拟服务生成证书")
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


async def test_alerts_wait_in_the_outbox_while_the_proxy_refuses_us(store, clock, tmp_path, proxy) -> None:
    rig = DingtalkAppRig(store, clock, tmp_path)
    rig.section_extra = {"proxy": proxy.url}
    try:
        await rig.start()
        await rig.new_alert()
        proxy.password = "rotated-by-the-office"  # ours is wrong now: 407 to every request
        inc = await rig.incident()
        assert rig.app is not None
        await rig.app.delivery.run_once()
        assert proxy.refused >= 1 and not [t for t in rig.texts() if inc.number in t]
        pending = await store.pending_notifications(clock.now() + timedelta(minutes=10), 100)
        assert [n.target for n in pending] == [rig.audit_chat]  # kept, not dropped: a wait, then again
        proxy.password = PROXY_PASSWORD  # the password in the environment is fixed
        clock.advance(timedelta(minutes=5, seconds=1))
        await rig.app.delivery.run_once()
        await rig.wait_text(lambda t: inc.number in t)
    finally:
        await rig.stop()


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


APP_CONFIG = """
people:
  - {{name: 张三, role: leader, dingtalk_id: zhangsan01}}
chats:
  proxy: ${{OFFICE_PROXY}}
  dingtalk_app:
    enabled: true
    client_id: dingtestappkey0001
    client_secret: ${{DINGTALK_CLIENT_SECRET}}
    proxy: {dingtalk}
    chats: [{{id: "cidA==", name: 领导小组}}]
  feishu_app:
    enabled: true
    app_id: cli_test
    app_secret: ${{FEISHU_APP_SECRET}}
    proxy: {feishu}
    chats: [{{id: oc_a, name: 领导小组}}]
  wecom_app:
    enabled: true
    bot_id: aibtest
    secret: ${{WECOM_BOT_SECRET}}
    chats: [{{id: wrkA, name: 领导群}}]
"""
ENV = {
    "OFFICE_PROXY": f"http://office:{PROXY_PASSWORD}@10.0.0.8:3128",
    "DINGTALK_CLIENT_SECRET": "dingtalk-secret-0001",
    "FEISHU_APP_SECRET": "feishu-secret-0001",
    "WECOM_BOT_SECRET": "wecom-secret-0001",
}


def test_each_app_takes_its_own_proxy_else_chats_proxy_and_direct_means_none() -> None:
    config = parse_config(APP_CONFIG.format(dingtalk="http://10.0.9.9:8080", feishu="direct"), env=ENV)
    assert config.chats.app_proxy("dingtalk_app") == "http://10.0.9.9:8080"
    assert config.chats.app_proxy("feishu_app") == ""
    assert config.chats.app_proxy("wecom_app") == ENV["OFFICE_PROXY"]  # none of its own: the chats-wide one
    shown = summary(config, "config.yaml")
    assert "dingtalk_app × 1（钉钉应用机器人，经代理）" in shown and "feishu_app × 1（飞书应用）" in shown
    assert "wecom_app × 1（企业微信智能机器人，经代理）" in shown and PROXY_PASSWORD not in shown


def test_an_app_proxy_password_in_the_file_or_a_proxy_that_is_no_url_is_refused() -> None:
    literal = f"http://office:{PROXY_PASSWORD}@10.0.0.8:3128"
    with pytest.raises(ConfigError, match="密钥不能直接写在配置文件里"):
        parse_config(APP_CONFIG.format(dingtalk=literal, feishu='""'), env=ENV)
    with pytest.raises(ConfigError, match="代理地址"):
        parse_config(APP_CONFIG.format(dingtalk='""', feishu="10.0.0.8:3128"), env=ENV)
