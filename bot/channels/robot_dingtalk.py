"""钉钉自定义机器人: markdown alerts, text with @mentions by userId or mobile, 加签 (HMAC-SHA256).

Signing: `sign = base64(HMAC-SHA256(key=secret, msg="<timestamp ms>\\n<secret>"))`, sent with the
timestamp as query parameters; the platform refuses a timestamp more than an hour off (310000).
errcode 130101 (send too fast, over 20 a minute) throttles the robot for 10 minutes: wait that long.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from bot.channels.robot_base import RobotChannel
from bot.channels.robot_wecom import is_mobile
from bot.config import RobotConfig
from bot.models import Incident


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The signature DingTalk expects for this timestamp (base64, not yet URL-encoded)."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class DingtalkRobotChannel(RobotChannel):
    name = "dingtalk"
    label = "钉钉"
    windows = ((20, 60.0),)
    max_bytes = 18000  # the platform takes about 20 000 bytes per message
    text_max_bytes = 18000
    throttle_codes = frozenset({130101})
    throttle_wait = 600.0
    bad_config_codes = frozenset({310000, 300001, 300005, 400101})  # signature/keyword/IP, token, robot off
    wall_clock: Callable[[], float] = staticmethod(time.time)  # the signature uses real time, not the app clock

    def alert_body(self, title: str, text: str, incident: Incident) -> dict[str, Any]:
        head, _, rest = text.partition("\n")
        lines = [f"### {head}", *rest.splitlines()]
        return {"msgtype": "markdown", "markdown": {"title": title, "text": "  \n".join(lines)}}

    def text_body(self, text: str, mentions: tuple[str, ...]) -> dict[str, Any]:
        mobiles = [m for m in mentions if is_mobile(m)]
        ids = [m for m in mentions if not is_mobile(m)]
        prefix = "".join(f"@{m} " for m in mentions)  # DingTalk highlights only mentions written in the text
        return {
            "msgtype": "text",
            "text": {"content": prefix + text},
            "at": {"atMobiles": mobiles, "atUserIds": ids, "isAtAll": False},
        }

    def signed(self, robot: RobotConfig, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        url = robot.webhook.get_secret_value()
        secret = robot.secret.get_secret_value()
        if not secret:
            return url, body
        stamp = int(self.wall_clock() * 1000)
        query = urlencode({"timestamp": stamp, "sign": dingtalk_sign(secret, stamp)})
        return f"{url}{'&' if '?' in url else '?'}{query}", body
