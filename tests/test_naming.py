"""Sources and chats are shown by the names an office knows."""

from __future__ import annotations

from bot.naming import chat_label, chat_names, source_names
from tests.conftest import make_config


def test_chats_are_named_by_config_else_platform_and_role():
    config = make_config(
        chats={
            "console": {"enabled": True},
            "telegram": {
                "enabled": True,
                "token": "t",
                "chats": [{"id": -100, "name": "局舆情值班群", "role": "monitors"}, {"id": -200, "role": "leaders"}],
            },
            "wechat": {
                "enabled": True,
                "endpoint": "127.0.0.1:9",
                "token": "t",
                "rooms": [{"id": "r1@chatroom", "role": "all"}],
            },
        }
    )
    names = chat_names(config.chats)
    assert names == {
        "console:console": "控制台",
        "telegram:-100": "局舆情值班群",
        "telegram:-200": "Telegram领导群",
        "wechat:r1@chatroom": "微信工作群",
    }
    assert chat_label(names, "telegram:-200") == "Telegram领导群（telegram:-200）"
    assert chat_label(names, "telegram:-999") == "telegram:-999"  # a chat no longer configured
    assert chat_label(names, "") == ""


def test_sources_are_named_by_config_else_id():
    config = make_config(
        sources=[
            {"id": "city-news", "kind": "rss", "url": "https://news.example.cn/rss", "name": "江城市新闻网"},
            {"id": "bbs", "kind": "rss", "url": "https://bbs.example.cn/rss"},
        ]
    )
    assert source_names(config) == {"city-news": "江城市新闻网", "bbs": "bbs"}
