"""企业微信群机器人: markdown alerts (≤ 4096 bytes), text with @mentions by userid or mobile.

The webhook is `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`; no signing.
errcode 45009 means the robot sent more than 20 messages in a minute: wait.
"""

from __future__ import annotations

from typing import Any

from bot.channels.robot_base import RobotChannel
from bot.models import Incident

MOBILE_DIGITS = 11


def is_mobile(value: str) -> bool:
    """A mainland mobile number (what `people[].mobile` holds), as opposed to a platform user id."""
    return value.lstrip("+").isdigit() and len(value.lstrip("+")) >= MOBILE_DIGITS


class WecomRobotChannel(RobotChannel):
    name = "wecom"
    label = "企业微信"
    windows = ((20, 60.0),)
    max_bytes = 4096  # markdown
    text_max_bytes = 2048
    throttle_codes = frozenset({45009})
    bad_config_codes = frozenset({93000, 40001, 40014})  # invalid webhook key / credential

    def alert_body(self, title: str, text: str, incident: Incident) -> dict[str, Any]:
        head, _, rest = text.partition("\n")
        colour = "warning" if incident.tier.value <= 2 else "info"
        return {"msgtype": "markdown", "markdown": {"content": f'<font color="{colour}">**{head}**</font>\n{rest}'}}

    def text_body(self, text: str, mentions: tuple[str, ...]) -> dict[str, Any]:
        body: dict[str, Any] = {"content": text}
        if mentions:
            body["mentioned_list"] = [m for m in mentions if not is_mobile(m)]
            body["mentioned_mobile_list"] = [m for m in mentions if is_mobile(m)]
        return {"msgtype": "text", "text": body}
