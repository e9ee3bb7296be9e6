"""The chats.wechat section: an endpoint is required and checked, the token never shows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from bot.config import WechatConfig


def test_enabled_wechat_needs_a_host_port_endpoint():
    with pytest.raises(ValidationError, match=r"需要 chats\.wechat\.endpoint"):
        WechatConfig(enabled=True, token="t")
    for bad in ("127.0.0.1", "127.0.0.1:http", ":8788", "host:70000"):
        with pytest.raises(ValidationError, match="应为 主机:端口"):
            WechatConfig(enabled=True, endpoint=bad, token="t")
    assert WechatConfig(enabled=True, endpoint="puppet.internal:8788", token="t").endpoint == "puppet.internal:8788"
    assert WechatConfig().endpoint == ""  # disabled: nothing required


def test_enabled_wechat_needs_a_token():
    """python-wechaty sends the token as the gRPC :authority; without one it cannot even connect."""
    with pytest.raises(ValidationError, match=r"需要 chats\.wechat\.token"):
        WechatConfig(enabled=True, endpoint="127.0.0.1:8788")


def test_defaults_and_durations():
    config = WechatConfig.model_validate(
        {"enabled": True, "endpoint": "127.0.0.1:8788", "token": "t", "throttle_backoff": "5m", "reconnect": "30s"}
    )
    assert config.throttle_backoff == timedelta(minutes=5) and config.reconnect == timedelta(seconds=30)
    assert config.throttle_max == timedelta(minutes=30) and config.plugin_port == 0
    assert config.keepalive == timedelta(minutes=5) and config.keepalive_timeout == timedelta(seconds=20)
    with pytest.raises(ValidationError):
        WechatConfig(keepalive="0")  # a PING every 0 s would spin
    with pytest.raises(ValidationError):
        WechatConfig.model_validate({"enabled": True, "endpoint": "127.0.0.1:8788", "token": "t", "throttle": "5m"})


def test_token_is_redacted():
    config = WechatConfig(enabled=True, endpoint="127.0.0.1:8788", token="s3cret-token")
    assert "s3cret-token" not in repr(config) and "s3cret-token" not in str(config)
    assert config.token.get_secret_value() == "s3cret-token"
