"""Group robots through an office HTTP proxy: per robot or chats-wide, credentials from ${ENV}, never shown.

Real httpx through tests/fake_proxy.py (a forwarding proxy that counts requests) to tests/fake_robots.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.config_loader import ConfigError, parse_config
from bot.models import Tier
from bot.redact import redact
from bot.store.base import Store
from tests.fake_proxy import FakeProxy
from tests.fake_robots import FakeRobots
from tests.robot_rig import new_incident, start_app, stop_app

KEY = "0a1b2c3d-proxy-test-key-wecom-0001"
DT_TOKEN = "dingtalk-token-through-the-proxy"
PROXY_PASSWORD = "Pr0xy-s3cret-pass"


@pytest.fixture
def store(tinydb_store: Store) -> Store:
    return tinydb_store


@pytest.fixture
async def fake() -> AsyncIterator[FakeRobots]:
    robots = FakeRobots(wecom_keys={KEY}, dingtalk={DT_TOKEN: ""})
    await robots.start()
    yield robots
    await robots.stop()


@pytest.fixture
async def proxy() -> AsyncIterator[FakeProxy]:
    server = FakeProxy(user="office", password=PROXY_PASSWORD)
    await server.start()
    yield server
    await server.stop()


def wecom(fake: FakeRobots, **extra: object) -> dict:
    return {"kind": "wecom", "name": "值班群", "webhook": f"{fake.base}/cgi-bin/webhook/send?key={KEY}", **extra}


def dingtalk(fake: FakeRobots, **extra: object) -> dict:
    return {"kind": "dingtalk", "name": "钉钉群", "webhook": f"{fake.base}/robot/send?access_token={DT_TOKEN}", **extra}


async def test_a_robots_own_proxy_carries_its_alert(store, clock, fake, proxy):
    app = await start_app(store, clock, [wecom(fake, proxy=proxy.url), dingtalk(fake)])
    try:
        inc = await new_incident(app, clock, Tier.I)
        await app.delivery.run_once()
        assert [r.split("?")[0] for r in proxy.requests] == [f"POST {fake.base}/cgi-bin/webhook/send"]
        assert inc.number in fake.of("wecom")[0].body["markdown"]["content"]
        assert len(fake.of("dingtalk")) == 1  # no proxy of its own and none chats-wide: direct
    finally:
        await stop_app(app)


async def test_the_chats_wide_proxy_is_the_default_and_direct_opts_out(store, clock, fake, proxy):
    app = await start_app(store, clock, [wecom(fake), dingtalk(fake, proxy="direct")], proxy=proxy.url)
    try:
        await new_incident(app, clock, Tier.I)
        await app.delivery.run_once()
        assert len(proxy.requests) == 1 and "/cgi-bin/webhook/send" in proxy.requests[0]
        assert len(fake.of("wecom")) == 1 and len(fake.of("dingtalk")) == 1
    finally:
        await stop_app(app)


async def test_a_wrong_proxy_password_waits_in_the_outbox_and_is_never_shown(store, clock, fake, proxy):
    wrong = proxy.url.replace(PROXY_PASSWORD, "wrong-password-1")
    app = await start_app(store, clock, [wecom(fake, proxy=wrong)])
    try:
        await new_incident(app, clock, Tier.I)
        await app.delivery.run_once()
        [waiting] = await store.pending_notifications(clock.now() + timedelta(hours=1))
        assert proxy.refused == 1 and fake.of("wecom") == []
        assert "407" in waiting.last_error and "wrong-password-1" not in waiting.last_error
        assert waiting.next_attempt_at == clock.now() + timedelta(minutes=5)
    finally:
        await stop_app(app)


async def test_proxy_down_then_back_loses_nothing(store, clock, fake, proxy):
    app = await start_app(store, clock, [wecom(fake, proxy=proxy.url)])
    try:
        await proxy.stop()
        inc = await new_incident(app, clock, Tier.I)
        await app.delivery.run_once()
        [waiting] = await store.pending_notifications(clock.now() + timedelta(hours=1))
        assert "经代理" in waiting.last_error and PROXY_PASSWORD not in waiting.last_error
        await proxy.start()  # same port
        clock.advance(timedelta(minutes=2))
        await app.delivery.run_once()
        assert [inc.number in r.body["markdown"]["content"] for r in fake.of("wecom")] == [True]
    finally:
        await stop_app(app)


CONFIG = """
chats:
  proxy: {proxy}
  robots:
    - kind: wecom
      name: 值班群
      webhook: ${{WECOM_ROBOT_WEBHOOK}}
"""


def test_proxy_password_comes_from_the_environment_and_is_redacted():
    env = {"WECOM_ROBOT_WEBHOOK": f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}",
           "OFFICE_PROXY": f"http://office:{PROXY_PASSWORD}@10.0.0.8:3128"}  # fmt: skip
    config = parse_config(CONFIG.format(proxy="${OFFICE_PROXY}"), env=env)
    assert config.chats.robot_proxy(config.chats.robots[0]) == env["OFFICE_PROXY"]
    assert PROXY_PASSWORD not in redact(f"connect to {env['OFFICE_PROXY']} failed")


def test_a_proxy_password_written_in_the_file_is_refused():
    env = {"WECOM_ROBOT_WEBHOOK": f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}"}
    with pytest.raises(ConfigError, match=r"chats\.proxy：密钥不能直接写在配置文件里"):
        parse_config(CONFIG.format(proxy=f"http://office:{PROXY_PASSWORD}@10.0.0.8:3128"), env=env)
    config = parse_config(CONFIG.format(proxy="http://10.0.0.8:3128"), env=env)  # no password: fine as is
    assert config.chats.proxy == "http://10.0.0.8:3128"


def test_a_proxy_that_is_not_a_url_is_refused():
    env = {"WECOM_ROBOT_WEBHOOK": f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}"}
    with pytest.raises(ConfigError, match="代理地址"):
        parse_config(CONFIG.format(proxy="10.0.0.8:3128"), env=env)
