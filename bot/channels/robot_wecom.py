"""企业微信群机器人: markdown alerts (≤ 4096 bytes), text with @mentions by userid or mobile, pictures.

The webhook is `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`; no signing.
errcode 45009 means the robot sent more than 20 messages in a minute: wait.
A picture (the briefing chart) goes as `msgtype: image`: base64 of a JPG or PNG of at
most 2 MB before encoding, with the md5 of those bytes; anything else gets the caption and a note.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any, Literal

from bot.channels.robot_base import RobotChannel
from bot.models import Incident

MOBILE_DIGITS = 11
MAX_IMAGE_BYTES = 2 * 1024 * 1024
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")  # PNG, JPEG: the two formats the robot takes


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

    async def send_file(
        self,
        chat_id: str,
        data: bytes,
        filename: str,
        caption: str = "",
        kind: Literal["photo", "document"] = "document",
    ) -> str:
        """A PNG/JPG picture within 2 MB as an image message; otherwise the caption with a note why not."""
        if kind != "photo" or not data.startswith(_IMAGE_MAGIC):
            return await super().send_file(chat_id, data, filename, caption, kind)
        if len(data) > MAX_IMAGE_BYTES:
            size = f"{len(data) / 1024 / 1024:.1f} MB"
            return await self.send_text(
                chat_id, f"{caption}\n（图片 {filename} 为 {size}，超过企业微信群机器人 2 MB 上限，未发送）".strip()
            )
        image = {"base64": base64.b64encode(data).decode(), "md5": hashlib.md5(data, usedforsecurity=False).hexdigest()}
        return await self._send(chat_id, [{"msgtype": "image", "image": image}])
