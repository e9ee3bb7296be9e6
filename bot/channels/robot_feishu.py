"""飞书自定义机器人: interactive card alerts (request body ≤ 20 KB), text with @ by open_id, 签名校验.

Signing: `sign = base64(HMAC-SHA256(key="<timestamp s>\\n<secret>", msg=""))`, sent in the body with
the timestamp; code 19021 is a bad signature or a clock more than an hour off. The robot takes
100 messages a minute and 5 a second; code 11232 (frequency limited) means wait.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Any

from bot.channels.robot_base import RobotChannel
from bot.config import RobotConfig
from bot.models import Incident

TEMPLATES = {1: "red", 2: "orange", 3: "yellow", 4: "blue"}  # card header colour by tier


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """The signature Feishu expects for this timestamp (the secret string is the HMAC key, the message empty)."""
    return base64.b64encode(hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()


class FeishuRobotChannel(RobotChannel):
    name = "feishu"
    label = "飞书"
    windows = ((100, 60.0), (5, 1.0))
    max_bytes = 16000  # of the card text; the whole request body must stay within 20 KB
    text_max_bytes = 16000
    throttle_codes = frozenset({11232, 9499})
    throttle_wait = 60.0
    bad_config_codes = frozenset({19001, 19021, 19022, 19024})  # token, signature/time, IP, keyword
    wall_clock: Callable[[], float] = staticmethod(time.time)

    @staticmethod
    def error_code(data: dict[str, Any]) -> tuple[int, str]:
        if "code" in data:
            return int(data["code"]), str(data.get("msg", ""))
        return int(data.get("StatusCode", -1)), str(data.get("StatusMessage", ""))  # the older answer shape

    def alert_body(self, title: str, text: str, incident: Incident) -> dict[str, Any]:
        _, _, rest = text.partition("\n")
        return {
            "msg_type": "interactive",
            "card": {
                "config": {"wide_screen_mode": True},
                "header": {
                    "title": {"tag": "plain_text", "content": title},
                    "template": TEMPLATES.get(int(incident.tier), "grey"),
                },
                "elements": [{"tag": "markdown", "content": rest or text}],
            },
        }

    def text_body(self, text: str, mentions: tuple[str, ...]) -> dict[str, Any]:
        prefix = "".join(f'<at user_id="{m}"></at> ' for m in mentions)
        inert = text.replace("<", "＜").replace(">", "＞")  # a scraped `<at user_id="all">` must not @ everyone
        return {"msg_type": "text", "content": {"text": prefix + inert}}

    def signed(self, robot: RobotConfig, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        secret = robot.secret.get_secret_value()
        if not secret:
            return robot.webhook.get_secret_value(), body
        stamp = int(self.wall_clock())
        return robot.webhook.get_secret_value(), {"timestamp": str(stamp), "sign": feishu_sign(secret, stamp), **body}
